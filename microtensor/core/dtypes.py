"""dtypes and the conversion of Python data to arrays.

As in PyTorch: Python floats become the default dtype (float32 unless changed with
``set_default_dtype``), Python ints become int64, bools stay bool, and a NumPy array
keeps its dtype.
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np


class dtype:  # noqa: N801 (PyTorch's spelling: torch.dtype)
    """An element type, printed as PyTorch prints its own (``microtensor.float32``).

    A thin name over a NumPy dtype, so it works wherever NumPy takes a dtype: NumPy reads
    the ``dtype`` attribute (``np.zeros(3, dtype=mt.float32)``, ``a.astype(mt.int64)``).
    It compares and hashes equal to that NumPy dtype (``x.dtype == np.float32`` holds), and
    passes other attributes (``kind``, ``itemsize``, ``type``) through to it. Why a wrapper
    and not NumPy's dtypes themselves: those print ``dtype('float32')`` and cannot be
    subclassed; why not more: arrays keep NumPy dtypes, so nothing inside changes.
    """

    __slots__ = ("_numpy", "_name")

    def __init__(self, numpy_dtype: Any, name: str) -> None:
        self._numpy = np.dtype(numpy_dtype)
        self._name = name

    @property
    def dtype(self) -> np.dtype:
        """The NumPy dtype (the attribute NumPy reads when given this object as a dtype)."""
        return self._numpy

    @property
    def is_floating_point(self) -> builtins.bool:
        return self._numpy.kind == "f"

    @property
    def is_signed(self) -> builtins.bool:
        return self._numpy.kind in "fi"

    @property
    def itemsize(self) -> builtins.int:
        return self._numpy.itemsize

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self._numpy, name)

    def __repr__(self) -> str:
        return f"microtensor.{self._name}"

    def __format__(self, spec: str) -> str:
        """In f-strings (error messages), NumPy's short name: ``float32``."""
        return format(self._numpy.name, spec)

    def __eq__(self, other: object) -> builtins.bool:
        if isinstance(other, dtype):
            return self._numpy == other._numpy
        try:
            return builtins.bool(self._numpy == np.dtype(other))  # type: ignore[arg-type]
        except TypeError:
            return False

    def __hash__(self) -> builtins.int:
        return hash(self._numpy)

    def __reduce__(self) -> Any:
        return (_by_name, (self._name,))


float32 = dtype(np.float32, "float32")
float64 = dtype(np.float64, "float64")
float16 = dtype(np.float16, "float16")
int64 = dtype(np.int64, "int64")
int32 = dtype(np.int32, "int32")
int16 = dtype(np.int16, "int16")
int8 = dtype(np.int8, "int8")
uint8 = dtype(np.uint8, "uint8")
bool = dtype(np.bool_, "bool")  # noqa: A001 (PyTorch's name: mt.bool)

_ALL = (float32, float64, float16, int64, int32, int16, int8, uint8, bool)
_BY_NUMPY = {d.dtype: d for d in _ALL}


def _by_name(name: str) -> dtype:
    return {d._name: d for d in _BY_NUMPY.values()}[name]


def of(numpy_dtype: np.dtype) -> dtype:
    """The ``mt`` dtype of a NumPy dtype (``x.dtype``); unusual ones get a name of their own."""
    found = _BY_NUMPY.get(numpy_dtype)
    if found is None:
        found = _BY_NUMPY[numpy_dtype] = dtype(numpy_dtype, np.dtype(numpy_dtype).name)
    return found


_default_dtype = float32.dtype


def get_default_dtype() -> dtype:
    """The dtype that Python floats become (float32 unless set otherwise)."""
    return of(_default_dtype)


def set_default_dtype(dtype: Any) -> None:
    """Set the dtype that Python floats become; float32 or float64."""
    global _default_dtype
    numpy_dtype = np.dtype(dtype)
    if numpy_dtype not in (float32.dtype, float64.dtype):
        raise TypeError(
            f"set_default_dtype: only float32 and float64 are supported, got {of(numpy_dtype)}"
        )
    _default_dtype = numpy_dtype


def is_floating(dtype: Any) -> bool:
    return np.issubdtype(dtype, np.floating)


def as_array(data: Any, dtype: Any = None) -> np.ndarray:
    """``data`` as an ndarray with PyTorch's dtype rules (a copy, as ``torch.tensor``)."""
    if isinstance(data, np.ndarray | np.generic):
        array = np.array(data, dtype=dtype)
    else:
        try:
            array = np.array(data)
        except ValueError:  # NumPy's "inhomogeneous shape": say it as PyTorch does
            raise ValueError(
                "tensor(): nested sequences must be rectangular (every row of the same "
                f"length), got {str(data)[:80]}"
            ) from None
        if array.dtype == object:
            raise TypeError(
                f"tensor(): could not make a numeric tensor from {type(data).__name__} "
                "(nested sequences must be rectangular and hold numbers)"
            )
        if dtype is not None:
            array = array.astype(dtype)
        elif array.dtype.kind == "f":
            array = array.astype(_default_dtype)
        elif array.dtype.kind in "iu":
            array = array.astype(np.int64)
    if array.dtype.kind not in "fiub":
        raise TypeError(
            f"tensor(): unsupported dtype {array.dtype}; use a float, int or bool dtype"
        )
    return array


_CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2}
_SCALAR_DTYPE = {0: np.dtype(np.bool_), 1: np.dtype(np.int64)}


def result_type(*operands: Any) -> np.dtype:
    """The dtype PyTorch gives an elementwise op of ``operands`` (arrays or Python numbers).

    The highest category (bool < integer < floating) wins; within it, tensors with
    dimensions decide before 0-d tensors, which decide before Python numbers. So a
    float32 tensor with a float64 0-d tensor or a Python float stays float32, an int64
    tensor with a Python float gives the default dtype, and int64 with float32 is float32.
    """
    ranked: dict[int, list[list[np.dtype]]] = {}
    for operand in operands:
        if isinstance(operand, np.ndarray):
            dtype, rank = operand.dtype, 0 if operand.ndim else 1
        else:
            python_number = isinstance(operand, builtins.bool | builtins.int | builtins.float)
            dtype = np.dtype(type(operand)) if python_number else np.asarray(operand).dtype
            rank = 2
        groups = ranked.setdefault(_CATEGORY.get(dtype.kind, 2), [[], [], []])
        groups[rank].append(dtype)
    category = max(ranked)
    for rank, dtypes_of_rank in enumerate(ranked[category]):
        if dtypes_of_rank:
            if rank < 2:
                return np.result_type(*dtypes_of_rank)
            return _default_dtype if category == 2 else _SCALAR_DTYPE[category]
    raise ValueError("result_type: no operands")


# PyTorch's other names for the same dtypes (they shadow builtins here, so they come last).
float = float32  # noqa: A001
double = float64
half = float16
long = int64
int = int32  # noqa: A001
short = int16
