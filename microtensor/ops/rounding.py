"""Piecewise-constant functions: the primitives Sign, Floor, Ceil, Round, Trunc and their ops.

Their derivative is 0 wherever it exists, and PyTorch defines it as 0 at the jumps too:
each backward returns zeros (a constant, so the second derivative is 0 as well). Unlike
``x.detach().floor()``, the result stays in the graph (``grad_fn`` is ``FloorBackward``)
and ``backward`` through it gives zero gradients, as PyTorch's does.

Dtypes as PyTorch's: ``floor ceil round trunc`` of an integer tensor give a copy of it;
``sign`` keeps integers and bools.
"""

from __future__ import annotations

import numpy as np

from microtensor.core.function import Context, Primitive
from microtensor.core.tensor import Tensor
from microtensor.ops.table import public


def _zeros(grad_output: Tensor) -> Tensor:
    """The zero gradient of a piecewise-constant function: a constant."""
    return Tensor._make(np.zeros_like(grad_output._array))


class Sign(Primitive):
    """``sign(x)``: -1, 0 or 1. d/dx = 0 (also at 0, as PyTorch)."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        return np.sign(x)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        return _zeros(grad_output)


class Floor(Primitive):
    """The largest integer not above ``x``. d/dx = 0 (also at integers, as PyTorch)."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        return np.floor(x)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        return _zeros(grad_output)


class Ceil(Primitive):
    """The smallest integer not below ``x``. d/dx = 0 (also at integers, as PyTorch)."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        return np.ceil(x)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        return _zeros(grad_output)


class Round(Primitive):
    """``x`` rounded to ``decimals`` places, halves to even (``np.round``, as PyTorch).

    d/dx = 0 (also at the halves, as PyTorch).
    """

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, decimals: int = 0) -> np.ndarray:
        return np.round(x, decimals)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        return _zeros(grad_output)


class Trunc(Primitive):
    """``x`` rounded towards 0. d/dx = 0 (also at integers, as PyTorch)."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        return np.trunc(x)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        return _zeros(grad_output)


# ----- the public ops ---------------------------------------------------------------


def _rounding(name: str, function: type[Primitive], input: Tensor, **params: int) -> Tensor:
    """``function`` of a float ``input``; a copy of an integer one (already whole)."""
    if input.dtype.kind == "b":
        raise NotImplementedError(f"{name}: not implemented for bool tensors (as PyTorch)")
    if input.dtype.kind in "iu":
        return Tensor._make(input._array.copy())
    return function.apply(input, **params)


@public(inplace=("sign_",))
def sign(input: Tensor) -> Tensor:
    """-1, 0 or 1 by the sign of each element (bool and integer dtypes are kept)."""
    if input.dtype.kind == "b":
        return Tensor._make(input._array.copy())
    return Sign.apply(input)


@public(inplace=("floor_",))
def floor(input: Tensor) -> Tensor:
    """The largest integer not above each element (gradient 0)."""
    return _rounding("floor", Floor, input)


@public(inplace=("ceil_",))
def ceil(input: Tensor) -> Tensor:
    """The smallest integer not below each element (gradient 0)."""
    return _rounding("ceil", Ceil, input)


@public(inplace=("round_",))
def round(input: Tensor, *, decimals: int = 0) -> Tensor:
    """Each element rounded to ``decimals`` places, halves to even (gradient 0)."""
    if not isinstance(decimals, int) or isinstance(decimals, bool):
        raise TypeError(f"round: decimals must be an int, got {type(decimals).__name__}")
    return _rounding("round", Round, input, decimals=decimals)


@public(inplace=("trunc_",))
def trunc(input: Tensor) -> Tensor:
    """Each element rounded towards zero (gradient 0)."""
    return _rounding("trunc", Trunc, input)


@public(inplace=("fix_",))
def fix(input: Tensor) -> Tensor:
    """PyTorch's other name for ``trunc``."""
    return trunc(input)
