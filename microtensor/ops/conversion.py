"""Conversions: ``float double half long int bool``, ``type_as``, ``type``, ``cpu``; the
legacy typed constructors (``mt.FloatTensor``). ``to`` (dtype, device or another tensor)
lives in ``elementwise.py`` beside its primitive ``Cast``, where other families import it.

A float-to-float conversion is the ``Cast`` primitive (its gradient is cast back); a
conversion to an integer or bool dtype carries no gradient (PyTorch's rule). Converting
to the dtype a tensor already has returns the tensor itself (unless ``copy=True``), as
PyTorch does. Devices: only the CPU (``core/device.py``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from microtensor.core import device as _device
from microtensor.core import dtypes
from microtensor.core.tensor import Size, Tensor
from microtensor.ops.elementwise import _cast, _is_dtype
from microtensor.ops.table import public

# PyTorch's legacy type names, by dtype.
TYPE_NAMES = {
    dtypes.float32: "FloatTensor", dtypes.float64: "DoubleTensor", dtypes.float16: "HalfTensor",
    dtypes.int64: "LongTensor", dtypes.int32: "IntTensor", dtypes.int16: "ShortTensor",
    dtypes.int8: "CharTensor", dtypes.uint8: "ByteTensor", dtypes.bool: "BoolTensor",
}
_BY_TYPE_NAME = {name: dtype for dtype, name in TYPE_NAMES.items()}


@public(function=False)
def cpu(input: Tensor) -> Tensor:
    """The tensor itself: microtensor's tensors already live on the CPU."""
    return input


@public(function=False)
def cuda(input: Tensor, device: Any = None) -> Tensor:
    """Refused: microtensor runs on the CPU only (AssertionError saying so, as PyTorch's)."""
    _device.check_name("cuda", use=True)
    return input


@public(function=False)
def float(input: Tensor) -> Tensor:
    """The tensor in float32."""
    return _cast(input, np.float32)


@public(function=False)
def double(input: Tensor) -> Tensor:
    """The tensor in float64."""
    return _cast(input, np.float64)


@public(function=False)
def half(input: Tensor) -> Tensor:
    """The tensor in float16."""
    return _cast(input, np.float16)


@public(function=False)
def long(input: Tensor) -> Tensor:
    """The tensor in int64 (floats truncated toward zero; no gradient)."""
    return _cast(input, np.int64)


@public(function=False)
def int(input: Tensor) -> Tensor:
    """The tensor in int32 (floats truncated toward zero; no gradient)."""
    return _cast(input, np.int32)


@public(function=False)
def bool(input: Tensor) -> Tensor:
    """The tensor in bool (non-zero is True; no gradient)."""
    return _cast(input, np.bool_)


@public(function=False)
def type_as(input: Tensor, other: Tensor) -> Tensor:
    """The tensor in ``other``'s dtype."""
    return _cast(input, other._array.dtype)


def _type_dtype(dtype: Any) -> Any:
    """A dtype from ``type()``'s argument: a dtype, a typed constructor or a type name."""
    if isinstance(dtype, str):
        name = dtype.rsplit(".", 1)[-1]
        if name not in _BY_TYPE_NAME:
            raise ValueError(f"type(): invalid type: {dtype!r}")
        return _BY_TYPE_NAME[name]
    if callable(dtype) and hasattr(dtype, "dtype") and not _is_dtype(dtype):
        return dtype.dtype
    return dtype


@public(function=False)
def type(input: Tensor, dtype: Any = None, non_blocking: bool = False) -> Any:
    """Without an argument, the type name (``'microtensor.FloatTensor'``); with a dtype,
    a type name (``'torch.LongTensor'``) or a typed constructor, the tensor in that type."""
    if dtype is None:
        return f"microtensor.{TYPE_NAMES.get(input.dtype, 'Tensor')}"
    return _cast(input, _type_dtype(dtype))


def _typed(name: str, dtype: dtypes.dtype) -> Any:
    def constructor(*data: Any, requires_grad: bool = False, device: Any = None) -> Tensor:
        return Tensor(*data, dtype=dtype, requires_grad=requires_grad, device=device)

    constructor.__name__ = constructor.__qualname__ = name
    constructor.__doc__ = (
        f"PyTorch's legacy ``{name}``: ``{name}(2, 3)`` (uninitialised) or ``{name}(data)``, "
        f"in {dtype!r}."
    )
    constructor.dtype = dtype  # type: ignore[attr-defined]  (read by Tensor.type)
    return constructor


FloatTensor = _typed("FloatTensor", dtypes.float32)
DoubleTensor = _typed("DoubleTensor", dtypes.float64)
HalfTensor = _typed("HalfTensor", dtypes.float16)
LongTensor = _typed("LongTensor", dtypes.int64)
IntTensor = _typed("IntTensor", dtypes.int32)
BoolTensor = _typed("BoolTensor", dtypes.bool)
ByteTensor = _typed("ByteTensor", dtypes.uint8)

__all__ = ["BoolTensor", "ByteTensor", "DoubleTensor", "FloatTensor", "HalfTensor",
           "IntTensor", "LongTensor", "Size", "TYPE_NAMES"]
