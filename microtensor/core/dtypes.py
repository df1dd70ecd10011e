"""dtypes and the conversion of Python data to arrays.

As in PyTorch: Python floats become the default dtype (float32 unless changed with
``set_default_dtype``), Python ints become int64, bools stay bool, and a NumPy array
keeps its dtype.
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

float32 = np.dtype(np.float32)
float64 = np.dtype(np.float64)
int64 = np.dtype(np.int64)
bool = np.dtype(np.bool_)  # noqa: A001 (PyTorch's name: mt.bool)

_default_dtype = float32


def get_default_dtype() -> np.dtype:
    """The dtype that Python floats become (float32 unless set otherwise)."""
    return _default_dtype


def set_default_dtype(dtype: Any) -> None:
    """Set the dtype that Python floats become; float32 or float64."""
    global _default_dtype
    dtype = np.dtype(dtype)
    if dtype not in (float32, float64):
        raise TypeError(
            f"set_default_dtype: only float32 and float64 are supported, got {dtype}"
        )
    _default_dtype = dtype


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
            python_number = isinstance(operand, builtins.bool | int | float)
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
