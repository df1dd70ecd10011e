"""Logarithms, exponentials and reciprocals: the primitives Log10, Log2, Log1p, Expm1,
Exp2, Rsqrt and the ops ``log10 log2 log1p expm1 exp2 rsqrt square reciprocal``.

Each primitive is the one NumPy function PyTorch's value agrees with (``np.log1p`` is
exact near 0, where ``log(1 + x)`` is not), and each backward is a product with a
derivative built from other primitives. ``square`` is ``x * x`` and ``reciprocal`` is
``1 / x`` (compositions: same values, same dtypes). An integer or bool input is
computed in the default float dtype, as in PyTorch (``square`` keeps integers).
"""

from __future__ import annotations

import math

import numpy as np

from microtensor.core.function import Context, Primitive
from microtensor.core.tensor import Tensor
from microtensor.ops.arithmetic import Div, Mul
from microtensor.ops.dtype_rules import as_floating
from microtensor.ops.table import public

LN2 = math.log(2.0)
LN10 = math.log(10.0)


class Log10(Primitive):
    """``log10(x)``. d/dx = 1 / (x ln 10)."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        with np.errstate(divide="ignore", invalid="ignore"):  # -inf, NaN as PyTorch, silently
            return np.log10(x)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad_output / (x * LN10)


class Log2(Primitive):
    """``log2(x)``. d/dx = 1 / (x ln 2)."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        with np.errstate(divide="ignore", invalid="ignore"):  # -inf, NaN as PyTorch, silently
            return np.log2(x)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad_output / (x * LN2)


class Log1p(Primitive):
    """``log(1 + x)``, accurate for small ``x``. d/dx = 1 / (1 + x)."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        with np.errstate(divide="ignore", invalid="ignore"):  # -inf, NaN as PyTorch, silently
            return np.log1p(x)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad_output / (x + 1)


class Expm1(Primitive):
    """``exp(x) - 1``, accurate for small ``x``. d/dx = exp(x) = output + 1."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        output = np.expm1(x)
        ctx.save_for_backward(output)
        return output

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        (output,) = ctx.saved_tensors
        return grad_output * (output + 1)


class Exp2(Primitive):
    """``2 ** x``. d/dx = 2 ** x * ln 2, from the output."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        output = np.exp2(x)
        ctx.save_for_backward(output)
        return output

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        (output,) = ctx.saved_tensors
        return grad_output * (output * LN2)


class Rsqrt(Primitive):
    """``1 / sqrt(x)``. d/dx = -x ** -1.5 / 2 = -output ** 3 / 2, from the output."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):  # inf at 0, NaN below, silently
            output = np.reciprocal(np.sqrt(x))
        ctx.save_for_backward(output)
        return output

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        (output,) = ctx.saved_tensors
        return grad_output * (output * output * output * -0.5)


# ----- the public ops ---------------------------------------------------------------


@public(inplace=("log10_",))
def log10(input: Tensor) -> Tensor:
    """The base-10 logarithm, elementwise."""
    return Log10.apply(as_floating(input))


@public(inplace=("log2_",))
def log2(input: Tensor) -> Tensor:
    """The base-2 logarithm, elementwise."""
    return Log2.apply(as_floating(input))


@public(inplace=("log1p_",))
def log1p(input: Tensor) -> Tensor:
    """``log(1 + input)``, elementwise, accurate where ``input`` is small."""
    return Log1p.apply(as_floating(input))


@public(inplace=("expm1_",))
def expm1(input: Tensor) -> Tensor:
    """``exp(input) - 1``, elementwise, accurate where ``input`` is small."""
    return Expm1.apply(as_floating(input))


@public(inplace=("exp2_",))
def exp2(input: Tensor) -> Tensor:
    """``2 ** input``, elementwise."""
    return Exp2.apply(as_floating(input))


@public(inplace=("rsqrt_",))
def rsqrt(input: Tensor) -> Tensor:
    """``1 / sqrt(input)``, elementwise."""
    return Rsqrt.apply(as_floating(input))


@public(inplace=("square_",))
def square(input: Tensor) -> Tensor:
    """``input * input``; integers stay integers, a bool tensor gives int64 (PyTorch's)."""
    if input.dtype.kind == "b":
        input = Tensor._make(input._array.astype(np.int64))
    return Mul.apply(input, input)


@public(inplace=("reciprocal_",))
def reciprocal(input: Tensor) -> Tensor:
    """``1 / input``, elementwise (an integer input gives the default float dtype)."""
    with np.errstate(divide="ignore"):  # 1 / 0 = inf, as PyTorch, without a warning
        return Div.apply(1.0, as_floating(input))
