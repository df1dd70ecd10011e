"""Logical reductions and tests: all, any, count_nonzero, isnan, isinf, isfinite, isclose,
allclose, equal. None has a gradient; results are bool (int64 for ``count_nonzero``,
a Python bool for ``allclose`` and ``equal``), as PyTorch's.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from microtensor.core import dtypes
from microtensor.core.tensor import Tensor
from microtensor.ops.arguments import keepdim_arg, normalize_dims
from microtensor.ops.table import public


def _truth(
    reduce: Any, name: str, input: Tensor, dim: Any, keepdim: bool, keepdims: bool | None
) -> Tensor:
    keep = keepdim_arg(keepdim, keepdims, name)
    dims = normalize_dims(dim, input.ndim, name)
    result = np.asarray(reduce(input._array != 0, axis=dims, keepdims=keep))
    # PyTorch keeps uint8 for uint8 inputs (its older convention); bool for everything else
    return Tensor._make(result.astype(np.uint8 if input.dtype == np.uint8 else np.bool_))


@public()
def all(input: Tensor, dim: Any = None, keepdim: bool = False, *,
        keepdims: bool | None = None) -> Tensor:
    """Whether every element (along ``dim``: an int or several) is non-zero; bool."""
    return _truth(np.all, "all", input, dim, keepdim, keepdims)


@public()
def any(input: Tensor, dim: Any = None, keepdim: bool = False, *,
        keepdims: bool | None = None) -> Tensor:
    """Whether some element (along ``dim``: an int or several) is non-zero; bool."""
    return _truth(np.any, "any", input, dim, keepdim, keepdims)


@public()
def count_nonzero(input: Tensor, dim: Any = None) -> Tensor:
    """The number of non-zero elements (along ``dim``: an int or several), int64."""
    dims = normalize_dims(dim, input.ndim, "count_nonzero")
    return Tensor._make(np.asarray(np.count_nonzero(input._array, axis=dims), dtype=np.int64))


def _floating_test(test: Any, input: Tensor, otherwise: bool) -> Tensor:
    if dtypes.is_floating(input.dtype):
        return Tensor._make(test(input._array))
    return Tensor._make(np.full(input.shape, otherwise))


@public()
def isnan(input: Tensor) -> Tensor:
    """Elementwise: is it NaN? (Never, for integers and bools.)"""
    return _floating_test(np.isnan, input, False)


@public()
def isinf(input: Tensor) -> Tensor:
    """Elementwise: is it +inf or -inf? (Never, for integers and bools.)"""
    return _floating_test(np.isinf, input, False)


@public()
def isfinite(input: Tensor) -> Tensor:
    """Elementwise: is it neither infinite nor NaN? (Always, for integers and bools.)"""
    return _floating_test(np.isfinite, input, True)


def _other(other: Any, name: str) -> Tensor:
    if not isinstance(other, Tensor):
        raise TypeError(f"{name}(): argument 'other' must be a Tensor, not {type(other).__name__}")
    return other


def _broadcast(input: Tensor, other: Tensor, name: str) -> None:
    try:
        np.broadcast_shapes(input.shape, other.shape)
    except ValueError:
        raise RuntimeError(
            f"{name}(): the shapes {input.shape} and {other.shape} do not broadcast"
        ) from None


@public()
def isclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08,
            equal_nan: bool = False) -> Tensor:
    """Elementwise ``|input - other| <= atol + rtol * |other|`` (equal infinities are
    close; NaNs only with ``equal_nan``); both tensors of one dtype, as PyTorch asks."""
    other = _other(other, "isclose")
    if input.dtype != other.dtype:
        raise RuntimeError(
            f"isclose(): {input.dtype} did not match {other.dtype}: both tensors must have "
            "the same dtype"
        )
    _broadcast(input, other, "isclose")
    if input.dtype == np.bool_:
        return Tensor._make(np.asarray(input._array == other._array))
    return Tensor._make(np.asarray(np.isclose(
        input._array, other._array, rtol=rtol, atol=atol, equal_nan=equal_nan
    )))


@public()
def allclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08,
             equal_nan: bool = False) -> bool:
    """Whether ``isclose`` holds for every element: a Python bool."""
    return bool(isclose(input, other, rtol, atol, equal_nan)._array.all())


@public()
def equal(input: Tensor, other: Tensor) -> bool:
    """Whether both have the same shape and the same values (NaN equals nothing); a
    Python bool. Dtypes may differ, as in PyTorch."""
    other = _other(other, "equal")
    return input.shape == other.shape and bool(np.all(input._array == other._array))
