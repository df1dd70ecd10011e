"""PyTorch's "Learning PyTorch with Examples" (the polynomial fit of sin(x)), run with
``import microtensor as torch``: each script is written once, as in the tutorial, against
a module called ``torch``, and run with microtensor (always) and PyTorch (when installed,
``torch``-marked), from the same initial weights. Iterations are fewer than the
tutorial's 2000, to keep the suite fast; the numbers must agree step for step.
"""

from __future__ import annotations

import math
import random
from types import ModuleType
from typing import Any

import numpy as np
import pytest

import microtensor

STEPS = 300
START = np.array([0.1, -0.2, 0.3, -0.05], dtype=np.float32)  # the tutorial draws these


def tensors_with_autograd(torch: ModuleType) -> list[float]:
    """tensor_autograd.py: the update loop ``a -= learning_rate * a.grad`` in no_grad."""
    dtype = torch.float
    x = torch.linspace(-math.pi, math.pi, 2000, dtype=dtype)
    y = torch.sin(x)
    a, b, c, d = (torch.tensor(float(v), dtype=dtype, requires_grad=True) for v in START)
    learning_rate = 1e-6
    for _ in range(STEPS):
        y_pred = a + b * x + c * x**2 + d * x**3
        loss = (y_pred - y).pow(2).sum()
        loss.backward()
        with torch.no_grad():
            a -= learning_rate * a.grad
            b -= learning_rate * b.grad
            c -= learning_rate * c.grad
            d -= learning_rate * d.grad
            a.grad = None
            b.grad = None
            c.grad = None
            d.grad = None
    return [loss.item(), a.item(), b.item(), c.item(), d.item()]


def custom_function(torch: ModuleType) -> list[float]:
    """polynomial_custom_function.py: LegendrePolynomial3 as an autograd.Function."""

    class LegendrePolynomial3(torch.autograd.Function):
        @staticmethod
        def forward(ctx, input):  # noqa: A002
            ctx.save_for_backward(input)
            return 0.5 * (5 * input**3 - 3 * input)

        @staticmethod
        def backward(ctx, grad_output):
            (input,) = ctx.saved_tensors  # noqa: A001
            return grad_output * 1.5 * (5 * input**2 - 1)

    dtype = torch.float
    x = torch.linspace(-math.pi, math.pi, 2000, dtype=dtype)
    y = torch.sin(x)
    a, b, c, d = (
        torch.full((), float(v), dtype=dtype, requires_grad=True)
        for v in (0.0, -1.0, 0.0, 0.3)
    )
    learning_rate = 5e-6
    for _ in range(STEPS):
        P3 = LegendrePolynomial3.apply
        y_pred = a + b * P3(c + d * x)
        loss = (y_pred - y).pow(2).sum()
        loss.backward()
        with torch.no_grad():
            a -= learning_rate * a.grad
            b -= learning_rate * b.grad
            c -= learning_rate * c.grad
            d -= learning_rate * d.grad
            a.grad = None
            b.grad = None
            c.grad = None
            d.grad = None
    return [loss.item(), a.item(), b.item(), c.item(), d.item()]


def _initialise(torch: ModuleType, linear: Any) -> None:
    with torch.no_grad():
        linear.weight.copy_(torch.tensor(START[:3].reshape(1, 3)))
        linear.bias.fill_(float(START[3]))


def nn_module(torch: ModuleType) -> list[float]:
    """polynomial_nn.py: Sequential(Linear(3, 1), Flatten(0, 1)), MSELoss(sum), manual SGD."""
    x = torch.linspace(-math.pi, math.pi, 2000)
    y = torch.sin(x)
    p = torch.tensor([1, 2, 3])
    xx = x.unsqueeze(-1).pow(p)
    model = torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Flatten(0, 1))
    _initialise(torch, model[0])
    loss_fn = torch.nn.MSELoss(reduction="sum")
    learning_rate = 1e-6
    for _ in range(STEPS):
        y_pred = model(xx)
        loss = loss_fn(y_pred, y)
        model.zero_grad()
        loss.backward()
        with torch.no_grad():
            for param in model.parameters():
                param -= learning_rate * param.grad
    linear_layer = model[0]
    weights = [linear_layer.weight[:, i].item() for i in range(3)]
    return [loss.item(), linear_layer.bias.item(), *weights]


def optimizer(torch: ModuleType) -> list[float]:
    """polynomial_optim.py: the same model trained by RMSprop."""
    x = torch.linspace(-math.pi, math.pi, 2000)
    y = torch.sin(x)
    p = torch.tensor([1, 2, 3])
    xx = x.unsqueeze(-1).pow(p)
    model = torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Flatten(0, 1))
    _initialise(torch, model[0])
    loss_fn = torch.nn.MSELoss(reduction="sum")
    optimizer = torch.optim.RMSprop(model.parameters(), lr=1e-3)
    for _ in range(STEPS):
        y_pred = model(xx)
        loss = loss_fn(y_pred, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return [loss.item(), *model[0].weight.detach().numpy().ravel().tolist()]


def custom_module(torch: ModuleType) -> list[float]:
    """polynomial_module.py and dynamic_net.py: an nn.Module of Parameters, SGD (momentum),
    and a forward whose graph changes from call to call."""

    class DynamicNet(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.a, self.b, self.c, self.d, self.e = (
                torch.nn.Parameter(torch.tensor(float(v))) for v in (*START, 0.01)
            )

        def forward(self, x):
            y = self.a + self.b * x + self.c * x**2 + self.d * x**3
            for exp in range(4, random.randint(4, 6)):
                y = y + self.e * x**exp
            return y

        def string(self):
            return f"y = {self.a.item()} + {self.b.item()} x + ... + {self.e.item()} x^5 ?"

    random.seed(0)
    x = torch.linspace(-math.pi, math.pi, 2000)
    y = torch.sin(x)
    model = DynamicNet()
    criterion = torch.nn.MSELoss(reduction="sum")
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-8, momentum=0.9)
    for _ in range(STEPS):
        y_pred = model(x)
        loss = criterion(y_pred, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert model.string().startswith("y = ")
    return [loss.item(), *(p.item() for p in model.parameters())]


SCRIPTS = [tensors_with_autograd, custom_function, nn_module, optimizer, custom_module]


def _initial_loss(torch: ModuleType) -> float:
    x = np.linspace(-math.pi, math.pi, 2000)
    fit = START[0] + START[1] * x + START[2] * x**2 + START[3] * x**3
    return float(((fit - np.sin(x)) ** 2).sum())


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda s: s.__name__)
def test_runs_with_microtensor_and_learns(script) -> None:
    loss, *_ = script(microtensor)
    assert np.isfinite(loss) and loss < _initial_loss(microtensor)


@pytest.mark.torch
@pytest.mark.parametrize("script", SCRIPTS, ids=lambda s: s.__name__)
def test_same_numbers_as_pytorch(script) -> None:
    torch = pytest.importorskip("torch")
    ours, theirs = script(microtensor), script(torch)
    np.testing.assert_allclose(ours, theirs, rtol=2e-4, atol=1e-5)
