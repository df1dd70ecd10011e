"""Learning-rate schedules: sequences worked out by hand, state dicts, errors, the call-order
warning, and the same 50-step sequences (lr and momentum) as PyTorch's (marked torch)."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import microtensor as mt
from microtensor import nn, optim
from microtensor.optim import lr_scheduler


def sgd(lr: float = 1.0, groups: int = 1, **options) -> optim.SGD:
    return optim.SGD([{"params": [nn.Parameter(np.zeros(1))]} for _ in range(groups)], lr=lr,
                     **options)  # fmt: skip


def sequence(optimizer, scheduler, steps: int, metrics=None) -> list[list[float]]:
    """The lrs after building, then after each of ``steps`` steps."""
    lrs = [scheduler.get_last_lr()]
    for i in range(steps):
        optimizer.step()
        scheduler.step() if metrics is None else scheduler.step(metrics[i])
        lrs.append(scheduler.get_last_lr())
        assert [g["lr"] for g in optimizer.param_groups] == lrs[-1]
    return lrs


def test_step_and_multistep_by_hand() -> None:
    opt = sgd()
    lrs = sequence(opt, lr_scheduler.StepLR(opt, step_size=2, gamma=0.5), 5)
    assert lrs == [[1.0], [1.0], [0.5], [0.5], [0.25], [0.25]]
    opt = sgd()
    lrs = sequence(opt, lr_scheduler.MultiStepLR(opt, milestones=[1, 3, 3], gamma=0.1), 4)
    np.testing.assert_allclose(np.ravel(lrs), [1.0, 0.1, 0.1, 0.001, 0.001], rtol=1e-12)


def test_exponential_linear_cosine_lambda_by_hand() -> None:
    opt = sgd()
    assert np.allclose(sequence(opt, lr_scheduler.ExponentialLR(opt, gamma=0.5), 3),
                       [[1], [0.5], [0.25], [0.125]])  # fmt: skip
    opt = sgd()
    lrs = sequence(opt, lr_scheduler.LinearLR(opt, start_factor=0.25, total_iters=3), 4)
    np.testing.assert_allclose(np.ravel(lrs), [0.25, 0.5, 0.75, 1.0, 1.0], rtol=1e-12)
    opt = sgd()
    lrs = sequence(opt, lr_scheduler.CosineAnnealingLR(opt, T_max=4, eta_min=0.1), 4)
    expected = [0.1 + 0.9 * (1 + math.cos(math.pi * t / 4)) / 2 for t in range(5)]
    np.testing.assert_allclose(np.ravel(lrs), expected, rtol=1e-12)
    opt = sgd(groups=2)
    scheduler = lr_scheduler.LambdaLR(opt, [lambda e: 1 / (e + 1), lambda e: 0.5**e])
    np.testing.assert_allclose(sequence(opt, scheduler, 2), [[1, 1], [0.5, 0.5], [1 / 3, 0.25]])


def test_one_cycle_by_hand_and_its_momentum() -> None:
    opt = sgd(momentum=0.9)
    scheduler = lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=10, pct_start=0.3,
                                        anneal_strategy="linear")  # fmt: skip
    lrs = np.ravel(sequence(opt, scheduler, 9))
    # rise from 1/25 to 1 over steps 0..2, then fall to 1/25/1e4 over steps 2..9
    assert lrs[0] == pytest.approx(0.04) and lrs[2] == pytest.approx(1.0)
    assert lrs[9] == pytest.approx(0.04 / 1e4)
    assert opt.param_groups[0]["momentum"] == pytest.approx(0.95)
    scheduler.step()  # step 10 is still allowed (PyTorch's off-by-one), step 11 is not
    with pytest.raises(ValueError, match="Tried to step 11 times"):
        scheduler.step()
    adam = optim.Adam([nn.Parameter(np.zeros(1))])
    lr_scheduler.OneCycleLR(adam, max_lr=0.1, total_steps=5)
    assert adam.param_groups[0]["betas"] == (0.95, 0.999)


def test_reduce_on_plateau_by_hand() -> None:
    opt = sgd()
    scheduler = lr_scheduler.ReduceLROnPlateau(opt, patience=1, factor=0.5, cooldown=1,
                                               min_lr=0.2)  # fmt: skip
    metrics = [5.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0]
    lrs = np.ravel(sequence(opt, scheduler, len(metrics), metrics))
    # bad epochs at 3 and 4 -> halve at 4; cooldown ignores 5; bad 6, 7 -> halve at 7;
    # then 0.25 -> max(0.125, 0.2) = 0.2
    np.testing.assert_allclose(lrs, [1, 1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25])
    scheduler.step(mt.tensor(1.0))  # a one-element Tensor is a metric too
    assert scheduler.best == 1.0


def test_sequential_switches_at_milestones() -> None:
    opt = sgd()
    warmup = lr_scheduler.LinearLR(opt, start_factor=0.5, total_iters=2)
    decay = lr_scheduler.ExponentialLR(opt, gamma=0.5)
    lrs = sequence(opt, lr_scheduler.SequentialLR(opt, [warmup, decay], milestones=[2]), 4)
    np.testing.assert_allclose(np.ravel(lrs), [0.5, 0.75, 1.0, 0.5, 0.25])


def test_state_dict_round_trip_through_a_file(tmp_path) -> None:
    def make(opt):
        warm = lr_scheduler.LinearLR(opt, start_factor=0.1, total_iters=3)
        cos = lr_scheduler.CosineAnnealingLR(opt, T_max=10)
        return lr_scheduler.SequentialLR(opt, [warm, cos], milestones=[3])

    opt = sgd(momentum=0.9)
    scheduler = make(opt)
    sequence(opt, scheduler, 5)
    mt.save({"opt": opt.state_dict(), "sched": scheduler.state_dict()}, tmp_path / "s.npz")
    expected = sequence(opt, scheduler, 5)
    fresh = sgd(momentum=0.9)
    resumed = make(fresh)
    saved = mt.load(tmp_path / "s.npz")
    fresh.load_state_dict(saved["opt"])
    resumed.load_state_dict(saved["sched"])
    assert sequence(fresh, resumed, 5) == expected
    assert "optimizer" not in scheduler.state_dict()


def test_errors_and_the_call_order_warning() -> None:
    with pytest.raises(TypeError, match="list is not an Optimizer"):
        lr_scheduler.StepLR([], step_size=1)
    with pytest.raises(KeyError, match="initial_lr"):
        lr_scheduler.StepLR(sgd(), step_size=1, last_epoch=3)
    with pytest.raises(ValueError, match="Factor should be < 1.0"):
        lr_scheduler.ReduceLROnPlateau(sgd(), factor=2)
    with pytest.raises(ValueError, match="Starting multiplicative factor"):
        lr_scheduler.LinearLR(sgd(), start_factor=0)
    with pytest.raises(ValueError, match="total_steps OR"):
        lr_scheduler.OneCycleLR(sgd(), max_lr=1)
    with pytest.raises(ValueError, match="momentum or beta1"):
        lr_scheduler.OneCycleLR(optim.Adagrad([nn.Parameter(np.zeros(1))]), 1, total_steps=3)
    opt = sgd()
    with pytest.raises(ValueError, match="number of milestones"):
        lr_scheduler.SequentialLR(opt, [lr_scheduler.StepLR(opt, 1)], milestones=[1])
    scheduler = lr_scheduler.StepLR(opt, step_size=1)
    with pytest.warns(UserWarning, match="before `optimizer.step\\(\\)`"):
        scheduler.step()
    opt = sgd()
    scheduler = lr_scheduler.StepLR(opt, step_size=1)
    opt.step()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scheduler.step()


# ----- against PyTorch: 50 steps ------------------------------------------------------------------
def _torch_cases(torch_sched):
    return {
        "StepLR": lambda s, o: s.StepLR(o, step_size=7, gamma=0.3),
        "MultiStepLR": lambda s, o: s.MultiStepLR(o, milestones=[5, 12, 12, 30], gamma=0.7),
        "ExponentialLR": lambda s, o: s.ExponentialLR(o, gamma=0.93),
        "CosineAnnealingLR": lambda s, o: s.CosineAnnealingLR(o, T_max=17, eta_min=0.001),
        "LambdaLR": lambda s, o: s.LambdaLR(o, lambda e: 1.0 / (1 + 0.1 * e)),
        "LinearLR": lambda s, o: s.LinearLR(o, start_factor=0.2, end_factor=0.9, total_iters=20),
        "OneCycleLR": lambda s, o: s.OneCycleLR(o, max_lr=[0.5, 0.2], total_steps=50),
        "OneCycleLR-3": lambda s, o: s.OneCycleLR(o, max_lr=0.5, epochs=5, steps_per_epoch=10,
                                                  anneal_strategy="linear", three_phase=True,
                                                  pct_start=0.25),  # fmt: skip
        "SequentialLR": lambda s, o: s.SequentialLR(
            o, [s.LinearLR(o, start_factor=0.1, total_iters=5), s.StepLR(o, 3, 0.8),
                s.CosineAnnealingLR(o, T_max=10)], milestones=[5, 20]),  # fmt: skip
    }


@pytest.mark.torch
@pytest.mark.parametrize("adam", [False, True])
@pytest.mark.parametrize("name", list(_torch_cases(None)))
def test_fifty_steps_match_pytorch(name, adam) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is not installed")
    make = _torch_cases(None)[name]
    groups = [{"params": [0], "lr": 0.1}, {"params": [1], "lr": 0.03}]

    def build(lib_optim, parameter):
        params = [{**g, "params": [parameter(i)]} for i, g in enumerate(groups)]
        if adam:
            return lib_optim.Adam(params, betas=(0.9, 0.99))
        return lib_optim.SGD(params, lr=0.1, momentum=0.9)

    ours = build(optim, lambda i: nn.Parameter(np.zeros(1)))
    theirs = build(torch.optim, lambda i: torch.nn.Parameter(torch.zeros(1)))
    mine, reference = make(lr_scheduler, ours), make(torch.optim.lr_scheduler, theirs)
    for _ in range(50 if "OneCycle" not in name else 49):
        assert mine.get_last_lr() == reference.get_last_lr()  # the same floats, bit for bit
        key = "betas" if adam else "momentum"
        assert [g[key] for g in ours.param_groups] == [g[key] for g in theirs.param_groups]
        ours.step()
        theirs.step()
        mine.step()
        reference.step()
    assert mine.get_last_lr() == reference.get_last_lr()
    theirs_state = reference.state_dict()
    for key, value in mine.state_dict().items():
        if key in ("_schedulers", "lr_lambdas"):
            continue
        assert theirs_state[key] == value, key


@pytest.mark.torch
def test_reduce_on_plateau_matches_pytorch() -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is not installed")
    rng = np.random.default_rng(0)
    metrics = np.cumsum(rng.standard_normal(50)) + 10
    for options in ({}, {"mode": "max", "patience": 2, "threshold_mode": "abs", "cooldown": 2,
                         "factor": 0.5, "min_lr": [0.01, 0.001]}):  # fmt: skip
        ours = sgd(groups=2, lr=0.1)
        theirs = torch.optim.SGD([{"params": [torch.nn.Parameter(torch.zeros(1))]}
                                  for _ in range(2)], lr=0.1)  # fmt: skip
        mine = lr_scheduler.ReduceLROnPlateau(ours, **options)
        reference = torch.optim.lr_scheduler.ReduceLROnPlateau(theirs, **options)
        for value in metrics:
            mine.step(float(value))
            reference.step(float(value))
            assert mine.get_last_lr() == reference.get_last_lr()
