"""Selection: narrow, unbind (views), index_select, masked_fill (``masked_fill_``),
masked_select, nonzero, argwhere.

All are made of the primitives of ``shape.py`` and ``layout.py``, so they are
differentiable where PyTorch's are: ``narrow`` and ``unbind`` are basic indexing (views
sharing the version counter, as in PyTorch), ``index_select`` is ``x[:, index]`` (``Index``),
``masked_fill`` writes through ``IndexPut`` (d/dx = g off the mask, d/dvalue = sum of g on
it), ``masked_select`` is ``expand`` then a boolean ``Index``. ``nonzero`` has no gradient.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from microtensor.core.tensor import Tensor
from microtensor.ops.arguments import dim_index
from microtensor.ops.gather import _index_array
from microtensor.ops.layout import expand
from microtensor.ops.shape import Index, IndexPut, Reshape
from microtensor.ops.table import public


@public()
def index_select(input: Tensor, dim: int, index: Tensor) -> Tensor:
    """The entries of ``input`` at positions ``index`` (a vector of int64/int32; repeats
    allowed) along ``dim``: ``out = input[..., index, ...]``, a copy of ``input``'s dims with
    ``len(index)`` at ``dim``."""
    array = _index_array(index, "index_select")
    if array.ndim > 1:
        raise IndexError(
            f"index_select(): Index is supposed to be a vector, got shape {array.shape}"
        )
    d = dim_index(dim, input.ndim, "index_select")
    size = input.shape[d] if input.ndim else 1
    outside = array[(array < 0) | (array >= size)]
    if outside.size:
        raise RuntimeError(
            f"index_select(): index {outside.flat[0]} is out of range for dimension {d} "
            f"with size {size}"
        )
    if input.ndim == 0:
        if array.size != 1:
            raise RuntimeError(
                f"index_select(): Index to scalar can have only 1 value, got {array.size} "
                "value(s)"
            )
        return Reshape.apply(input, ())
    return Index.apply(input, (slice(None),) * d + (array.reshape(-1),))


def _mask(mask: Any, op: str) -> np.ndarray:
    if not isinstance(mask, Tensor):
        raise TypeError(f"{op}(): argument 'mask' must be a Tensor, not {type(mask).__name__}")
    if mask.dtype != np.bool_:
        raise RuntimeError(
            f"{op}: only boolean masks are supported (expected BoolTensor for mask), got a "
            f"mask of dtype {mask.dtype}; compare first, e.g. mask != 0"
        )
    return mask._array


def _broadcast(input: Tensor, mask: np.ndarray, op: str) -> tuple[Tensor, np.ndarray]:
    """``input`` (expanded, a view) and ``mask`` broadcast to their common shape."""
    try:
        shape = np.broadcast_shapes(input.shape, mask.shape)
    except ValueError:
        raise RuntimeError(
            f"{op}: the mask of shape {mask.shape} does not broadcast with the input of "
            f"shape {input.shape}"
        ) from None
    if shape != input.shape:
        input = expand(input, shape)
    return input, np.broadcast_to(mask, shape)


@public(inplace=("masked_fill_",))
def masked_fill(input: Tensor, mask: Tensor, value: Any) -> Tensor:
    """A copy of ``input`` with ``value`` (a number or a 0-d Tensor) where the boolean
    ``mask`` (broadcast with ``input``) is True. Differentiable in ``input`` (g off the
    mask) and in a Tensor ``value`` (the sum of g on the mask)."""
    array = _mask(mask, "masked_fill")
    if isinstance(value, Tensor):
        if value.ndim:
            raise RuntimeError(
                "masked_fill_ only supports a 0-dimensional value tensor, but got tensor "
                f"with {value.ndim} dimension(s)."
            )
    elif not isinstance(value, bool | int | float | np.number):
        raise TypeError(
            f"masked_fill(): value must be a number or a 0-d Tensor, got {type(value).__name__}"
        )
    input, array = _broadcast(input, array, "masked_fill")
    return IndexPut.apply(input, value, array)


@public()
def masked_select(input: Tensor, mask: Tensor) -> Tensor:
    """The entries of ``input`` where the boolean ``mask`` is True (both broadcast to
    their common shape), as a 1-D tensor in row-major order."""
    input, array = _broadcast(input, _mask(mask, "masked_select"), "masked_select")
    return Index.apply(input, array)


@public()
def nonzero(input: Tensor, *, as_tuple: bool = False) -> Any:
    """The positions of the non-zero entries: an int64 tensor of shape ``(n, input.ndim)``,
    one row per entry in row-major order; with ``as_tuple=True`` a tuple of ``ndim`` 1-D
    int64 tensors (one, of 0 or 1 entries, for a 0-d input). No gradient."""
    if not as_tuple:
        return Tensor._make(np.argwhere(input._array).astype(np.int64))
    if input.ndim == 0:
        return (Tensor._make(np.zeros(int(bool(input._array)), dtype=np.int64)),)
    return tuple(Tensor._make(p.astype(np.int64)) for p in np.nonzero(input._array))


@public()
def argwhere(input: Tensor) -> Tensor:
    """``nonzero(input)``: the ``(n, ndim)`` int64 positions of the non-zero entries."""
    return nonzero(input)


@public()
def narrow(input: Tensor, dim: int, start: Any, length: int) -> Tensor:
    """A view of ``length`` elements of dimension ``dim`` from ``start`` (may be negative,
    or a 0-d integer tensor): ``input[..., start:start + length, ...]``."""
    if input.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    d = dim_index(dim, input.ndim, "narrow")
    size = input.shape[d]
    start = int(start.item()) if isinstance(start, Tensor) else int(start)
    if not -size <= start <= size:
        raise IndexError(
            f"narrow: start out of range (expected to be in range of [{-size}, {size}], "
            f"but got {start})"
        )
    start += size if start < 0 else 0
    if length < 0:
        raise RuntimeError(f"narrow(): length must be non-negative, got {length}.")
    if start + length > size:
        raise RuntimeError(
            f"narrow: start ({start}) + length ({length}) exceeds dimension size ({size}) "
            f"of dimension {dim} of a tensor of shape {input.shape}."
        )
    return Index.apply(input, (slice(None),) * d + (slice(start, start + length),))


@public()
def unbind(input: Tensor, dim: int = 0) -> tuple[Tensor, ...]:
    """The slices along ``dim``, each a view with that dimension removed."""
    if input.ndim == 0:
        raise IndexError("unbind: Dimension specified as 0 but tensor has no dimensions")
    d = dim_index(dim, input.ndim, "unbind")
    return tuple(Index.apply(input, (slice(None),) * d + (i,)) for i in range(input.shape[d]))
