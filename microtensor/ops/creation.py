"""Creation ops: ``tensor``, ``as_tensor``, ``from_numpy``, ``zeros``, ``ones``, ``full``,
``empty``, their ``_like`` forms, ``eye``, ``arange``, ``linspace``, ``logspace``,
``F.one_hot``.

Every one takes PyTorch's ``dtype=``, ``device=`` (only the CPU: anything else is a
RuntimeError saying so, ``core/device.py``) and ``requires_grad=``. Random creation
(``rand``, ``randn``, ``randint``, ...) is in ``sampling.py``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from microtensor.core import device as _device
from microtensor.core import dtypes
from microtensor.core.tensor import Tensor
from microtensor.ops.arguments import shape_args as _shape
from microtensor.ops.table import public


def _dtype(dtype: Any) -> np.dtype:
    return np.dtype(dtypes.get_default_dtype() if dtype is None else dtype)


def leaf(array: np.ndarray, requires_grad: bool, device: Any, op: str) -> Tensor:
    """A new leaf around ``array`` on the checked ``device``; ``requires_grad`` honoured."""
    _device.as_device(device, op)
    result = Tensor._make(array)
    if requires_grad:
        result.requires_grad_(True)
    return result


def _number(value: Any) -> Any:
    """A Python number from a number or a one-element Tensor (PyTorch accepts both)."""
    return value.item() if isinstance(value, Tensor) else value


def _value_dtype(value: Any) -> np.dtype:
    """The dtype PyTorch gives a tensor filled with the Python scalar ``value``."""
    if isinstance(value, bool | np.bool_):
        return np.dtype(np.bool_)
    if isinstance(value, int | np.integer):
        return np.dtype(np.int64)
    return _dtype(None)


@public(methods=(), tensor_first=False)
def tensor(
    data: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    """A new leaf tensor holding a copy of ``data`` (floats become float32)."""
    if isinstance(data, Tensor):
        data = data._array
    return leaf(dtypes.as_array(data, dtype), requires_grad, device, "tensor")


@public(methods=(), tensor_first=False)
def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Tensor:
    """``data`` as a tensor, sharing memory where it can: a Tensor of the same dtype is
    returned itself, an ndarray of the same dtype is wrapped without copying."""
    _device.as_device(device, "as_tensor")
    if isinstance(data, Tensor):
        return data if dtype is None or data.dtype == dtype else data.to(dtype)  # type: ignore[attr-defined]
    if isinstance(data, np.ndarray) and (dtype is None or data.dtype == np.dtype(dtype)):
        dtypes.as_array(data[:0])  # the dtype check, without copying
        return Tensor._make(data)
    return tensor(data, dtype=dtype)


@public(methods=(), tensor_first=False)
def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor that shares memory with ``array`` and keeps its dtype."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy: expected numpy.ndarray, got {type(array).__name__}")
    return Tensor._make(array, None)


@public(methods=(), tensor_first=False)
def zeros(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros of shape ``size`` (``zeros(2, 3)`` or ``zeros((2, 3))``)."""
    return leaf(np.zeros(_shape(size), dtype=_dtype(dtype)), requires_grad, device, "zeros")


