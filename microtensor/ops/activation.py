"""Activations: the primitives NormalCdf, Gelu, GeluTanh, LeakyRelu, Elu, Softplus and the
``F.`` ops ``gelu``, ``leaky_relu``, ``elu``, ``silu``, ``softplus``.

Fused on purpose, each for a reason its docstring gives: ``elu`` and ``softplus`` because
a composition evaluates ``exp`` of large inputs in a branch it then throws away (inf, and
NaN gradients); ``gelu`` because one node instead of six is faster (its ``erf`` is the
vectorised kernel of ``special.py``); ``leaky_relu`` because one masked product is one
node instead of four and rounds as PyTorch's. ``silu`` is a composition, ``x * sigmoid(x)``:
both factors are stable. Every backward is built from primitives, so second derivatives work.
"""

from __future__ import annotations

import math

import numpy as np

from microtensor.core.function import Context, Primitive
from microtensor.core.inplace import modify_in_place
from microtensor.core.tensor import Tensor
from microtensor.ops.arithmetic import Mul
from microtensor.ops.elementwise import Exp, Sigmoid, Tanh
from microtensor.ops.special import blockwise_float64, erf_float64
from microtensor.ops.table import public

_INV_SQRT_2 = 1 / math.sqrt(2)
_INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)
_TANH_SCALE = math.sqrt(2 / math.pi)  # the tanh approximation of gelu: tanh(k (x + c x^3))
_TANH_CUBIC = 0.044715


@blockwise_float64
def _cdf(x: np.ndarray) -> np.ndarray:
    """``Phi(x) = (1 + erf(x / sqrt(2))) / 2``, computed in float64 (in blocks), returned in
    ``x``'s dtype."""
    return 0.5 * (1 + erf_float64(x * _INV_SQRT_2))


def _normal_pdf(x: Tensor) -> Tensor:
    """``phi(x) = exp(-x^2 / 2) / sqrt(2 pi)`` as a differentiable Tensor."""
    return Exp.apply(x * x * -0.5) * _INV_SQRT_2PI


class NormalCdf(Primitive):
    """``Phi(x) = (1 + erf(x / sqrt(2))) / 2``, the standard normal CDF. d/dx = phi(x).

    A primitive (one node where ``erf`` composed would make four): gelu's backward uses it.
    """

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return _cdf(x)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad_output * _normal_pdf(x)


class Gelu(Primitive):
    """``gelu(x) = x * Phi(x)``. d/dx = Phi(x) + x * phi(x).

    Fused: one node is cheaper than the six of ``0.5 * x * (1 + erf(x / sqrt 2))``.
    """

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return np.asarray(x * _cdf(x), dtype=x.dtype)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad_output * (NormalCdf.apply(x) + x * _normal_pdf(x))


class GeluTanh(Primitive):
    """``0.5 x (1 + tanh(u))`` with ``u = sqrt(2/pi) (x + 0.044715 x^3)`` (PyTorch's
    ``approximate='tanh'``). d/dx = 0.5 (1 + t) + 0.5 x (1 - t^2) du/dx, t = tanh(u),
    du/dx = sqrt(2/pi) (1 + 3 * 0.044715 x^2).

    Fused for speed: one node instead of eight.
    """

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        inner = _TANH_SCALE * (x + _TANH_CUBIC * x * x * x)
        return np.asarray(0.5 * x * (1 + np.tanh(inner)), dtype=x.dtype)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        square = x * x
        t = Tanh.apply((x + square * x * _TANH_CUBIC) * _TANH_SCALE)
        slope = (square * (3 * _TANH_CUBIC) + 1) * _TANH_SCALE
        return grad_output * ((t + 1) * 0.5 + x * (1 - t * t) * slope * 0.5)


class LeakyRelu(Primitive):
    """``x`` where ``x > 0``, else ``negative_slope * x``. d/dx = 1 or ``negative_slope``
    (``negative_slope`` at 0, as PyTorch).

    Fused: one product with a constant mask, one node, rounded as PyTorch's; the slope
    mask is a constant, so the second derivative is 0 away from the kink.
    """

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, negative_slope: float) -> np.ndarray:
        ctx.slopes = np.where(x > 0, 1, negative_slope).astype(x.dtype)
        return x * ctx.slopes

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        return Mul.apply(grad_output, ctx.slopes)


class Elu(Primitive):
    """``x`` where ``x > 0``, else ``alpha * (exp(x) - 1)``. d/dx = 1, or
    ``alpha * exp(x)`` (``alpha`` at 0, as PyTorch).

    Fused: ``exp`` is only ever taken of the non-positive part, so a large input gives
    neither inf nor a NaN gradient (a ``where`` of two branches would).
    """

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, alpha: float) -> np.ndarray:
        ctx.save_for_backward(x)
        ctx.alpha = alpha
        ctx.negative = (x <= 0).astype(x.dtype)
        negative_part = alpha * np.expm1(np.minimum(x, 0))
        return np.where(x > 0, x, negative_part).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        negative = ctx.negative
        slope = Mul.apply(Exp.apply(Mul.apply(x, negative)), ctx.alpha * negative)
        return grad_output * (slope + (1 - negative))


class Softplus(Primitive):
    """``log(1 + exp(beta x)) / beta``, and ``x`` itself where ``beta x > threshold``.
    d/dx = sigmoid(beta x), or 1 above the threshold.

    Fused: ``log(1 + exp(beta x))`` composed overflows for large ``beta x``; here it is
    ``logaddexp(0, beta x)``, which never does.
    """

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, beta: float, threshold: float) -> np.ndarray:
        ctx.save_for_backward(x)
        ctx.beta = beta
        scaled = x * beta
        ctx.linear = (scaled > threshold).astype(x.dtype)
        return np.where(scaled > threshold, x, np.logaddexp(0, scaled) / beta).astype(x.dtype)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        linear = ctx.linear
        slope = Mul.apply(Sigmoid.apply(x * ctx.beta), 1 - linear) + linear
        return grad_output * slope


# ----- the public ops ---------------------------------------------------------------

_APPROXIMATIONS = ("none", "tanh")


@public(methods=(), function=False, functional=True)
def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """``x * Phi(x)`` (Phi: the standard normal CDF), or with ``approximate='tanh'``
    ``0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))``."""
    if approximate not in _APPROXIMATIONS:
        raise RuntimeError(f"approximate argument must be either none or tanh, got {approximate!r}")
    return Gelu.apply(input) if approximate == "none" else GeluTanh.apply(input)


@public(methods=(), function=False, functional=True)
def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """``x`` where ``x > 0``, else ``negative_slope * x``. ``inplace=True`` writes the
    result into ``input``'s memory (as PyTorch's)."""
    if inplace:
        return modify_in_place(input, leaky_relu, negative_slope, name="leaky_relu_")
    return LeakyRelu.apply(input, negative_slope=float(negative_slope))


@public(methods=(), function=False, functional=True)
def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """``x`` where ``x > 0``, else ``alpha * (exp(x) - 1)``."""
    if inplace:
        return modify_in_place(input, elu, alpha, name="elu_")
    return Elu.apply(input, alpha=float(alpha))


@public(methods=(), function=False, functional=True)
def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """``x * sigmoid(x)`` (also called swish); a composition of two stable primitives."""
    if inplace:
        return modify_in_place(input, silu, name="silu_")
    return input * Sigmoid.apply(input)


@public(methods=(), function=False, functional=True)
def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """``log(1 + exp(beta x)) / beta``; ``x`` where ``beta x > threshold``."""
    return Softplus.apply(input, beta=float(beta), threshold=float(threshold))
