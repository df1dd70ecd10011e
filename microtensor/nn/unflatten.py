"""``Unflatten``: splits one dim into several, the inverse of ``Flatten``."""

from __future__ import annotations

import math
from collections.abc import Sequence

from microtensor.core.tensor import Tensor
from microtensor.nn.module import Module


class Unflatten(Module):
    """Dim ``dim`` of size ``prod(unflattened_size)`` becomes ``unflattened_size`` (one entry
    may be -1): ``Unflatten(1, (2, 5))`` makes ``(N, 10)`` into ``(N, 2, 5)``."""

    def __init__(self, dim: int, unflattened_size: Sequence[int]) -> None:
        super().__init__()
        if isinstance(dim, str):
            raise TypeError("Unflatten: named dimensions (a str dim) are not supported")
        if not isinstance(dim, int):
            raise TypeError(f"invalid argument 'dim': expected an int, got {type(dim).__name__}")
        if not isinstance(unflattened_size, tuple | list) or not all(
            isinstance(size, int) for size in unflattened_size
        ):
            raise TypeError(
                "unflattened_size must be tuple of ints, but found type "
                f"{type(unflattened_size).__name__}"
            )
        self.dim = dim
        self.unflattened_size = unflattened_size

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        ndim = max(input.ndim, 1)
        if not -ndim <= self.dim < ndim:
            raise IndexError(
                f"Dimension out of range (expected to be in range of [{-ndim}, {ndim - 1}], "
                f"but got {self.dim})"
            )
        dim = self.dim % ndim
        size = input.shape[dim]
        sizes = list(self.unflattened_size)
        known = math.prod(s for s in sizes if s != -1)
        if sizes.count(-1) > 1 or (-1 not in sizes and known != size) or (
            -1 in sizes and (known == 0 or size % known != 0)
        ):
            raise RuntimeError(
                f"unflatten: Provided sizes {sizes} don't multiply up to the size of dim "
                f"{self.dim} ({size}) in the input tensor"
            )
        if -1 in sizes:
            sizes[sizes.index(-1)] = size // known
        return input.reshape(*input.shape[:dim], *sizes, *input.shape[dim + 1:])

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"


__all__ = ["Unflatten"]
