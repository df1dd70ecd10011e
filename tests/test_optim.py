"""Optimisers: first steps against PyTorch's documented update rules worked out by hand,
convergence on a quadratic, parameter groups, errors, state dicts."""

from __future__ import annotations

import math

import numpy as np
import pytest

import microtensor as mt
from microtensor import nn, optim


def param(*values: float) -> nn.Parameter:
    return nn.Parameter(np.array(values, dtype=np.float64))


def run(optimizer: optim.Optimizer, p: nn.Parameter, grads: list[list[float]]) -> list[list[float]]:
    """Feed ``grads`` one per step; return the parameter after each step."""
    trajectory = []
    for g in grads:
        p.grad = mt.tensor(g, dtype=mt.float64)
        optimizer.step()
        trajectory.append(p.data.tolist())
    return trajectory


# ----- SGD: theta <- theta - lr * g, with momentum buffer b ------------------------------
def test_sgd_plain() -> None:
    p = param(1.0, -2.0)
    steps = run(optim.SGD([p], lr=0.1), p, [[0.5, -1.0], [0.2, 0.4]])
    # step 1: [1 - 0.1*0.5, -2 - 0.1*(-1)] = [0.95, -1.9]
    # step 2: [0.95 - 0.1*0.2, -1.9 - 0.1*0.4] = [0.93, -1.94]
    np.testing.assert_allclose(steps, [[0.95, -1.9], [0.93, -1.94]], rtol=1e-12)


def test_sgd_momentum_with_dampening_skips_dampening_at_the_first_step() -> None:
    p = param(1.0)
    sgd = optim.SGD([p], lr=0.1, momentum=0.9, dampening=0.5)
    steps = run(sgd, p, [[1.0], [2.0], [-1.0]])
    # step 1: b = g = 1 (no dampening yet);            theta = 1 - 0.1*1      = 0.9
    # step 2: b = 0.9*1 + (1-0.5)*2 = 1.9;             theta = 0.9 - 0.1*1.9  = 0.71
    # step 3: b = 0.9*1.9 + (1-0.5)*(-1) = 1.21;       theta = 0.71 - 0.121   = 0.589
    np.testing.assert_allclose(steps, [[0.9], [0.71], [0.589]], rtol=1e-12)
    np.testing.assert_allclose(sgd.state[p]["momentum_buffer"].numpy(), [1.21], rtol=1e-12)


def test_sgd_nesterov() -> None:
    p = param(1.0)
    steps = run(optim.SGD([p], lr=0.1, momentum=0.9, nesterov=True), p, [[1.0], [2.0]])
    # step 1: b = 1;             g = 1 + 0.9*1 = 1.9;    theta = 1 - 0.19    = 0.81
    # step 2: b = 0.9*1 + 2 = 2.9; g = 2 + 0.9*2.9 = 4.61; theta = 0.81 - 0.461 = 0.349
    np.testing.assert_allclose(steps, [[0.81], [0.349]], rtol=1e-12)


def test_sgd_weight_decay_and_maximize() -> None:
    p = param(2.0)
    steps = run(optim.SGD([p], lr=0.5, weight_decay=0.1), p, [[1.0], [1.0]])
    # step 1: g = 1 + 0.1*2 = 1.2;    theta = 2 - 0.5*1.2    = 1.4
    # step 2: g = 1 + 0.1*1.4 = 1.14; theta = 1.4 - 0.5*1.14 = 0.83
    np.testing.assert_allclose(steps, [[1.4], [0.83]], rtol=1e-12)
    q = param(1.0)
    # maximize: g = -1; theta = 1 - 0.1*(-1) = 1.1
    np.testing.assert_allclose(run(optim.SGD([q], lr=0.1, maximize=True), q, [[1.0]]), [[1.1]])


# ----- Adam ---------------------------------------------------------------------------------
def adam_by_hand(theta, grads, lr, beta1, beta2, eps, weight_decay=0.0, amsgrad=False):
    """PyTorch's documented Adam, one scalar at a time, written as in its pseudocode."""
    m = v = v_max = 0.0
    trajectory = []
    for t, g in enumerate(grads, start=1):
        g = g + weight_decay * theta  # L2 penalty folded into the gradient
        m = beta1 * m + (1 - beta1) * g  # first moment
        v = beta2 * v + (1 - beta2) * g * g  # second moment
        m_hat = m / (1 - beta1**t)  # bias corrections
        if amsgrad:
            v_max = max(v_max, v)  # the largest second moment so far
            v_hat = v_max / (1 - beta2**t)
        else:
            v_hat = v / (1 - beta2**t)
        theta = theta - lr * m_hat / (math.sqrt(v_hat) + eps)
        trajectory.append(theta)
    return trajectory


