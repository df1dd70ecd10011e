"""Elementwise functions: the primitives Exp, Log, Abs, Tanh, Sigmoid, Relu, Cast and their ops.

Each is one NumPy call forward; each backward is a product with a derivative taken
from the input or, where cheaper, from the output. ``to`` (dtype, device or tensor) and
``clone`` live here too, with ``Cast``; ``float``, ``double``, ``long``, ... are in
``conversion.py``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from microtensor.core import device as _device
from microtensor.core import dtypes
from microtensor.core.function import Context, Primitive
from microtensor.core.tensor import Tensor
from microtensor.ops.arithmetic import Mul
from microtensor.ops.table import public


class Exp(Primitive):
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


class Log(Primitive):
    """``log(x)``. d/dx = 1 / x."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return np.log(x)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad_output / x


class Abs(Primitive):
    """``|x|``. d/dx = sign(x) (0 at 0, as PyTorch)."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(np.sign(x))
        return np.abs(x)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        (sign,) = ctx.saved_tensors
        return grad_output * sign


class Tanh(Primitive):
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


class Sigmoid(Primitive):
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


class Relu(Primitive):
    """``max(x, 0)``. d/dx = 1 where x > 0 and 0 elsewhere (relu'(0) = 0, as PyTorch).

    The mask is saved as a constant: the second derivative is 0 away from the kink.
    """

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        ctx.mask = x > 0
        return np.maximum(x, 0, dtype=x.dtype)  # +0.0 for negatives (x * mask gives -0.0)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        return Mul.apply(grad_output, ctx.mask)


class Cast(Primitive):
    """``x.to(dtype)``. The gradient is cast back to the input's dtype."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, dtype: np.dtype) -> np.ndarray:
        ctx.input_dtype = x.dtype
        return x.astype(dtype)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        return Cast.apply(grad_output, dtype=ctx.input_dtype)


# ----- the public ops ---------------------------------------------------------------


@public(inplace=("exp_",))
def exp(input: Tensor) -> Tensor:
    """``e ** input``, elementwise."""
    return Exp.apply(input)


@public()
def log(input: Tensor) -> Tensor:
    """The natural logarithm, elementwise."""
    return Log.apply(input)


@public(methods=("abs", "__abs__"), inplace=("abs_",))
def abs(input: Tensor) -> Tensor:
    """``|input|``, elementwise (its gradient at 0 is 0)."""
    return Abs.apply(input)


@public(functional=True)
def tanh(input: Tensor) -> Tensor:
    """The hyperbolic tangent, elementwise."""
    return Tanh.apply(input)


@public(functional=True)
def sigmoid(input: Tensor) -> Tensor:
    """``1 / (1 + exp(-input))``, elementwise, without overflow."""
    return Sigmoid.apply(input)


@public(functional=True)
def relu(input: Tensor) -> Tensor:
    """``max(input, 0)``, elementwise, with relu'(0) = 0."""
    return Relu.apply(input)


def _is_dtype(value: Any) -> bool:
    if isinstance(value, dtypes.dtype | np.dtype):
        return True
    return isinstance(value, type) and issubclass(value, np.generic)


def _cast(input: Tensor, dtype: Any, copy: bool = False) -> Tensor:
    dtype = np.dtype(dtype)
    if dtype == input._array.dtype and not copy:
        return input
    if dtype.kind not in "fiub":
        raise TypeError(f"to(): unsupported dtype {dtype}; use a float, int or bool dtype")
    if not dtypes.is_floating(dtype) or not dtypes.is_floating(input._array.dtype):
        return Tensor._make(input._array.astype(dtype))
    return Cast.apply(input, dtype=dtype)


@public(function=False)
def to(
    input: Tensor, *args: Any, dtype: Any = None, device: Any = None,
    non_blocking: bool = False, copy: bool = False,
) -> Tensor:
    """The tensor in another dtype and/or on a device: ``x.to(mt.float64)``,
    ``x.to("cpu")``, ``x.to(device, dtype)``, ``x.to(other)`` (``other``'s dtype). Only the
    CPU exists: asking for another device is a RuntimeError saying so."""
    for arg in args:
        if isinstance(arg, Tensor):
            dtype = arg._array.dtype
        elif isinstance(arg, bool):
            continue  # non_blocking / copy given by position
        elif isinstance(arg, str | _device.device | int):
            device = arg if device is None else device
            _device.as_device(arg, "to")
        elif _is_dtype(arg):
            dtype = arg
        else:
            raise TypeError(
                f"to() received an invalid combination of arguments: expected a dtype, a "
                f"device or a Tensor, got {type(arg).__name__}"
            )
    _device.as_device(device, "to")
    if dtype is None:
        return Tensor._make(input._array.copy()) if copy else input
    return _cast(input, dtype, copy)


@public()
def clone(input: Tensor, *, memory_format: Any = None) -> Tensor:
    """A copy with its own memory; one that requires grad stays in the graph.
    ``memory_format`` is accepted and ignored (the copy keeps the input's layout)."""
    if input.requires_grad:
        return Mul.apply(input, 1)
    return Tensor._make(input._array.copy())
