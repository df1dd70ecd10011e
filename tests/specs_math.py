"""Property-test specs of the math primitives: trigonometry, logarithms, rounding, clamp,
maximum/minimum, lerp, Power and Einsum.

``test_primitives.py`` collects ``SPECS`` from this module. Inputs are valid by
construction and away from kinks: the rounding functions away from their jumps (their
gradient is 0 there, and finite differences agree), clamp and maximum/minimum on grids
whose classes never meet (no ties, no value on a bound), Power on positive bases or
integer exponents. Conventions at the kinks are unit-tested against PyTorch in
``tests/test_math.py``.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from microtensor.ops import clamp, einsum, logarithms, power, rounding, trigonometry
from microtensor.testing import PrimitiveSpec
from microtensor.testing import strategies as mts

SHAPES = mts.shapes(max_dims=3, max_side=3)
INTEGERS = tuple(float(k) for k in range(-3, 4))
HALVES = tuple(k + 0.5 for k in range(-4, 4))


def _args(*strategies: st.SearchStrategy) -> st.SearchStrategy:
    return st.tuples(*strategies).map(lambda args: (args, {}))


def _unary(elements: st.SearchStrategy | None = None) -> st.SearchStrategy:
    return _args(mts.float_arrays(SHAPES, elements=elements))


def _grid(offset: float) -> st.SearchStrategy[float]:
    """Numbers ``0.3 * m + offset``: two grids with offsets 0.1 apart never come within
    0.1 of each other (no ties, no value on a bound)."""
    return st.integers(-10, 10).map(lambda m: 0.3 * m + offset)


@st.composite
def _round(draw: st.DrawFn) -> tuple:
    if draw(st.booleans()):
        x = draw(mts.float_arrays(SHAPES, elements=mts.floats_away_from(HALVES)))
        return (x,), {}
    tenths = tuple(k / 10 + 0.05 for k in range(-31, 31))
    x = draw(mts.float_arrays(SHAPES, elements=mts.floats_away_from(tenths, margin=0.01)))
    return (x,), {"decimals": 1}


@st.composite
def _clamp(draw: st.DrawFn) -> tuple:
    """x, min, max on three grids; each bound a number, an array that broadcasts, or None
    (not both)."""
    x, low, high = draw(mts.broadcastable_arrays(
        3, elements=(_grid(0.1), _grid(0.0), _grid(0.2)), max_side=3
    ))
    bounds = []
    for array, grid in ((low, _grid(0.0)), (high, _grid(0.2))):
        kind = draw(st.sampled_from(["array", "number", "none"]))
        bounds.append(array if kind == "array" else draw(grid) if kind == "number" else None)
    if bounds[0] is None and bounds[1] is None:
        bounds[0] = low
    return (x, *bounds), {}


def _clamp_reference(x: np.ndarray, low: object, high: object) -> np.ndarray:
    output = x if low is None else np.maximum(x, low)
    return output if high is None else np.minimum(output, high)



@st.composite
def _pairs(draw: st.DrawFn) -> tuple:
    a, b = draw(mts.broadcastable_arrays(2, elements=(_grid(0.0), _grid(0.15)), max_side=3))
    return (a, b), {}


@st.composite
def _lerp(draw: st.DrawFn) -> tuple:
    start, end, weight = draw(mts.broadcastable_arrays(
        3, elements=(None, None, mts.floats(-1.0, 2.0)), max_side=3
    ))
    if draw(st.booleans()):
        weight = draw(mts.floats(-1.0, 2.0))
    return (start, end, weight), {}


def _lerp_reference(start: np.ndarray, end: np.ndarray, weight: object) -> np.ndarray:
    return np.asarray(start + weight * (end - start))


@st.composite
def _power(draw: st.DrawFn) -> tuple:
    """A positive base with an exponent away from 0 (either may be a number), or any
    nonzero base with an integer exponent array (not differentiated: an int64 array)."""
    case = draw(st.sampled_from(["arrays", "number base", "number exponent", "integers"]))
    positive = mts.floats(0.25, 3.0)
    # exponent 0 is a kink of d/dbase in exponent (masked to 0 there, as PyTorch)
    exponents = mts.floats_away_from((0.0,), min_value=-2.0, max_value=2.0)
    if case == "arrays":
        base, exponent = draw(mts.broadcastable_arrays(
            2, elements=(positive, exponents), max_side=3
        ))
    elif case == "number base":
        base, exponent = draw(positive), draw(mts.float_arrays(SHAPES, elements=exponents))
    elif case == "number exponent":
        base, exponent = draw(mts.float_arrays(SHAPES, elements=positive)), draw(mts.floats())
    else:
        base, exponent = draw(mts.broadcastable_arrays(
            2, elements=(mts.floats_away_from((0.0,), margin=0.25), mts.floats(-3, 3)),
            max_side=3,
        ))
        exponent = np.round(exponent).astype(np.int64)
    return (base, exponent), {}


# (equation, operand subscripts as drawn): explicit equations, as the primitive sees them
EQUATIONS = [
    "ij,jk->ik", "ii->", "ii->i", "ij->", "ij->ji", "i,j->ij", "bij,bjk->bik", "ij,ij->i",
    "ijk->ki", "i,i->", "ij,j->i", "iij->j", "ij,jk,kl->il", "ij,ij->ij", "ijk,k->ij",
]


@st.composite
def _einsum(draw: st.DrawFn) -> tuple:
    """An equation, sizes per letter (1 to 3), and operands; an axis of size 1 sometimes
    (it broadcasts against the others, as NumPy allows)."""
    equation = draw(st.sampled_from(EQUATIONS))
    terms = equation.split("->")[0].split(",")
    sizes = {letter: draw(st.integers(1, 3)) for letter in sorted(set("".join(terms)))}
    operands = []
    for term in terms:
        shape = tuple(
            1 if term.count(letter) == 1 and draw(st.integers(0, 4)) == 0 else sizes[letter]
            for letter in term
        )
        operands.append(draw(mts.float_arrays(shape)))
    return tuple(operands), {"equation": equation}


SPECS = [
    PrimitiveSpec(trigonometry.Sin, _unary(), np.sin),
    PrimitiveSpec(trigonometry.Cos, _unary(), np.cos),
    PrimitiveSpec(trigonometry.Tan, _unary(mts.floats(-1.2, 1.2)), np.tan,
                  notes="|x| <= 1.2: away from the poles at +-pi/2"),
    PrimitiveSpec(logarithms.Log10, _args(mts.positive_arrays(SHAPES, min_value=0.25)),
                  np.log10),
    PrimitiveSpec(logarithms.Log2, _args(mts.positive_arrays(SHAPES, min_value=0.25)),
                  np.log2),
    PrimitiveSpec(logarithms.Log1p, _unary(mts.floats(-0.75, 3.0)), np.log1p),
    PrimitiveSpec(logarithms.Expm1, _unary(), np.expm1),
    PrimitiveSpec(logarithms.Exp2, _unary(), np.exp2),
    PrimitiveSpec(logarithms.Rsqrt, _args(mts.positive_arrays(SHAPES, min_value=0.25)),
                  lambda x: 1 / np.sqrt(x)),
    PrimitiveSpec(rounding.Sign, _unary(mts.floats_away_from((0.0,))), np.sign,
                  notes="away from 0 (gradient 0 everywhere, PyTorch's convention at 0)"),
    PrimitiveSpec(rounding.Floor, _unary(mts.floats_away_from(INTEGERS)), np.floor),
    PrimitiveSpec(rounding.Ceil, _unary(mts.floats_away_from(INTEGERS)), np.ceil),
    PrimitiveSpec(rounding.Trunc, _unary(mts.floats_away_from(INTEGERS)), np.trunc),
    PrimitiveSpec(rounding.Round, _round(),
                  lambda x, decimals=0: np.round(x, decimals),
                  notes="away from the halves where it jumps"),
    PrimitiveSpec(clamp.Clamp, _clamp(), _clamp_reference, differentiable=(0, 1, 2),
                  notes="x, min, max on grids 0.1 apart: no value on a bound, min != max"),
    PrimitiveSpec(clamp.Maximum, _pairs(), np.maximum, differentiable=(0, 1),
                  notes="no ties (grids 0.15 apart)"),
    PrimitiveSpec(clamp.Minimum, _pairs(), np.minimum, differentiable=(0, 1),
                  notes="no ties (grids 0.15 apart)"),
    PrimitiveSpec(clamp.Lerp, _lerp(), _lerp_reference, differentiable=(0, 1, 2)),
    PrimitiveSpec(power.Power, _power(), np.power, differentiable=(0, 1),
                  notes="positive bases, or integer exponents (constant int64 arrays)"),
    PrimitiveSpec(einsum.Einsum, _einsum(),
                  lambda *operands, equation: np.einsum(equation, *operands),
                  differentiable=(0, 1, 2)),
]
