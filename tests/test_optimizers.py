"""AdamW, RMSprop, Adagrad, Adadelta, Adamax, NAdam: first steps against the documented
rules worked out by hand in float64, param groups, add_param_group, errors, state dicts,
and 20 steps on the same problem against PyTorch (marked torch)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import microtensor as mt
from microtensor import nn, optim


def param(*values: float) -> nn.Parameter:
    return nn.Parameter(np.array(values, dtype=np.float64))


def run(optimizer: optim.Optimizer, p: nn.Parameter, grads: list[float]) -> list[float]:
    """Feed scalar gradients one per step; return the parameter after each step."""
    trajectory = []
    for g in grads:
        p.grad = mt.tensor([g], dtype=mt.float64)
        optimizer.step()
        trajectory.append(p.data.tolist()[0])
    return trajectory


# ----- each rule, by hand ---------------------------------------------------------------------
def test_adamw_decays_the_parameter_not_the_gradient() -> None:
    p = param(2.0)
    (step,) = run(optim.AdamW([p], lr=0.1, weight_decay=0.5), p, [0.3])
    # theta <- 2 * (1 - 0.1*0.5) = 1.9; then the Adam step moves it by lr * m_hat/(sqrt(v_hat)+eps)
    # with m_hat = 0.3, v_hat = 0.09: 0.3 / (0.3 + 1e-8)
    assert step == pytest.approx(1.9 - 0.1 * 0.3 / (0.3 + 1e-8), rel=1e-12)
    assert optim.AdamW([param(1.0)]).defaults["weight_decay"] == 1e-2


def test_rmsprop_plain_centered_and_momentum() -> None:
    grads, alpha, lr, eps = [1.0, -2.0, 0.5], 0.9, 0.01, 1e-8
    v = a = b = 0.0
    plain, centered, momentum = [1.0], [1.0], [1.0]
    for g in grads:
        v = alpha * v + (1 - alpha) * g * g
        a = alpha * a + (1 - alpha) * g
        plain.append(plain[-1] - lr * g / (math.sqrt(v) + eps))
        centered.append(centered[-1] - lr * g / (math.sqrt(v - a * a) + eps))
        b = 0.5 * b + g / (math.sqrt(v) + eps)
        momentum.append(momentum[-1] - lr * b)
    cases = [({}, plain), ({"centered": True}, centered), ({"momentum": 0.5}, momentum)]
    for options, expected in cases:
        p = param(1.0)
        steps = run(optim.RMSprop([p], lr=lr, alpha=alpha, **options), p, grads)
        np.testing.assert_allclose(steps, expected[1:], rtol=1e-12)


def test_adagrad_with_lr_decay_and_initial_accumulator() -> None:
    p = param(1.0)
    steps = run(optim.Adagrad([p], lr=0.1, lr_decay=0.5, initial_accumulator_value=1.0), p,
                [1.0, 2.0])  # fmt: skip
    # step 1: s = 1 + 1 = 2, lr_t = 0.1;              theta = 1 - 0.1 * 1/sqrt(2)
    # step 2: s = 2 + 4 = 6, lr_t = 0.1/(1 + 0.5);    theta -= lr_t * 2/sqrt(6)
    first = 1 - 0.1 / (math.sqrt(2) + 1e-10)
    second = first - 0.1 / 1.5 * 2 / (math.sqrt(6) + 1e-10)
    np.testing.assert_allclose(steps, [first, second], rtol=1e-12)


def test_adagrad_makes_state_when_built() -> None:
    p, q = param(1.0), param(2.0, 3.0)
    adagrad = optim.Adagrad([p], initial_accumulator_value=0.25)
    adagrad.add_param_group({"params": [q], "initial_accumulator_value": 0.5})
    assert adagrad.state[p]["step"] == 0 and adagrad.state[p]["sum"].tolist() == [0.25]
    assert adagrad.state[q]["sum"].tolist() == [0.5, 0.5]
    assert list(adagrad.state_dict()["state"]) == [0, 1]


def test_adadelta() -> None:
    rho, eps, lr = 0.9, 1e-6, 1.0
    v = u = 0.0
    theta, expected = 1.0, []
    for g in [1.0, -0.5]:
        v = rho * v + (1 - rho) * g * g
        delta = math.sqrt(u + eps) / math.sqrt(v + eps) * g
        u = rho * u + (1 - rho) * delta * delta
        theta -= lr * delta
        expected.append(theta)
    p = param(1.0)
    np.testing.assert_allclose(run(optim.Adadelta([p]), p, [1.0, -0.5]), expected, rtol=1e-12)


def test_adamax() -> None:
    m = u = 0.0
    theta, expected = 1.0, []
    for t, g in enumerate([1.0, -3.0, 0.5], start=1):
        m = 0.9 * m + 0.1 * g
        u = max(0.999 * u, abs(g) + 1e-8)
        theta -= 2e-3 / (1 - 0.9**t) * m / u
        expected.append(theta)
    p = param(1.0)
    np.testing.assert_allclose(run(optim.Adamax([p]), p, [1.0, -3.0, 0.5]), expected, rtol=1e-12)


def test_nadam() -> None:
    beta1, beta2, lr, eps, psi = 0.9, 0.999, 2e-3, 1e-8, 4e-3
    m = v = 0.0
    product, theta, expected = 1.0, 1.0, []
    for t, g in enumerate([1.0, -2.0], start=1):
        mu = beta1 * (1 - 0.5 * 0.96 ** (t * psi))
        mu_next = beta1 * (1 - 0.5 * 0.96 ** ((t + 1) * psi))
        product *= mu
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        d = math.sqrt(v / (1 - beta2**t)) + eps
        theta -= lr * (1 - mu) / (1 - product) * g / d
        theta -= lr * mu_next / (1 - product * mu_next) * m / d
        expected.append(theta)
    p = param(1.0)
    np.testing.assert_allclose(run(optim.NAdam([p]), p, [1.0, -2.0]), expected, rtol=1e-12)


# ----- groups, errors, state dicts ---------------------------------------------------------------
@pytest.mark.parametrize("name", ["AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "NAdam"])
def test_param_groups_and_add_param_group(name) -> None:
    a, b, c = param(1.0), param(1.0), param(1.0)
    opt = getattr(optim, name)([{"params": [a]}, {"params": [b], "lr": 0.0}], lr=0.1)
    opt.add_param_group({"params": c, "lr": 0.05})
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.0, 0.05]
    assert opt.param_groups[2].keys() == opt.param_groups[0].keys()
    for p in (a, b, c):
        p.grad = mt.tensor([1.0], dtype=mt.float64)
    opt.step()
    assert a.item() != 1.0 and b.item() == 1.0 and c.item() != 1.0
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [a]})


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda ps: optim.RMSprop(ps, alpha=-1), "Invalid alpha value: -1"),
        (lambda ps: optim.RMSprop(ps, momentum=-0.5), "Invalid momentum value: -0.5"),
        (lambda ps: optim.Adagrad(ps, lr_decay=-1), "Invalid lr_decay value: -1"),
        (lambda ps: optim.Adagrad(ps, initial_accumulator_value=-1),
         "Invalid initial_accumulator_value value: -1"),
        (lambda ps: optim.Adadelta(ps, rho=1.5), "Invalid rho value: 1.5"),
        (lambda ps: optim.Adamax(ps, betas=(0.9, 1.0)), "Invalid beta parameter at index 1"),
        (lambda ps: optim.NAdam(ps, momentum_decay=-1), "Invalid momentum_decay value: -1"),
        (lambda ps: optim.AdamW(ps, lr=-1), "Invalid learning rate: -1"),
    ],
)  # fmt: skip
def test_invalid_arguments_raise_pytorch_errors(call, message) -> None:
    with pytest.raises(ValueError, match=message):
        call([param(1.0)])


# ----- against PyTorch ----------------------------------------------------------------------------
CASES = [
    ("Adam", {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("AdamW", {"lr": 0.01}),
    ("AdamW", {"lr": 0.01, "weight_decay": 0.1, "amsgrad": True, "maximize": True}),
    ("RMSprop", {}),
    ("RMSprop", {"lr": 0.01, "alpha": 0.9, "eps": 1e-6, "weight_decay": 0.1, "momentum": 0.5}),
    ("RMSprop", {"lr": 0.01, "centered": True, "momentum": 0.9}),
    ("Adagrad", {}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.05, "initial_accumulator_value": 0.5,
                 "weight_decay": 0.01}),
    ("Adadelta", {}),
    ("Adadelta", {"lr": 0.5, "rho": 0.8, "eps": 1e-4, "weight_decay": 0.1, "maximize": True}),
    ("Adamax", {}),
    ("Adamax", {"lr": 0.01, "betas": (0.8, 0.99), "weight_decay": 0.1}),
    ("NAdam", {}),
    ("NAdam", {"lr": 0.01, "momentum_decay": 0.01, "weight_decay": 0.1}),
    ("NAdam", {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True}),
]  # fmt: skip


@pytest.mark.torch
@pytest.mark.parametrize(("name", "options"), CASES)
def test_twenty_steps_and_state_dict_match_pytorch(name, options) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is not installed")
    rng = np.random.default_rng(1)
    start = rng.standard_normal((3, 4)).astype(np.float32)
    target = rng.standard_normal((3, 4)).astype(np.float32)
    p = nn.Parameter(start.copy())
    q = torch.nn.Parameter(torch.tensor(start))
    ours, theirs = getattr(optim, name)([p], **options), getattr(torch.optim, name)([q], **options)
    for _ in range(20):  # the same problem: a least-squares fit, gradients from each framework
        for opt, weight, lib in ((ours, p, mt), (theirs, q, torch)):
            opt.zero_grad()
            ((weight - lib.tensor(target)) ** 2).sum().backward()
            opt.step()
        np.testing.assert_allclose(p.data, q.detach().numpy(), rtol=1e-5, atol=1e-6)
    mine, reference = ours.state_dict(), theirs.state_dict()
    for index, values in mine["state"].items():
        assert list(values) == list(reference["state"][index])
        for key, value in values.items():
            expected = reference["state"][index][key].numpy()
            np.testing.assert_allclose(np.asarray(value), expected, rtol=1e-5, atol=1e-7)
    assert mine["param_groups"][0].items() <= reference["param_groups"][0].items()
    # and PyTorch's state dict loads into ours, then steps on in step
    resumed_p = nn.Parameter(q.detach().numpy().copy())
    resumed = getattr(optim, name)([resumed_p], **options)
    resumed.load_state_dict({
        "state": {i: {k: (v.numpy() if hasattr(v, "numpy") else v) for k, v in s.items()}
                  for i, s in reference["state"].items()},
        "param_groups": reference["param_groups"],
    })  # fmt: skip
    for opt, weight, lib in ((resumed, resumed_p, mt), (theirs, q, torch)):
        opt.zero_grad()
        ((weight - lib.tensor(target)) ** 2).sum().backward()
        opt.step()
    np.testing.assert_allclose(resumed_p.data, q.detach().numpy(), rtol=1e-5, atol=1e-6)
