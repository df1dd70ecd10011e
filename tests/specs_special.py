"""Property-test specs of the error-function primitives (``microtensor/ops/special.py``).

``test_primitives.py`` collects ``SPECS`` from this module. The references do not use the
implementation's kernels: ``math.erf`` and ``math.erfc`` element by element, and for
``erfinv`` bisection on ``math.erf``. Inputs reach Cody's third interval (``|x| > 4``);
``erfinv``'s stay in ``[-0.95, 0.95]``, where its derivative ``sqrt(pi)/2 exp(y^2)`` is at
most 6 and finite differences are reliable.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import strategies as st

from microtensor.ops import special
from microtensor.testing import PrimitiveSpec
from microtensor.testing import strategies as mts

SHAPES = mts.shapes(max_dims=3, max_side=3)


def _unary(low: float, high: float) -> st.SearchStrategy:
    arrays = mts.float_arrays(SHAPES, elements=mts.floats(low, high))
    return arrays.map(lambda x: ((x,), {}))


def _elementwise(function: object) -> np.ufunc:
    return np.vectorize(function, otypes=[np.float64])


def _inverse_erf(value: float) -> float:
    """The ``y`` with ``math.erf(y) == value``, by bisection to the last bit."""
    low, high = -6.0, 6.0
    while True:
        middle = (low + high) / 2
        if middle in (low, high):
            return middle
        low, high = (middle, high) if math.erf(middle) < value else (low, middle)


SPECS = [
    PrimitiveSpec(special.Erf, _unary(-4.5, 4.5), _elementwise(math.erf)),
    PrimitiveSpec(special.Erfc, _unary(-5.0, 5.0), _elementwise(math.erfc)),
    PrimitiveSpec(special.Erfinv, _unary(-0.95, 0.95), _elementwise(_inverse_erf),
                  notes="|x| <= 0.95: the derivative grows as exp(erfinv(x)^2) towards +-1"),
]
