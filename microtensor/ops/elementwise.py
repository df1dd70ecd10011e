"""Elementwise primitives: add, mul, div, neg, pow, exp, log, abs, tanh, sigmoid, relu, cast.

Binary ops broadcast as NumPy does; their backward undoes the broadcast with
``sum_to`` (the one place that does it). Either argument of a binary op may be a
plain number, which gets no gradient.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from microtensor.core.function import Context, Function
from microtensor.ops.shape import sum_to
from microtensor.core.tensor import Tensor


def _shape(value: Any) -> tuple[int, ...]:
    """The shape of an array, or () for a plain number."""
    return getattr(value, "shape", ())


def _broadcast_error(op: str, a: Any, b: Any) -> RuntimeError:
    shape_a, shape_b = _shape(a), _shape(b)
    for dim in range(1, max(len(shape_a), len(shape_b)) + 1):
        size_a = shape_a[-dim] if dim <= len(shape_a) else 1
        size_b = shape_b[-dim] if dim <= len(shape_b) else 1
        if size_a != size_b and 1 not in (size_a, size_b):
            break
    return RuntimeError(
        f"{op}: the size of tensor a ({size_a}) must match the size of tensor b ({size_b}) "
        f"at non-singleton dimension {max(len(shape_a), len(shape_b)) - dim}; shapes "
        f"{shape_a} and {shape_b} do not broadcast"
    )


class Add(Function):
    """``a + b``. d/da = 1, d/db = 1 (summed back over broadcast dimensions)."""

    @staticmethod
    def forward(ctx: Context, a: Any, b: Any) -> np.ndarray:
        ctx.shapes = (_shape(a), _shape(b))
        try:
            return np.add(a, b)
        except ValueError:
            raise _broadcast_error("add", a, b) from None

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> tuple[Tensor | None, ...]:
        shape_a, shape_b = ctx.shapes
        needs_a, needs_b = ctx.needs_input_grad
        return (
            sum_to(grad_output, shape_a) if needs_a else None,
            sum_to(grad_output, shape_b) if needs_b else None,
        )


class Mul(Function):
    """``a * b``. d/da = b, d/db = a."""

    @staticmethod
    def forward(ctx: Context, a: Any, b: Any) -> np.ndarray:
        ctx.save_for_backward(a, b)
        try:
            return np.multiply(a, b)
        except ValueError:
            raise _broadcast_error("mul", a, b) from None

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> tuple[Tensor | None, ...]:
        a, b = ctx.saved_tensors
        needs_a, needs_b = ctx.needs_input_grad
        return (
            sum_to(grad_output * b, a.shape) if needs_a else None,
            sum_to(grad_output * a, b.shape) if needs_b else None,
        )


class Div(Function):
    """``a / b``. d/da = 1/b, d/db = -a/b**2."""

    @staticmethod
    def forward(ctx: Context, a: Any, b: Any) -> np.ndarray:
        ctx.save_for_backward(a, b)
        try:
            return np.divide(a, b)
        except ValueError:
            raise _broadcast_error("div", a, b) from None

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> tuple[Tensor | None, ...]:
        a, b = ctx.saved_tensors
        needs_a, needs_b = ctx.needs_input_grad
        grad_a = grad_b = None
        if needs_a:
            grad_a = sum_to(grad_output / b, a.shape)
        if needs_b:
            grad_b = sum_to(-(grad_output * a) / (b * b), b.shape)
        return grad_a, grad_b


class Neg(Function):
    """``-x``. d/dx = -1."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        return np.negative(x)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        return Neg.apply(grad_output)


class Pow(Function):
    """``x ** p`` for a constant number ``p``. d/dx = p * x ** (p - 1)."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, exponent: float) -> np.ndarray:
        ctx.save_for_backward(x)
        ctx.exponent = exponent
        return np.power(x, exponent)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> tuple[Tensor, None]:
        (x,) = ctx.saved_tensors
        exponent = ctx.exponent
        if exponent == 0:  # d/dx x**0 = 0, also at x = 0 (not 0 * 0**-1 = nan), as PyTorch
            return grad_output * 0.0, None
        return grad_output * (exponent * Pow.apply(x, exponent - 1)), None


class Exp(Function):
    """``exp(x)``. d/dx = exp(x), the output itself."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        output = np.exp(x)
        ctx.save_for_backward(output)
        return output

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        (output,) = ctx.saved_tensors
        return grad_output * output


class Log(Function):
    """``log(x)``. d/dx = 1 / x."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return np.log(x)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad_output / x


class Abs(Function):
    """``|x|``. d/dx = sign(x) (0 at 0, as PyTorch)."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(np.sign(x))
        return np.abs(x)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        (sign,) = ctx.saved_tensors
        return grad_output * sign


class Tanh(Function):
    """``tanh(x)``. d/dx = 1 - tanh(x)**2, from the output."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        output = np.tanh(x)
        ctx.save_for_backward(output)
        return output

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        (output,) = ctx.saved_tensors
        return grad_output * (1 - output * output)


class Sigmoid(Function):
    """``1 / (1 + exp(-x))``, computed without overflow. d/dx = s * (1 - s)."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        # exp of a non-positive number only: exp(-|x|) never overflows.
        z = np.exp(-np.abs(x))
        output = np.where(x >= 0, 1 / (1 + z), z / (1 + z)).astype(x.dtype, copy=False)
        ctx.save_for_backward(output)
        return output

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        (output,) = ctx.saved_tensors
        return grad_output * (output * (1 - output))


class Relu(Function):
    """``max(x, 0)``. d/dx = 1 where x > 0 and 0 elsewhere (relu'(0) = 0, as PyTorch).

    The mask is saved as a constant: the second derivative is 0 away from the kink.
    """

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        mask = x > 0
        ctx.save_for_backward(mask)
        return np.maximum(x, 0, dtype=x.dtype)  # +0.0 for negatives (x * mask gives -0.0)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        (mask,) = ctx.saved_tensors
        return Mul.apply(grad_output, mask.data)


class Cast(Function):
    """``x.to(dtype)``. The gradient is cast back to the input's dtype."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, dtype: np.dtype) -> np.ndarray:
        ctx.input_dtype = x.dtype
        return x.astype(dtype)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        return Cast.apply(grad_output, dtype=ctx.input_dtype)
