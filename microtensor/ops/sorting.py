"""Order: the ops sort, argsort, topk, argmin (no primitive of their own).

Values are picked out of the input with integer-array indexing (the ``Index``
primitive), so their gradient flows back to the positions they came from. Sorting is
stable (ties keep their order, as PyTorch's CPU sort; in descending order too), and NaN
counts as the largest value, as in PyTorch.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from microtensor.core.tensor import Tensor
from microtensor.ops.arguments import dim_index, keepdim_arg
from microtensor.ops.shape import Index
from microtensor.ops.table import public


class Sorted(NamedTuple):
    """``(values, indices)`` as returned by ``sort`` (PyTorch's ``return_types.sort``)."""

    values: Tensor
    indices: Tensor


class TopK(NamedTuple):
    """``(values, indices)`` as returned by ``topk`` (PyTorch's ``return_types.topk``)."""

    values: Tensor
    indices: Tensor


def _order(array: np.ndarray, axis: int, descending: bool) -> np.ndarray:
    """Stable argsort along ``axis``; descending keeps tied elements in their order."""
    if not descending:
        return np.argsort(array, axis=axis, kind="stable")
    # sort the reversed array ascending (ties: later first), reverse: ties earlier first
    n = array.shape[axis]
    ascending = np.argsort(np.flip(array, axis=axis), axis=axis, kind="stable")
    return np.flip(n - 1 - ascending, axis=axis)


def _take(input: Tensor, indices: np.ndarray, axis: int) -> Tensor:
    """``input`` gathered at ``indices`` along ``axis`` (differentiable, via ``Index``)."""
    grid = list(np.ogrid[tuple(slice(side) for side in indices.shape)])
    grid[axis] = indices
    return Index.apply(input, tuple(grid))


def _sorted(input: Tensor, dim: int, descending: bool, name: str) -> tuple[np.ndarray, int]:
    if input.ndim == 0:
        dim_index(dim, 0, name)
        return np.zeros((), dtype=np.int64), -1
    axis = dim_index(dim, input.ndim, name)
    return _order(input._array, axis, descending).astype(np.int64), axis


@public()
def sort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False
         ) -> tuple[Tensor, Tensor]:
    """``(values, indices)`` (a named tuple): ``input`` sorted along ``dim``, and where
    each value came from. Always stable (``stable`` is accepted for PyTorch's signature)."""
    indices, axis = _sorted(input, dim, descending, "sort")
    if axis < 0:
        return Sorted(input * 1, Tensor._make(indices))
    return Sorted(_take(input, indices, axis), Tensor._make(indices))


@public()
def argsort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False
            ) -> Tensor:
    """The int64 indices that sort ``input`` along ``dim`` (stable)."""
    return Tensor._make(_sorted(input, dim, descending, "argsort")[0])


@public()
def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True
         ) -> tuple[Tensor, Tensor]:
    """``(values, indices)`` (a named tuple) of the ``k`` largest (``largest=False``:
    smallest) elements along ``dim``, in sorted order (also when ``sorted=False``).
    Among tied elements the first positions are taken (PyTorch leaves that unspecified)."""
    size = 1 if input.ndim == 0 else input.shape[dim_index(dim, input.ndim, "topk")]
    if isinstance(k, bool) or not isinstance(k, int | np.integer):
        raise TypeError(f"topk(): k must be an int, got {type(k).__name__}")
    if not 0 <= k <= size:
        raise RuntimeError(
            f"topk(): selected index k out of range: k={k} with {size} elements along "
            f"dim {dim} (shape {input.shape})"
        )
    indices, axis = _sorted(input, dim, largest, "topk")
    if axis < 0:
        return TopK(input * 1, Tensor._make(indices))
    indices = np.take(indices, np.arange(k), axis=axis)
    return TopK(_take(input, indices, axis), Tensor._make(indices))


@public()
def argmin(input: Tensor, dim: int | None = None, keepdim: bool = False, *,
           keepdims: bool | None = None) -> Tensor:
    """Index of the first minimum (of the flattened tensor when ``dim`` is None), int64."""
    keep = keepdim_arg(keepdim, keepdims, "argmin")
    if input._array.size == 0:
        raise RuntimeError(f"argmin(): expected a non-empty tensor, got shape {input.shape}")
    if dim is None:
        result = np.asarray(np.argmin(input._array), dtype=np.int64)
        return Tensor._make(result.reshape((1,) * input.ndim) if keep else result)
    axis = dim_index(dim, input.ndim, "argmin")
    if input.ndim == 0:
        return Tensor._make(np.zeros((), dtype=np.int64))
    return Tensor._make(np.argmin(input._array, axis=axis, keepdims=keep).astype(np.int64))

