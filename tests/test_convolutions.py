"""conv2d with dilation/groups/'same', conv1d, conv_transpose2d and their layers: loop
references, finite differences (first and second order), errors, and PyTorch."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import microtensor as mt
import microtensor.nn.functional as F  # noqa: N812 (PyTorch's spelling)
from microtensor import nn
from microtensor.testing import assert_gradients
from microtensor.testing import strategies as mts


def conv2d_loop(x, w, b, stride, padding, dilation, groups):
    """y[n, o, i, j] = b[o] + sum_{c in o's group, u, v} w[o, c', u, v] xp[n, c, ...]."""
    n_, c_, h, w_ = x.shape
    o_, cg, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding[0],) * 2, (padding[1],) * 2))
    oh = (h + 2 * padding[0] - dilation[0] * (kh - 1) - 1) // stride[0] + 1
    ow = (w_ + 2 * padding[1] - dilation[1] * (kw - 1) - 1) // stride[1] + 1
    y = np.zeros((n_, o_, oh, ow))
    for o in range(o_):
        group = o // (o_ // groups)
        for i in range(oh):
            for j in range(ow):
                total = b[o] if b is not None else 0.0
                for c in range(cg):
                    for u in range(kh):
                        for v in range(kw):
                            total = total + w[o, c, u, v] * xp[
                                :, group * cg + c, i * stride[0] + u * dilation[0],
                                j * stride[1] + v * dilation[1]]
                y[:, o, i, j] = total
    return y


@st.composite
def grouped_geometries(draw):
    groups = draw(st.integers(1, 2))
    per_in, per_out = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    kernel = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    stride = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = (draw(st.integers(0, 1)), draw(st.integers(0, 1)))
    span = [dilation[i] * (kernel[i] - 1) + 1 for i in range(2)]
    size = [draw(st.integers(max(1, span[i] - 2 * padding[i]), 4)) for i in range(2)]
    x = draw(mts.float_arrays((1, per_in * groups, *size)))
    w = draw(mts.float_arrays((per_out * groups, per_in, *kernel)))
    b = draw(mts.float_arrays((per_out * groups,)))
    return x, w, b, stride, padding, dilation, groups


@settings(max_examples=30)
@given(grouped_geometries())
def test_conv2d_with_dilation_and_groups(drawn) -> None:
    x, w, b, stride, padding, dilation, groups = drawn
    out = F.conv2d(mt.tensor(x), mt.tensor(w), mt.tensor(b), stride, padding, dilation, groups)
    np.testing.assert_allclose(out.numpy(), conv2d_loop(*drawn), atol=1e-12)
    assert_gradients(lambda a, k, c: F.conv2d(a, k, c, stride, padding, dilation, groups),
                     x, w, b)


@settings(max_examples=20)
@given(grouped_geometries())
def test_same_padding_keeps_the_size_and_conv_transpose_is_the_adjoint(drawn) -> None:
    x, w, b, _, _, dilation, groups = drawn
    y = F.conv2d(mt.tensor(x), mt.tensor(w), None, 1, "same", dilation, groups)
    assert y.shape[2:] == x.shape[2:]
    assert_gradients(lambda a, k: F.conv2d(a, k, None, 1, "same", dilation, groups), x, w)
    # <conv2d(x, w), g> == <x, conv_transpose2d(g, w)> for every geometry
    _, _, _, stride, padding, _, _ = drawn
    forward = F.conv2d(mt.tensor(x), mt.tensor(w), None, stride, padding, dilation, groups)
    g = np.random.default_rng(0).normal(size=forward.shape)
    extra = tuple(
        x.shape[2 + i] - ((forward.shape[2 + i] - 1) * stride[i] - 2 * padding[i]
                          + dilation[i] * (w.shape[2 + i] - 1) + 1) for i in range(2))
    if max(extra[i] - max(stride[i], dilation[i]) for i in range(2)) < 0:
        back = F.conv_transpose2d(mt.tensor(g), mt.tensor(w), None, stride, padding, extra,
                                  groups, dilation)
        np.testing.assert_allclose((forward.numpy() * g).sum(), (x * back.numpy()).sum(),
                                   rtol=1e-10, atol=1e-10)
        assert_gradients(lambda a, k: F.conv_transpose2d(a, k, None, stride, padding, extra,
                                                         groups, dilation), g, w)


def test_conv1d_is_conv2d_on_a_row() -> None:
    rng = np.random.default_rng(0)
    x, w, b = rng.normal(size=(2, 4, 9)), rng.normal(size=(6, 2, 3)), rng.normal(size=6)
    out = F.conv1d(mt.tensor(x), mt.tensor(w), mt.tensor(b), 2, 1, 2, 2)
    expected = conv2d_loop(x[:, :, None], w[:, :, None], b, (1, 2), (0, 1), (1, 2), 2)[:, :, 0]
    np.testing.assert_allclose(out.numpy(), expected, atol=1e-12)
    assert F.conv1d(mt.tensor(x[0]), mt.tensor(w), None, groups=2).shape == (6, 7)
    assert_gradients(lambda a, k: F.conv1d(a, k, None, 1, "same", 2, 2), x[:1, :, :5], w)


def test_errors() -> None:
    x, w = mt.zeros(1, 4, 5, 5), mt.zeros(6, 2, 3, 3)
    with pytest.raises(RuntimeError, match=r"Given groups=1, weight of size \(6, 2, 3, 3\), "
                       "expected input .* to have 2 channels, but got 4"):
        F.conv2d(x, w, dilation=2)
    with pytest.raises(RuntimeError, match="must be divisible by groups=4"):
        F.conv2d(x, w, groups=4)
    with pytest.raises(ValueError, match="not supported for strided convolutions"):
        F.conv2d(x, w, stride=2, padding="same", groups=2)
    with pytest.raises(ValueError, match="Invalid padding string 'full'"):
        F.conv2d(x, w, padding="full", groups=2)
    with pytest.raises(ValueError, match="output padding .* must be smaller"):
        F.conv_transpose2d(x, mt.zeros(4, 2, 3, 3), output_padding=1)
    with pytest.raises(NotImplementedError, match="padding_mode='reflect' is not supported"):
        nn.Conv2d(2, 2, 3, padding_mode="reflect")
    with pytest.raises(ValueError, match="in_channels must be divisible by groups"):
        nn.Conv2d(3, 2, 3, groups=2)


@pytest.mark.torch
@pytest.mark.parametrize(("name", "args", "kwargs", "shape"), [
    ("Conv2d", (4, 6, 3), {}, (2, 4, 7, 6)),
    ("Conv2d", (4, 6, (3, 2)), {"stride": (2, 1), "padding": 1, "dilation": (2, 1),
                                "groups": 2}, (2, 4, 7, 6)),
    ("Conv2d", (4, 4, (4, 3)), {"padding": "same", "groups": 4}, (2, 4, 7, 6)),
    ("Conv2d", (4, 2, 2), {"padding": "same", "dilation": 3, "bias": False}, (2, 4, 7, 6)),
    ("Conv2d", (4, 2, 3), {"padding": "valid"}, (2, 4, 7, 6)),
    ("Conv1d", (4, 6, 3), {"stride": 2, "padding": 1, "dilation": 2, "groups": 2}, (2, 4, 9)),
    ("Conv1d", (4, 6, 4), {"padding": "same"}, (4, 9)),
    ("ConvTranspose2d", (4, 3, 3), {}, (2, 4, 5, 4)),
    ("ConvTranspose2d", (4, 6, (3, 2)), {"stride": 2, "padding": 1, "output_padding": 1,
                                         "groups": 2, "dilation": (1, 2)}, (2, 4, 5, 4)),
])
def test_layers_match_pytorch(name: str, args: tuple, kwargs: dict, shape: tuple) -> None:
    torch = pytest.importorskip("torch")
    theirs_module = getattr(torch.nn, name)(*args, **kwargs).double()
    ours_module = getattr(nn, name)(*args, **kwargs, dtype=mt.float64)
    assert repr(ours_module) == repr(theirs_module)
    theirs_state = theirs_module.state_dict()
    assert {k: v.shape for k, v in ours_module.state_dict().items()} == {
        k: tuple(v.shape) for k, v in theirs_state.items()}
    bound = 1 / np.sqrt(np.prod(theirs_state["weight"].shape[1:]))
    assert np.abs(ours_module.weight.detach().numpy()).max() <= bound  # PyTorch's U(+-bound)
    ours_module.load_state_dict({k: mt.tensor(v.numpy()) for k, v in theirs_state.items()})
    x = np.random.default_rng(0).normal(size=shape)
    ours_x, theirs_x = mt.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ours, theirs = ours_module(ours_x), theirs_module(theirs_x)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), atol=1e-12)
    gradient = np.random.default_rng(1).normal(size=theirs.shape)
    ours.backward(mt.tensor(gradient))
    theirs.backward(torch.tensor(gradient))
    np.testing.assert_allclose(ours_x.grad.numpy(), theirs_x.grad.numpy(), atol=1e-12)
    for key, parameter in theirs_module.named_parameters():
        np.testing.assert_allclose(getattr(ours_module, key).grad.numpy(),
                                   parameter.grad.numpy(), atol=1e-11)
