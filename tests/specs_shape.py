"""Property-test specs of the layout and gather primitives (``ops/layout.py``,
``ops/gather.py``): Expand, Flip, Roll, Contiguous, Gather, GatherAdjoint, Scatter.

Collected by ``test_primitives.py`` (forward against NumPy, first and second derivatives
against finite differences). Gather indices may repeat positions (their gradients add up);
Scatter indices never write one position twice (a repeated write has no single derivative).
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from microtensor.ops import gather, layout
from microtensor.testing import PrimitiveSpec
from microtensor.testing import strategies as mts

SHAPES = mts.shapes(max_dims=3, max_side=3)
NONEMPTY = mts.shapes(min_dims=1, max_dims=3, max_side=3)


@st.composite
def _expand(draw: st.DrawFn) -> tuple:
    """A shape and a larger one it broadcasts to (leading axes added, 1s widened)."""
    big = draw(SHAPES)
    small = big[draw(st.integers(0, len(big))) :]
    small = tuple(1 if draw(st.booleans()) else side for side in small)
    return (draw(mts.float_arrays(small)), big), {}


@st.composite
def _flip(draw: st.DrawFn) -> tuple:
    x = draw(mts.float_arrays(SHAPES))
    dims = draw(st.lists(st.integers(0, max(x.ndim - 1, 0)), unique=True, max_size=x.ndim))
    return (x, tuple(dims)), {}


@st.composite
def _roll(draw: st.DrawFn) -> tuple:
    x = draw(mts.float_arrays(SHAPES))
    if x.ndim == 0 or draw(st.booleans()):
        return (x, (draw(st.integers(-5, 5)),), None), {}
    dims = tuple(draw(st.lists(st.integers(0, x.ndim - 1), min_size=1, max_size=3)))
    return (x, tuple(draw(st.integers(-5, 5)) for _ in dims), dims), {}


def _roll_reference(x: np.ndarray, shifts: tuple, dims: tuple | None) -> np.ndarray:
    """By definition: y[(i + s) % n] = x[i] along each dim, one dim at a time."""
    if dims is None:
        return _roll_reference(x.reshape(-1), shifts, (0,)).reshape(x.shape)
    for shift, dim in zip(shifts, dims, strict=True):
        n = x.shape[dim]
        x = np.take(x, [(i - shift) % n for i in range(n)], axis=dim)
    return x


@st.composite
def _contiguous(draw: st.DrawFn) -> tuple:
    x = draw(mts.float_arrays(SHAPES))
    return (x.T if draw(st.booleans()) else x,), {}


@st.composite
def _index_for(draw: st.DrawFn, shape: tuple[int, ...], distinct: bool) -> tuple:
    """``(index, dim)`` for ``gather``/``scatter`` into ``shape``: index sides no larger
    than ``shape`` (any size along ``dim`` for gather), values in ``[0, shape[dim])``;
    ``distinct``: no position along ``dim`` twice in one column."""
    dim = draw(st.integers(0, len(shape) - 1))
    n = shape[dim]
    sides = [draw(st.integers(1, side)) for side in shape]
    if not distinct:
        sides[dim] = draw(st.integers(1, 4))
        values = st.integers(0, n - 1)
        return draw(hnp.arrays(np.int64, tuple(sides), elements=values)), dim
    keys = draw(hnp.arrays(np.float64, (*sides[:dim], n, *sides[dim + 1 :]), unique=True,
                           elements=st.floats(-1, 1)))
    order = np.argsort(keys, axis=dim, kind="stable")
    return np.take(order, range(draw(st.integers(1, n))), axis=dim), dim


def _positions_reference(index: np.ndarray, dim: int) -> list[tuple[tuple, tuple]]:
    """(position in index, position in the input) pairs, by the formula, element by element."""
    pairs = []
    for where in np.ndindex(index.shape):
        target = list(where)
        target[dim] = int(index[where])
        pairs.append((where, tuple(target)))
    return pairs


@st.composite
def _gather(draw: st.DrawFn) -> tuple:
    x = draw(mts.float_arrays(NONEMPTY))
    index, dim = draw(_index_for(x.shape, distinct=False))
    return (x, index, dim), {}


def _gather_reference(x: np.ndarray, index: np.ndarray, dim: int) -> np.ndarray:
    out = np.empty(index.shape)
    for where, target in _positions_reference(index, dim):
        out[where] = x[target]
    return out


@st.composite
def _gather_adjoint(draw: st.DrawFn) -> tuple:
    shape = draw(NONEMPTY)
    index, dim = draw(_index_for(shape, distinct=False))
    return (draw(mts.float_arrays(index.shape)), index, dim, shape), {}


def _gather_adjoint_reference(
    grad: np.ndarray, index: np.ndarray, dim: int, shape: tuple[int, ...]
) -> np.ndarray:
    out = np.zeros(shape)
    for where, target in _positions_reference(index, dim):
        out[target] += grad[where]
    return out


@st.composite
def _scatter(draw: st.DrawFn) -> tuple:
    x = draw(mts.float_arrays(NONEMPTY))
    index, dim = draw(_index_for(x.shape, distinct=True))
    if draw(st.booleans()):
        return (x, draw(mts.floats()), index, dim), {}
    larger = tuple(side + draw(st.integers(0, 1)) for side in index.shape)
    return (x, draw(mts.float_arrays(larger)), index, dim), {}


def _scatter_reference(x: np.ndarray, src: object, index: np.ndarray, dim: int) -> np.ndarray:
    out = x.copy()
    for where, target in _positions_reference(index, dim):
        out[target] = src[where] if isinstance(src, np.ndarray) else src
    return out


SPECS = [
    PrimitiveSpec(layout.Expand, _expand(), np.broadcast_to),
    PrimitiveSpec(layout.Flip, _flip(), lambda x, dims: np.flip(x, dims)),
    PrimitiveSpec(layout.Roll, _roll(), _roll_reference),
    PrimitiveSpec(layout.Contiguous, _contiguous(), np.array),
    PrimitiveSpec(gather.Gather, _gather(), _gather_reference,
                  notes="indices may repeat; any index size along dim"),
    PrimitiveSpec(gather.GatherAdjoint, _gather_adjoint(), _gather_adjoint_reference),
    PrimitiveSpec(gather.Scatter, _scatter(), _scatter_reference, differentiable=(0, 1),
                  notes="no position written twice; src a number or larger than index"),
]
