"""In-place ops, views and the version counter, as PyTorch's (microtensor/core/inplace.py)."""

from __future__ import annotations

import numpy as np
import pytest

import microtensor as mt
from microtensor import nn, optim

MODIFIED = "modified by an inplace operation"


def test_the_tutorial_update_loop_trains() -> None:
    """PyTorch's "Learning PyTorch with Examples" update: ``w -= lr * w.grad`` in no_grad."""
    x = mt.linspace(-1, 1, 50) if hasattr(mt, "linspace") else mt.tensor(np.linspace(-1, 1, 50))
    y = 3.0 * x - 0.5
    w = mt.zeros(1, requires_grad=True)
    b = mt.zeros(1, requires_grad=True)
    for _ in range(200):
        loss = ((w * x + b - y) ** 2).mean()
        loss.backward()
        with mt.no_grad():
            w -= 0.1 * w.grad
            b -= 0.1 * b.grad
            w.grad = None
            b.grad = None
    np.testing.assert_allclose([w.item(), b.item()], [3.0, -0.5], atol=1e-3)
    assert w.is_leaf and w.requires_grad


def test_an_alias_sees_the_change() -> None:
    a = mt.tensor([1.0, 2.0])
    b = a
    b += 1
    b.mul_(2)
    assert a.tolist() == [4.0, 6.0] and a._version == 2


@pytest.mark.parametrize("make_view", [
    lambda x: x.view(6), lambda x: x.reshape(3, 2), lambda x: x[0], lambda x: x[:, 1:],
    lambda x: x.transpose(0, 1), lambda x: x.T, lambda x: x.detach(), lambda x: x.data,
])
def test_views_share_memory_and_version(make_view) -> None:
    x = mt.zeros(2, 3)
    view = make_view(x)
    view.add_(1)
    assert x.numpy().sum() == view.numel() and x._version == view._version == 1
    x.zero_()
    assert view.numpy().sum() == 0 and view._version == 2


def test_advanced_indexing_copies() -> None:
    x = mt.zeros(3)
    picked = x[mt.tensor([0, 2])]
    picked.add_(1)
    assert x.tolist() == [0.0, 0.0, 0.0] and x._version == 0


def test_data_is_a_tensor_sharing_memory() -> None:
    p = nn.Parameter(mt.ones(3))
    assert isinstance(p.data, mt.Tensor) and not p.data.requires_grad
    p.data.add_(1)
    p.data -= 0.5
    np.testing.assert_array_equal(p.data.numpy(), [1.5, 1.5, 1.5])
    p.data = mt.zeros(2)
    assert p.shape == (2,) and p.requires_grad and p.tolist() == [0.0, 0.0]


def test_in_place_on_a_leaf_that_requires_grad_is_refused() -> None:
    w = mt.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used"):
        w += 1
    with pytest.raises(RuntimeError, match="leaf Variable"):
        w[0] = 5.0
    with mt.no_grad():
        w += 1
    assert w.tolist() == [2.0, 2.0]


def test_a_saved_input_changed_in_place_is_caught_at_backward() -> None:
    x = mt.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2
    y = (h * h).sum()
    h.add_(1)  # h was saved by the product
    with pytest.raises(RuntimeError, match=MODIFIED + r".* is at version 1; expected version 0"):
        y.backward()


def test_a_saved_output_changed_in_place_is_caught_at_backward() -> None:
    x = mt.tensor([0.5, 1.0], requires_grad=True)
    y = x.exp()  # Exp saves its output
    y.mul_(2)
    with pytest.raises(RuntimeError, match=MODIFIED):
        y.sum().backward()


def test_an_optimizer_step_between_forward_and_backward_is_caught() -> None:
    model = nn.Linear(3, 1)
    opt = optim.SGD(model.parameters(), lr=0.1)
    loss = (model(mt.ones(2, 3)) ** 2).sum()
    loss.backward(retain_graph=True)
    opt.step()  # changes the weight that matmul saved
    with pytest.raises(RuntimeError, match=MODIFIED):
        loss.backward()


def test_in_place_ops_are_recorded_for_non_leaves() -> None:
    x = mt.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 1
    y.mul_(x)  # y = x * x
    y += 1
    y.exp_()
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * x.data.numpy() * np.exp(x.data.numpy() ** 2 + 1))
    assert type(y.grad_fn).__name__ == "ExpBackward0"


def test_setitem_on_plain_tensors() -> None:
    x = mt.zeros(3, 4)
    x[0] = 1.0
    x[1, mt.tensor([0, 3])] = mt.tensor([2.0, 3.0])
    x[x == 0] = -1.0
    x[:, 2] = mt.arange(3).to(mt.float32)
    np.testing.assert_array_equal(x.numpy(), [[1, 1, 0, 1], [2, -1, 1, 3], [-1, -1, 2, -1]])
    ints = mt.zeros(2, dtype=mt.int64)
    ints[0] = 7
    assert ints.tolist() == [7, 0]


def test_setitem_is_differentiable_for_non_leaves() -> None:
    x = mt.tensor([1.0, 2.0, 3.0], requires_grad=True)
    v = mt.tensor(5.0, requires_grad=True)
    y = x * 2
    y[1] = v * v
    y.sum().backward()
    assert x.grad.tolist() == [2.0, 0.0, 2.0] and v.grad.item() == 10.0


def test_errors_for_what_does_not_fit() -> None:
    ints = mt.zeros(3, dtype=mt.int64)
    cast = "result type float32 can.t be cast to the desired output type int64"
    with pytest.raises(RuntimeError, match=cast):
        ints += 1.5
    x = mt.zeros(3)
    shape = r"output with shape \(3,\) doesn't match the broadcast shape \(2, 3\)"
    with pytest.raises(RuntimeError, match=shape):
        x.add_(mt.ones(2, 3))
    with pytest.raises(RuntimeError, match="cannot be broadcast"):
        x[0:2] = mt.ones(3)
    with pytest.raises(IndexError, match="index"):
        x[5] = 1.0


def test_fill_zero_copy() -> None:
    x = mt.ones(2, 2)
    assert x.fill_(3.0) is x and x.tolist() == [[3.0, 3.0], [3.0, 3.0]]
    x.zero_()
    x.copy_(mt.tensor([1.0, 2.0]))
    assert x.tolist() == [[1.0, 2.0], [1.0, 2.0]]


@pytest.mark.torch
def test_in_place_gradients_match_pytorch() -> None:
    torch = pytest.importorskip("torch")
    values = np.array([0.5, -1.0, 2.0])

    def run(lib, tensor):
        x = tensor(values, requires_grad=True)
        y = x * 3
        y[0] = x[2] * x[1]
        y.mul_(x)
        y.sub_(1)
        y[y > 0] = 0.0
        (y * y).sum().backward()
        return x.grad

    ours = run(mt, lambda v, **k: mt.tensor(v, dtype=mt.float64, **k))
    theirs = run(torch, lambda v, **k: torch.tensor(v, dtype=torch.float64, **k))
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12)