def test_adam_first_step_moves_each_coordinate_by_about_lr() -> None:
    p = param(1.0, -1.0)
    (step,) = run(optim.Adam([p], lr=0.1), p, [[0.5, -2.0]])
    # m_hat = g and v_hat = g^2 at step 1, so theta <- theta - lr * g / (|g| + eps)
    np.testing.assert_allclose(step, [1 - 0.1 * 0.5 / (0.5 + 1e-8), -1 + 0.1 * 2 / (2 + 1e-8)])


@pytest.mark.parametrize(
    "options",
    [
        {"lr": 0.1},
        {"lr": 0.05, "betas": (0.8, 0.9), "eps": 1e-3},
        {"lr": 0.1, "weight_decay": 0.3},
        {"lr": 0.1, "amsgrad": True, "betas": (0.5, 0.5)},
    ],
)
def test_adam_steps_follow_the_documented_rule(options) -> None:
    grads = [3.0, 0.1, -0.2, 0.05, 1.0]  # a big gradient first: v then shrinks (amsgrad)
    beta1, beta2 = options.get("betas", (0.9, 0.999))
    expected = adam_by_hand(
        0.7, grads, options["lr"], beta1, beta2, options.get("eps", 1e-8),
        options.get("weight_decay", 0.0), options.get("amsgrad", False),
    )  # fmt: skip
    p = param(0.7)
    adam = optim.Adam([p], **options)
    steps = run(adam, p, [[g] for g in grads])
    np.testing.assert_allclose([s[0] for s in steps], expected, rtol=1e-12)
    assert adam.state[p]["step"] == 5
    assert ("max_exp_avg_sq" in adam.state[p]) == options.get("amsgrad", False)


def test_amsgrad_differs_once_the_second_moment_shrinks() -> None:
    grads = [[3.0], [0.1], [0.1]]
    plain, ams = param(0.0), param(0.0)
    run(optim.Adam([plain], lr=0.1, betas=(0.5, 0.5)), plain, grads)
    run(optim.Adam([ams], lr=0.1, betas=(0.5, 0.5), amsgrad=True), ams, grads)
    assert abs(plain.data[0] - ams.data[0]) > 1e-3


# ----- behaviour common to both ----------------------------------------------------------------
@pytest.mark.parametrize(
    "make",
    [
        lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.1, nesterov=True),
        lambda ps: optim.Adam(ps, lr=0.1, weight_decay=0.1, amsgrad=True),
    ],
)
def test_shared_gradients_are_never_modified(make) -> None:
    a, b = param(1.0, 2.0), param(-1.0, 0.5)
    shared = mt.tensor([0.3, -0.7], dtype=mt.float64)
    optimizer = make([a, b])
    for _ in range(3):
        a.grad = b.grad = shared
        optimizer.step()
    np.testing.assert_array_equal(shared.numpy(), [0.3, -0.7])
    assert not np.array_equal(a.data, [1.0, 2.0]) and not np.array_equal(b.data, [-1.0, 0.5])


def test_parameters_without_gradient_are_skipped() -> None:
    a, b = param(1.0), param(2.0)
    adam = optim.Adam([a, b], lr=0.1)
    a.grad = mt.tensor([1.0], dtype=mt.float64)
    adam.step()
    assert b.data.tolist() == [2.0] and b not in adam.state and adam.state[a]["step"] == 1


def test_zero_grad() -> None:
    p = param(1.0, 2.0)
    sgd = optim.SGD([p], lr=0.1)
    old = p.grad = mt.tensor([5.0, 5.0], dtype=mt.float64)
    sgd.zero_grad(set_to_none=False)
    assert p.grad is not old and p.grad.tolist() == [0.0, 0.0] and old.tolist() == [5.0, 5.0]
    sgd.zero_grad()
    assert p.grad is None


def test_step_with_closure_returns_the_loss_and_records_a_graph() -> None:
    p = param(3.0)
    sgd = optim.SGD([p], lr=0.25)

    def closure() -> mt.Tensor:
        sgd.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss

    with mt.no_grad():
        loss = sgd.step(closure)
    assert loss.item() == 9.0 and p.data.tolist() == [3.0 - 0.25 * 6.0]


