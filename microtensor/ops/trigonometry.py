"""Trigonometric functions: the primitives Sin, Cos, Tan and the ops ``sin cos tan``.

Sin and Cos are each other's derivative, so the set is closed under backward; Tan's
derivative ``1 + tan(x)**2`` is taken from its output. An integer or bool input is
computed in the default float dtype, as in PyTorch.
"""

from __future__ import annotations

import numpy as np

from microtensor.core.function import Context, Primitive
from microtensor.core.tensor import Tensor
from microtensor.ops.dtype_rules import as_floating
from microtensor.ops.table import public


class Sin(Primitive):
    """``sin(x)``. d/dx = cos(x)."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return np.sin(x)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad_output * Cos.apply(x)


class Cos(Primitive):
    """``cos(x)``. d/dx = -sin(x)."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return np.cos(x)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return -(grad_output * Sin.apply(x))


class Tan(Primitive):
    """``tan(x)``. d/dx = 1 + tan(x)**2, from the output."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        output = np.tan(x)
        ctx.save_for_backward(output)
        return output

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        (output,) = ctx.saved_tensors
        return grad_output * (1 + output * output)


# ----- the public ops ---------------------------------------------------------------


@public(inplace=("sin_",))
def sin(input: Tensor) -> Tensor:
    """The sine, elementwise (radians)."""
    return Sin.apply(as_floating(input))


@public(inplace=("cos_",))
def cos(input: Tensor) -> Tensor:
    """The cosine, elementwise (radians)."""
    return Cos.apply(as_floating(input))


@public(inplace=("tan_",))
def tan(input: Tensor) -> Tensor:
    """The tangent, elementwise (radians)."""
    return Tan.apply(as_floating(input))
