"""Creation ops: ``tensor``, ``from_numpy``, ``zeros``, ``ones``, ``randn``, ``arange``, ...

Randomness comes from a ``numpy.random.Generator`` passed as ``generator=``, or from
the one default generator that ``mt.manual_seed`` seeds (``microtensor/core/random.py``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from microtensor.core import dtypes, random
from microtensor.core.tensor import Tensor
from microtensor.ops.arguments import shape_args as _shape
from microtensor.ops.table import public


def _dtype(dtype: Any) -> np.dtype:
    return dtypes.get_default_dtype() if dtype is None else np.dtype(dtype)


@public(methods=(), tensor_first=False)
def tensor(data: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A new leaf tensor holding a copy of ``data`` (floats become float32)."""
    return Tensor(data, dtype=dtype, requires_grad=requires_grad)


@public(methods=(), tensor_first=False)
def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor that shares memory with ``array`` and keeps its dtype."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy: expected numpy.ndarray, got {type(array).__name__}")
    return Tensor._make(array, None)


@public(methods=(), tensor_first=False)
def zeros(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros of shape ``size`` (``zeros(2, 3)`` or ``zeros((2, 3))``)."""
    return Tensor(np.zeros(_shape(size), dtype=_dtype(dtype)), requires_grad=requires_grad)


@public(methods=(), tensor_first=False)
def ones(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones of shape ``size`` (``ones(2, 3)`` or ``ones((2, 3))``)."""
    return Tensor(np.ones(_shape(size), dtype=_dtype(dtype)), requires_grad=requires_grad)


@public(methods=())
def zeros_like(input: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Zeros of ``input``'s shape and (unless given) dtype."""
    dtype = input.dtype if dtype is None else dtype
    return zeros(input.shape, dtype=dtype, requires_grad=requires_grad)


@public(methods=())
def ones_like(input: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Ones of ``input``'s shape and (unless given) dtype."""
    dtype = input.dtype if dtype is None else dtype
    return ones(input.shape, dtype=dtype, requires_grad=requires_grad)


@public(methods=(), tensor_first=False)
def randn(
    *size: Any,
    generator: np.random.Generator | None = None,
    dtype: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Standard normal samples of the given shape."""
    rng = random.resolve(generator)
    data = rng.standard_normal(_shape(size)).astype(_dtype(dtype))
    return Tensor(data, requires_grad=requires_grad)


@public(methods=(), tensor_first=False)
def rand(
    *size: Any,
    generator: np.random.Generator | None = None,
    dtype: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Uniform samples on [0, 1) of the given shape."""
    rng = random.resolve(generator)
    data = rng.random(_shape(size)).astype(_dtype(dtype))
    return Tensor(data, requires_grad=requires_grad)


@public(methods=(), tensor_first=False)
def arange(
    start: float, end: float | None = None, step: float = 1, dtype: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Values from ``start`` to ``end`` (exclusive); int64 when all arguments are ints."""
    if end is None:
        start, end = 0, start
    if dtype is None:
        ints = all(isinstance(v, int) for v in (start, end, step))
        dtype = np.int64 if ints else dtypes.get_default_dtype()
    return Tensor(np.arange(start, end, step, dtype=dtype), requires_grad=requires_grad)
