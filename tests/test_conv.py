"""conv2d: against a nested-loop reference, the seed's anchor, sizes, metamorphic laws, errors.

The first and second derivatives of Conv2d, ConvTranspose2d and Conv2dWeight are
checked by the registry suite (``test_primitives.py`` with ``specs_cnn.py``); here the
user-facing ``F.conv2d`` is checked as a whole.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from specs_cnn import SPECS, conv2d_reference

import microtensor as mt
import microtensor.nn.functional as F  # noqa: N812 (PyTorch's spelling)
from microtensor import nn
from microtensor.ops import conv
from microtensor.ops.conv import Conv2d
from microtensor.testing import assert_gradients, check_spec, cnn
from microtensor.testing import strategies as mts


def tensor(array: np.ndarray, requires_grad: bool = False) -> mt.Tensor:
    return mt.tensor(array, dtype=mt.float64, requires_grad=requires_grad)


@st.composite
def conv_inputs(draw: st.DrawFn, **geometry: int) -> tuple:
    """(geometry, x, w, b or None), float64, the geometry valid for conv2d."""
    g = draw(cnn.conv_geometries(**geometry))
    x = draw(mts.float_arrays(g.input_shape))
    w = draw(mts.float_arrays(g.weight_shape))
    b = draw(st.none() | mts.float_arrays((g.out_channels,)))
    return g, x, w, b


# ----- forward ------------------------------------------------------------------------


@given(conv_inputs())
def test_forward_matches_the_nested_loop_reference(drawn: tuple) -> None:
    g, x, w, b = drawn
    out = F.conv2d(tensor(x), tensor(w), None if b is None else tensor(b), g.stride, g.padding)
    expected = conv2d_reference(x, w, b, g.stride, g.padding)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12, atol=1e-12)


def test_seed_anchor_horizontal_edge() -> None:
    """The seed's 6x6 image (rows 3 and 4, counting from 1, at 255) and edge kernel.

    Output row i sums image rows i, i+1, i+2 weighted +1, 0, -1:
    row 1: 0 - 255*3 = -765; row 2: 0 - 765 = -765; row 3: 765 - 0 = 765;
    row 4: 765 - 0 = 765. (The seed prints 0, -765, 765, 0, which its own loop does not
    compute: the bright rows enter the window through its -1 row first.)
    """
    image = np.zeros((6, 6))
    image[2:4] = 255.0
    kernel = np.array([[1.0, 1.0, 1.0], [0.0, 0.0, 0.0], [-1.0, -1.0, -1.0]])
    out = F.conv2d(tensor(image[None, None]), tensor(kernel[None, None]))
    assert out.shape == (1, 1, 4, 4)
    rows = np.array([-765.0, -765.0, 765.0, 765.0])
    np.testing.assert_array_equal(out.numpy()[0, 0], np.repeat(rows[:, None], 4, axis=1))


@given(cnn.conv_geometries(max_size=9, max_kernel=4, max_stride=3, max_padding=2))
def test_output_size_formula(g: cnn.ConvGeometry) -> None:
    """floor((W - K + 2P) / S) + 1, per side, with int or pair arguments."""
    x = mt.zeros(*g.input_shape)
    w = mt.zeros(*g.weight_shape)
    out = F.conv2d(x, w, stride=g.stride, padding=g.padding)
    oh = int(np.floor((g.height - g.kernel_size[0] + 2 * g.padding[0]) / g.stride[0])) + 1
    ow = int(np.floor((g.width - g.kernel_size[1] + 2 * g.padding[1]) / g.stride[1])) + 1
    assert out.shape == (g.batch, g.out_channels, oh, ow)
    if g.stride[0] == g.stride[1] and g.padding[0] == g.padding[1]:
        assert F.conv2d(x, w, stride=g.stride[0], padding=g.padding[0]).shape == out.shape


def test_float32_stays_float32_and_grads_match_shapes() -> None:
    rng = np.random.default_rng(0)
    x = mt.tensor(rng.standard_normal((2, 3, 5, 5)).astype(np.float32), requires_grad=True)
    w = mt.tensor(rng.standard_normal((4, 3, 3, 3)).astype(np.float32), requires_grad=True)
    b = mt.zeros(4, requires_grad=True)
    out = F.conv2d(x, w, b, stride=2, padding=1)
    assert out.dtype == np.float32
    out.sum().backward()
    assert (x.grad.dtype, w.grad.dtype, b.grad.dtype) == (np.float32,) * 3
    assert (x.grad.shape, w.grad.shape, b.grad.shape) == (x.shape, w.shape, b.shape)
    np.testing.assert_allclose(b.grad.numpy(), np.full(4, 2 * 3 * 3))  # N * OH * OW


# ----- gradients of the composition -----------------------------------------------------


@given(conv_inputs(max_size=4, max_channels=2))
def test_conv2d_then_tanh_first_and_second_order(drawn: tuple) -> None:
    g, x, w, b = drawn
    args = (x, w) if b is None else (x, w, b)

    def f(*tensors: mt.Tensor) -> mt.Tensor:
        return F.conv2d(*tensors, stride=g.stride, padding=g.padding).tanh()

    assert_gradients(f, *args)


# ----- the bias is fused: one node per layer ----------------------------------------------

CONV2D_SPEC = next(spec for spec in SPECS if spec.function is Conv2d)


@pytest.mark.parametrize("with_bias", [True, False])
@given(data=st.data())
def test_fused_primitive_first_and_second_order(with_bias: bool, data: st.DataObject) -> None:
    """The registry's spec of Conv2d, forced to draw a bias, then forced to draw none."""
    g = data.draw(cnn.conv_geometries(max_size=5, max_channels=2))
    x, w = data.draw(mts.float_arrays(g.input_shape)), data.draw(mts.float_arrays(g.weight_shape))
    b = data.draw(mts.float_arrays((g.out_channels,))) if with_bias else None
    check_spec(CONV2D_SPEC, (x, w, b), {"stride": g.stride, "padding": g.padding})


