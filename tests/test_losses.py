"""The losses of ``ops/losses.py`` and ``ops/classification.py`` and their modules.

Against NumPy references (always), against PyTorch (outputs and gradients for the same
inputs, marked ``torch``), and against finite differences (first and second order).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import microtensor as mt
import microtensor.nn.functional as F  # noqa: N812 (PyTorch's spelling)
from microtensor import nn
from microtensor.testing import assert_gradients, cnn
from microtensor.testing import strategies as mts

REDUCTIONS = ["mean", "sum", "none"]
SHAPES = mts.shapes(min_dims=1, max_dims=3, max_side=3)


def t64(array: object, requires_grad: bool = False) -> mt.Tensor:
    return mt.tensor(np.asarray(array, dtype=np.float64), requires_grad=requires_grad)


def labels(array: object) -> mt.Tensor:
    return mt.tensor(np.asarray(array, dtype=np.int64))


def reduce(losses: np.ndarray, reduction: str) -> np.ndarray:
    return {"mean": np.mean, "sum": np.sum, "none": np.asarray}[reduction](losses)


# ----- NumPy references ---------------------------------------------------------------


def huber_reference(d: np.ndarray, delta: float) -> np.ndarray:
    return np.where(np.abs(d) < delta, 0.5 * d * d, delta * (np.abs(d) - 0.5 * delta))


@given(mts.float_arrays(SHAPES), st.data(), st.sampled_from(REDUCTIONS))
def test_regression_losses_match_numpy(x: np.ndarray, data: st.DataObject, reduction: str):
    y = data.draw(mts.float_arrays(x.shape))
    d = x - y
    pairs = [
        (F.mse_loss, {}, d * d),
        (F.l1_loss, {}, np.abs(d)),
        (F.smooth_l1_loss, {"beta": 0.5}, huber_reference(d, 0.5) / 0.5),
        (F.smooth_l1_loss, {"beta": 0.0}, np.abs(d)),
        (F.huber_loss, {"delta": 2.0}, huber_reference(d, 2.0)),
    ]
    for function, kwargs, expected in pairs:
        out = function(t64(x), t64(y), reduction=reduction, **kwargs)
        np.testing.assert_allclose(out.numpy(), reduce(expected, reduction), atol=1e-12)


@given(mts.float_arrays(SHAPES, min_value=-30, max_value=30), st.data())
def test_binary_cross_entropies_match_numpy(x: np.ndarray, data: st.DataObject) -> None:
    target = data.draw(mts.float_arrays(x.shape, min_value=0.0, max_value=1.0))
    p = 1 / (1 + np.exp(-x))
    expected = -(target * np.maximum(np.log(p), -100)
                 + (1 - target) * np.maximum(np.log1p(-p), -100))
    logits = F.binary_cross_entropy_with_logits(t64(x), t64(target), reduction="none")
    exact = -(target * -np.logaddexp(0, -x) + (1 - target) * -np.logaddexp(0, x))
    np.testing.assert_allclose(logits.numpy(), exact, rtol=1e-10, atol=1e-12)
    if np.all((p > 1e-6) & (p < 1 - 1e-6)):
        probabilities = F.binary_cross_entropy(t64(p), t64(target), reduction="none")
        np.testing.assert_allclose(probabilities.numpy(), expected, rtol=1e-8)


@given(mts.float_arrays((3, 4), min_value=-4, max_value=4), st.data())
def test_nll_and_cross_entropy_match_numpy(x: np.ndarray, data: st.DataObject) -> None:
    target = np.array(data.draw(st.lists(st.sampled_from([0, 1, 2, 3, -100]), min_size=3,
                                         max_size=3)))
    weight = data.draw(mts.float_arrays((4,), min_value=0.1, max_value=2.0))
    log_p = x - np.logaddexp.reduce(x, axis=1, keepdims=True)
    kept = target != -100
    picked = np.array([log_p[n, t] * weight[t] if t != -100 else 0.0
                       for n, t in enumerate(target)])
    total = weight[target[kept]].sum()
    out = F.nll_loss(t64(log_p), labels(target), weight=t64(weight), reduction="none")
    np.testing.assert_allclose(out.numpy(), -picked, atol=1e-12)
    ce = F.cross_entropy(t64(x), labels(target), weight=t64(weight))
    expected = -picked.sum() / total if total else np.nan
    np.testing.assert_allclose(ce.numpy(), expected, rtol=1e-10)
    # label smoothing: (1 - e) nll + e / C * smooth, PyTorch's formula
    smooth = np.where(kept, -(log_p * weight).sum(axis=1), 0.0)
    smoothed = F.cross_entropy(t64(x), labels(target), weight=t64(weight), label_smoothing=0.2,
                               reduction="sum")
    np.testing.assert_allclose(smoothed.numpy(), 0.8 * -picked.sum() + 0.05 * smooth.sum(),
                               rtol=1e-10, atol=1e-12)


def test_cross_entropy_with_probability_targets_is_the_expected_log_loss() -> None:
    x = np.random.default_rng(0).normal(size=(4, 5))
    p = np.random.default_rng(1).dirichlet(np.ones(5), size=4)
    log_p = x - np.logaddexp.reduce(x, axis=1, keepdims=True)
    out = F.cross_entropy(t64(x), t64(p), reduction="none")
    np.testing.assert_allclose(out.numpy(), -(p * log_p).sum(axis=1), rtol=1e-12)
    onehot = np.eye(5)[[0, 2, 4, 1]]
    same = F.cross_entropy(t64(x), t64(onehot))
    np.testing.assert_allclose(same.item(), F.cross_entropy(t64(x), labels([0, 2, 4, 1])).item())


def test_kl_div_matches_numpy() -> None:
    rng = np.random.default_rng(0)
    p, q = rng.dirichlet(np.ones(4), size=3), rng.dirichlet(np.ones(4), size=3)
    p[0, 1] = 0.0  # 0 log 0 = 0
    expected = np.where(p > 0, p * (np.log(np.where(p > 0, p, 1)) - np.log(q)), 0.0)
    out = F.kl_div(t64(np.log(q)), t64(p), reduction="batchmean")
    np.testing.assert_allclose(out.item(), expected.sum() / 3, rtol=1e-12)
    out = F.kl_div(t64(np.log(q[1:])), t64(np.log(p[1:])), reduction="none", log_target=True)
    np.testing.assert_allclose(out.numpy(), expected[1:], rtol=1e-10, atol=1e-15)


# ----- gradients against finite differences ---------------------------------------------


@given(mts.arrays_away_from((0.0,), (2, 3), margin=0.1), st.sampled_from(REDUCTIONS))
def test_regression_gradients(d: np.ndarray, reduction: str) -> None:
    y = np.zeros_like(d)
    assert_gradients(lambda a, b: F.mse_loss(a, b, reduction=reduction), d, y)
    assert_gradients(lambda a, b: F.l1_loss(a, b, reduction=reduction), d, y)
    delta = float(np.abs(d).min() + np.abs(d).max()) / 2
    if np.abs(np.abs(d) - delta).min() > 0.05:
        assert_gradients(lambda a, b: F.huber_loss(a, b, reduction=reduction, delta=delta), d, y)
        assert_gradients(
            lambda a, b: F.smooth_l1_loss(a, b, reduction=reduction, beta=delta), d, y)


@given(mts.float_arrays((2, 3), min_value=-5, max_value=5), st.data(),
       st.sampled_from(REDUCTIONS))
def test_binary_cross_entropy_gradients(x: np.ndarray, data: st.DataObject, reduction: str):
    target = data.draw(mts.float_arrays((2, 3), min_value=0.0, max_value=1.0))
    weight = data.draw(mts.float_arrays((3,), min_value=0.1, max_value=2.0))
    pos_weight = data.draw(mts.float_arrays((3,), min_value=0.1, max_value=3.0))
    assert_gradients(lambda a, t, w, pw: F.binary_cross_entropy_with_logits(
        a, t, weight=w, pos_weight=pw, reduction=reduction), x, target, weight, pos_weight)
    p = 0.05 + 0.9 / (1 + np.exp(-x))
    assert_gradients(lambda a, t: F.binary_cross_entropy(a, t, reduction=reduction), p, target)


@given(cnn.logits(ignore_index=-100), st.data(), st.sampled_from(REDUCTIONS))
def test_weighted_smoothed_cross_entropy_gradients(drawn, data, reduction) -> None:
    x, target = drawn
    weight = data.draw(mts.float_arrays((x.shape[1],), min_value=0.1, max_value=2.0))
    smoothing = data.draw(st.sampled_from([0.0, 0.3]))
    weight = t64(weight)  # a constant, as PyTorch's (which has no gradient for it)
    assert_gradients(lambda a: F.cross_entropy(a, labels(target), weight=weight,
                                               reduction=reduction, label_smoothing=smoothing), x)
    assert_gradients(lambda a: F.nll_loss(a, labels(target), reduction=reduction), x)


@given(mts.float_arrays((3, 4), min_value=-4, max_value=4), st.data())
def test_probability_target_and_kl_gradients(x: np.ndarray, data: st.DataObject) -> None:
    p = data.draw(mts.float_arrays((3, 4), min_value=0.05, max_value=1.0))
    assert_gradients(lambda a, b: F.cross_entropy(a, b, label_smoothing=0.1), x, p)
    assert_gradients(lambda a, b: F.kl_div(a, b, reduction="batchmean"), x, p)
    assert_gradients(lambda a, b: F.kl_div(a, b, reduction="sum", log_target=True), x, x * 0.5)




@pytest.mark.parametrize("kwargs", [{}, {"weight": True},
                                    {"label_smoothing": 0.1}])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_all_ignored_targets_give_pytorchs_loss_and_zero_gradients(kwargs, reduction) -> None:
    x = t64(np.random.default_rng(0).normal(size=(3, 4)), requires_grad=True)
    if kwargs.get("weight"):
        kwargs = {"weight": t64([1.0, 2.0, 3.0, 4.0])}
    target = labels([-100, -100, -100])
    for function in (F.cross_entropy, F.nll_loss):
        if function is F.nll_loss and "label_smoothing" in kwargs:
            continue
        x.grad = None
        loss = function(x, target, reduction=reduction, **kwargs)
        loss.sum().backward()
        if reduction == "mean":
            assert np.isnan(loss.item())
        else:
            assert not loss.detach().numpy().any()
        np.testing.assert_array_equal(x.grad.numpy(), np.zeros((3, 4)))


# ----- errors ---------------------------------------------------------------------------


def test_errors_name_the_op_and_use_pytorchs_types() -> None:
    x = t64(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="mse_loss: bad is not a valid value for reduction"):
        F.mse_loss(x, x, reduction="bad")
    with pytest.raises(TypeError, match="argument 'target' must be Tensor"):
        F.l1_loss(x, [1.0])
    with pytest.raises(ValueError, match="different to the input size"):
        F.binary_cross_entropy(x, t64(np.zeros(3)))
    with pytest.raises(RuntimeError, match="between 0 and 1"):
        F.binary_cross_entropy(x - 1, x)
    with pytest.raises(IndexError, match="Target 5 is out of bounds"):
        F.nll_loss(x, labels([0, 5]))
    with pytest.raises(RuntimeError, match="for all 3 classes"):
        F.cross_entropy(x, labels([0, 1]), weight=t64([1.0, 1.0]))
    with pytest.raises(RuntimeError, match="ignore_index is not supported"):
        F.cross_entropy(x, x, ignore_index=1)
    with pytest.raises(RuntimeError, match="label_smoothing must be between"):
        F.cross_entropy(x, labels([0, 1]), label_smoothing=1.5)
    with pytest.raises(RuntimeError, match="huber_loss does not support non-positive"):
        F.huber_loss(x, x, delta=0.0)
    with pytest.raises(ValueError, match="beta must be a non-negative"):
        F.smooth_l1_loss(x, x, beta=-1.0)
    with pytest.raises(ValueError, match="not a valid value for reduction"):
        nn.MSELoss(reduction="avg")
    with pytest.warns(UserWarning, match="different to the input size"):
        F.mse_loss(x, t64(np.zeros(3)))


def test_legacy_size_average_and_reduce() -> None:
    assert nn.MSELoss(reduce=False).reduction == "none"
    assert nn.L1Loss(size_average=False).reduction == "sum"
    assert nn.NLLLoss(size_average=True, reduce=True).reduction == "mean"


# ----- against PyTorch --------------------------------------------------------------------

CASES = [
    ("MSELoss", {}, "real"), ("L1Loss", {}, "real"), ("SmoothL1Loss", {}, "real"),
    ("SmoothL1Loss", {"beta": 0.3}, "real"), ("SmoothL1Loss", {"beta": 0.0}, "real"),
    ("HuberLoss", {"delta": 0.4}, "real"), ("BCELoss", {}, "probability"),
    ("BCELoss", {"weight": (3,)}, "probability"), ("BCEWithLogitsLoss", {}, "probability"),
    ("BCEWithLogitsLoss", {"weight": (3,), "pos_weight": (3,)}, "probability"),
    ("KLDivLoss", {}, "distribution"), ("KLDivLoss", {"log_target": True}, "real"),
    ("NLLLoss", {}, "class"), ("NLLLoss", {"weight": (3,), "ignore_index": 1}, "class"),
    ("CrossEntropyLoss", {}, "class"), ("CrossEntropyLoss", {"weight": (3,)}, "class"),
    ("CrossEntropyLoss", {"label_smoothing": 0.2, "ignore_index": 0}, "class"),
    ("CrossEntropyLoss", {"weight": (3,), "label_smoothing": 0.1}, "class"),
    ("CrossEntropyLoss", {"label_smoothing": 0.1, "weight": (3,)}, "distribution"),
    ("CrossEntropyLoss", {}, "class-2d"),
]


def _inputs(kind: str, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    x = rng.normal(size=(4, 3, 2, 2) if kind == "class-2d" else (4, 3))
    if kind == "real":
        return x, rng.normal(size=x.shape)
    if kind == "probability":
        return 1 / (1 + np.exp(-x)), rng.random(x.shape)
    if kind == "distribution":
        return x, rng.dirichlet(np.ones(3), size=4)
    shape = (4, 2, 2) if kind == "class-2d" else (4,)
    return x, rng.integers(0, 3, size=shape)


@pytest.mark.torch
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize(("name", "options", "kind"), CASES)
def test_modules_match_pytorch(name: str, options: dict, kind: str, reduction: str) -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(abs(hash((name, kind))) % 1000)
    x, target = _inputs(kind, rng)
    if name == "BCEWithLogitsLoss":
        x = rng.normal(size=x.shape) * 3
    if name == "KLDivLoss" and kind == "distribution":
        x = np.log(rng.dirichlet(np.ones(3), size=4))
    arrays = {key: rng.random(size) + 0.5 for key, size in options.items()
              if isinstance(size, tuple)}
    ours_options = {**options, **{k: t64(v) for k, v in arrays.items()}, "reduction": reduction}
    theirs_options = {**options, **{k: torch.tensor(v) for k, v in arrays.items()},
                      "reduction": reduction}
    ours_module = getattr(nn, name)(**ours_options)
    theirs_module = getattr(torch.nn, name)(**theirs_options)
    assert repr(ours_module) == repr(theirs_module)
    assert list(ours_module.state_dict()) == list(theirs_module.state_dict())
    ours_x = t64(x, requires_grad=True)
    theirs_x = torch.tensor(x, requires_grad=True)
    float_target = target.dtype.kind == "f"
    ours_t = t64(target, requires_grad=True) if float_target else labels(target)
    theirs_t = torch.tensor(target, requires_grad=float_target)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours, theirs = ours_module(ours_x, ours_t), theirs_module(theirs_x, theirs_t)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-10,
                               atol=1e-12)
    gradient = rng.normal(size=theirs.shape)
    ours.backward(t64(gradient))
    theirs.backward(torch.tensor(gradient))
    np.testing.assert_allclose(ours_x.grad.numpy(), theirs_x.grad.numpy(), rtol=1e-9,
                               atol=1e-12)
    if float_target and theirs_t.grad is not None:
        np.testing.assert_allclose(ours_t.grad.numpy(), theirs_t.grad.numpy(), rtol=1e-9,
                                   atol=1e-12)


@pytest.mark.torch
def test_one_sample_and_edge_values_match_pytorch() -> None:
    torch = pytest.importorskip("torch")
    x = np.array([0.5, -1.0, 2.0])
    for smoothing in (0.0, 0.3):
        ours = F.cross_entropy(t64(x), labels(2), label_smoothing=smoothing,
                               weight=t64([1.0, 2.0, 3.0]))
        theirs = torch.nn.functional.cross_entropy(torch.tensor(x), torch.tensor(2),
                                                   label_smoothing=smoothing,
                                                   weight=torch.tensor([1.0, 2.0, 3.0],
                                                                       dtype=torch.float64))
        np.testing.assert_allclose(ours.item(), theirs.item(), rtol=1e-12)
    logits = np.array([0.0, 40.0, -40.0, 800.0, -800.0])
    target = np.array([1.0, 0.0, 1.0, 0.5, 0.5])
    ours_x = t64(logits, requires_grad=True)
    theirs_x = torch.tensor(logits, requires_grad=True)
    ours = F.binary_cross_entropy_with_logits(ours_x, t64(target), reduction="sum")
    theirs = torch.nn.functional.binary_cross_entropy_with_logits(
        theirs_x, torch.tensor(target), reduction="sum")
    ours.backward()
    theirs.backward()
    np.testing.assert_allclose(ours.item(), theirs.item(), rtol=1e-12)
    np.testing.assert_allclose(ours_x.grad.numpy(), theirs_x.grad.numpy(), rtol=1e-12)
    p = np.array([0.0, 1.0, 0.5, 1e-50])
    ours = F.binary_cross_entropy(t64(p), t64([1.0, 0.0, 1.0, 1.0]), reduction="none")
    theirs = torch.nn.functional.binary_cross_entropy(torch.tensor(p),
                                                      torch.tensor([1.0, 0.0, 1.0, 1.0]).double(),
                                                      reduction="none")
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12)


@pytest.mark.torch
@pytest.mark.parametrize("kind", ["", "weight",
                                  "label_smoothing"])
def test_all_ignored_matches_pytorch(kind: str) -> None:
    torch = pytest.importorskip("torch")
    options = {"weight": {"weight": [1.0, 2.0, 3.0]}, "label_smoothing":
               {"label_smoothing": 0.2}}.get(kind, {})
    x = np.random.default_rng(0).normal(size=(2, 3))
    ours_x, theirs_x = t64(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ours = F.cross_entropy(ours_x, labels([-100, -100]),
                           **{k: t64(v) if k == "weight" else v for k, v in options.items()})
    theirs = torch.nn.functional.cross_entropy(
        theirs_x, torch.tensor([-100, -100]),
        **{k: torch.tensor(v, dtype=torch.float64) if k == "weight" else v
           for k, v in options.items()})
    ours.backward()
    theirs.backward()
    np.testing.assert_array_equal(np.isnan(ours.item()), np.isnan(theirs.item()))
    np.testing.assert_array_equal(ours_x.grad.numpy(), theirs_x.grad.numpy())
