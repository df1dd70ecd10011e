"""Property-test specs of the core primitives (elementwise, reduction, shape, matmul).

One ``PrimitiveSpec`` per registered Primitive of ``microtensor.ops`` except ``Relu`` and
``LogSoftmax`` (in ``specs_cnn.py`` with the CNN primitives). ``test_primitives.py``
collects ``SPECS`` from every ``specs_*.py`` module. Each strategy draws ``(args,
kwargs)`` that are valid by construction and kept away from kinks; the references are
plain NumPy, written independently of the implementation where NumPy allows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from microtensor.ops import arithmetic, elementwise, linalg, reduction, shape
from microtensor.testing import PrimitiveSpec
from microtensor.testing import strategies as mts

# Small shapes keep full Jacobians cheap: at most 3 axes of size 1 to 3 (27 elements).
SHAPES = mts.shapes(max_dims=3, max_side=3)
NONZERO = mts.floats_away_from((0.0,), margin=0.25)


def _args(*strategies: st.SearchStrategy) -> st.SearchStrategy:
    """``(args, {})`` from one strategy per positional argument."""
    return st.tuples(*strategies).map(lambda args: (args, {}))


def _unary(elements: st.SearchStrategy | None = None) -> st.SearchStrategy:
    return _args(mts.float_arrays(SHAPES, elements=elements))


def _binary(second: st.SearchStrategy | None = None) -> st.SearchStrategy:
    """Two broadcastable arrays, or an array and a Python number (either side)."""
    second_scalar = mts.floats() if second is None else second
    pairs = mts.broadcastable_arrays(2, elements=(None, second), max_side=3)
    left = st.tuples(mts.float_arrays(SHAPES), second_scalar)
    right = st.tuples(mts.floats(), mts.float_arrays(SHAPES, elements=second))
    return st.one_of(pairs, left, right).map(lambda args: (args, {}))


@st.composite
def _pow(draw: st.DrawFn) -> tuple:
    special = st.sampled_from([0.0, 1.0, 2.0, 3.0, -1.0, -2.0, 0.5, -0.5, 1.5])
    exponent = draw(special | mts.floats())
    if float(exponent).is_integer():  # any sign of base; away from 0 for negative powers
        base = draw(mts.float_arrays(SHAPES, elements=NONZERO))
    else:
        base = draw(mts.positive_arrays(SHAPES, min_value=0.25))
    return (base, exponent), {}


@st.composite
def _linear(draw: st.DrawFn) -> tuple:
    """x (in,), (N, in) or (B, N, in); weight (out, in); bias (out,) or (N, out)."""
    features, outputs = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    lead = draw(hnp.array_shapes(min_dims=0, max_dims=2, max_side=3))
    x = draw(mts.float_arrays((*lead, features)))
    weight = draw(mts.float_arrays((outputs, features)))
    bias_shape = draw(st.sampled_from([(outputs,), (*lead[-1:], outputs)]))
    return (x, weight, draw(mts.float_arrays(bias_shape))), {}


@st.composite
def _sum(draw: st.DrawFn) -> tuple:
    x = draw(mts.float_arrays(SHAPES))
    return (x,), {"dim": draw(mts.sum_dims(x.ndim)), "keepdim": draw(st.booleans())}


@st.composite
def _extremum(draw: st.DrawFn) -> tuple:
    x = draw(mts.distinct_arrays(SHAPES, gap=0.05))
    dim = draw(mts.one_dim(x.ndim))
    return (x,), {} if dim is None else {"dim": dim, "keepdim": draw(st.booleans())}


def _extremum_reference(reduce: Callable[..., Any]) -> Callable[..., np.ndarray]:
    def reference(x: np.ndarray, dim: int | None = None, keepdim: bool = False) -> np.ndarray:
        return np.asarray(reduce(x, axis=dim, keepdims=keepdim))

    return reference


@st.composite
def _reshape(draw: st.DrawFn) -> tuple:
    """A new shape of the same size: the sides reordered, some merged, 1s inserted."""
    x = draw(mts.float_arrays(SHAPES))
    shape: list[int] = []
    for side in draw(st.permutations(x.shape)):
        if shape and draw(st.booleans()):
            shape[-1] *= side
        else:
            shape.append(side)
    for _ in range(draw(st.integers(0, 1))):
        shape.insert(draw(st.integers(0, len(shape))), 1)
    return (x, tuple(shape)), {}


@st.composite
def _permute(draw: st.DrawFn) -> tuple:
    x = draw(mts.float_arrays(SHAPES))
    return (x, tuple(draw(st.permutations(range(x.ndim))))), {}


@st.composite
def _big_and_small_shapes(draw: st.DrawFn) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """A shape and one that broadcasts to it (leading axes dropped, some sides set to 1)."""
    big = draw(SHAPES)
    small = big[draw(st.integers(0, len(big))) :]
    return big, tuple(1 if draw(st.booleans()) else side for side in small)


@st.composite
def _broadcast_to(draw: st.DrawFn) -> tuple:
    big, small = draw(_big_and_small_shapes())
    return (draw(mts.float_arrays(small)), big), {}


@st.composite
def _sum_to(draw: st.DrawFn) -> tuple:
    big, small = draw(_big_and_small_shapes())
    return (draw(mts.float_arrays(big)), small), {}


def _sum_to_reference(x: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    while x.ndim > len(shape):
        x = x.sum(axis=0)
    for axis, side in enumerate(shape):
        if side == 1:
            x = x.sum(axis=axis, keepdims=True)
    return x


@st.composite
def _index_key(draw: st.DrawFn, shape: tuple[int, ...]) -> object:
    """Basic, integer-array (repeats included), mixed slice + array, or boolean-mask keys."""
    arrays = hnp.integer_array_indices(shape, result_shape=mts.shapes(max_dims=2, max_side=4))
    first_axis = hnp.arrays(np.int64, st.integers(1, 5), elements=st.integers(0, shape[0] - 1))
    options = [
        hnp.basic_indices(shape, allow_newaxis=True),
        arrays,
        first_axis,
        hnp.arrays(np.bool_, shape),
    ]
    if len(shape) >= 2:
        sides = st.integers(-shape[1], shape[1] - 1)
        column = hnp.arrays(np.int64, st.integers(1, 4), elements=sides)
        options.append(st.tuples(st.just(slice(None)), column))
    return draw(st.one_of(options))


@st.composite
def _index(draw: st.DrawFn) -> tuple:
    x = draw(mts.float_arrays(mts.shapes(min_dims=1, max_dims=3, max_side=3)))
    return (x, draw(_index_key(x.shape))), {}


@st.composite
def _index_adjoint(draw: st.DrawFn) -> tuple:
    shape = draw(mts.shapes(min_dims=1, max_dims=3, max_side=3))
    key = draw(_index_key(shape))
    grad = draw(mts.float_arrays(np.empty(shape)[key].shape))
    return (grad, key, shape), {}


def _index_adjoint_reference(grad: np.ndarray, key: object, shape: tuple[int, ...]) -> np.ndarray:
    """Scatter-add as a histogram: which flat position each element of ``grad`` came from."""
    size = int(np.prod(shape))
    positions = np.arange(size).reshape(shape)[key]
    counts = np.bincount(np.ravel(positions), weights=np.ravel(grad), minlength=size)
    return counts.astype(grad.dtype).reshape(shape)


@st.composite
def _index_put(draw: st.DrawFn) -> tuple:
    """Keys without repeated positions (a repeated write has no single derivative): basic
    indices, boolean masks or distinct integers; the value of the indexed shape, or () or
    a row that broadcasts into it."""
    x = draw(mts.float_arrays(mts.shapes(min_dims=1, max_dims=3, max_side=3)))
    distinct = st.lists(st.integers(0, x.shape[0] - 1), min_size=1, unique=True).map(np.array)
    key = draw(st.one_of(hnp.basic_indices(x.shape), hnp.arrays(np.bool_, x.shape), distinct))
    indexed = x[key].shape
    value_shape = draw(st.sampled_from([indexed, (), indexed[-1:]]))
    return (x, draw(mts.float_arrays(value_shape)), key), {}


def _index_put_reference(x: np.ndarray, value: np.ndarray, key: object) -> np.ndarray:
    out = x.copy()
    out[key] = value
    return out


SPECS = [
    PrimitiveSpec(arithmetic.Add, _binary(), np.add, differentiable=(0, 1)),
    PrimitiveSpec(arithmetic.Mul, _binary(), np.multiply, differentiable=(0, 1)),
    PrimitiveSpec(arithmetic.Div, _binary(NONZERO), np.divide, differentiable=(0, 1),
                  notes="divisor at least 0.25 away from 0"),
    PrimitiveSpec(arithmetic.Neg, _unary(), np.negative),
    PrimitiveSpec(arithmetic.Pow, _pow(), np.power,
                  notes="integer exponents: base away from 0; others: positive base"),
    PrimitiveSpec(elementwise.Exp, _unary(), np.exp),
    PrimitiveSpec(elementwise.Log, _args(mts.positive_arrays(SHAPES, min_value=0.25)), np.log),
    PrimitiveSpec(elementwise.Abs, _unary(mts.floats_away_from((0.0,))), np.abs,
                  notes="|x| > 0.1: away from the kink at 0"),
    PrimitiveSpec(elementwise.Tanh, _unary(), np.tanh),
    PrimitiveSpec(
        elementwise.Sigmoid, _unary(mts.floats(-8.0, 8.0)), lambda x: 1 / (1 + np.exp(-x))
    ),
    PrimitiveSpec(
        elementwise.Cast,
        _unary().map(lambda drawn: (drawn[0], {"dtype": np.dtype(np.float64)})),
        lambda x, dtype: x.astype(dtype),
        notes="float64 to float64 only: finite differences need float64 on both sides",
    ),
    PrimitiveSpec(linalg.MatMul, mts.matmul_arrays(max_side=3).map(lambda ab: (ab, {})),
                  np.matmul, differentiable=(0, 1)),
    PrimitiveSpec(linalg.Linear, _linear(), lambda x, weight, bias: x @ weight.T + bias,
                  differentiable=(0, 1, 2)),
    PrimitiveSpec(reduction.Sum, _sum(),
                  lambda x, dim, keepdim: np.asarray(np.sum(x, axis=dim, keepdims=keepdim))),
    PrimitiveSpec(reduction.Max, _extremum(), _extremum_reference(np.max),
                  notes="values pairwise 0.05 apart: no ties"),
    PrimitiveSpec(reduction.Min, _extremum(), _extremum_reference(np.min),
                  notes="values pairwise 0.05 apart: no ties"),
    PrimitiveSpec(shape.Reshape, _reshape(), np.reshape),
    PrimitiveSpec(shape.Permute, _permute(), np.transpose),
    PrimitiveSpec(shape.BroadcastTo, _broadcast_to(), np.broadcast_to),
    PrimitiveSpec(shape.SumTo, _sum_to(), _sum_to_reference),
    PrimitiveSpec(shape.Index, _index(), lambda x, key: np.asarray(x[key])),
    PrimitiveSpec(shape.IndexAdjoint, _index_adjoint(), _index_adjoint_reference),
    PrimitiveSpec(shape.IndexPut, _index_put(), _index_put_reference, differentiable=(0, 1)),
]