@pytest.mark.parametrize("bias", [True, False])
def test_a_conv_layer_is_one_node(bias: bool) -> None:
    """F.conv2d and nn.Conv2d: one Conv2d node, its bias an input (no Add node after it)."""
    layer = nn.Conv2d(2, 3, 3, bias=bias)
    x = mt.ones(1, 2, 5, 5, requires_grad=True)
    for out in (layer(x), F.conv2d(x, layer.weight, layer.bias)):
        assert type(out.grad_fn).__name__ == "Conv2dBackward0"
        edges = [type(edge[0]).__name__ if edge[0] is not None else None
                 for edge in out.grad_fn.next_functions]
        assert edges == ["AccumulateGrad"] * (3 if bias else 2) + ([] if bias else [None])


# ----- metamorphic properties ------------------------------------------------------------


@given(conv_inputs(max_size=7, max_padding=0), st.integers(0, 2), st.integers(0, 2))
def test_translation_equivariance_away_from_borders(drawn: tuple, di: int, dj: int) -> None:
    """Shifting the input by whole strides shifts the output: conv(x[a:, b:]) = conv(x)[i:, j:]."""
    g, x, w, b = drawn
    (sh, sw) = g.stride
    a, c = di * sh, dj * sw
    if g.height - a < g.kernel_size[0] or g.width - c < g.kernel_size[1]:
        a = c = di = dj = 0
    bias = None if b is None else tensor(b)
    whole = F.conv2d(tensor(x), tensor(w), bias, g.stride).numpy()
    shifted = F.conv2d(tensor(x[:, :, a:, c:]), tensor(w), bias, g.stride).numpy()
    np.testing.assert_allclose(shifted, whole[:, :, di:, dj:], rtol=1e-12, atol=1e-12)