@pytest.mark.parametrize(
    ("make", "steps"),
    [
        (lambda ps: optim.SGD(ps, lr=0.05), 400),
        (lambda ps: optim.SGD(ps, lr=0.02, momentum=0.9, nesterov=True), 300),
        (lambda ps: optim.SGD(ps, lr=0.02, momentum=0.9, dampening=0.1), 300),
        (lambda ps: optim.Adam(ps, lr=0.05), 800),
        (lambda ps: optim.Adam(ps, lr=0.05, amsgrad=True), 800),
    ],
)
def test_convergence_on_an_ill_conditioned_quadratic(make, steps) -> None:
    scale = mt.tensor([1.0, 10.0], dtype=mt.float64)
    centre = mt.tensor([3.0, -2.0], dtype=mt.float64)
    x = param(0.0, 0.0)
    optimizer = make([x])
    for _ in range(steps):
        optimizer.zero_grad()
        loss = (0.5 * scale * (x - centre) ** 2).sum()  # minimum 0 at x = centre
        loss.backward()
        optimizer.step()
    np.testing.assert_allclose(x.data, [3.0, -2.0], atol=1e-3)


# ----- parameter groups and errors ------------------------------------------------------------
def test_parameter_groups_have_their_own_hyperparameters() -> None:
    a, b = param(1.0), param(1.0)
    sgd = optim.SGD([{"params": [a]}, {"params": b, "lr": 0.5}], lr=0.1, momentum=0.0)
    a.grad = b.grad = mt.tensor([1.0], dtype=mt.float64)
    sgd.step()
    assert a.data.tolist() == [0.9] and b.data.tolist() == [0.5]
    assert sgd.param_groups[1]["momentum"] == 0.0  # filled in from the defaults
    c = param(1.0)
    sgd.add_param_group({"params": [c], "lr": 1.0})
    c.grad = mt.tensor([1.0], dtype=mt.float64)
    sgd.step()
    assert c.data.tolist() == [0.0]
    with pytest.raises(ValueError, match="some parameters appear in more than one parameter group"):
        sgd.add_param_group({"params": [a]})


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda p: optim.SGD(p, lr=-1), ValueError, "Invalid learning rate: -1"),
        (lambda p: optim.SGD(p, lr=0.1, momentum=-0.5), ValueError, "Invalid momentum value: -0.5"),
        (lambda p: optim.SGD(p, lr=0.1, weight_decay=-1), ValueError, "Invalid weight_decay value"),
        (lambda p: optim.SGD(p, lr=0.1, nesterov=True), ValueError, "Nesterov momentum requires"),
        (lambda p: optim.Adam(p, lr=-0.1), ValueError, "Invalid learning rate: -0.1"),
        (lambda p: optim.Adam(p, eps=-1.0), ValueError, "Invalid epsilon value: -1.0"),
        (
            lambda p: optim.Adam(p, betas=(1.0, 0.9)),
            ValueError,
            "Invalid beta parameter at index 0",
        ),
        (
            lambda p: optim.Adam(p, betas=(0.9, -0.1)),
            ValueError,
            "Invalid beta parameter at index 1",
        ),
        (lambda p: optim.SGD([], lr=0.1), ValueError, "optimizer got an empty parameter list"),
        (lambda p: optim.SGD(p[0], lr=0.1), TypeError, "should be an iterable of Tensors"),
        (lambda p: optim.SGD(set(p), lr=0.1), TypeError, "ordered collections"),
        (lambda p: optim.SGD([1.0], lr=0.1), TypeError, "can only optimize Tensors"),
        (lambda p: optim.SGD([p[0] * 2], lr=0.1), ValueError, "can't optimize a non-leaf Tensor"),
    ],
)
def test_invalid_arguments_raise_pytorch_errors(call, error, message) -> None:
    with pytest.raises(error, match=message):
        call([param(1.0)])


# ----- state dicts ------------------------------------------------------------------------------
def test_state_dict_layout_is_pytorch_s() -> None:
    a, b, c = param(1.0), param(2.0), param(3.0)
    sgd = optim.SGD([{"params": [a, b]}, {"params": [c], "lr": 0.5}], lr=0.1, momentum=0.9)
    a.grad = c.grad = mt.tensor([1.0], dtype=mt.float64)
    sgd.step()
    state = sgd.state_dict()
    assert set(state) == {"state", "param_groups"}
    assert list(state["state"]) == [0, 2]  # b had no gradient, so no state
    assert list(state["state"][0]) == ["momentum_buffer"]
    assert [g["params"] for g in state["param_groups"]] == [[0, 1], [2]]
    assert state["param_groups"][1] == {
        "lr": 0.5, "momentum": 0.9, "dampening": 0, "weight_decay": 0, "nesterov": False,
        "maximize": False, "params": [2],
    }  # fmt: skip
    a.grad = mt.tensor([5.0], dtype=mt.float64)
    sgd.step()
    assert state["state"][0]["momentum_buffer"].tolist() == [1.0]  # a snapshot


