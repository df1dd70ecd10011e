"""softmax, log_softmax and cross_entropy: references, stability, metamorphic laws, errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from specs_cnn import cross_entropy_reference

import microtensor as mt
import microtensor.nn.functional as F  # noqa: N812 (PyTorch's spelling)
from microtensor.testing import assert_gradients, cnn
from microtensor.testing import strategies as mts

REDUCTIONS = st.sampled_from(["mean", "sum", "none"])


def tensor(array: object, requires_grad: bool = False) -> mt.Tensor:
    return mt.tensor(array, dtype=mt.float64, requires_grad=requires_grad)


def labels(array: object) -> mt.Tensor:
    return mt.tensor(np.asarray(array, dtype=np.int64))


# ----- forward ------------------------------------------------------------------------


@given(cnn.logits(ignore_index=-100), REDUCTIONS)
def test_cross_entropy_matches_the_loop_reference(drawn: tuple, reduction: str) -> None:
    x, target = drawn
    out = F.cross_entropy(tensor(x), labels(target), reduction=reduction)
    expected = cross_entropy_reference(x, target, reduction)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12, atol=1e-12)


@given(mts.float_arrays(mts.shapes(min_dims=1, max_dims=3, max_side=4), min_value=-9,
                        max_value=9), st.data())
def test_softmax_and_log_softmax_match_logaddexp(x: np.ndarray, data: st.DataObject) -> None:
    dim = data.draw(st.integers(-x.ndim, x.ndim - 1))
    expected = x - np.logaddexp.reduce(x, axis=dim, keepdims=True)
    np.testing.assert_allclose(F.log_softmax(tensor(x), dim).numpy(), expected, atol=1e-12)
    probabilities = F.softmax(tensor(x), dim).numpy()
    np.testing.assert_allclose(probabilities, np.exp(expected), atol=1e-12)
    np.testing.assert_allclose(probabilities.sum(axis=dim), 1.0, rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_stable_for_logits_of_magnitude_1e4(dtype: type) -> None:
    x = np.array([[1e4, -1e4, 0.0], [0.0, 1e4, 1e4], [-1e4, -1e4, -1e4]])
    target = np.array([1, 0, 2])
    reference = np.logaddexp.reduce(x, axis=1) - x[np.arange(3), target]  # float64
    out = F.cross_entropy(mt.tensor(x.astype(dtype)), labels(target), reduction="none")
    assert out.dtype == dtype and np.isfinite(out.numpy()).all()
    np.testing.assert_allclose(out.numpy(), reference, rtol=1e-6)
    log_p = F.log_softmax(mt.tensor(x.astype(dtype)), dim=1).numpy()
    np.testing.assert_allclose(log_p, x - np.logaddexp.reduce(x, axis=1, keepdims=True))
    logits = mt.tensor(x.astype(dtype), requires_grad=True)
    F.cross_entropy(logits, labels(target)).backward()
    assert np.isfinite(logits.grad.numpy()).all()


def test_ignore_index_and_all_ignored() -> None:
    x = tensor([[1.0, 2.0, 3.0], [1.0, 0.0, 0.0]], requires_grad=True)
    loss = F.cross_entropy(x, labels([2, -100]))
    np.testing.assert_allclose(loss.item(), np.logaddexp.reduce([1.0, 2.0, 3.0]) - 3.0)
    loss.backward()
    np.testing.assert_array_equal(x.grad.numpy()[1], 0.0)
    assert np.isnan(F.cross_entropy(tensor([[1.0, 2.0]]), labels([-100])).item())  # as PyTorch
    custom = F.cross_entropy(tensor([[1.0, 2.0]]), labels([1]), ignore_index=1, reduction="sum")
    assert custom.item() == 0.0


def test_unbatched_and_spatial_inputs() -> None:
    x = np.array([0.5, -1.0, 2.0])
    one = F.cross_entropy(tensor(x), labels(2))
    np.testing.assert_allclose(one.item(), np.logaddexp.reduce(x) - 2.0)
    rng = np.random.default_rng(0)
    spatial = rng.standard_normal((2, 4, 3, 3))  # (N, C, d1, d2): classes on axis 1
    target = rng.integers(0, 4, (2, 3, 3))
    flat = spatial.transpose(0, 2, 3, 1).reshape(-1, 4)
    expected = cross_entropy_reference(flat, target.reshape(-1), "none").reshape(2, 3, 3)
    out = F.cross_entropy(tensor(spatial), labels(target), reduction="none")
    np.testing.assert_allclose(out.numpy(), expected, atol=1e-12)
    assert_gradients(lambda t: F.cross_entropy(t, labels(target)), spatial)


# ----- gradients and metamorphic properties ------------------------------------------------


@given(cnn.logits(ignore_index=-100), REDUCTIONS)
def test_cross_entropy_first_and_second_order(drawn: tuple, reduction: str) -> None:
    x, target = drawn
    assert_gradients(lambda t: F.cross_entropy(t, labels(target), reduction=reduction), x)


@given(cnn.logits(), mts.floats(-50.0, 50.0), REDUCTIONS)
def test_unchanged_by_a_constant_added_to_a_samples_logits(
    drawn: tuple, constant: float, reduction: str
) -> None:
    x, target = drawn
    shifted = x.copy()
    shifted[0] += constant
    before = F.cross_entropy(tensor(x), labels(target), reduction=reduction).numpy()
    after = F.cross_entropy(tensor(shifted), labels(target), reduction=reduction).numpy()
    np.testing.assert_allclose(after, before, rtol=1e-9, atol=1e-9)


@given(cnn.logits(ignore_index=-100), REDUCTIONS)
def test_logit_gradient_sums_to_zero_per_sample(drawn: tuple, reduction: str) -> None:
    x, target = drawn
    logits = tensor(x, requires_grad=True)
    loss = F.cross_entropy(logits, labels(target), reduction=reduction)
    loss.backward(tensor(np.ones(loss.shape)))
    np.testing.assert_allclose(logits.grad.numpy().sum(axis=1), 0.0, atol=1e-12)


@given(cnn.logits(), REDUCTIONS, st.randoms(use_true_random=False))
def test_invariant_to_permuting_the_batch(drawn: tuple, reduction: str, random: object) -> None:
    x, target = drawn
    order = np.array(random.sample(range(len(x)), len(x)))  # type: ignore[attr-defined]
    xs, xp = tensor(x, True), tensor(x[order], True)
    out = F.cross_entropy(xs, labels(target), reduction=reduction)
    permuted = F.cross_entropy(xp, labels(target[order]), reduction=reduction)
    expected = out.detach().numpy()[order] if reduction == "none" else out.detach().numpy()
    np.testing.assert_allclose(permuted.detach().numpy(), expected, rtol=1e-12, atol=1e-12)
    out.sum().backward()
    permuted.sum().backward()
    np.testing.assert_allclose(xp.grad.numpy(), xs.grad.numpy()[order], atol=1e-12)


# ----- errors ----------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [5, -1, -7])
def test_target_out_of_range_names_it_and_the_class_count(bad: int) -> None:
    with pytest.raises(IndexError, match=rf"cross_entropy: target {bad} is out of bounds for "
                       r"5 classes \(expected 0 <= target < 5, or ignore_index=-100\)"):
        F.cross_entropy(mt.zeros(2, 5), labels([0, bad]))


def test_float_target_of_another_shape_is_refused() -> None:
    # a float target is read as class probabilities (PyTorch's rule), so it needs the
    # input's shape; PyTorch raises a RuntimeError here too
    with pytest.raises(RuntimeError, match=r"cross_entropy: a float target holds class "
                       r"probabilities .* shape \(2, 5\), got shape \(2,\); class indices "
                       r"must be integers \(int64\)"):
        F.cross_entropy(mt.zeros(2, 5), mt.tensor([0.0, 1.0]))


def test_target_of_the_wrong_shape() -> None:
    with pytest.raises(RuntimeError, match=r"expected target of shape \(2,\) for input of shape "
                       r"\(2, 5\) .* got target of shape \(3,\)"):
        F.cross_entropy(mt.zeros(2, 5), labels([0, 1, 2]))
    with pytest.raises(RuntimeError, match=r"got target of shape \(2, 1\)"):
        F.cross_entropy(mt.zeros(2, 5), labels([[0], [1]]))


def test_bad_reduction_and_input() -> None:
    with pytest.raises(ValueError, match=r"cross_entropy: avg is not a valid value for reduction "
                       r"\(expected one of 'mean', 'sum', 'none'\)"):
        F.cross_entropy(mt.zeros(2, 5), labels([0, 1]), reduction="avg")
    with pytest.raises(TypeError, match=r"input must hold floating-point logits, got dtype int64"):
        F.cross_entropy(mt.zeros(2, 5, dtype=mt.int64), labels([0, 1]))
    with pytest.raises(RuntimeError, match=r"must have a class dimension, got a 0-D tensor"):
        F.cross_entropy(mt.tensor(1.0), labels(0))


# ----- PyTorch, when installed -------------------------------------------------------------


@pytest.mark.torch
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_matches_pytorch(reduction: str) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is not installed")
    rng = np.random.default_rng(3)
    x = rng.standard_normal((6, 4)) * 3
    target = np.array([0, 3, -100, 1, 2, 2])
    ours, theirs = tensor(x, True), torch.tensor(x, requires_grad=True)
    out = F.cross_entropy(ours, labels(target), reduction=reduction)
    expected = torch.nn.functional.cross_entropy(theirs, torch.tensor(target), reduction=reduction)
    grad = rng.standard_normal(tuple(expected.shape))
    out.backward(tensor(grad))
    expected.backward(torch.tensor(grad))
    np.testing.assert_allclose(out.detach().numpy(), expected.detach().numpy(), atol=1e-12)
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), atol=1e-12)
