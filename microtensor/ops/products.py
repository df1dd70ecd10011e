"""Products and running sums: the primitives Prod, ProdOthers, Cumsum; the ops prod, cumsum.

The gradient of a product is the product of the *other* factors, which ``ProdOthers``
computes from prefix and suffix products: exact when some factors are 0 (one zero: only
its own position gets a gradient, the product of the rest; two or more: none), where
``prod / x`` would divide by zero. PyTorch's results are the same.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from microtensor.core import dtypes
from microtensor.core.function import Context, Primitive
from microtensor.core.tensor import Tensor
from microtensor.ops.arguments import dim_index, keepdim_arg
from microtensor.ops.reduction import Sum
from microtensor.ops.shape import BroadcastTo, Permute, Reshape
from microtensor.ops.table import public


def _others(x: np.ndarray, axis: int) -> np.ndarray:
    """``out_i = prod_{j != i} x_j`` along ``axis``: exclusive prefix times suffix products."""
    if x.shape[axis] == 0:
        return x.copy()
    ones = np.ones_like(np.take(x, [0], axis=axis))
    prefix = np.cumprod(np.concatenate([ones, np.delete(x, -1, axis=axis)], axis=axis), axis=axis)
    flipped = np.flip(x, axis=axis)
    suffix = np.cumprod(np.concatenate([ones, np.delete(flipped, -1, axis=axis)], axis=axis),
                        axis=axis)
    return prefix * np.flip(suffix, axis=axis)


class ProdOthers(Primitive):
    """``out_i = prod_{j != i} x_j`` along ``dim``: the gradient of ``prod``.

    d out_i / d x_k = prod_{j not in {i, k}} x_j for k != i (0 for k = i). Its backward
    lays the ``n`` factors out as an ``n x n`` matrix ``Z`` (row k: x with x_k set to 1)
    and applies ProdOthers to its rows, so it is closed under backward, at ``n`` times
    the memory along ``dim`` (only second derivatives pay that).
    """

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, dim: int) -> np.ndarray:
        ctx.save_for_backward(x)
        ctx.dim = dim
        return _others(x, dim)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        dim, n = ctx.dim, x.shape[ctx.dim]
        order = [axis for axis in range(x.ndim) if axis != dim] + [dim]
        back = list(np.argsort(order))
        last = Permute.apply(x, tuple(order))  # (..., n)
        grad = Permute.apply(grad_output, tuple(order))
        batch = last.shape[:-1]
        eye = np.eye(n, dtype=x.dtype)
        rows = BroadcastTo.apply(Reshape.apply(last, (*batch, 1, n)), (*batch, n, n))
        matrix = rows * (1 - eye) + eye  # Z[..., k, i] = x_i, with Z[..., k, k] = 1
        pairs = ProdOthers.apply(matrix, dim=len(batch) + 1)  # prod over j not in {i, k}
        weighted = pairs * Reshape.apply(grad, (*batch, 1, n)) * (1 - eye)
        total = Sum.apply(weighted, dim=(len(batch) + 1,))
        return Permute.apply(total, tuple(int(a) for a in back))


class Prod(Primitive):
    """The product along one ``dim``. d/dx_i = prod_{j != i} x_j (``ProdOthers``)."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, dim: int, keepdim: bool = False) -> np.ndarray:
        ctx.save_for_backward(x)
        ctx.dim = dim
        return np.asarray(np.prod(x, axis=dim, keepdims=keepdim))

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        kept = tuple(1 if axis == ctx.dim else side for axis, side in enumerate(x.shape))
        if grad_output.shape != kept:
            grad_output = Reshape.apply(grad_output, kept)
        return grad_output * ProdOthers.apply(x, dim=ctx.dim)


class Cumsum(Primitive):
    """Running sums along ``dim`` (from the end when ``reverse``). Its adjoint is the
    running sum the other way: d/dx_k sum_i g_i y_i = sum_{i >= k} g_i."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, dim: int, reverse: bool = False) -> np.ndarray:
        ctx.dim, ctx.reverse = dim, reverse
        if reverse:
            return np.flip(np.cumsum(np.flip(x, axis=dim), axis=dim), axis=dim).copy()
        return np.cumsum(x, axis=dim)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        return Cumsum.apply(grad_output, dim=ctx.dim, reverse=not ctx.reverse)


def _accumulation_dtype(input: Tensor, dtype: Any, name: str) -> Tensor:
    """``input`` cast to ``dtype``, or integers and bools to int64 (PyTorch's rule)."""
    if dtype is not None:
        return input.to(dtype)
    if not dtypes.is_floating(input.dtype):
        return input.to(np.int64)
    return input


@public()
def prod(
    input: Tensor, dim: int | None = None, keepdim: bool = False, *, dtype: Any = None,
    keepdims: bool | None = None,
) -> Tensor:
    """The product of all elements, or along one ``dim``. Integers and bools give int64.
    The gradient is exact with zeros among the factors (``ProdOthers``)."""
    keep = keepdim_arg(keepdim, keepdims, "prod")
    if dim is not None and not isinstance(dim, int | np.integer):
        raise TypeError(f"prod(): dim must be one int (or None), got {dim!r}")
    input = _accumulation_dtype(input, dtype, "prod")
    if dim is None or input.ndim == 0:
        if dim is not None:
            dim_index(dim, 0, "prod")
        flat = Reshape.apply(input, (input._array.size,))
        result = Prod.apply(flat, dim=0)
        return Reshape.apply(result, (1,) * input.ndim) if keep else result
    return Prod.apply(input, dim=dim_index(dim, input.ndim, "prod"), keepdim=keep)


@public()
def cumsum(input: Tensor, dim: int, *, dtype: Any = None) -> Tensor:
    """Running sums along ``dim``; integers and bools give int64."""
    input = _accumulation_dtype(input, dtype, "cumsum")
    if input.ndim == 0:
        dim_index(dim, 0, "cumsum")
        return input * 1
    return Cumsum.apply(input, dim=dim_index(dim, input.ndim, "cumsum"))
