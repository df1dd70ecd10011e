"""Property-test specs of the activation primitives (``microtensor/ops/activation.py``).

``test_primitives.py`` collects ``SPECS`` from every ``specs_*.py``. The references are
written from the definitions with ``math.erf`` and NumPy, independently of the
implementation's formulas (which use ``logaddexp``, ``expm1`` and masks); inputs keep
a margin from each kink (0 for leaky_relu and elu, the threshold for softplus).
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import strategies as st

from microtensor.ops import activation
from microtensor.testing import PrimitiveSpec
from microtensor.testing import strategies as mts

SHAPES = mts.shapes(max_dims=3, max_side=3)
AWAY_FROM_ZERO = mts.arrays_away_from((0.0,), SHAPES, margin=0.1)


ANY = mts.float_arrays(SHAPES)


def _unary(arrays: st.SearchStrategy = ANY, **kwargs: st.SearchStrategy) -> st.SearchStrategy:
    return st.tuples(arrays, st.fixed_dictionaries(kwargs)).map(lambda t: ((t[0],), t[1]))


def _cdf(x: np.ndarray) -> np.ndarray:
    return np.array([0.5 * (1 + math.erf(v / math.sqrt(2))) for v in x.ravel()]).reshape(x.shape)


def _gelu_tanh(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))


def _leaky_relu(x: np.ndarray, negative_slope: float) -> np.ndarray:
    return np.where(x > 0, x, negative_slope * x)


def _elu(x: np.ndarray, alpha: float) -> np.ndarray:
    return np.where(x > 0, x, alpha * (np.exp(np.minimum(x, 0)) - 1))


def _softplus(x: np.ndarray, beta: float, threshold: float) -> np.ndarray:
    with np.errstate(over="ignore"):
        smooth = np.log(1 + np.exp(beta * x)) / beta
    return np.where(beta * x > threshold, x, smooth)


@st.composite
def _softplus_inputs(draw: st.DrawFn) -> tuple:
    """beta and threshold with inputs kept 0.1 / beta away from the switch at threshold / beta."""
    beta = draw(st.sampled_from([0.5, 1.0, 2.0]))
    threshold = draw(st.sampled_from([20.0, 1.0, -0.5]))
    kink = threshold / beta
    x = draw(mts.arrays_away_from((kink,), SHAPES, margin=0.1, min_value=-4.0, max_value=4.0))
    return (x,), {"beta": beta, "threshold": threshold}


SPECS = [
    PrimitiveSpec(activation.NormalCdf, _unary(), _cdf),
    PrimitiveSpec(activation.Gelu, _unary(), lambda x: x * _cdf(x)),
    PrimitiveSpec(activation.GeluTanh, _unary(), _gelu_tanh),
    PrimitiveSpec(
        activation.LeakyRelu,
        _unary(AWAY_FROM_ZERO, negative_slope=st.sampled_from([0.01, 0.2, -0.5, 1.5])),
        _leaky_relu,
    ),
    PrimitiveSpec(
        activation.Elu, _unary(AWAY_FROM_ZERO, alpha=st.sampled_from([1.0, 0.5, 2.0])), _elu
    ),
    PrimitiveSpec(activation.Softplus, _softplus_inputs(), _softplus),
]