@given(conv_inputs(), st.randoms(use_true_random=False))
def test_invariant_to_permuting_the_batch(drawn: tuple, random: object) -> None:
    g, x, w, b = drawn
    order = np.array(random.sample(range(g.batch), g.batch))  # type: ignore[attr-defined]
    bias = None if b is None else tensor(b)
    xs, ws = tensor(x, True), tensor(w, True)
    out = F.conv2d(xs, ws, bias, g.stride, g.padding)
    xp, wp = tensor(x[order], True), tensor(w, True)
    permuted = F.conv2d(xp, wp, bias, g.stride, g.padding)
    np.testing.assert_allclose(permuted.detach().numpy(), out.detach().numpy()[order], atol=1e-12)
    (out * out).sum().backward()
    (permuted * permuted).sum().backward()
    np.testing.assert_allclose(xp.grad.numpy(), xs.grad.numpy()[order], atol=1e-10)
    np.testing.assert_allclose(wp.grad.numpy(), ws.grad.numpy(), rtol=1e-10, atol=1e-10)


def test_first_layer_does_not_compute_an_input_gradient() -> None:
    x = mt.ones(2, 1, 5, 5)
    w = mt.ones(3, 1, 3, 3, requires_grad=True)
    out = F.conv2d(x, w)
    out.sum().backward()
    assert x.grad is None
    np.testing.assert_array_equal(w.grad.numpy(), np.full((3, 1, 3, 3), 2 * 3 * 3))


# ----- errors ----------------------------------------------------------------------------


def test_input_must_be_4d() -> None:
    with pytest.raises(RuntimeError, match=r"conv2d: expected a 4-D input .* 3-D input of "
                       r"shape \(1, 5, 5\); add a batch dimension with unsqueeze\(0\)"):
        F.conv2d(mt.zeros(1, 5, 5), mt.zeros(1, 1, 3, 3))
    with pytest.raises(RuntimeError, match=r"expected a 4-D weight .* 2-D weight"):
        F.conv2d(mt.zeros(1, 1, 5, 5), mt.zeros(3, 3))


def test_channel_mismatch_names_both_counts() -> None:
    with pytest.raises(RuntimeError, match=r"input has 3 channels \(shape \(2, 3, 5, 5\)\) but "
                       r"weight expects 2 input channels \(weight shape \(4, 2, 3, 3\)\)"):
        F.conv2d(mt.zeros(2, 3, 5, 5), mt.zeros(4, 2, 3, 3))


def test_kernel_larger_than_padded_input() -> None:
    with pytest.raises(RuntimeError, match=r"kernel size \(5, 5\) is larger than the padded "
                       r"input \(4, 6\) \(input \(2, 4\) with padding \(1, 1\)\)"):
        F.conv2d(mt.zeros(1, 1, 2, 4), mt.zeros(1, 1, 5, 5), padding=1)


@pytest.mark.parametrize("stride", [0, -1, (1, 0)])
def test_non_positive_stride(stride: object) -> None:
    with pytest.raises(ValueError, match=r"conv2d: stride must be positive, got stride="):
        F.conv2d(mt.zeros(1, 1, 5, 5), mt.zeros(1, 1, 3, 3), stride=stride)


def test_negative_padding() -> None:
    with pytest.raises(ValueError, match=r"conv2d: padding must be non-negative, got "
                       r"padding=\(-1, -1\)"):
        F.conv2d(mt.zeros(1, 1, 5, 5), mt.zeros(1, 1, 3, 3), padding=-1)


@pytest.mark.parametrize("stride", [1.5, "1", (1, 2, 3), True])
def test_stride_must_be_int_or_pair(stride: object) -> None:
    with pytest.raises(TypeError, match=r"conv2d: stride must be an int or a pair of ints"):
        F.conv2d(mt.zeros(1, 1, 5, 5), mt.zeros(1, 1, 3, 3), stride=stride)


def test_bias_shape_and_dtype_mismatches() -> None:
    with pytest.raises(RuntimeError, match=r"expected a bias of shape \(4,\) .* got shape \(3,\)"):
        F.conv2d(mt.zeros(1, 1, 5, 5), mt.zeros(4, 1, 3, 3), mt.zeros(3))
    with pytest.raises(RuntimeError, match=r"input dtype float64 and weight dtype float32"):
        F.conv2d(mt.zeros(1, 1, 5, 5, dtype=mt.float64), mt.zeros(4, 1, 3, 3))
    with pytest.raises(TypeError, match=r"conv2d: input must be a Tensor, got ndarray"):
        F.conv2d(np.zeros((1, 1, 5, 5)), mt.zeros(4, 1, 3, 3))


