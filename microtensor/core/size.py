"""``Size``: a tensor's shape, a tuple printed as PyTorch prints ``torch.Size``."""

from __future__ import annotations

from typing import Any

import numpy as np


class Size(tuple):  # type: ignore[type-arg]
    """The shape of a tensor: a tuple of ints printed ``microtensor.Size([2, 3])``, as
    PyTorch's ``torch.Size``. ``numel()`` is the product of the sizes; a slice or a sum
    with a tuple is a Size again."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"microtensor.Size({list(self)})"

    def __format__(self, spec: str) -> str:
        """In f-strings (error messages), the plain tuple: ``(2, 3)``; ``print`` and
        ``repr`` give ``microtensor.Size([2, 3])``."""
        return format(tuple(self), spec)

    def numel(self) -> int:
        """The number of elements of a tensor of this shape."""
        return int(np.prod(self, dtype=np.int64))

    def __getitem__(self, key: Any) -> Any:
        item = tuple.__getitem__(self, key)
        return Size(item) if isinstance(key, slice) else item

    def __add__(self, other: Any) -> Size:
        return Size(tuple.__add__(self, tuple(other)))

    def __radd__(self, other: Any) -> Size:
        return Size(tuple(other) + tuple(self))
