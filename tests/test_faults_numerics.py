"""Empty, NaN and -inf cases of losses, pooling, reductions, convolution, softmax and linear
(issue 13): PyTorch's numbers and errors, never a raw NumPy error or a silent wrong answer.

Each case has a plain test against NumPy references or exact expected values, and a
torch-marked test that compares with PyTorch (skipped where torch is not installed).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import microtensor as mt
import microtensor.nn.functional as F  # noqa: N812 (PyTorch's spelling)

NAN_WINDOWS = np.array(
    [[[[1.0, np.nan, 5.0, 2.0],
       [np.nan, 3.0, 1.0, np.inf],
       [-np.inf, -np.inf, 0.0, 7.0],
       [-np.inf, -np.inf, np.nan, 7.0]]]], dtype=np.float32)  # fmt: skip


# ----- cross-entropy: every target ignored; zero-size batches ------------------------


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_all_ignored_gives_zero_gradients(reduction: str) -> None:
    x = mt.randn(3, 4, requires_grad=True)
    loss = F.cross_entropy(x, mt.tensor([-100, -100, -100]), reduction=reduction)
    if reduction == "mean":
        assert np.isnan(loss.item())  # 0 / 0, as PyTorch
    else:
        assert np.all(loss.detach().numpy() == 0)
    loss.sum().backward()
    assert np.array_equal(x.grad.numpy(), np.zeros((3, 4), np.float32))


def test_cross_entropy_all_ignored_with_custom_index_and_spatial_targets() -> None:
    x = mt.randn(2, 3, 2, 2, requires_grad=True)
    loss = F.cross_entropy(x, mt.tensor(np.full((2, 2, 2), 7)), ignore_index=7)
    loss.backward()
    assert np.isnan(loss.item()) and not np.any(x.grad.numpy())


def test_cross_entropy_some_ignored_unchanged() -> None:
    logits = np.array([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]])
    x = mt.tensor(logits, requires_grad=True)
    F.cross_entropy(x, mt.tensor([-100, 2])).backward()
    softmax = np.exp(logits[1]) / np.exp(logits[1]).sum()
    np.testing.assert_allclose(x.grad.numpy(), [[0, 0, 0], softmax - [0, 0, 1]])


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_zero_size_batch(reduction: str) -> None:
    x = mt.randn(0, 4, requires_grad=True)
    loss = F.cross_entropy(x, mt.zeros(0, dtype=mt.int64), reduction=reduction)
    expected = {"mean": np.nan, "sum": 0.0}.get(reduction)
    if expected is None:
        assert loss.shape == (0,)
    else:
        np.testing.assert_equal(loss.item(), expected)
    loss.sum().backward()
    assert x.grad.shape == (0, 4)


# ----- max pooling: NaN, -inf and padding; zero-size batches -------------------------


def test_max_pool_nan_propagates_and_takes_the_gradient() -> None:
    x = mt.tensor(NAN_WINDOWS, requires_grad=True)
    y = F.max_pool2d(x, 2)
    y.sum().backward()
    out = y.detach().numpy()[0, 0]
    assert np.isnan(out[0, 0]) and out[0, 1] == np.inf and np.isnan(out[1, 1])
    assert out[1, 0] == -np.inf
    grad = np.zeros((4, 4), np.float32)
    grad[1, 0] = 1  # the last NaN of the window (as PyTorch's kernel: each NaN takes over)
    grad[1, 3] = 1  # inf
    grad[2, 0] = 1  # all -inf: the first element
    grad[3, 2] = 1  # NaN beats the 7s
    assert np.array_equal(x.grad.numpy()[0, 0], grad)


def test_max_pool_all_minus_inf_with_padding_keeps_gradients_in_the_input() -> None:
    x = mt.tensor(np.full((1, 1, 3, 3), -np.inf, np.float32), requires_grad=True)
    y = F.max_pool2d(x, 3, stride=1, padding=1)
    assert np.all(y.detach().numpy() == -np.inf)
    y.sum().backward()
    # each window routes to its first element inside the input: none is lost in padding
    expected = [[4, 2, 0], [2, 1, 0], [0, 0, 0]]
    assert np.array_equal(x.grad.numpy()[0, 0], expected)
    assert x.grad.numpy().sum() == 9


def test_max_pool_padding_with_finite_values_unchanged() -> None:
    rng = np.random.default_rng(0)
    a = rng.standard_normal((2, 3, 5, 5)).astype(np.float32)
    x = mt.tensor(a, requires_grad=True)
    y = F.max_pool2d(x, 3, stride=2, padding=1)
    padded = np.pad(a, ((0, 0), (0, 0), (1, 1), (1, 1)), constant_values=-np.inf)
    windows = np.lib.stride_tricks.sliding_window_view(padded, (3, 3), axis=(2, 3))[:, :, ::2, ::2]
    np.testing.assert_array_equal(y.detach().numpy(), windows.max(axis=(4, 5)))
    y.sum().backward()
    assert x.grad.numpy().sum() == y.numel()


def test_max_pool_zero_size_batch() -> None:
    x = mt.randn(0, 2, 4, 4, requires_grad=True)
    y = F.max_pool2d(x, 2, padding=1)
    assert y.shape == (0, 2, 3, 3)
    y.sum().backward()
    assert x.grad.shape == (0, 2, 4, 4)


# ----- reductions over nothing --------------------------------------------------------


def test_mean_of_nothing_is_nan() -> None:
    assert np.isnan(mt.randn(0).mean().item())
    assert np.all(np.isnan(mt.randn(0, 3).mean(dim=0).numpy()))
    assert mt.randn(3, 0).mean(dim=0).shape == (0,)
    x = mt.randn(0, 3, requires_grad=True)
    x.mean().backward()
    assert x.grad.shape == (0, 3)


def test_argmax_and_max_of_nothing_are_clear_errors() -> None:
    with pytest.raises(IndexError, match=r"argmax\(\).*empty"):
        mt.randn(0).argmax()
    with pytest.raises(IndexError, match=r"argmax\(\).*dim 0.*non-zero size"):
        mt.randn(0, 3).argmax(dim=0)
    with pytest.raises(IndexError, match=r"max\(\).*dim 0.*non-zero size"):
        mt.randn(0, 3).max(dim=0)
    with pytest.raises(RuntimeError, match=r"min\(\).*'dim'"):
        mt.randn(2, 0).min()
    assert mt.randn(0, 3).argmax(dim=1).shape == (0,)
    values, indices = mt.randn(0, 3).max(dim=1)
    assert values.shape == indices.shape == (0,) and indices.dtype == mt.int64


@pytest.mark.parametrize("dim", [0, -1])
def test_max_along_a_dim_of_a_0d_tensor(dim: int) -> None:
    x = mt.tensor(3.0, requires_grad=True)
    values, indices = x.max(dim=dim)
    assert values.item() == 3.0 and values.shape == () and indices.item() == 0
    assert indices.dtype == mt.int64
    values.backward()
    assert x.grad.item() == 1.0
    assert mt.min(mt.tensor(2.0), dim, keepdim=True).values.item() == 2.0
    with pytest.raises(IndexError):
        x.max(dim=1)


# ----- softmax over an empty dim ------------------------------------------------------


@pytest.mark.parametrize("op", [F.softmax, F.log_softmax])
def test_softmax_over_an_empty_dim(op: Callable[..., mt.Tensor]) -> None:
    x = mt.randn(2, 0, requires_grad=True)
    y = op(x, 1)
    assert y.shape == (2, 0)
    y.sum().backward()
    assert x.grad.shape == (2, 0)
    assert op(mt.randn(0, 3), 1).shape == (0, 3)


# ----- convolution: zero-size kernels and batches -------------------------------------


@pytest.mark.parametrize("shape", [(1, 1, 0, 0), (1, 1, 0, 3), (1, 1, 3, 0), (0, 1, 3, 3)])
def test_conv2d_refuses_an_empty_weight(shape: tuple[int, ...]) -> None:
    with pytest.raises(RuntimeError, match=r"conv2d: weight of shape .* is empty"):
        F.conv2d(mt.randn(1, 1, 8, 8), mt.randn(*shape))


def test_conv2d_zero_size_batch_forward_and_backward() -> None:
    x = mt.randn(0, 2, 5, 5, requires_grad=True)
    w = mt.randn(3, 2, 3, 3, requires_grad=True)
    b = mt.randn(3, requires_grad=True)
    y = F.conv2d(x, w, b, stride=2, padding=1)
    assert y.shape == (0, 3, 3, 3)
    y.sum().backward()
    assert x.grad.shape == (0, 2, 5, 5)
    assert np.array_equal(w.grad.numpy(), np.zeros((3, 2, 3, 3), np.float32))
    assert np.array_equal(b.grad.numpy(), np.zeros(3, np.float32))


# ----- linear: zero-size batches, 0-d input -------------------------------------------


def test_linear_zero_size_batch_and_0d_input() -> None:
    layer = mt.nn.Linear(4, 3)
    x = mt.randn(0, 4, requires_grad=True)
    y = layer(x)
    assert y.shape == (0, 3)
    y.sum().backward()
    assert x.grad.shape == (0, 4)
    assert not np.any(layer.weight.grad.numpy()) and not np.any(layer.bias.grad.numpy())
    with pytest.raises(RuntimeError, match="linear: input must have a feature dimension"):
        layer(mt.tensor(1.0))
    with pytest.raises(RuntimeError, match="linear: input must have a feature dimension"):
        mt.nn.Linear(1, 2)(mt.tensor(1.0))


# ----- against PyTorch ----------------------------------------------------------------


def _both(make: Callable[[Any, Any], Any]) -> tuple[Any, Any]:
    """``make(library, functional)`` for microtensor and PyTorch."""
    torch = pytest.importorskip("torch")
    return make(mt, F), make(torch, torch.nn.functional)


def _numpy(value: Any) -> np.ndarray:
    return np.asarray(value.detach().numpy())


def _same(ours: Any, theirs: Any) -> None:
    a, b = _numpy(ours), _numpy(theirs)
    assert a.shape == tuple(b.shape), (a.shape, b.shape)
    np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)  # NaN == NaN here


@pytest.mark.torch
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("shape", [(3, 4), (0, 4), (2, 3, 2)])
def test_cross_entropy_ignored_and_empty_as_torch(reduction: str, shape: tuple[int, ...]) -> None:
    logits = np.random.default_rng(1).standard_normal(shape).astype(np.float32)
    targets = np.full((shape[0], *shape[2:]), -100, dtype=np.int64)

    def make(lib: Any, functional: Any) -> tuple[Any, Any]:
        x = lib.tensor(logits, requires_grad=True)
        loss = functional.cross_entropy(x, lib.tensor(targets), reduction=reduction)
        loss.sum().backward()
        return loss, x.grad

    (loss, grad), (their_loss, their_grad) = _both(make)
    _same(loss, their_loss)
    _same(grad, their_grad)


@pytest.mark.torch
@pytest.mark.parametrize(
    ("kernel", "stride", "padding"), [(2, 2, 0), (3, 1, 1), (2, 1, 1), (3, 2, 1)]
)
@pytest.mark.parametrize("fill", ["nan_windows", "all_minus_inf", "random_with_specials"])
def test_max_pool_specials_as_torch(kernel: int, stride: int, padding: int, fill: str) -> None:
    rng = np.random.default_rng(2)
    if fill == "nan_windows":
        a = NAN_WINDOWS
    elif fill == "all_minus_inf":
        a = np.full((1, 2, 5, 5), -np.inf, np.float32)
    else:
        a = rng.choice(np.array([-np.inf, np.inf, np.nan, 0.0, 1.0, -1.0], np.float32),
                       size=(2, 2, 6, 6))
    upstream = rng.standard_normal(10_000).astype(np.float32)

    def make(lib: Any, functional: Any) -> tuple[Any, Any]:
        x = lib.tensor(a, requires_grad=True)
        y = functional.max_pool2d(x, kernel, stride, padding)
        (y * lib.tensor(upstream[: y.numel()].reshape(tuple(y.shape)))).sum().backward()
        return y, x.grad

    (y, grad), (their_y, their_grad) = _both(make)
    _same(y, their_y)
    _same(grad, their_grad)


@pytest.mark.torch
def test_zero_size_batches_as_torch() -> None:
    rng = np.random.default_rng(3)
    weight = rng.standard_normal((3, 2, 3, 3)).astype(np.float32)
    bias = rng.standard_normal(3).astype(np.float32)
    linear_weight = rng.standard_normal((5, 4)).astype(np.float32)

    def make(lib: Any, functional: Any) -> list[Any]:
        x = lib.zeros((0, 2, 6, 6), requires_grad=True)
        w = lib.tensor(weight, requires_grad=True)
        b = lib.tensor(bias, requires_grad=True)
        h = functional.max_pool2d(functional.conv2d(x, w, b, padding=1), 2)
        v = lib.zeros((0, 4), requires_grad=True)
        lw = lib.tensor(linear_weight, requires_grad=True)
        z = functional.linear(v, lw)
        loss = functional.cross_entropy(z, lib.zeros(0, dtype=lib.int64), reduction="sum")
        (h.sum() + loss).backward()
        return [h, x.grad, w.grad, b.grad, z, v.grad, lw.grad, loss]

    for ours, theirs in zip(*_both(make), strict=True):
        _same(ours, theirs)


@pytest.mark.torch
def test_empty_reductions_and_softmax_as_torch() -> None:
    torch = pytest.importorskip("torch")
    _same(mt.zeros(0).mean(), torch.zeros(0).mean())
    _same(mt.zeros(0, 3).mean(dim=0), torch.zeros(0, 3).mean(dim=0))
    _same(F.softmax(mt.zeros(2, 0), 1), torch.softmax(torch.zeros(2, 0), 1))
    _same(F.log_softmax(mt.zeros(0, 3), 1), torch.log_softmax(torch.zeros(0, 3), 1))
    ours, theirs = mt.tensor(3.0).max(dim=0), torch.tensor(3.0).max(dim=0)
    _same(ours.values, theirs.values)
    _same(ours.indices, theirs.indices)
    for call in (lambda lib: lib.zeros(0).argmax(), lambda lib: lib.zeros(0, 3).argmax(dim=0),
                 lambda lib: lib.zeros(0, 3).max(dim=0), lambda lib: lib.zeros(0).max()):
        with pytest.raises(Exception) as theirs_error:
            call(torch)
        with pytest.raises(theirs_error.type):
            call(mt)


@pytest.mark.torch
def test_conv2d_empty_kernel_and_linear_0d_refused_as_torch() -> None:
    torch = pytest.importorskip("torch")
    with pytest.raises(RuntimeError):
        torch.nn.functional.conv2d(torch.zeros(1, 1, 8, 8), torch.zeros(1, 1, 0, 0))
    with pytest.raises(RuntimeError):
        F.conv2d(mt.zeros(1, 1, 8, 8), mt.zeros(1, 1, 0, 0))
    with pytest.raises(RuntimeError):
        torch.nn.Linear(1, 2)(torch.tensor(1.0))
    with pytest.raises(RuntimeError):
        mt.nn.Linear(1, 2)(mt.tensor(1.0))
