"""max_pool2d and relu, the two kinked ops: references, the conventions at the kink, errors.

Away from kinks their derivatives are checked by the registry suite; at a kink finite
differences cannot decide, so PyTorch's conventions get exact tests here: a tie in a
pooling window sends the gradient to the first maximum (row-major), and relu'(0) = 0.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from specs_cnn import first_max_positions, max_pool2d_reference

import microtensor as mt
import microtensor.nn.functional as F  # noqa: N812 (PyTorch's spelling)
from microtensor.testing import assert_gradients, cnn
from microtensor.testing import strategies as mts


def tensor(array: object, requires_grad: bool = False) -> mt.Tensor:
    return mt.tensor(array, dtype=mt.float64, requires_grad=requires_grad)


@st.composite
def pool_inputs(draw: st.DrawFn, **geometry: int) -> tuple[cnn.PoolGeometry, np.ndarray]:
    g = draw(cnn.pool_geometries(**geometry))
    return g, draw(cnn.pool_arrays(g.input_shape))


def pool(x: mt.Tensor, g: cnn.PoolGeometry) -> mt.Tensor:
    return F.max_pool2d(x, g.kernel_size, g.stride, g.padding)


# ----- forward and the gradient's routes -------------------------------------------------


@given(pool_inputs())
def test_forward_matches_the_nested_loop_reference(drawn: tuple) -> None:
    g, x = drawn
    expected = max_pool2d_reference(x, g.kernel_size, g.stride, g.padding)
    np.testing.assert_array_equal(pool(tensor(x), g).numpy(), expected)


@given(cnn.pool_geometries(), st.data())
def test_gradient_goes_to_the_first_maximum_even_with_ties(
    g: cnn.PoolGeometry, data: st.DataObject
) -> None:
    """Few distinct values, so ties are everywhere; overlapping windows add up."""
    x = data.draw(mts.float_arrays(g.input_shape, elements=st.sampled_from([-1.0, 0.0, 2.0])))
    grad = data.draw(mts.float_arrays(g.output_shape))
    xt = tensor(x, requires_grad=True)
    pool(xt, g).backward(tensor(grad))
    expected = np.zeros(x.shape)
    for n, c, i, j, row, col in first_max_positions(x, g.kernel_size, g.stride, g.padding):
        expected[n, c, row, col] += grad[n, c, i, j]
    # Where overlapping windows route to one element, the sums may be added in another
    # order (last-bit differences); a wrong route would be off by a whole gradient value.
    np.testing.assert_allclose(xt.grad.numpy(), expected, rtol=1e-12, atol=1e-15)


def test_tie_rule_exact_in_one_window() -> None:
    x = tensor([[[[1.0, 3.0], [3.0, 3.0]]]], requires_grad=True)
    F.max_pool2d(x, 2).backward(tensor([[[[5.0]]]]))
    np.testing.assert_array_equal(x.grad.numpy()[0, 0], [[0.0, 5.0], [0.0, 0.0]])


def test_tie_rule_all_equal_overlapping_and_padded() -> None:
    """A 4x4 of zeros, kernel 3, stride 1, padding 1: every window's first real pixel.

    Padding is minus infinity, so it never wins: the window centred on (r, c) routes to
    (max(r - 1, 0), max(c - 1, 0)), and the counts are PyTorch's.
    """
    x = tensor(np.zeros((1, 1, 4, 4)), requires_grad=True)
    out = F.max_pool2d(x, 3, stride=1, padding=1)
    out.sum().backward()
    expected = [[4, 2, 2, 0], [2, 1, 1, 0], [2, 1, 1, 0], [0, 0, 0, 0]]
    np.testing.assert_array_equal(x.grad.numpy()[0, 0], expected)


def test_padding_is_minus_infinity() -> None:
    x = tensor(-np.arange(1.0, 10.0).reshape(1, 1, 3, 3))
    out = F.max_pool2d(x, 2, stride=2, padding=1)
    np.testing.assert_array_equal(out.numpy()[0, 0], [[-1.0, -2.0], [-4.0, -5.0]])


def test_nan_propagates_to_the_output() -> None:
    x = tensor([[[[1.0, np.nan, 0.0, 4.0], [2.0, 0.0, 1.0, 1.0]]]])
    out = F.max_pool2d(x, 2).numpy()[0, 0, 0]
    assert np.isnan(out[0]) and out[1] == 4.0


def test_infinite_gradients_do_not_leak_into_other_pixels() -> None:
    x = tensor([[[[1.0, 2.0], [0.0, 0.0]]]], requires_grad=True)
    F.max_pool2d(x, 2).backward(tensor([[[[np.inf]]]]))
    np.testing.assert_array_equal(x.grad.numpy()[0, 0], [[0.0, np.inf], [0.0, 0.0]])


@given(cnn.pool_geometries(max_size=9, max_kernel=4, max_stride=3))
def test_output_size_formula_and_default_stride(g: cnn.PoolGeometry) -> None:
    x = mt.zeros(*g.input_shape)
    oh = int(np.floor((g.height - g.kernel_size[0] + 2 * g.padding[0]) / g.stride[0])) + 1
    ow = int(np.floor((g.width - g.kernel_size[1] + 2 * g.padding[1]) / g.stride[1])) + 1
    assert pool(x, g).shape == (g.batch, g.channels, oh, ow)
    default = F.max_pool2d(x, g.kernel_size, padding=g.padding)
    assert default.shape == F.max_pool2d(x, g.kernel_size, g.kernel_size, g.padding).shape


@given(pool_inputs(max_size=4))
def test_pool_then_square_first_and_second_order(drawn: tuple) -> None:
    g, x = drawn
    assert_gradients(lambda t: pool(t, g) ** 2, x)


@given(pool_inputs(), st.randoms(use_true_random=False))
def test_invariant_to_permuting_the_batch(drawn: tuple, random: object) -> None:
    g, x = drawn
    order = np.array(random.sample(range(g.batch), g.batch))  # type: ignore[attr-defined]
    xs, xp = tensor(x, True), tensor(x[order], True)
    out, permuted = pool(xs, g), pool(xp, g)
    np.testing.assert_array_equal(permuted.detach().numpy(), out.detach().numpy()[order])
    (out * out).sum().backward()
    (permuted * permuted).sum().backward()
    np.testing.assert_array_equal(xp.grad.numpy(), xs.grad.numpy()[order])


# ----- relu ------------------------------------------------------------------------------


def test_relu_derivative_at_zero_is_zero() -> None:
    x = tensor([-2.0, -0.0, 0.0, 1e-300, 3.0], requires_grad=True)
    F.relu(x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0, 0.0, 1.0, 1.0])


def test_relu_gives_positive_zero_for_negatives() -> None:
    out = F.relu(mt.tensor([-1.5, -0.0, 2.0])).numpy()
    np.testing.assert_array_equal(np.signbit(out), [False, False, False])
    np.testing.assert_array_equal(out, [0.0, 0.0, 2.0])


@given(cnn.relu_arrays(mts.shapes(max_dims=3, max_side=3)))
def test_relu_away_from_the_kink_first_and_second_order(x: np.ndarray) -> None:
    assert_gradients(F.relu, x)


# ----- errors ----------------------------------------------------------------------------


def test_input_must_be_4d_and_floating() -> None:
    with pytest.raises(RuntimeError, match=r"max_pool2d: expected a 4-D input .* 3-D input"):
        F.max_pool2d(mt.zeros(1, 4, 4), 2)
    with pytest.raises(TypeError, match=r"max_pool2d: expected a floating-point input, got "
                       r"dtype int64"):
        F.max_pool2d(mt.zeros(1, 1, 4, 4, dtype=mt.int64), 2)


def test_padding_at_most_half_the_kernel() -> None:
    with pytest.raises(ValueError, match=r"max_pool2d: padding \(2, 2\) should be at most half "
                       r"the kernel size \(3, 3\)"):
        F.max_pool2d(mt.zeros(1, 1, 6, 6), 3, padding=2)
    with pytest.raises(ValueError, match=r"padding must be non-negative"):
        F.max_pool2d(mt.zeros(1, 1, 6, 6), 3, padding=-1)


def test_bad_stride_kernel_and_sizes() -> None:
    x = mt.zeros(1, 1, 3, 3)
    with pytest.raises(ValueError, match=r"max_pool2d: stride must be positive, got "
                       r"stride=\(0, 0\)"):
        F.max_pool2d(x, 2, stride=0)
    with pytest.raises(ValueError, match=r"kernel_size must be positive"):
        F.max_pool2d(x, 0)
    with pytest.raises(RuntimeError, match=r"kernel size \(4, 4\) is larger than the padded "
                       r"input \(3, 3\)"):
        F.max_pool2d(x, 4)
    with pytest.raises(TypeError, match=r"kernel_size must be an int or a pair of ints"):
        F.max_pool2d(x, 2.0)


# ----- PyTorch, when installed -------------------------------------------------------------


@pytest.mark.torch
@pytest.mark.parametrize(
    ("kernel", "stride", "padding"), [(2, None, 0), (3, 2, 1), ((3, 2), 1, (1, 0))]
)
def test_matches_pytorch_with_ties(kernel: object, stride: object, padding: object) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is not installed")
    rng = np.random.default_rng(2)
    x = rng.integers(-2, 3, size=(2, 3, 7, 6)).astype(np.float64)  # many ties
    ours, theirs = tensor(x, True), torch.tensor(x, requires_grad=True)
    out = F.max_pool2d(ours, kernel, stride, padding)
    expected = torch.nn.functional.max_pool2d(theirs, kernel, stride, padding)
    grad = rng.standard_normal(tuple(expected.shape))
    out.backward(tensor(grad))
    expected.backward(torch.tensor(grad))
    np.testing.assert_array_equal(out.detach().numpy(), expected.detach().numpy())
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), atol=1e-12)
