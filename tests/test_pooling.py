"""avg_pool2d, adaptive_avg_pool2d, adaptive_max_pool2d and their modules: loop references,
finite differences, errors, and PyTorch (outputs and gradients, reprs)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import microtensor as mt
import microtensor.nn.functional as F  # noqa: N812 (PyTorch's spelling)
from microtensor import nn
from microtensor.testing import assert_gradients, cnn
from microtensor.testing import strategies as mts


def avg_pool_reference(x, kernel, stride, padding, count_include_pad=True):
    n_, c_, h, w = x.shape
    oh = (h + 2 * padding[0] - kernel[0]) // stride[0] + 1
    ow = (w + 2 * padding[1] - kernel[1]) // stride[1] + 1
    y = np.zeros((n_, c_, oh, ow))
    for i in range(oh):
        for j in range(ow):
            rows = range(i * stride[0] - padding[0], i * stride[0] - padding[0] + kernel[0])
            cols = range(j * stride[1] - padding[1], j * stride[1] - padding[1] + kernel[1])
            inside = [(r, c) for r in rows for c in cols if 0 <= r < h and 0 <= c < w]
            total = sum(x[:, :, r, c] for r, c in inside)
            y[:, :, i, j] = total / (kernel[0] * kernel[1] if count_include_pad else len(inside))
    return y


def adaptive_reference(x, out, reducer):
    h, w = x.shape[2:]
    y = np.zeros((*x.shape[:2], *out))
    for i in range(out[0]):
        for j in range(out[1]):
            r0, r1 = (i * h) // out[0], math.ceil((i + 1) * h / out[0])
            c0, c1 = (j * w) // out[1], math.ceil((j + 1) * w / out[1])
            y[:, :, i, j] = reducer(x[:, :, r0:r1, c0:c1], axis=(2, 3))
    return y


@given(cnn.pool_geometries(), st.booleans(), st.data())
def test_avg_pool2d_matches_the_loop_and_finite_differences(geometry, include, data) -> None:
    x = data.draw(mts.float_arrays(geometry.input_shape))
    args = (geometry.kernel_size, geometry.stride, geometry.padding)
    out = F.avg_pool2d(mt.tensor(x), *args, count_include_pad=include)
    np.testing.assert_allclose(out.numpy(), avg_pool_reference(x, *args, include), atol=1e-12)
    assert_gradients(lambda t: F.avg_pool2d(t, *args, count_include_pad=include), x)


@given(mts.float_arrays(mts.shapes(min_dims=4, max_dims=4, max_side=5)), st.data())
def test_adaptive_avg_pool2d_matches_the_loop(x: np.ndarray, data: st.DataObject) -> None:
    out = (data.draw(st.integers(1, 6)), data.draw(st.integers(1, 6)))
    y = F.adaptive_avg_pool2d(mt.tensor(x), out)
    np.testing.assert_allclose(y.numpy(), adaptive_reference(x, out, np.mean), atol=1e-12)
    assert_gradients(lambda t: F.adaptive_avg_pool2d(t, out), x)


@given(st.data())
def test_adaptive_max_pool2d_divisible_sizes(data: st.DataObject) -> None:
    out = (data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3)))
    factor = (data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3)))
    x = data.draw(cnn.pool_arrays((2, 2, out[0] * factor[0], out[1] * factor[1])))
    y = F.adaptive_max_pool2d(mt.tensor(x), out)
    np.testing.assert_array_equal(y.numpy(), adaptive_reference(x, out, np.max))
    assert_gradients(lambda t: F.adaptive_max_pool2d(t, out), x)


def test_three_dimensional_inputs_and_none_sizes() -> None:
    x = np.arange(2 * 4 * 6, dtype=np.float64).reshape(2, 4, 6)
    assert F.avg_pool2d(mt.tensor(x), 2).shape == (2, 2, 3)
    assert F.adaptive_avg_pool2d(mt.tensor(x), (None, 2)).shape == (2, 4, 2)
    assert F.adaptive_max_pool2d(mt.tensor(x), 2).shape == (2, 2, 2)


def test_errors() -> None:
    x = mt.zeros(1, 1, 5, 5)
    with pytest.raises(NotImplementedError, match=r"adaptive_max_pool2d: output size \(2, 2\) "
                       r"must divide the input size \(5, 5\)"):
        F.adaptive_max_pool2d(x, 2)
    with pytest.raises(RuntimeError, match="pad should be at most half"):
        F.avg_pool2d(x, 2, padding=2)
    with pytest.raises(RuntimeError, match="expected a 3-D .* or 4-D"):
        F.avg_pool2d(mt.zeros(5, 5), 2)
    with pytest.raises(NotImplementedError, match="ceil_mode"):
        F.avg_pool2d(x, 2, ceil_mode=True)
    with pytest.raises(ValueError, match="output_size must be positive"):
        F.adaptive_avg_pool2d(x, 0)


@pytest.mark.torch
@pytest.mark.parametrize(("name", "args", "kwargs"), [
    ("AvgPool2d", (2,), {}), ("AvgPool2d", ((3, 2), 1, 1), {}),
    ("AvgPool2d", (3, 2, 1), {"count_include_pad": False}),
    ("AvgPool2d", (3,), {"divisor_override": 4}),
    ("AdaptiveAvgPool2d", ((3, 4),), {}), ("AdaptiveAvgPool2d", (1,), {}),
    ("AdaptiveAvgPool2d", ((None, 5),), {}),
    ("AdaptiveMaxPool2d", (3,), {}), ("AdaptiveMaxPool2d", ((2, 1),), {}),
])
def test_modules_match_pytorch(name: str, args: tuple, kwargs: dict) -> None:
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(0).normal(size=(2, 3, 6, 9))
    ours_module, theirs_module = getattr(nn, name)(*args, **kwargs), getattr(torch.nn, name)(
        *args, **kwargs)
    assert repr(ours_module) == repr(theirs_module)
    ours_x, theirs_x = mt.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ours, theirs = ours_module(ours_x), theirs_module(theirs_x)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), atol=1e-12)
    gradient = np.random.default_rng(1).normal(size=theirs.shape)
    ours.backward(mt.tensor(gradient))
    theirs.backward(torch.tensor(gradient))
    np.testing.assert_allclose(ours_x.grad.numpy(), theirs_x.grad.numpy(), atol=1e-12)
