"""Statistics over dimensions: the primitives Amax, Amin and the ops amax, amin, var, std,
logsumexp.

``var`` and ``std`` are compositions (``var``: mean, square, sum, scale; ``std``: the
2-norm of ``x - mean``, whose gradient is 0 at 0 as PyTorch's ``std``), ``logsumexp`` is the
stable ``m + log(sum(exp(x - m)))`` with the maximum ``m`` held constant. ``dim`` is an
int or several (an empty tuple or None: every dimension); ``keepdims`` is accepted as
PyTorch accepts it, an alias of ``keepdim``.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from microtensor.core import dtypes
from microtensor.core.function import Context, Primitive
from microtensor.core.tensor import Tensor
from microtensor.ops.arguments import keepdim_arg, reduce_dims
from microtensor.ops.elementwise import Exp, Log
from microtensor.ops.norms import Norm
from microtensor.ops.reduction import Sum
from microtensor.ops.shape import Reshape
from microtensor.ops.table import public


class Amax(Primitive):
    """The maximum over ``dim`` (a tuple of axes, None: all). As PyTorch's ``amax``, the
    gradient is shared equally among tied maxima: d/dx_i = [x_i = max] / #ties.

    The sharing weights are a constant, so the second derivative is 0 away from ties.
    """

    reduce = staticmethod(np.amax)

    @classmethod
    def forward(
        cls, ctx: Context, x: np.ndarray, dim: tuple[int, ...] | None = None, keepdim: bool = False
    ) -> np.ndarray:
        kept = cls.reduce(x, axis=dim, keepdims=True)
        ctx.kept_shape = kept.shape
        ties = x == kept
        with np.errstate(invalid="ignore", divide="ignore"):
            ctx.save_for_backward((ties / ties.sum(axis=dim, keepdims=True)).astype(x.dtype))
        if keepdim:
            return kept
        return kept.reshape(()) if dim is None else kept.squeeze(dim)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        (weights,) = ctx.saved_tensors
        if grad_output.shape != ctx.kept_shape:
            grad_output = Reshape.apply(grad_output, ctx.kept_shape)
        return grad_output * weights


class Amin(Amax):
    """The minimum over ``dim``; the gradient shared among ties, as for ``Amax``."""

    reduce = staticmethod(np.amin)


def _non_empty(input: Tensor, dims: tuple[int, ...] | None, name: str) -> None:
    sizes = input.shape if dims is None else [input.shape[d] for d in dims]
    if input._array.size == 0 and (not sizes or 0 in sizes):
        raise IndexError(
            f"{name}(): Expected reduction dim to have non-zero size; got shape {input.shape} "
            f"reduced over dim={dims}"
        )


@public()
def amax(input: Tensor, dim: Any = (), keepdim: bool = False, *, keepdims: bool | None = None
         ) -> Tensor:
    """The maximum over ``dim`` (an int or several; ``()``: all elements). Unlike
    ``max(dim)``, which routes the gradient to one index, ties share it equally."""
    dims = reduce_dims(dim, input.ndim, "amax")
    _non_empty(input, dims, "amax")
    return Amax.apply(input, dim=dims, keepdim=keepdim_arg(keepdim, keepdims, "amax"))


@public()
def amin(input: Tensor, dim: Any = (), keepdim: bool = False, *, keepdims: bool | None = None
         ) -> Tensor:
    """The minimum over ``dim`` (an int or several; ``()``: all elements); ties share the
    gradient equally."""
    dims = reduce_dims(dim, input.ndim, "amin")
    _non_empty(input, dims, "amin")
    return Amin.apply(input, dim=dims, keepdim=keepdim_arg(keepdim, keepdims, "amin"))


def _count(input: Tensor, dims: tuple[int, ...] | None) -> int:
    return input._array.size if dims is None else math.prod(input.shape[d] for d in dims)


def _spread(
    name: str, input: Tensor, dim: Any, unbiased: bool | None, keepdim: bool,
    correction: float | None, keepdims: bool | None,
) -> tuple[Tensor, tuple[int, ...] | None, bool, float]:
    """``x - mean``, the dims, keepdim and the scale ``1 / max(0, N - correction)`` of
    PyTorch's ``var``/``std`` in all their forms (inf, with a warning, when it is 1/0)."""
    if not dtypes.is_floating(input.dtype):
        raise RuntimeError(
            f"{name}(): std and var only support floating point and complex dtypes, got "
            f"{input.dtype}"
        )
    if isinstance(dim, bool):  # var(x, False): the older positional `unbiased`
        dim, unbiased = None, dim
    if unbiased is not None and correction is not None:
        raise TypeError(f"{name}(): pass either unbiased= or correction=, not both")
    if correction is None:
        correction = 0 if unbiased is False else 1
    keep = keepdim_arg(keepdim, keepdims, name)
    dims = reduce_dims(dim, input.ndim, name)
    count = _count(input, dims)
    centred = input - Sum.apply(input, dim=dims, keepdim=True) * (1.0 / max(count, 1))
    denominator = max(0.0, count - correction)
    if denominator == 0:
        warnings.warn(
            f"{name}(): degrees of freedom is <= 0 (N={count}, correction={correction}): "
            "the result is nan or inf", UserWarning, stacklevel=3,
        )
        return centred, dims, keep, math.inf  # 0 * inf = nan, as 0 / 0 in PyTorch
    return centred, dims, keep, 1.0 / denominator


