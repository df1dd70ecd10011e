"""Elementwise extrema: the primitives ElementwiseMax, ElementwiseMin, behind
``max(input, other)`` and ``min(input, other)`` (PyTorch's ``maximum`` / ``minimum``).

Broadcasting as NumPy's; NaN propagates. At a tie the gradient is split in half between
the two inputs, as PyTorch's. The routing weights are constants, so the second
derivative is 0 away from ties.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from microtensor.core.function import Context, Function
from microtensor.core.tensor import Tensor
from microtensor.ops.arithmetic import _broadcast_error
from microtensor.ops.shape import sum_to


class ElementwiseMax(Function):
    """``max(a, b)`` elementwise. d/da = [a > b] + [a = b] / 2, d/db = [b > a] + [a = b] / 2."""

    select = staticmethod(np.maximum)

    @classmethod
    def forward(cls, ctx: Context, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        try:
            output = cls.select(a, b)
        except ValueError:
            raise _broadcast_error(cls.__name__, a, b) from None
        ctx.shapes = (a.shape, b.shape)
        wins = (a == output).astype(output.dtype)
        loses = (b == output).astype(output.dtype)
        weight_a = np.where(np.isnan(output), 1.0, wins / np.maximum(wins + loses, 1))
        ctx.save_for_backward(np.asarray(weight_a, dtype=output.dtype))
        return output

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> tuple[Tensor | None, ...]:
        (weight_a,) = ctx.saved_tensors
        shape_a, shape_b = ctx.shapes
        needs_a, needs_b = ctx.needs_input_grad
        return (
            sum_to(grad_output * weight_a, shape_a) if needs_a else None,
            sum_to(grad_output * (1 - weight_a), shape_b) if needs_b else None,
        )


class ElementwiseMin(ElementwiseMax):
    """``min(a, b)`` elementwise; the gradient as for ``ElementwiseMax``."""

    select = staticmethod(np.minimum)


def elementwise(function: type[ElementwiseMax], input: Tensor, other: Any, name: str) -> Tensor:
    """``max(input, other)`` / ``min(input, other)``: ``other`` must be a Tensor (PyTorch)."""
    if not isinstance(other, Tensor):
        raise TypeError(
            f"{name}(): other must be a Tensor (or pass dim as an int), got "
            f"{type(other).__name__}; for a number use clamp"
        )
    return function.apply(input, other)
