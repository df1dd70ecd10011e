"""Public property-testing kit: Hypothesis strategies and gradient assertions.

The only part of microtensor that imports Hypothesis, and only when a strategy is used.

    from hypothesis import given
    from microtensor.testing import assert_gradients, strategies as mts

    @given(mts.float_arrays())
    def test_cube(x):
        assert_gradients(lambda t: t * t * t, x)  # first and second order

See docs/property-testing.md.
"""

import importlib
from typing import Any

from microtensor.gradcheck.check import relative_error, verdict
from microtensor.testing.gradients import assert_gradients, check_spec, spec_arguments
from microtensor.testing.modules import check_module_gradients
from microtensor.testing.spec import PrimitiveSpec

# The strategies need Hypothesis (the ``test`` extra); they are imported on first use,
# so that check_module_gradients and gradcheck work in an install without it.
_MODULES = {"strategies": "microtensor.testing.strategies", "cnn": "microtensor.testing.cnn"}
_NAMES = {
    **dict.fromkeys(
        ["arrays_away_from", "broadcastable_arrays", "distinct_arrays", "float_arrays",
         "floats", "floats_away_from", "matmul_arrays", "positive_arrays", "shapes",
         "tensors"],
        "strategies",
    ),
    **dict.fromkeys(
        ["conv_geometries", "logits", "pool_arrays", "pool_geometries", "relu_arrays"], "cnn"
    ),
}  # fmt: skip


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        return importlib.import_module(_MODULES[name])
    if name in _NAMES:
        return getattr(importlib.import_module(_MODULES[_NAMES[name]]), name)
    raise AttributeError(f"module 'microtensor.testing' has no attribute '{name}'")


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