@public()
def var(
    input: Tensor, dim: Any = None, unbiased: bool | None = None, keepdim: bool = False, *,
    correction: float | None = None, keepdims: bool | None = None,
) -> Tensor:
    """The variance over ``dim`` (all elements when None or ``()``):
    ``sum((x - mean)**2) / max(0, N - correction)``, ``correction=1`` by default (Bessel's);
    ``unbiased=False`` (also the older ``var(x, False)``) is ``correction=0``. Floating
    point inputs only."""
    centred, dims, keep, scale = _spread("var", input, dim, unbiased, keepdim, correction,
                                         keepdims)
    return Sum.apply(centred * centred, dim=dims, keepdim=keep) * scale


@public()
def std(
    input: Tensor, dim: Any = None, unbiased: bool | None = None, keepdim: bool = False, *,
    correction: float | None = None, keepdims: bool | None = None,
) -> Tensor:
    """The standard deviation, ``sqrt(var(...))`` with ``var``'s arguments, computed as
    ``||x - mean||_2 * sqrt(scale)``: d/dx = (x - mean) / ((N - correction) * std), and 0
    where std = 0, as PyTorch's (the 2-norm's convention at 0)."""
    centred, dims, keep, scale = _spread("std", input, dim, unbiased, keepdim, correction,
                                         keepdims)
    return Norm.apply(centred, 2.0, dim=dims, keepdim=keep) * math.sqrt(scale)


@public()
def logsumexp(
    input: Tensor, dim: Any, keepdim: bool = False, *, keepdims: bool | None = None
) -> Tensor:
    """``log(sum(exp(input)))`` over ``dim``, computed stably as
    ``m + log(sum(exp(x - m)))`` with ``m`` the maximum (a constant: the gradient is
    softmax(x) either way). Integer inputs give the default float dtype."""
    keep = keepdim_arg(keepdim, keepdims, "logsumexp")
    dims = reduce_dims(dim, input.ndim, "logsumexp")
    if not dtypes.is_floating(input.dtype):
        input = input.to(dtypes.get_default_dtype())
    shift = np.amax(input._array, axis=dims, keepdims=True, initial=-np.inf)
    shift[~np.isfinite(shift)] = 0  # all -inf (or inf, nan): nothing to shift by
    total = Sum.apply(Exp.apply(input - shift), dim=dims, keepdim=keep)
    if not keep:
        shift = shift.reshape(total.shape)
    return Log.apply(total) + shift
