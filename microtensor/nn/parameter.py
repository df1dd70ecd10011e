"""``Parameter``: a leaf Tensor that a ``Module`` registers as one of its weights."""

from __future__ import annotations

from typing import Any

import numpy as np

from microtensor.core import dtypes
from microtensor.core.tensor import Tensor


class Parameter(Tensor):
    """A Tensor that is a module's parameter: assigning one to a Module attribute
    registers it, so that it appears in ``parameters()`` and ``state_dict()``.

    Args:
        data: a Tensor (its array is shared, as ``torch.nn.Parameter`` shares storage),
            an ndarray (shared too) or anything ``mt.tensor`` accepts (copied).
        requires_grad: whether the optimiser should train it (default True).
    """

    __slots__ = ()

    def __init__(self, data: Any = None, requires_grad: bool = True) -> None:
        if data is None:
            array = np.empty((0,), dtype=dtypes.get_default_dtype())
        elif isinstance(data, Tensor):
            array = data._array
        elif isinstance(data, np.ndarray):
            array = data
        else:
            array = dtypes.as_array(data)
        self._set(array, None, None)
        if requires_grad:
            self.requires_grad_(True)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    def __deepcopy__(self, memo: dict[int, Any]) -> Parameter:
        """``copy.deepcopy``: a new Parameter with copies of the array and the gradient."""
        copied = Parameter(self._array.copy(), self.requires_grad)
        if self.grad is not None:
            copied.grad = Tensor._make(self.grad._array.copy(), None)
        memo[id(self)] = copied
        return copied
