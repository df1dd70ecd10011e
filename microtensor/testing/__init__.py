"""Public property-testing kit: Hypothesis strategies and gradient assertions.

The only module of microtensor that imports Hypothesis, and only when it is imported.

    from hypothesis import given
    from microtensor.testing import assert_gradients, strategies as mts

    @given(mts.float_arrays())
    def test_cube(x):
        assert_gradients(lambda t: t * t * t, x)  # first and second order

See docs/property-testing.md.
"""

from microtensor.autograd.gradcheck import relative_error, verdict
from microtensor.testing import cnn, strategies
from microtensor.testing.cnn import (
    conv_geometries,
    logits,
    pool_arrays,
    pool_geometries,
    relu_arrays,
)
from microtensor.testing.gradients import assert_gradients, check_spec, spec_arguments
from microtensor.testing.modules import check_module_gradients
from microtensor.testing.spec import PrimitiveSpec
from microtensor.testing.strategies import (
    arrays_away_from,
    broadcastable_arrays,
    distinct_arrays,
    float_arrays,
    floats,
    floats_away_from,
    matmul_arrays,
    positive_arrays,
    shapes,
    tensors,
)

__all__ = [
    "PrimitiveSpec",
    "arrays_away_from",
    "assert_gradients",
    "broadcastable_arrays",
    "check_module_gradients",
    "check_spec",
    "cnn",
    "conv_geometries",
    "distinct_arrays",
    "float_arrays",
    "floats",
    "floats_away_from",
    "logits",
    "matmul_arrays",
    "pool_arrays",
    "pool_geometries",
    "positive_arrays",
    "relu_arrays",
    "relative_error",
    "shapes",
    "spec_arguments",
    "strategies",
    "tensors",
    "verdict",
]
