"""Logical and bitwise ops on bool and integer tensors: ``& | ^ ~`` and their names.

``mask1 & mask2`` is ``bitwise_and``; ``logical_and`` reads any dtype as truth values and
gives bool. None has a gradient, and a floating tensor is refused by the bitwise ones,
as in PyTorch.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from microtensor.core.tensor import Tensor
from microtensor.ops.table import public


def _bitwise(name: str, ufunc: Callable[..., Any], input: Any, other: Any) -> Tensor:
    a = input._array if isinstance(input, Tensor) else np.asarray(input)
    b = other._array if isinstance(other, Tensor) else other
    for value in (a, np.asarray(b)):
        if value.dtype.kind not in "biu":
            raise TypeError(
                f"{name}: only integer and bool tensors are supported, got dtype {value.dtype}"
            )
    try:
        return Tensor._make(np.asarray(ufunc(a, b)))
    except ValueError:
        raise RuntimeError(
            f"{name}: shapes {a.shape} and {np.shape(b)} do not broadcast"
        ) from None


@public(methods=("bitwise_and", "__and__"), reflected="__rand__", inplace=("__iand__",))
def bitwise_and(input: Any, other: Any) -> Tensor:
    """``input & other`` elementwise (bool and integer tensors)."""
    return _bitwise("bitwise_and", np.bitwise_and, input, other)


@public(methods=("bitwise_or", "__or__"), reflected="__ror__", inplace=("__ior__",))
def bitwise_or(input: Any, other: Any) -> Tensor:
    """``input | other`` elementwise (bool and integer tensors)."""
    return _bitwise("bitwise_or", np.bitwise_or, input, other)


@public(methods=("bitwise_xor", "__xor__"), reflected="__rxor__", inplace=("__ixor__",))
def bitwise_xor(input: Any, other: Any) -> Tensor:
    """``input ^ other`` elementwise (bool and integer tensors)."""
    return _bitwise("bitwise_xor", np.bitwise_xor, input, other)


@public(methods=("bitwise_not", "__invert__"))
def bitwise_not(input: Tensor) -> Tensor:
    """``~input``: logical not of a bool tensor, bitwise not of an integer one."""
    if input.dtype.kind not in "biu":
        raise TypeError(
            f"bitwise_not: only integer and bool tensors are supported, got dtype {input.dtype}"
        )
    return Tensor._make(np.asarray(np.invert(input._array)))


def _truths(input: Any, other: Any) -> tuple[Any, Any]:
    a = input._array if isinstance(input, Tensor) else input
    return a != 0, (other._array if isinstance(other, Tensor) else other) != 0


@public()
def logical_and(input: Tensor, other: Any) -> Tensor:
    """Both non-zero, elementwise; bool."""
    return Tensor._make(np.asarray(np.logical_and(*_truths(input, other))))


@public()
def logical_or(input: Tensor, other: Any) -> Tensor:
    """Either non-zero, elementwise; bool."""
    return Tensor._make(np.asarray(np.logical_or(*_truths(input, other))))


@public()
def logical_xor(input: Tensor, other: Any) -> Tensor:
    """Exactly one non-zero, elementwise; bool."""
    return Tensor._make(np.asarray(np.logical_xor(*_truths(input, other))))


@public()
def logical_not(input: Tensor) -> Tensor:
    """Zero, elementwise; bool."""
    return Tensor._make(np.asarray(input._array == 0))
