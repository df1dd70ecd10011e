"""PyTorch's dtype rules for the math ops: which dtype a result has.

* ``as_floating``: an integer or bool tensor becomes the default float dtype (``sin`` of
  an int64 tensor is float32, as in PyTorch); a float tensor is returned unchanged.
* ``result_dtype``: the dtype of an op on several operands (Tensors, Python numbers,
  None for an absent one): ``core/dtypes.result_type``, PyTorch's promotion.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from microtensor.core import dtypes
from microtensor.core.tensor import Tensor


def as_floating(input: Tensor) -> Tensor:
    """``input`` in the default float dtype when it holds integers or bools (no gradient
    is lost: such a tensor cannot require grad)."""
    if input.dtype.kind == "f":
        return input
    return Tensor._make(input._array.astype(dtypes.get_default_dtype()))


def result_dtype(*values: Any) -> np.dtype:
    """The dtype PyTorch gives an op on ``values`` (Tensors and numbers; None is skipped)."""
    return dtypes.result_type(*[
        value._array if isinstance(value, Tensor) else value
        for value in values if value is not None
    ])
