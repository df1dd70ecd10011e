"""PyTorch's dtype rules for the math ops: which dtype a result has.

* ``as_floating``: an integer or bool tensor becomes the default float dtype (``sin`` of
  an int64 tensor is float32, as in PyTorch); a float tensor is returned unchanged.
* ``result_dtype``: the dtype of an op on several operands (tensors and Python numbers),
  PyTorch's ``result_type``: the highest category (bool < integer < float) wins;
  tensors with dimensions outrank 0-d tensors, which outrank Python numbers, within a
  category; a Python float meeting only integer tensors gives the default float dtype.
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from microtensor.core import dtypes
from microtensor.core.tensor import Tensor


def _category(dtype: np.dtype) -> int:
    """0 for bool, 1 for integers, 2 for floats."""
    return 0 if dtype.kind == "b" else 1 if dtype.kind in "iu" else 2


def as_floating(input: Tensor) -> Tensor:
    """``input`` in the default float dtype when it holds integers or bools (no gradient
    is lost: such a tensor cannot require grad)."""
    if input.dtype.kind == "f":
        return input
    return Tensor._make(input._array.astype(dtypes.get_default_dtype()))


def _number_dtype(value: Any) -> np.dtype:
    if isinstance(value, builtins.bool | np.bool_):
        return dtypes.bool
    if isinstance(value, builtins.int | np.integer):
        return dtypes.int64
    return dtypes.get_default_dtype()


def result_dtype(*values: Any) -> np.dtype:
    """The dtype PyTorch gives an op on ``values`` (Tensors and numbers; None is skipped)."""
    groups: list[list[np.dtype]] = [[], [], []]
    for value in values:
        if value is None:
            continue
        if isinstance(value, Tensor):
            groups[0 if value.ndim else 1].append(value.dtype)
        else:
            groups[2].append(_number_dtype(value))
    result: np.dtype | None = None
    for group in groups:
        if not group:
            continue
        top = max(_category(d) for d in group)
        dtype = np.result_type(*[d for d in group if _category(d) == top])
        if group is groups[2] and top == 2:
            dtype = dtypes.get_default_dtype()
        if result is None or _category(dtype) > _category(result):
            result = dtype
    assert result is not None, "result_dtype: no operand"
    return np.dtype(result)
