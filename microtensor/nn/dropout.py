"""Dropout layers: ``Dropout`` and ``Dropout2d`` (``F.dropout``, ``F.dropout2d``).

In training mode each element (``Dropout``) or each channel (``Dropout2d``) is zeroed
with probability ``p`` and the rest scaled by ``1 / (1 - p)``; in eval mode the layer is
the identity. The mask comes from ``generator`` (a keyword microtensor adds) or the
default generator that ``mt.manual_seed`` seeds.
"""

from __future__ import annotations

from typing import Any

from microtensor.core.tensor import Tensor
from microtensor.nn import functional as F  # noqa: N812 (PyTorch's spelling)
from microtensor.nn.module import Module


class _DropoutNd(Module):
    def __init__(self, p: float = 0.5, inplace: bool = False, *, generator: Any = None) -> None:
        super().__init__()
        if isinstance(p, bool) or not isinstance(p, int | float) or not 0 <= p <= 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace
        self.generator = generator

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    """Zeroes each element with probability ``p`` in training (scaling the rest by
    ``1 / (1 - p)``); the identity in eval mode. Any input shape."""

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        return F.dropout(input, self.p, self.training, self.inplace, generator=self.generator)


class Dropout2d(_DropoutNd):
    """Zeroes whole channels ``input[n, c]`` with probability ``p`` in training (scaling
    the rest by ``1 / (1 - p)``); the identity in eval mode. Input ``(N, C, H, W)``."""

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        return F.dropout2d(input, self.p, self.training, self.inplace, generator=self.generator)


__all__ = ["Dropout", "Dropout2d"]
