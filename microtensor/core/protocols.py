"""How a Tensor answers Python's protocols: ``bool(t)``, ``float(t)``, ``int(t)``,
``operator.index``, ``format``, ``in``, ``len``, iteration and unary ``+``, as PyTorch's.

A base class of ``Tensor`` (``core/tensor.py``), kept apart so that file reads in one
sitting; it holds no state (``__slots__ = ()``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np


class PythonProtocols:
    """Python's number and container protocols for ``Tensor``."""

    __slots__ = ()
    _array: np.ndarray

    def __bool__(self) -> bool:
        if self._array.size != 1:
            raise RuntimeError(
                f"Boolean value of Tensor with more than one value is ambiguous "
                f"(shape {self.shape}); use .any() or .all() on the array"
            )
        return bool(self._array)

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self._array.dtype.kind not in "iu" or self._array.size != 1:
            raise TypeError(
                f"only integer tensors of a single element can be converted to an index, "
                f"got dtype {self.dtype} and shape {self.shape}"
            )
        return int(self._array.item())

    def __format__(self, spec: str) -> str:
        if self._array.ndim == 0:
            return format(self._array.item(), spec)
        return format(repr(self), spec)

    def __contains__(self, element: Any) -> bool:
        """``element in tensor``: whether any element equals it (a number or a Tensor)."""
        if hasattr(element, "_array"):  # a Tensor
            element = element._array
        elif not isinstance(element, int | float | np.number | np.bool_):
            raise RuntimeError(
                f"Tensor.__contains__ only supports Tensor or scalar, but you passed in a "
                f"{type(element).__name__}"
            )
        return bool(np.any(self._array == element))

    def __len__(self) -> int:
        if self._array.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._array.shape[0]

    def __iter__(self) -> Iterator[Any]:
        return (self[i] for i in range(len(self)))  # type: ignore[index]

    def __pos__(self) -> Any:
        return self