@public(methods=(), tensor_first=False)
def ones(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones of shape ``size`` (``ones(2, 3)`` or ``ones((2, 3))``)."""
    return leaf(np.ones(_shape(size), dtype=_dtype(dtype)), requires_grad, device, "ones")


@public(methods=(), tensor_first=False)
def empty(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """An uninitialised tensor of shape ``size`` (its values are whatever memory held)."""
    return leaf(np.empty(_shape(size), dtype=_dtype(dtype)), requires_grad, device, "empty")


@public(methods=(), tensor_first=False)
def full(
    size: Any, fill_value: Any, dtype: Any = None, device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """A tensor of shape ``size`` filled with ``fill_value``; the dtype follows the value
    (bool, int64, or the default float) unless given."""
    fill_value = _number(fill_value)
    dtype = _value_dtype(fill_value) if dtype is None else np.dtype(dtype)
    array = np.full(_shape((size,)), fill_value, dtype=dtype)
    return leaf(array, requires_grad, device, "full")


def _like(input: Tensor, dtype: Any) -> tuple[tuple[int, ...], np.dtype]:
    return input._array.shape, input._array.dtype if dtype is None else np.dtype(dtype)


@public(methods=())
def zeros_like(
    input: Tensor, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    """Zeros of ``input``'s shape and (unless given) dtype."""
    shape, dtype = _like(input, dtype)
    return leaf(np.zeros(shape, dtype), requires_grad, device, "zeros_like")


@public(methods=())
def ones_like(
    input: Tensor, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    """Ones of ``input``'s shape and (unless given) dtype."""
    shape, dtype = _like(input, dtype)
    return leaf(np.ones(shape, dtype), requires_grad, device, "ones_like")


@public(methods=())
def empty_like(
    input: Tensor, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    """An uninitialised tensor of ``input``'s shape and (unless given) dtype."""
    shape, dtype = _like(input, dtype)
    return leaf(np.empty(shape, dtype), requires_grad, device, "empty_like")


@public(methods=())
def full_like(
    input: Tensor, fill_value: Any, dtype: Any = None, device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """``fill_value`` everywhere, in ``input``'s shape and (unless given) dtype."""
    shape, dtype = _like(input, dtype)
    array = np.full(shape, _number(fill_value), dtype=dtype)
    return leaf(array, requires_grad, device, "full_like")


@public(methods=(), tensor_first=False)
def eye(
    n: int, m: int | None = None, dtype: Any = None, device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """The ``n x m`` identity matrix (``m = n`` by default): ones on the diagonal."""
    m = n if m is None else m
    for name, value in (("n", n), ("m", m)):
        if not isinstance(value, int | np.integer) or value < 0:
            raise RuntimeError(f"eye: {name} must be greater or equal to 0, got {value!r}")
    return leaf(np.eye(n, m, dtype=_dtype(dtype)), requires_grad, device, "eye")


@public(methods=(), tensor_first=False)
def arange(
    start: Any = 0, end: Any = None, step: Any = 1, dtype: Any = None, device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Values ``start, start + step, ...`` up to ``end`` (exclusive): ``arange(end)``,
    ``arange(start, end)``, ``arange(start, end, step)``; int64 when all are ints, else the
    default float dtype. The length is ``ceil((end - start) / step)``, computed in double,
    and element ``i`` is ``start + i * step`` (as PyTorch's, not NumPy's accumulation)."""
    start, end, step = _number(start), _number(end), _number(step)
    if end is None:
        start, end = 0, start
    if dtype is None:
        ints = all(isinstance(v, int | np.integer) for v in (start, end, step))
        dtype = np.int64 if ints else _dtype(None)
    if step == 0:
        raise RuntimeError("arange: step must be nonzero")
    if not all(math.isfinite(v) for v in (start, end, step)):
        raise RuntimeError(f"arange: unsupported range: {start} -> {end} (step {step})")
    if (end - start) * step < 0:
        raise RuntimeError(
            f"arange: upper bound and larger bound inconsistent with step sign "
            f"(start={start}, end={end}, step={step})"
        )
    length = max(0, math.ceil((end - start) / step))
    if all(isinstance(v, int | np.integer) for v in (start, end, step)):
        values = np.arange(start, end, step, dtype=np.int64)
    else:
        values = start + np.arange(length, dtype=np.float64) * step
    return leaf(values.astype(dtype, copy=False), requires_grad, device, "arange")


@public(methods=(), tensor_first=False)
def linspace(
    start: Any, end: Any, steps: int, dtype: Any = None, device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """``steps`` values evenly spaced from ``start`` to ``end`` (both included)."""
    start, end = _number(start), _number(end)
    if not isinstance(steps, int | np.integer) or steps < 0:
        raise RuntimeError(f"linspace: number of steps must be non-negative, got {steps!r}")
    values = np.linspace(start, end, int(steps), dtype=np.float64)
    return leaf(values.astype(_dtype(dtype)), requires_grad, device, "linspace")


@public(methods=(), tensor_first=False)
def logspace(
    start: Any, end: Any, steps: int, base: float = 10.0, dtype: Any = None,
    device: Any = None, requires_grad: bool = False,
) -> Tensor:
    """``base ** linspace(start, end, steps)``."""
    if not isinstance(steps, int | np.integer) or steps < 0:
        raise RuntimeError(f"logspace: number of steps must be non-negative, got {steps!r}")
    exponents = np.linspace(_number(start), _number(end), int(steps), dtype=np.float64)
    values = np.power(float(base), exponents)
    return leaf(values.astype(_dtype(dtype)), requires_grad, device, "logspace")


@public(methods=(), function=False, functional=True)
def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """int64 ``(*shape, num_classes)``: 1 at each value's class, 0 elsewhere.
    ``num_classes=-1`` takes one more than the largest value."""
    array = tensor._array
    if array.dtype.kind not in "iu":
        raise RuntimeError(
            f"one_hot is only applicable to index tensor of integer dtype, got {tensor.dtype}"
        )
    if num_classes == -1:
        if array.size == 0:
            raise RuntimeError("one_hot: Can not infer total number of classes from empty tensor.")
        num_classes = int(array.max()) + 1
    if array.size and (array.min() < 0 or array.max() >= num_classes):
        raise RuntimeError(
            f"one_hot: Class values must be non-negative and smaller than num_classes="
            f"{num_classes}, got values in [{array.min()}, {array.max()}]"
        )
    output = (array[..., None] == np.arange(num_classes)).astype(np.int64)
    return Tensor._make(output)
