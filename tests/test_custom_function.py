"""``mt.autograd.Function`` with PyTorch's contract: forward on Tensors, backward on Tensors."""

from __future__ import annotations

import numpy as np
import pytest

import microtensor as mt
from microtensor.autograd import Function, gradcheck, gradgradcheck, once_differentiable


class LegendrePolynomial3(Function):
    """From PyTorch's "Learning PyTorch with Examples", unchanged but for the import."""

    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return 0.5 * (5 * input**3 - 3 * input)

    @staticmethod
    def backward(ctx, grad_output):
        (input,) = ctx.saved_tensors
        return grad_output * 1.5 * (5 * input**2 - 1)


class Scale(Function):
    """A non-tensor argument gets None; needs_input_grad says which inputs need one."""

    @staticmethod
    def forward(ctx, input, factor):
        ctx.factor = factor
        ctx.flags = ctx.needs_input_grad
        return input * factor

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output * ctx.factor, None


def test_forward_backward_and_the_node() -> None:
    x = mt.tensor([0.5, -1.0, 2.0], dtype=mt.float64, requires_grad=True)
    y = LegendrePolynomial3.apply(x)
    values = x.data.numpy()
    np.testing.assert_allclose(y.detach().numpy(), 0.5 * (5 * values**3 - 3 * values))
    assert type(y.grad_fn).__name__ == "LegendrePolynomial3Backward0" and y.requires_grad
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 1.5 * (5 * x.data.numpy() ** 2 - 1))


def test_gradients_of_first_and_second_order() -> None:
    x = mt.tensor([0.3, -0.7], dtype=mt.float64, requires_grad=True)
    assert gradcheck(LegendrePolynomial3.apply, (x,))
    assert gradgradcheck(LegendrePolynomial3.apply, (x,))


def test_non_tensor_arguments_and_needs_input_grad() -> None:
    x = mt.tensor([1.0, 2.0], requires_grad=True)
    y = Scale.apply(x, 3.0)
    assert y.grad_fn.flags == (True, False)
    y.sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]


def test_forward_runs_without_recording_and_no_grad_needed_gives_no_node() -> None:
    class Peek(Function):
        @staticmethod
        def forward(ctx, input):
            ctx.recording = mt.is_grad_enabled()
            return input * 2

        @staticmethod
        def backward(ctx, grad_output):
            return grad_output * 2

    x = mt.ones(2, requires_grad=True)
    assert Peek.apply(x).grad_fn.recording is False
    assert Peek.apply(mt.ones(2)).grad_fn is None


def test_a_saved_input_changed_in_place_is_caught() -> None:
    x = mt.tensor([0.5, 1.0], requires_grad=True)
    h = x * 1
    y = LegendrePolynomial3.apply(h)
    h.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_mark_dirty_and_mark_non_differentiable() -> None:
    class AddOneInPlace(Function):
        @staticmethod
        def forward(ctx, input):
            input.add_(1)
            ctx.mark_dirty(input)
            return input

        @staticmethod
        def backward(ctx, grad_output):
            return grad_output

    class Sign(Function):
        @staticmethod
        def forward(ctx, input):
            out = mt.tensor(np.sign(input.detach().numpy()))
            ctx.mark_non_differentiable(out)
            return out

        @staticmethod
        def backward(ctx, grad_output):
            return None

    x = mt.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2
    same = AddOneInPlace.apply(h)
    assert same is h and h.tolist() == [3.0, 5.0] and h._version == 1
    (h * h).sum().backward()
    assert x.grad.tolist() == [12.0, 20.0]
    assert not Sign.apply(mt.tensor([-2.0, 3.0], requires_grad=True)).requires_grad
    with pytest.raises(RuntimeError, match="leaf Variable"):
        AddOneInPlace.apply(mt.ones(2, requires_grad=True))


def test_wrong_number_of_gradients_is_a_clear_error() -> None:
    class Wrong(Function):
        @staticmethod
        def forward(ctx, a, b):
            return a * b

        @staticmethod
        def backward(ctx, grad_output):
            return grad_output

    a, b = mt.ones(2, requires_grad=True), mt.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="returned an incorrect number of gradients"):
        Wrong.apply(a, b).sum().backward()


def test_once_differentiable_refuses_a_second_derivative() -> None:
    class Cube(Function):
        @staticmethod
        def forward(ctx, input):
            ctx.save_for_backward(input)
            return input**3

        @staticmethod
        @once_differentiable
        def backward(ctx, grad_output):
            (input,) = ctx.saved_tensors
            return grad_output * 3 * input**2

    x = mt.tensor([1.0, 2.0], requires_grad=True)
    (g,) = mt.autograd.grad(Cube.apply(x).sum(), x)
    assert g.tolist() == [3.0, 12.0] and not g.requires_grad
    (g,) = mt.autograd.grad(Cube.apply(x).sum(), x, create_graph=True)
    with pytest.raises(RuntimeError, match="once_differentiable"):
        g.sum().backward()


@pytest.mark.torch
def test_matches_pytorch() -> None:
    torch = pytest.importorskip("torch")

    class TorchLegendre(torch.autograd.Function):
        forward = LegendrePolynomial3.forward
        backward = LegendrePolynomial3.backward

    values = np.array([0.2, -1.3, 0.8])
    x = mt.tensor(values, dtype=mt.float64, requires_grad=True)
    t = torch.tensor(values, dtype=torch.float64, requires_grad=True)
    LegendrePolynomial3.apply(x * x).sum().backward()
    TorchLegendre.apply(t * t).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-12)
