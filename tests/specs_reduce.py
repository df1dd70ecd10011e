"""Property-test specs of the reduction primitives: Amax, Amin, Norm, Prod, ProdOthers,
Cumsum. Inputs are drawn away from ties (values pairwise
apart) and from the kinks of the norms (|x| away from 0); the conventions at ties and at
0 have exact unit tests in ``test_reduce.py``.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from microtensor.ops import norms, products, statistics
from microtensor.testing import PrimitiveSpec
from microtensor.testing import strategies as mts

SHAPES = mts.shapes(max_dims=3, max_side=3)
NONZERO = mts.floats_away_from((0.0,), margin=0.25)


@st.composite
def _amax(draw: st.DrawFn) -> tuple:
    x = draw(mts.distinct_arrays(SHAPES, gap=0.05))
    return (x,), {"dim": draw(mts.sum_dims(x.ndim).map(lambda d: d or None)),
                  "keepdim": draw(st.booleans())}


def _amax_reference(reduce):  # type: ignore[no-untyped-def]
    def reference(x: np.ndarray, dim: tuple[int, ...] | None, keepdim: bool) -> np.ndarray:
        return np.asarray(reduce(x, axis=dim, keepdims=keepdim))

    return reference


@st.composite
def _norm(draw: st.DrawFn) -> tuple:
    p = draw(st.sampled_from([2.0, 1.0, math.inf, -math.inf, 0.0, 3.0, 1.5, 0.5, -1.0]))
    if math.isinf(p):  # no ties among |x|: distinct positive magnitudes with random signs
        magnitude = draw(mts.distinct_arrays(SHAPES, gap=0.05, center=2.0))
        signs = draw(hnp.arrays(np.bool_, magnitude.shape))
        x = np.asarray(np.where(signs, magnitude, -magnitude))
    else:
        x = draw(mts.float_arrays(SHAPES, elements=NONZERO))
    dim = draw(mts.sum_dims(x.ndim).map(lambda d: d or None))
    return (x, p), {"dim": dim, "keepdim": draw(st.booleans())}


def _norm_reference(x: np.ndarray, p: float, dim: tuple[int, ...] | None, keepdim: bool
                    ) -> np.ndarray:
    magnitude = np.abs(x)
    if math.isinf(p):
        result = (np.max if p > 0 else np.min)(magnitude, axis=dim, keepdims=keepdim)
    elif p == 0:
        result = np.sum(x != 0, axis=dim, keepdims=keepdim).astype(x.dtype)
    else:
        result = np.sum(magnitude**p, axis=dim, keepdims=keepdim) ** (1 / p)
    return np.asarray(result)


@st.composite
def _prod(draw: st.DrawFn) -> tuple:
    x = draw(mts.float_arrays(mts.shapes(min_dims=1, max_dims=3, max_side=3),
                              min_value=-2.0, max_value=2.0))
    return (x,), {"dim": draw(st.integers(0, x.ndim - 1)), "keepdim": draw(st.booleans())}


@st.composite
def _prod_others(draw: st.DrawFn) -> tuple:
    """Any values, zeros included (the product of the others is a polynomial: no kink)."""
    values = st.sampled_from([0.0]) | mts.floats(-2.0, 2.0)
    x = draw(mts.float_arrays(mts.shapes(min_dims=1, max_dims=3, max_side=3), elements=values))
    return (x,), {"dim": draw(st.integers(0, x.ndim - 1))}


def _prod_others_reference(x: np.ndarray, dim: int) -> np.ndarray:
    moved = np.moveaxis(x, dim, -1)
    n = moved.shape[-1]
    out = np.stack([np.prod(np.delete(moved, i, axis=-1), axis=-1) for i in range(n)], axis=-1)
    return np.moveaxis(out, -1, dim)


@st.composite
def _cumsum(draw: st.DrawFn) -> tuple:
    x = draw(mts.float_arrays(mts.shapes(min_dims=1, max_dims=3, max_side=3)))
    return (x,), {"dim": draw(st.integers(0, x.ndim - 1)), "reverse": draw(st.booleans())}


def _cumsum_reference(x: np.ndarray, dim: int, reverse: bool) -> np.ndarray:
    if reverse:
        return np.flip(np.cumsum(np.flip(x, dim), axis=dim), dim)
    return np.cumsum(x, axis=dim)


def _pair_apart() -> st.SearchStrategy:
    """Two broadcastable arrays with no ties: ``a`` in bands [-3,-2], [-1,0], [1,2] and
    ``b`` in the bands between them (0.1 inside), so either may win, never by < 0.1."""
    bands_a = st.one_of(mts.floats(-3.0, -2.0), mts.floats(-1.0, 0.0), mts.floats(1.0, 2.0))
    bands_b = st.one_of(mts.floats(-1.9, -1.1), mts.floats(0.1, 0.9), mts.floats(2.1, 3.0))
    pairs = mts.broadcastable_arrays(2, elements=(bands_a, bands_b), max_side=3)
    return pairs.map(lambda ab: (ab, {}))


SPECS = [
    PrimitiveSpec(statistics.Amax, _amax(), _amax_reference(np.max),
                  notes="values pairwise 0.05 apart: no ties"),
    PrimitiveSpec(statistics.Amin, _amax(), _amax_reference(np.min),
                  notes="values pairwise 0.05 apart: no ties"),
    PrimitiveSpec(norms.Norm, _norm(), _norm_reference,
                  notes="|x| >= 0.25; for +-inf, distinct magnitudes (no ties)"),
    PrimitiveSpec(products.Prod, _prod(),
                  lambda x, dim, keepdim: np.asarray(np.prod(x, axis=dim, keepdims=keepdim))),
    PrimitiveSpec(products.ProdOthers, _prod_others(), _prod_others_reference,
                  notes="zeros drawn on purpose"),
    PrimitiveSpec(products.Cumsum, _cumsum(), _cumsum_reference),
]
