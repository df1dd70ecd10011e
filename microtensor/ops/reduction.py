"""Reductions: sum and max/min over dimensions (mean is sum times a constant).

``dim`` is None (all elements) or a tuple of non-negative axes, normalised by the
caller (``normalize_dims``).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from microtensor.core.function import Context, Function
from microtensor.ops.shape import BroadcastTo, Reshape
from microtensor.core.tensor import Tensor


def normalize_dims(dim: Any, ndim: int) -> tuple[int, ...] | None:
    """``dim`` as a sorted tuple of non-negative axes (None stays None)."""
    if dim is None:
        return None
    dims = (dim,) if isinstance(dim, int | np.integer) else tuple(dim)
    result = []
    for d in dims:
        if not -max(ndim, 1) <= d < max(ndim, 1):
            raise IndexError(
                f"Dimension out of range (expected to be in range of "
                f"[{-max(ndim, 1)}, {max(ndim, 1) - 1}], but got {d})"
            )
        result.append(int(d) % max(ndim, 1))
    return tuple(sorted(set(result))) if ndim else ()


def _kept_shape(shape: tuple[int, ...], dim: tuple[int, ...] | None) -> tuple[int, ...]:
    """``shape`` with the reduced axes set to 1 (what keepdim=True gives)."""
    if dim is None:
        return (1,) * len(shape)
    return tuple(1 if i in dim else size for i, size in enumerate(shape))


class Sum(Function):
    """Sum over ``dim`` (all elements if None). d/dx = 1: the gradient is broadcast back."""

    @staticmethod
    def forward(
        ctx: Context, x: np.ndarray, dim: tuple[int, ...] | None = None, keepdim: bool = False
    ) -> np.ndarray:
        ctx.input_shape = x.shape
        ctx.dim = dim
        return np.asarray(x.sum(axis=dim, keepdims=keepdim))

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        if ctx.dim is not None:  # put back the summed axes as 1s, then broadcast
            kept = _kept_shape(ctx.input_shape, ctx.dim)
            if grad_output.shape != kept:
                grad_output = Reshape.apply(grad_output, kept)
        return BroadcastTo.apply(grad_output, ctx.input_shape)


class Max(Function):
    """Max over one ``dim``, or over all elements when ``dim`` is None.

    The gradient goes, as in PyTorch, to the index that ``max(dim)`` returns (the first
    maximum); over all elements it is shared equally among tied maxima. The routing mask
    is a constant, so the second derivative is 0 away from ties.
    """

    reduce = staticmethod(np.max)
    arg = staticmethod(np.argmax)

    @classmethod
    def forward(
        cls, ctx: Context, x: np.ndarray, dim: int | None = None, keepdim: bool = False
    ) -> np.ndarray:
        ctx.input_shape = x.shape
        ctx.dim = dim
        if dim is None:
            output = cls.reduce(x)
            mask = x == output
            ctx.save_for_backward((mask / mask.sum()).astype(x.dtype))
            return np.asarray(output)
        indices = np.expand_dims(cls.arg(x, axis=dim), dim)
        ctx.indices = indices
        mask = np.zeros(x.shape, dtype=x.dtype)
        np.put_along_axis(mask, indices, 1, axis=dim)
        ctx.save_for_backward(mask)
        output = np.take_along_axis(x, indices, axis=dim)
        return output if keepdim else output.squeeze(dim)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        (mask,) = ctx.saved_tensors
        kept = _kept_shape(ctx.input_shape, None if ctx.dim is None else (ctx.dim,))
        if grad_output.shape != kept:
            grad_output = Reshape.apply(grad_output, kept)
        return grad_output * mask


class Min(Max):
    """Min over one ``dim`` or all elements; the gradient as for ``Max``."""

    reduce = staticmethod(np.min)
    arg = staticmethod(np.argmin)


# ----- user-facing reductions, composed from the primitives above -----------------


def mean(x: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """Sum times 1/count over ``dim``."""
    dims = normalize_dims(dim, x.ndim)
    count = x.data.size if dims is None else math.prod(x.shape[d] for d in dims)
    return Sum.apply(x, dim=dims, keepdim=keepdim) * (1.0 / max(count, 1))


def extremum(x: Tensor, function: type[Max], dim: Any, keepdim: bool) -> Any:
    """``max``/``min``: a Tensor over all elements, or ``(values, indices)`` over ``dim``."""
    from microtensor.core.tensor import MaxMin

    name = function.__name__.lower()
    if x.data.size == 0:
        raise RuntimeError(f"{name}(): expected a non-empty tensor, got shape {x.shape}")
    if dim is None:
        return function.apply(x)
    (axis,) = normalize_dims(dim, x.ndim) or (0,)
    values = function.apply(x, dim=axis, keepdim=keepdim)
    indices = function.arg(x.data, axis=axis)
    if keepdim:
        indices = np.expand_dims(indices, axis)
    return MaxMin(values, Tensor._make(indices.astype(np.int64), None))


def argmax(x: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """Index of the first maximum (of the flattened tensor when ``dim`` is None)."""
    if dim is None:
        return Tensor._make(np.asarray(np.argmax(x.data), dtype=np.int64), None)
    (axis,) = normalize_dims(dim, x.ndim) or (0,)
    return Tensor._make(np.argmax(x.data, axis=axis, keepdims=keepdim).astype(np.int64), None)
