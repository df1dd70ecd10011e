"""The layers of issue 12 item 1 (activations, dropout, normalisation, embedding,
unflatten, containers, DataParallel): against PyTorch (marked ``torch``: outputs,
gradients, state_dict keys and shapes, repr, train vs eval) and against NumPy."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import microtensor as mt
import microtensor.nn.functional as F  # noqa: N812
from microtensor import nn

RNG = np.random.default_rng(0)


def _torch() -> Any:
    return pytest.importorskip("torch", reason="PyTorch is not installed")


def _compare(
    make: Callable[[Any], Any], x: np.ndarray, *, train: bool = True, rtol: float = 1e-5,
    atol: float = 1e-6, steps: int = 1,
) -> tuple[Any, Any]:
    """Build the layer in both libraries (``make(nn)``), give PyTorch microtensor's state,
    run ``steps`` forward/backward passes on ``x`` and compare outputs, input and parameter
    gradients, state_dict keys, shapes and values, and repr."""
    torch = _torch()
    ours, theirs = make(nn), make(torch.nn)
    ours.train(train)
    theirs.train(train)
    mine = ours.state_dict()
    assert list(mine) == list(theirs.state_dict())
    for key, value in theirs.state_dict().items():
        assert mine[key].shape == tuple(value.shape), key
        assert str(mine[key].dtype) == str(value.dtype).removeprefix("torch."), key
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in mine.items()})
    assert repr(ours) == repr(theirs)
    for _ in range(steps):
        a = mt.tensor(x, requires_grad=True)
        b = torch.tensor(x, requires_grad=True)
        out_a, out_b = ours(a), theirs(b)
        np.testing.assert_allclose(out_a.detach().numpy(), out_b.detach().numpy(), rtol, atol)
        weights = RNG.standard_normal(out_b.shape)
        (out_a * mt.tensor(weights, dtype=out_a.dtype)).sum().backward()
        (out_b * torch.tensor(weights, dtype=out_b.dtype)).sum().backward()
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol, atol)
    for (name, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters(), strict=True):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol, atol, err_msg=name)
    for key, value in theirs.state_dict().items():
        np.testing.assert_allclose(ours.state_dict()[key].numpy(), value.numpy(), rtol, atol,
                                   err_msg=key)
    return ours, theirs


X32 = RNG.standard_normal((4, 3, 5, 5)).astype(np.float32) * 3
ACTIVATIONS = [
    lambda n: n.Identity(),
    lambda n: n.Identity(54, unused_argument=0.1),
    lambda n: n.Tanh(),
    lambda n: n.Sigmoid(),
    lambda n: n.Softmax(dim=1),
    lambda n: n.Softmax(-1),
    lambda n: n.LogSoftmax(dim=1),
    lambda n: n.GELU(),
    lambda n: n.GELU(approximate="tanh"),
    lambda n: n.LeakyReLU(),
    lambda n: n.LeakyReLU(0.2),
    lambda n: n.ELU(),
    lambda n: n.ELU(alpha=0.5),
    lambda n: n.SiLU(),
    lambda n: n.Softplus(),
    lambda n: n.Softplus(beta=2, threshold=1.5),
    lambda n: n.Dropout(0.3),
    lambda n: n.Dropout2d(p=0.25),
    lambda n: n.Unflatten(1, (3, 1)),
    lambda n: n.Unflatten(-1, (-1, 5, 1)),
]


@pytest.mark.torch
@pytest.mark.parametrize("make", ACTIVATIONS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_activations_match_pytorch_in_eval(make: Callable[[Any], Any], dtype: Any) -> None:
    tolerance = 1e-5 if dtype == np.float32 else 1e-12
    _compare(make, X32.astype(dtype), train=False, rtol=tolerance, atol=tolerance)


@pytest.mark.torch
def test_reprs_with_non_default_arguments_match_pytorch() -> None:
    torch = _torch()
    for make in [
        lambda n: n.LeakyReLU(0.1, inplace=True),
        lambda n: n.ELU(2.0, True),
        lambda n: n.SiLU(inplace=True),
        lambda n: n.Dropout(p=0.0, inplace=True),
        lambda n: n.Softmax(),
        lambda n: n.BatchNorm1d(3, eps=1e-3, momentum=None, affine=False),
        lambda n: n.BatchNorm2d(3, track_running_stats=False),
        lambda n: n.LayerNorm([4, 3], elementwise_affine=False),
        lambda n: n.LayerNorm(4, bias=False),
        lambda n: n.GroupNorm(2, 4, affine=False, eps=0.1),
        lambda n: n.Embedding(10, 3, padding_idx=-1, max_norm=2.0),
        lambda n: n.Embedding(10, 3, norm_type=1.0),
        lambda n: n.ModuleList(),
        lambda n: n.ModuleList([n.Linear(2, 2), n.Linear(2, 2), n.ReLU(), n.Linear(2, 2)]),
        lambda n: n.ModuleDict({"act": n.ReLU(), "seq": n.Sequential(n.Tanh())}),
        lambda n: n.ModuleDict(),
        lambda n: n.ParameterList(),
        lambda n: n.ParameterDict(),
        lambda n: n.parallel.DataParallel(n.Sequential(n.Linear(2, 3), n.GELU())),
    ]:
        assert repr(make(nn)) == repr(make(torch.nn))
    lists = [(n.ParameterList([n.Parameter(lib.zeros(2, 3)), lib.ones(4)]),
              n.ParameterDict({"a": n.Parameter(lib.zeros(2, 3))}),
              n.ParameterDict({"a": lib.zeros(2), "b": n.Parameter(lib.ones(1, 2))}))
             for n, lib in ((nn, mt), (torch.nn, torch))]  # fmt: skip
    for ours, theirs in zip(*lists, strict=True):
        assert repr(ours) == repr(theirs).replace("torch.", "")


@pytest.mark.torch
@pytest.mark.parametrize("momentum", [0.1, 0.5, None])
@pytest.mark.parametrize("affine", [True, False])
def test_batch_norm_2d_matches_pytorch_over_steps_then_in_eval(
    momentum: float | None, affine: bool
) -> None:
    make = lambda n: n.BatchNorm2d(3, momentum=momentum, affine=affine)  # noqa: E731
    ours, theirs = _compare(make, X32, steps=3)
    assert int(ours.num_batches_tracked.item()) == 3
    assert ours.num_batches_tracked.dtype == mt.int64
    x = RNG.standard_normal((2, 3, 4, 4)).astype(np.float32)
    ours.eval()
    theirs.eval()
    np.testing.assert_allclose(ours(mt.tensor(x)).detach().numpy(),
                               theirs(_torch().tensor(x)).detach().numpy(),
                               rtol=1e-5, atol=1e-6)
    _compare(make, x, train=False)


@pytest.mark.torch
@pytest.mark.parametrize("shape", [(6, 4), (5, 4, 7)])
@pytest.mark.parametrize("track", [True, False])
def test_batch_norm_1d_matches_pytorch(shape: tuple[int, ...], track: bool) -> None:
    x = RNG.standard_normal(shape) * 2 + 1
    make = lambda n: n.BatchNorm1d(4, eps=1e-3, track_running_stats=track).double()  # noqa: E731
    _compare(make, x, steps=2, rtol=1e-10, atol=1e-12)
    _compare(make, x, train=False, rtol=1e-10, atol=1e-12)


@pytest.mark.torch
def test_norms_and_embedding_match_pytorch() -> None:
    x = RNG.standard_normal((3, 4, 5, 6))
    for make in [
        lambda n: n.LayerNorm(6).double(),
        lambda n: n.LayerNorm([5, 6], eps=1e-3).double(),
        lambda n: n.LayerNorm((6,), elementwise_affine=False).double(),
        lambda n: n.LayerNorm(6, bias=False).double(),
        lambda n: n.GroupNorm(2, 4).double(),
        lambda n: n.GroupNorm(4, 4, affine=False).double(),
        lambda n: n.GroupNorm(1, 4, eps=0.1).double(),
    ]:
        # Non-trivial affine parameters, the same in both.
        ours = make(nn)
        for parameter in ours.parameters():
            parameter.data.copy_(mt.tensor(RNG.standard_normal(parameter.shape)))
        _compare(lambda n, ours=ours, make=make: ours if n is nn else make(n), x,  # noqa: B023
                 rtol=1e-10, atol=1e-12)


@pytest.mark.torch
@pytest.mark.parametrize("padding_idx", [None, 0, 3, -1])
def test_embedding_matches_pytorch_output_and_gradient(padding_idx: int | None) -> None:
    torch = _torch()
    ours = nn.Embedding(6, 3, padding_idx=padding_idx)
    theirs = torch.nn.Embedding(6, 3, padding_idx=padding_idx)
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["weight"]
    assert repr(ours) == repr(theirs)
    theirs.load_state_dict({"weight": torch.tensor(ours.weight.detach().numpy())})
    index = np.array([[0, 3, 5, 3], [5, 1, 0, 2]])
    a, b = ours(mt.tensor(index)), theirs(torch.tensor(index))
    np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    weights = RNG.standard_normal(a.shape).astype(np.float32)
    (a * mt.tensor(weights)).sum().backward()
    (b * torch.tensor(weights)).sum().backward()
    np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad.numpy(), 1e-6)
    if padding_idx is not None:
        np.testing.assert_array_equal(ours.weight.detach().numpy()[padding_idx], 0)
        np.testing.assert_array_equal(ours.weight.grad.numpy()[padding_idx], 0)


@pytest.mark.torch
def test_functional_forms_match_pytorch() -> None:
    torch = _torch()
    x = RNG.standard_normal((4, 3, 2, 2)) * 4
    functions: list[Callable[..., Any]] = [
        lambda f, t: f.gelu(t), lambda f, t: f.gelu(t, approximate="tanh"),
        lambda f, t: f.leaky_relu(t, 0.3), lambda f, t: f.elu(t, 0.7),
        lambda f, t: f.silu(t), lambda f, t: f.softplus(t, 0.5, 3.0),
        lambda f, t: f.tanh(t), lambda f, t: f.sigmoid(t),
        lambda f, t: f.dropout(t, 0.4, training=False),
        lambda f, t: f.dropout2d(t, 0.4, False),
        lambda f, t: f.layer_norm(t, (2, 2)),
        lambda f, t: f.group_norm(t, 3),
    ]
    for function in functions:
        a = mt.tensor(x, requires_grad=True)
        b = torch.tensor(x, requires_grad=True)
        out_a, out_b = function(F, a), function(torch.nn.functional, b)
        np.testing.assert_allclose(out_a.detach().numpy(), out_b.detach().numpy(), 1e-10, 1e-12)
        (out_a * out_a).sum().backward()
        (out_b * out_b).sum().backward()
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), 1e-10, 1e-12)
    mean, var = np.zeros(3), np.ones(3)
    running = [(mt.tensor(mean), mt.tensor(var)), (torch.tensor(mean), torch.tensor(var))]
    out_a = F.batch_norm(mt.tensor(x), *running[0], training=True, momentum=0.3)
    out_b = torch.nn.functional.batch_norm(torch.tensor(x), *running[1], training=True,
                                           momentum=0.3)
    np.testing.assert_allclose(out_a.numpy(), out_b.numpy(), 1e-10, 1e-12)
    for ours, theirs in zip(running[0], running[1], strict=True):
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), 1e-10, 1e-12)


@pytest.mark.torch
def test_errors_match_pytorch_types() -> None:
    torch = _torch()
    cases: list[Callable[[Any, Any, Any], Any]] = [
        lambda n, lib, f: n.Dropout(1.5),
        lambda n, lib, f: f.dropout(lib.ones(2), -0.1),
        lambda n, lib, f: n.BatchNorm2d(3)(lib.ones(2, 3, 4)),
        lambda n, lib, f: n.BatchNorm1d(3)(lib.ones(2, 3, 4, 4)),
        lambda n, lib, f: n.BatchNorm1d(3)(lib.ones(1, 3)),
        lambda n, lib, f: n.LayerNorm(4)(lib.ones(2, 3)),
        lambda n, lib, f: n.GroupNorm(2, 3),
        lambda n, lib, f: f.group_norm(lib.ones(2, 3, 4), 2),
        lambda n, lib, f: n.Embedding(4, 2)(lib.tensor([4])),
        lambda n, lib, f: n.Embedding(4, 2)(lib.tensor([1.0])),
        lambda n, lib, f: n.Embedding(4, 2, padding_idx=4),
        lambda n, lib, f: n.Unflatten(1, (2, 4))(lib.ones(2, 10)),
        lambda n, lib, f: f.gelu(lib.ones(2), approximate="fast"),
        lambda n, lib, f: n.ModuleList([n.ReLU()])[1],
        lambda n, lib, f: n.ModuleList(n.ReLU()),
        lambda n, lib, f: n.Sequential(n.ReLU()).get_submodule("1"),
        lambda n, lib, f: n.Sequential(n.Linear(1, 1)).get_submodule("0.weight"),
        lambda n, lib, f: n.Linear(1, 1).to(lib.int64),
        lambda n, lib, f: n.Linear(1, 1).to("cuda"),
    ]
    for case in cases:
        with pytest.raises(Exception) as theirs:
            case(torch.nn, torch, torch.nn.functional)
        with pytest.raises(Exception) as ours:
            case(nn, mt, F)
        assert type(ours.value) is type(theirs.value), (case, ours.value, theirs.value)


def test_dropout_masks_scale_and_eval() -> None:
    x = mt.ones(200, 50)
    layer = nn.Dropout(0.3, generator=np.random.default_rng(1))
    y = layer(x).numpy()
    assert set(np.unique(y)) <= {0.0, np.float32(1 / 0.7)}
    assert abs((y == 0).mean() - 0.3) < 0.02
    layer.eval()
    assert layer(x) is x
    same = [F.dropout(x, 0.5, generator=np.random.default_rng(7)).numpy() for _ in range(2)]
    np.testing.assert_array_equal(*same)
    mt.manual_seed(3)
    first = F.dropout(x).numpy()
    mt.manual_seed(3)
    np.testing.assert_array_equal(first, F.dropout(x).numpy())
    np.testing.assert_array_equal(F.dropout(x, 1.0).numpy(), 0)
    channels = nn.Dropout2d(0.5)(mt.ones(8, 16, 3, 3)).numpy()
    assert np.all(channels.min(axis=(2, 3)) == channels.max(axis=(2, 3)))  # whole channels
    w = mt.randn(5, 4, requires_grad=True)
    mask = F.dropout(w, 0.5, generator=np.random.default_rng(2))
    mask.sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), (mask.detach().numpy() != 0) * 2.0)
    y = mt.ones(3, 4)
    assert F.dropout(y, 0.5, inplace=True) is y and set(np.unique(y.numpy())) <= {0.0, 2.0}


def test_in_place_activations_write_into_the_input_and_keep_gradients() -> None:
    for function, reference in [
        (lambda t: F.leaky_relu(t, 0.1, inplace=True), lambda v: np.where(v > 0, v, 0.1 * v)),
        (lambda t: F.elu(t, inplace=True), lambda v: np.where(v > 0, v, np.expm1(v))),
        (lambda t: F.silu(t, inplace=True), lambda v: v / (1 + np.exp(-v))),
    ]:
        leaf = mt.tensor([-2.0, -0.5, 0.5, 3.0], dtype=mt.float64, requires_grad=True)
        hidden = leaf * 1
        assert function(hidden) is hidden
        np.testing.assert_allclose(hidden.detach().numpy(), reference(leaf.detach().numpy()))
        hidden.sum().backward()
        expected = mt.tensor(leaf.detach().numpy(), requires_grad=True)
        function(expected * 1).sum().backward()
        np.testing.assert_allclose(leaf.grad.numpy(), expected.grad.numpy())


def test_elu_and_softplus_stay_finite_for_large_inputs() -> None:
    x = mt.tensor([-1000.0, -50.0, 0.0, 50.0, 1000.0], requires_grad=True)
    for function in (F.elu, lambda t: F.softplus(t, threshold=1e6), F.gelu, F.silu):
        y = function(x)
        y.sum().backward()
        assert np.all(np.isfinite(y.detach().numpy())) and np.all(np.isfinite(x.grad.numpy()))
        x.grad = None


def test_batch_norm_running_statistics_by_hand() -> None:
    x = RNG.standard_normal((8, 2, 3, 3))
    layer = nn.BatchNorm2d(2, momentum=None).double()
    for step in range(1, 4):
        layer(mt.tensor(x * step))
    batches = [x * s for s in (1, 2, 3)]
    means = np.mean([b.mean(axis=(0, 2, 3)) for b in batches], axis=0)
    variances = np.mean([b.var(axis=(0, 2, 3), ddof=1) for b in batches], axis=0)
    np.testing.assert_allclose(layer.running_mean.numpy(), 0.0 * 1 + means, atol=1e-12)
    np.testing.assert_allclose(layer.running_var.numpy(), variances, rtol=1e-12)
    layer.eval()
    out = layer(mt.tensor(x)).detach().numpy()
    expected = (x - means[:, None, None]) / np.sqrt(variances[:, None, None] + 1e-5)
    np.testing.assert_allclose(out, expected, rtol=1e-10)
    assert int(layer.num_batches_tracked.item()) == 3  # eval does not count
    assert layer.running_mean.dtype == mt.float64 and layer.num_batches_tracked.dtype == mt.int64


def test_layer_norm_and_group_norm_by_hand() -> None:
    x = RNG.standard_normal((2, 4, 3))
    out = F.layer_norm(mt.tensor(x), 3).numpy()
    expected = (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + 1e-5)
    np.testing.assert_allclose(out, expected, rtol=1e-10)
    out = F.group_norm(mt.tensor(x), 2).numpy()
    grouped = x.reshape(2, 2, 6)
    expected = (grouped - grouped.mean(-1, keepdims=True)) / np.sqrt(
        grouped.var(-1, keepdims=True) + 1e-5)
    np.testing.assert_allclose(out, expected.reshape(x.shape), rtol=1e-10)


def test_gelu_by_hand() -> None:
    x = np.linspace(-4, 4, 17)
    expected = x * np.array([0.5 * (1 + math.erf(v / math.sqrt(2))) for v in x])
    np.testing.assert_allclose(F.gelu(mt.tensor(x)).numpy(), expected, rtol=1e-15, atol=1e-300)
