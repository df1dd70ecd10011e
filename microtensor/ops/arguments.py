"""Argument parsing shared by the public ops and the layers: one home, one message each.

* ``dim_index``: one dimension, negative allowed, as a non-negative axis;
* ``normalize_dims``: ``None``, one dim or several, as a sorted tuple of axes;
* ``shape_args``: ``f(2, 3)`` and ``f((2, 3))`` alike;
* ``pair``: an int or a pair of ints (kernel sizes, strides, paddings);
* ``keepdim_arg``, ``reduce_dims``: ``keepdim`` or its alias ``keepdims``; reduced dims.
"""

from __future__ import annotations

from typing import Any

import numpy as np

Pair = tuple[int, int]


def dim_index(dim: int, ndim: int, op: str) -> int:
    """``dim`` in ``[-ndim, ndim)`` as a non-negative axis; a 0-d tensor accepts -1 and 0.

    IndexError otherwise, with PyTorch's wording.
    """
    size = max(ndim, 1)
    if not -size <= dim < size:
        raise IndexError(
            f"{op}: Dimension out of range (expected to be in range of "
            f"[{-size}, {size - 1}], but got {dim})"
        )
    return int(dim) % size


def normalize_dims(dim: Any, ndim: int, op: str) -> tuple[int, ...] | None:
    """``dim`` (None, an int or a sequence of ints) as a sorted tuple of distinct axes.

    None stays None (all dimensions); a 0-d tensor has no axes, so it gives ``()``.
    """
    if dim is None:
        return None
    dims = (dim,) if isinstance(dim, int | np.integer) else tuple(dim)
    axes = {dim_index(d, ndim, op) for d in dims}
    return tuple(sorted(axes)) if ndim else ()


def shape_args(shape: tuple[Any, ...]) -> tuple[int, ...]:
    """Sizes given as ``f(2, 3)`` or ``f((2, 3))`` (or a list), as a tuple of ints."""
    if len(shape) == 1 and isinstance(shape[0], tuple | list):
        shape = tuple(shape[0])
    return tuple(int(s) for s in shape)


def pair(value: Any, name: str, op: str, minimum: int | None = None) -> Pair:
    """``value`` as ``(int, int)``; an int is used for both sides.

    TypeError for anything but an int or a pair of ints; with ``minimum`` (1: positive,
    0: non-negative), ValueError for a smaller entry.
    """
    if type(value) is int or isinstance(value, np.integer):
        result = (int(value), int(value))
    elif (
        isinstance(value, tuple | list)
        and len(value) == 2
        and all(isinstance(v, int | np.integer) and not isinstance(v, bool) for v in value)
    ):
        result = (int(value[0]), int(value[1]))
    else:
        raise TypeError(f"{op}: {name} must be an int or a pair of ints, got {value!r}")
    if minimum is not None and min(result) < minimum:
        wanted = "positive" if minimum == 1 else f"at least {minimum}"
        if minimum == 0:
            wanted = "non-negative"
        raise ValueError(f"{op}: {name} must be {wanted}, got {name}={result}")
    return result


def keepdim_arg(keepdim: bool, keepdims: bool | None, op: str) -> bool:
    """``keepdim``, or NumPy's spelling ``keepdims`` where PyTorch accepts it as an alias.

    Both given is a TypeError, as PyTorch's ("got multiple values").
    """
    if keepdims is None:
        return bool(keepdim)
    if keepdim:
        raise TypeError(f"{op}(): got multiple values for argument 'keepdim' (and 'keepdims')")
    return bool(keepdims)


def reduce_dims(dim: Any, ndim: int, op: str) -> tuple[int, ...] | None:
    """Like ``normalize_dims``, but an empty tuple means every dimension (as amax, var)."""
    dims = normalize_dims(dim, ndim, op)
    return None if dims == () else dims


def check_window(op: str, kernel_size: Any, stride: Any, padding: Any) -> Any:
    """A pooling layer's window arguments checked (as ``pair`` does); returns the stride,
    which defaults to the kernel size. The layers keep the values as given, as PyTorch's."""
    pair(kernel_size, "kernel_size", op, minimum=1)
    if stride is not None:
        pair(stride, "stride", op, minimum=1)
    pair(padding, "padding", op, minimum=0)
    return kernel_size if stride is None else stride


REDUCTIONS = ("mean", "sum", "none")
"""The ``reduction`` values of the losses."""


def check_reduction(reduction: Any, op: str, allowed: tuple[str, ...] = REDUCTIONS) -> None:
    """ValueError, with PyTorch's wording, for a ``reduction`` not among ``allowed``."""
    if reduction not in allowed:
        raise ValueError(
            f"{op}: {reduction} is not a valid value for reduction (expected one of "
            f"{', '.join(repr(r) for r in allowed)})"
        )