# ----- PyTorch, when installed -------------------------------------------------------------


@pytest.mark.torch
@pytest.mark.parametrize(("stride", "padding"), [(1, 0), (2, 1), ((2, 1), (0, 2))])
def test_matches_pytorch(stride: object, padding: object) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is not installed")
    rng = np.random.default_rng(1)
    arrays = [rng.standard_normal(s) for s in ((2, 3, 7, 8), (4, 3, 3, 2), (4,), (1,))]
    ours = [tensor(a, True) for a in arrays[:3]]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays[:3]]
    out = F.conv2d(*ours, stride=stride, padding=padding)
    expected = torch.nn.functional.conv2d(*theirs, stride=stride, padding=padding)
    grad = rng.standard_normal(tuple(expected.shape))
    out.backward(tensor(grad))
    expected.backward(torch.tensor(grad))
    np.testing.assert_allclose(out.detach().numpy(), expected.detach().numpy(), atol=1e-12)
    for mine, reference in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(mine.grad.numpy(), reference.grad.numpy(), atol=1e-12)


@pytest.mark.torch
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize(("x_shape", "w_shape", "padding"), [
    ((8, 1, 12, 12), (6, 1, 5, 5), 0), ((4, 6, 7, 7), (16, 6, 5, 5), 0),
    ((2, 16, 8, 8), (32, 16, 3, 3), 1), ((32, 1, 8, 8), (3, 1, 3, 3), 0),
])
def test_fused_op_matches_pytorch_in_float32(x_shape: tuple, w_shape: tuple, padding: int,
                                             bias: bool) -> None:
    """Outputs, first gradients and a second derivative (double backward), float32."""
    torch = pytest.importorskip("torch", reason="PyTorch is not installed")
    rng = np.random.default_rng(2)
    arrays = [rng.standard_normal(s).astype(np.float32) for s in (x_shape, w_shape,
                                                                 (w_shape[0],))]
    arrays = arrays if bias else arrays[:2]
    ours = [mt.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    out = F.conv2d(*ours, padding=padding)
    expected = torch.nn.functional.conv2d(*theirs, padding=padding)
    np.testing.assert_allclose(out.detach().numpy(), expected.detach().numpy(), rtol=1e-5,
                               atol=1e-4)
    grad = rng.standard_normal(tuple(expected.shape)).astype(np.float32)
    mine = mt.autograd.grad(out, ours, mt.tensor(grad), create_graph=True)
    reference = torch.autograd.grad(expected, theirs, torch.tensor(grad), create_graph=True)
    for a, b in zip(mine, reference, strict=True):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-5, atol=2e-4)
    # second order: d/d(x, w) of <dx, dx> + <dw, dw> (values up to about 1e4)
    mine_2 = mt.autograd.grad(sum((g * g).sum() for g in mine[:2]), ours[:2])
    reference_2 = torch.autograd.grad(sum((g * g).sum() for g in reference[:2]), theirs[:2])
    for a, b in zip(mine_2, reference_2, strict=True):
        np.testing.assert_allclose(a.numpy(), b.detach().numpy(), rtol=1e-5, atol=1e-2)


def test_large_columns_are_made_again_in_backward_with_the_same_gradients(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 3, 7, 6))
    w = rng.standard_normal((4, 3, 3, 2))

    def gradients() -> list[np.ndarray]:
        xt, wt = mt.tensor(x, requires_grad=True), mt.tensor(w, requires_grad=True)
        out = F.conv2d(xt, wt, stride=(2, 1), padding=1)
        saved = out.grad_fn._saved
        (out * out).sum().backward()
        return [xt.grad.numpy(), wt.grad.numpy(), saved[2] is None]

    *kept, kept_none = gradients()
    monkeypatch.setattr(conv, "KEEP_COLUMNS", 0)
    *remade, remade_none = gradients()
    assert not kept_none and remade_none  # the columns were dropped, then made again
    for a, b in zip(kept, remade, strict=True):
        np.testing.assert_array_equal(a, b)