@pytest.mark.parametrize(
    "make",
    [
        lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, dampening=0.2),
        lambda ps: optim.Adam(ps, lr=0.05, amsgrad=True, weight_decay=0.01),
        lambda ps: optim.AdamW(ps, lr=0.05, amsgrad=True),
        lambda ps: optim.RMSprop(ps, lr=0.01, momentum=0.9, centered=True),
        lambda ps: optim.Adagrad(ps, lr=0.1, lr_decay=0.01),
        lambda ps: optim.Adadelta(ps, weight_decay=0.1),
        lambda ps: optim.Adamax(ps, lr=0.01),
        lambda ps: optim.NAdam(ps, lr=0.01, weight_decay=0.1, decoupled_weight_decay=True),
    ],
)
def test_state_dict_round_trip_through_a_file_resumes_bitwise(make, tmp_path) -> None:
    rng = np.random.default_rng(0)
    grads = rng.standard_normal((8, 2, 3)).astype(np.float32)
    start = rng.standard_normal((2, 3)).astype(np.float32)
    p, q = nn.Parameter(start.copy()), nn.Parameter(start.copy())
    first, second = make([p]), make([q])
    for g in grads[:4]:
        p.grad = q.grad = mt.tensor(g)
        first.step()
        second.step()
    mt.save(second.state_dict(), tmp_path / "opt.npz")
    resumed = make([q])  # a fresh optimiser: no state, default hyperparameters
    resumed.load_state_dict(mt.load(tmp_path / "opt.npz"))
    for g in grads[4:]:
        p.grad = q.grad = mt.tensor(g)
        first.step()
        resumed.step()
    np.testing.assert_array_equal(p.data, q.data)
    assert resumed.param_groups[0]["params"][0] is q


def test_load_state_dict_checks_groups_and_shapes() -> None:
    a, b = param(1.0), param(1.0, 2.0)
    sgd = optim.SGD([a, b], lr=0.1, momentum=0.9)
    a.grad = mt.tensor([1.0], dtype=mt.float64)
    b.grad = mt.tensor([1.0, 1.0], dtype=mt.float64)
    sgd.step()
    state = sgd.state_dict()
    with pytest.raises(ValueError, match="different number of parameter groups"):
        optim.SGD([{"params": [a]}, {"params": [b]}], lr=0.1).load_state_dict(state)
    with pytest.raises(ValueError, match="doesn't match the size of optimizer's group"):
        optim.SGD([a], lr=0.1).load_state_dict(state)
    with pytest.raises(ValueError, match="has shape"):
        optim.SGD([b, a], lr=0.1).load_state_dict(state)
    restored = optim.SGD([a, b], lr=1.0)
    restored.load_state_dict(state)
    assert restored.param_groups[0]["lr"] == 0.1 and restored.param_groups[0]["momentum"] == 0.9
    assert restored.state[b]["momentum_buffer"] is not sgd.state[b]["momentum_buffer"]


def test_repr_lists_the_groups() -> None:
    text = repr(optim.SGD([param(1.0)], lr=0.1))
    assert text.startswith("SGD (\nParameter Group 0\n    dampening: 0\n") and "lr: 0.1" in text


# ----- against PyTorch ------------------------------------------------------------------------
@pytest.mark.torch
@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("SGD", {"lr": 0.1}),
        ("SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.3, "weight_decay": 0.01}),
        ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True, "maximize": True}),
        ("Adam", {"lr": 0.01}),
        ("Adam", {"lr": 0.01, "weight_decay": 0.1, "betas": (0.8, 0.9)}),
        ("Adam", {"lr": 0.01, "amsgrad": True, "eps": 1e-3}),
    ],
)
def test_steps_and_state_dict_match_pytorch(name, options) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is not installed")
    rng = np.random.default_rng(1)
    start = rng.standard_normal((3, 4)).astype(np.float32)
    p = nn.Parameter(start.copy())
    q = torch.nn.Parameter(torch.tensor(start))
    ours, theirs = getattr(optim, name)([p], **options), getattr(torch.optim, name)([q], **options)
    for _ in range(20):
        g = rng.standard_normal((3, 4)).astype(np.float32)
        p.grad, q.grad = mt.tensor(g), torch.tensor(g)
        ours.step()
        theirs.step()
    np.testing.assert_allclose(p.data, q.detach().numpy(), rtol=1e-5, atol=1e-6)
    mine, reference = ours.state_dict(), theirs.state_dict()
    assert list(mine["state"]) == list(reference["state"])  # no state for plain SGD
    for index, values in mine["state"].items():
        assert list(values) == list(reference["state"][index])
        for key, value in values.items():
            expected = reference["state"][index][key].numpy()
            np.testing.assert_allclose(np.asarray(value), expected, rtol=1e-5, atol=1e-7)
    assert mine["param_groups"][0].items() <= reference["param_groups"][0].items()
