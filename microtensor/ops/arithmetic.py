"""Arithmetic: the primitives Add, Mul, Div, Neg, Pow and the ops ``+ - * /``, comparisons.

Binary ops broadcast as NumPy does; their backward undoes the broadcast with ``sum_to``
(the one place that does it). Either argument of a binary op may be a plain number,
which gets no gradient. ``a - b`` is ``a + (-b)``; ``sqrt(x)`` is ``x ** 0.5``. The op
``pow`` (``**``), which also takes a tensor exponent, is in ``power.py``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

import numpy as np

from microtensor.core import dtypes
from microtensor.core.function import Context, Primitive
from microtensor.core.tensor import Tensor
from microtensor.ops.shape import sum_to
from microtensor.ops.table import public


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


class Add(Primitive):
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


class Mul(Primitive):
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


class Div(Primitive):
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


class Neg(Primitive):
    """``-x``. d/dx = -1."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        return np.negative(x)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        return Neg.apply(grad_output)


class Pow(Primitive):
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


# ----- type promotion: PyTorch's rules (core/dtypes.result_type) ----------------------


def _array_of(value: Any) -> Any:
    return value._array if isinstance(value, Tensor) else value


def _as_dtype(value: Any, dtype: np.dtype) -> Any:
    if isinstance(value, Tensor):
        return value if value.dtype == dtype else value.to(dtype)
    if isinstance(value, np.ndarray) and value.dtype != dtype:
        return value.astype(dtype)
    return value  # a Python number: NumPy keeps the array's dtype (NEP 50)


def promoted(input: Any, other: Any, true_division: bool = False) -> tuple[Any, Any]:
    """Both operands in the dtype PyTorch computes ``input op other`` in.

    ``true_division``: ``/`` of integers gives the default float dtype, as PyTorch's.
    """
    if isinstance(input, Tensor) and input._array.dtype.kind == "f":  # the common cases:
        kind = type(other)  # a Python number, or a tensor of the same float dtype
        if kind is float or kind is int or (
            isinstance(other, Tensor) and other._array.dtype == input._array.dtype
        ):
            return input, other
    if isinstance(other, np.generic):  # a NumPy number counts as a Python number
        other = other.item()
    if isinstance(input, np.generic):
        input = input.item()
    a, b = _array_of(input), _array_of(other)
    dtype_a = getattr(a, "dtype", None)
    if dtype_a is not None and dtype_a == getattr(b, "dtype", None) and dtype_a.kind == "f":
        return input, other  # arrays (an ndarray operand) of one float dtype
    if dtype_a is not None and dtype_a.kind == "f" and isinstance(b, float | int):
        return input, other  # a float tensor and a Python number keep the tensor's dtype
    target = dtypes.result_type(a, b)
    if true_division and target.kind != "f":
        target = dtypes.get_default_dtype()
    return _as_dtype(input, target), _as_dtype(other, target)


# ----- the public ops ---------------------------------------------------------------


@public(methods=("add", "__add__"), reflected="__radd__", inplace=("add_", "__iadd__"))
def add(input: Any, other: Any) -> Tensor:
    """``input + other``, broadcasting as NumPy does."""
    return Add.apply(*promoted(input, other))


@public(methods=("sub", "__sub__"), reflected="__rsub__", inplace=("sub_", "__isub__"))
def sub(input: Any, other: Any) -> Tensor:
    """``input - other``, computed as ``input + (-other)``."""
    input, other = promoted(input, other)
    return Add.apply(input, Neg.apply(other) if isinstance(other, Tensor) else -other)


@public(methods=("mul", "__mul__"), reflected="__rmul__", inplace=("mul_", "__imul__"))
def mul(input: Any, other: Any) -> Tensor:
    """``input * other``, elementwise, broadcasting as NumPy does."""
    return Mul.apply(*promoted(input, other))


@public(
    methods=("div", "__truediv__"), reflected="__rtruediv__", inplace=("div_", "__itruediv__")
)
def div(input: Any, other: Any) -> Tensor:
    """``input / other``, true division (integers give floats), broadcasting as NumPy does."""
    return Div.apply(*promoted(input, other, true_division=True))


@public(methods=("neg", "__neg__"), inplace=("neg_",))
def neg(input: Tensor) -> Tensor:
    """``-input``."""
    return Neg.apply(input)


@public()
def sqrt(input: Tensor) -> Tensor:
    """The square root, ``input ** 0.5``."""
    return Pow.apply(input, 0.5)


def _compare(compare: Callable[[Any, Any], Any], input: Tensor, other: Any) -> Tensor:
    """A bool Tensor, outside the graph (comparisons have no gradient); shapes broadcast
    and dtypes promote as in PyTorch (``int_tensor == 1.5`` compares as floats)."""
    other_array = other._array if isinstance(other, Tensor) else other
    try:
        return Tensor._make(np.asarray(compare(input._array, other_array)))
    except ValueError:
        raise _broadcast_error(compare.__name__, input._array, other_array) from None


@public(methods=("eq", "__eq__"))
def eq(input: Tensor, other: Any) -> Tensor:
    """``input == other`` elementwise, a bool Tensor."""
    return _compare(operator.eq, input, other)


@public(methods=("ne", "__ne__"))
def ne(input: Tensor, other: Any) -> Tensor:
    """``input != other`` elementwise, a bool Tensor."""
    return _compare(operator.ne, input, other)


@public(methods=("lt", "__lt__"))
def lt(input: Tensor, other: Any) -> Tensor:
    """``input < other`` elementwise, a bool Tensor."""
    return _compare(operator.lt, input, other)


@public(methods=("le", "__le__"))
def le(input: Tensor, other: Any) -> Tensor:
    """``input <= other`` elementwise, a bool Tensor."""
    return _compare(operator.le, input, other)


@public(methods=("gt", "__gt__"))
def gt(input: Tensor, other: Any) -> Tensor:
    """``input > other`` elementwise, a bool Tensor."""
    return _compare(operator.gt, input, other)


@public(methods=("ge", "__ge__"))
def ge(input: Tensor, other: Any) -> Tensor:
    """``input >= other`` elementwise, a bool Tensor."""
    return _compare(operator.ge, input, other)
