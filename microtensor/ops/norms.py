"""Vector norms: the primitive Norm and the op ``norm`` (PyTorch's ``torch.norm``).

``||x||_p = (sum |x|**p) ** (1/p)`` over ``dim``; ``p = inf`` is ``max |x|``, ``-inf``
``min |x|``, ``0`` the count of non-zeros, ``'fro'`` the 2-norm of all the elements
(or of ``dim``). One primitive rather than a composition because PyTorch's gradient
conventions at 0 are not what a composition gives (``sqrt`` at 0 would give nan):

* ``p = 2`` (and any ``p >= 1``): 0 where the norm is 0;
* ``p = 1``: ``sign(x)`` (0 at 0);
* ``p = +-inf``: ``sign(x)``, shared equally among the elements tied at the extreme;
* ``p = 0``: 0 everywhere;
* ``0 < p < 1``: 0 where ``x = 0``.

The backward is written with Abs, Pow and products, so it is differentiable again.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from microtensor.core import dtypes
from microtensor.core.function import Context, Primitive
from microtensor.core.tensor import Tensor
from microtensor.ops.arguments import reduce_dims
from microtensor.ops.arithmetic import Pow
from microtensor.ops.elementwise import Abs
from microtensor.ops.shape import BroadcastTo, Reshape
from microtensor.ops.table import public


def _vector_norm(x: np.ndarray, p: float, dim: tuple[int, ...] | None) -> np.ndarray:
    """The p-norm of ``x`` over ``dim`` (kept as size-1 axes), in ``x``'s dtype."""
    magnitude = np.abs(x)
    if p == math.inf:
        return np.amax(magnitude, axis=dim, keepdims=True, initial=0)
    if p == -math.inf:
        return np.amin(magnitude, axis=dim, keepdims=True, initial=math.inf)
    if p == 0:
        return np.sum(x != 0, axis=dim, keepdims=True).astype(x.dtype)
    if p == 1:
        return np.sum(magnitude, axis=dim, keepdims=True)
    if p == 2:
        return np.sqrt(np.sum(x * x, axis=dim, keepdims=True))
    return np.sum(magnitude**p, axis=dim, keepdims=True) ** (1 / p)


class Norm(Primitive):
    """``||x||_p`` over ``dim`` (a tuple of axes, None: all). With ``n`` the norm,
    d/dx = sign(x) * |x|**(p-1) / n**(p-1), with PyTorch's conventions at 0 (see the
    module docstring); for ``p = +-inf`` the gradient goes to the extreme elements."""

    @staticmethod
    def forward(
        ctx: Context, x: np.ndarray, p: float, dim: tuple[int, ...] | None = None,
        keepdim: bool = False,
    ) -> np.ndarray:
        kept = _vector_norm(x, p, dim).astype(x.dtype, copy=False)
        ctx.p, ctx.kept_shape = p, kept.shape
        sign = np.sign(x)
        if math.isinf(p):  # sign(x) on the elements tied at the extreme, shared among them
            extreme = (np.abs(x) == kept) | np.isnan(x)
            with np.errstate(invalid="ignore", divide="ignore"):
                sign = sign * extreme / extreme.sum(axis=dim, keepdims=True)
        output = kept if keepdim else (kept.reshape(()) if dim is None else kept.squeeze(dim))
        ctx.save_for_backward(x, sign.astype(x.dtype, copy=False), output)
        return output

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> tuple[Tensor, None]:
        x, sign, norm = ctx.saved_tensors
        p, kept = ctx.p, ctx.kept_shape
        if grad_output.shape != kept:
            grad_output = Reshape.apply(grad_output, kept)
        if p == 0:
            return BroadcastTo.apply(grad_output * 0.0, x.shape), None
        if p == 1 or math.isinf(p):
            return grad_output * sign, None
        if norm.shape != kept:
            norm = Reshape.apply(norm, kept)
        if p == 2:
            scaled = x  # exactly, so the second derivative is right at x = 0 too
        elif p > 2:
            scaled = x * Pow.apply(Abs.apply(x), p - 2)
        elif p > 1:
            scaled = Pow.apply(Abs.apply(x), p - 1) * sign
        else:  # |x| ** (p - 1) with 1 put in where x = 0 (then masked): Pow never sees 0
            zero = x._array == 0
            scaled = Pow.apply(Abs.apply(x) + zero, p - 1) * (sign * ~zero)
            return scaled * (grad_output * Pow.apply(norm, 1 - p)), None
        zero_norm = norm._array == 0
        scale = grad_output / Pow.apply(norm + zero_norm, p - 1) * ~zero_norm
        return scaled * scale, None


def _order(p: Any) -> float:
    if p == "fro":
        return 2.0
    if isinstance(p, str | bool) or not isinstance(p, int | float):
        raise RuntimeError(
            f"norm(): p={p!r} is not supported; microtensor gives vector norms: p a number "
            "(2, 1, inf, -inf, 0, ...) or 'fro' (not 'nuc')"
        )
    return float(p)


@public()
def norm(
    input: Tensor, p: Any = "fro", dim: Any = None, keepdim: bool = False, dtype: Any = None
) -> Tensor:
    """The vector ``p``-norm over ``dim`` (all elements when None); ``'fro'`` is ``p=2``.
    Floating point inputs only; ``dtype`` casts the input first."""
    order = _order(p)
    if dtype is not None:
        input = input.to(dtype)
    if not dtypes.is_floating(input.dtype):
        raise RuntimeError(
            f"norm(): expected a floating point tensor as input, got {input.dtype}"
        )
    dims = reduce_dims(dim, input.ndim, "norm")
    if order < 0 and input._array.size == 0:
        raise RuntimeError(f"norm(): p={p} of an empty tensor (shape {input.shape}) is undefined")
    return Norm.apply(input, order, dim=dims, keepdim=keepdim)
