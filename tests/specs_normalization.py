"""Property-test spec of the fused ``BatchNorm`` primitive (``microtensor/ops/normalization.py``).

``test_primitives.py`` collects ``SPECS`` from every ``specs_*.py``. The reference is
written from the definition with NumPy's ``var`` (biased), independently of the
primitive's formulas. Inputs are ``(N, C, *)`` with at least two values per channel,
pairwise 0.1 apart (a channel's variance is never near 0, where ``invstd`` and its
derivatives blow up); affine both ways: weight and bias, weight alone, neither.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from microtensor.ops import normalization
from microtensor.testing import PrimitiveSpec
from microtensor.testing import strategies as mts


@st.composite
def _batch_norm(draw: st.DrawFn) -> tuple:
    batch, channels = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    spatial = tuple(draw(st.lists(st.integers(1, 2), max_size=2)))
    if batch * int(np.prod(spatial)) < 2:  # training needs more than 1 value per channel
        batch = 2
    x = draw(mts.distinct_arrays((batch, channels, *spatial), gap=0.1))
    affine = draw(st.sampled_from(["weight and bias", "weight", "none"]))
    weight = None if affine == "none" else draw(mts.float_arrays((channels,)))
    bias = draw(mts.float_arrays((channels,))) if affine == "weight and bias" else None
    return (x, weight, bias), {"eps": draw(st.sampled_from([1e-5, 0.1]))}


def _batch_norm_reference(
    x: np.ndarray, weight: np.ndarray | None, bias: np.ndarray | None, eps: float
) -> np.ndarray:
    dims = (0, *range(2, x.ndim))
    shape = (1, x.shape[1]) + (1,) * (x.ndim - 2)
    mean, var = x.mean(axis=dims, keepdims=True), x.var(axis=dims, keepdims=True)
    output = (x - mean) / np.sqrt(var + eps)
    if weight is not None:
        output = output * weight.reshape(shape)
    return output if bias is None else output + bias.reshape(shape)


SPECS = [
    PrimitiveSpec(normalization.BatchNorm, _batch_norm(), _batch_norm_reference,
                  differentiable=(0, 1, 2)),
]
