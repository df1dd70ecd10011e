"""Making tensors: ``tensor``, ``zeros``, ``ones``, ``randn``, ``rand``, ``arange``, ...

Randomness comes from a ``numpy.random.Generator`` passed as ``generator=``, or from
the one default generator that ``manual_seed`` seeds (PyTorch's behaviour).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from microtensor.core import dtypes, random
from microtensor.core.random import default_generator, manual_seed
from microtensor.core.tensor import Tensor


def _shape(size: tuple[Any, ...]) -> tuple[int, ...]:
    if len(size) == 1 and isinstance(size[0], tuple | list):
        size = tuple(size[0])
    return tuple(int(s) for s in size)


def _dtype(dtype: Any) -> np.dtype:
    return dtypes.get_default_dtype() if dtype is None else np.dtype(dtype)


def tensor(data: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A new leaf tensor holding a copy of ``data`` (floats become float32)."""
    return Tensor(data, dtype=dtype, requires_grad=requires_grad)


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor that shares memory with ``array`` and keeps its dtype."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy: expected numpy.ndarray, got {type(array).__name__}")
    return Tensor._make(array, None)


def zeros(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return Tensor(np.zeros(_shape(size), dtype=_dtype(dtype)), requires_grad=requires_grad)


def ones(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return Tensor(np.ones(_shape(size), dtype=_dtype(dtype)), requires_grad=requires_grad)


def zeros_like(x: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return zeros(x.shape, dtype=x.dtype if dtype is None else dtype, requires_grad=requires_grad)


def ones_like(x: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return ones(x.shape, dtype=x.dtype if dtype is None else dtype, requires_grad=requires_grad)


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
