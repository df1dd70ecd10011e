"""RNN, LSTM, GRU and their cells: PyTorch (outputs, h_n/c_n, gradients of input, initial
states and every parameter, reprs, state_dict keys), finite differences, init and errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import microtensor as mt
from microtensor import nn
from microtensor.testing import assert_gradients

LAYERS = [
    ("RNN", {}, (5, 2, 3)), ("RNN", {"nonlinearity": "relu", "num_layers": 2}, (5, 2, 3)),
    ("LSTM", {"num_layers": 2, "batch_first": True, "bidirectional": True}, (2, 5, 3)),
    ("GRU", {"bias": False, "bidirectional": True}, (5, 3)), ("LSTM", {}, (4, 3)),
    ("GRU", {"num_layers": 2, "batch_first": True}, (2, 4, 3)),
]


def _state(name: str, rng: np.random.Generator, shape: tuple[int, ...]):
    h = rng.normal(size=shape)
    return (h, rng.normal(size=shape)) if name == "LSTM" else h


@pytest.mark.torch
@pytest.mark.parametrize(("name", "options", "shape"), LAYERS)
@pytest.mark.parametrize("with_state", [False, True])
def test_layers_match_pytorch(name: str, options: dict, shape: tuple, with_state: bool) -> None:
    torch = pytest.importorskip("torch")
    theirs_module = getattr(torch.nn, name)(3, 4, **options).double()
    ours_module = getattr(nn, name)(3, 4, **options, dtype=mt.float64)
    assert repr(ours_module) == repr(theirs_module)
    assert list(ours_module.state_dict()) == list(theirs_module.state_dict())
    ours_module.load_state_dict({k: mt.tensor(v.numpy())
                                 for k, v in theirs_module.state_dict().items()})
    rng = np.random.default_rng(0)
    x = rng.normal(size=shape)
    ours_x, theirs_x = mt.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ours_args, theirs_args = [ours_x], [theirs_x]
    if with_state:
        layers = options.get("num_layers", 1) * (2 if options.get("bidirectional") else 1)
        batch = () if len(shape) == 2 else (shape[0] if options.get("batch_first") else shape[1],)
        state = _state(name, rng, (layers, *batch, 4))
        if name == "LSTM":
            ours_args.append(tuple(mt.tensor(s, requires_grad=True) for s in state))
            theirs_args.append(tuple(torch.tensor(s, requires_grad=True) for s in state))
        else:
            ours_args.append(mt.tensor(state, requires_grad=True))
            theirs_args.append(torch.tensor(state, requires_grad=True))
    (ours, ours_h), (theirs, theirs_h) = ours_module(*ours_args), theirs_module(*theirs_args)
    ours_states = list(ours_h) if name == "LSTM" else [ours_h]
    theirs_states = list(theirs_h) if name == "LSTM" else [theirs_h]
    for a, b in zip([ours, *ours_states], [theirs, *theirs_states], strict=True):
        assert a.shape == tuple(b.shape)
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), atol=1e-12)
    weights = [rng.normal(size=tuple(b.shape)) for b in [theirs, *theirs_states]]
    sum(((a * mt.tensor(w)).sum() for a, w in zip([ours, *ours_states], weights, strict=True)),
        mt.tensor(0.0, dtype=mt.float64)).backward()
    sum((b * torch.tensor(w)).sum() for b, w in zip([theirs, *theirs_states], weights,
                                                     strict=True)).backward()
    np.testing.assert_allclose(ours_x.grad.numpy(), theirs_x.grad.numpy(), atol=1e-12)
    if with_state:
        ours_s = ours_args[1] if name == "LSTM" else [ours_args[1]]
        theirs_s = theirs_args[1] if name == "LSTM" else [theirs_args[1]]
        for a, b in zip(ours_s, theirs_s, strict=True):
            np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), atol=1e-12)
    for key, parameter in theirs_module.named_parameters():
        np.testing.assert_allclose(getattr(ours_module, key).grad.numpy(),
                                   parameter.grad.numpy(), atol=1e-11)


@pytest.mark.torch
@pytest.mark.parametrize("name", ["RNNCell", "LSTMCell", "GRUCell"])
@pytest.mark.parametrize("bias", [True, False])
def test_cells_match_pytorch(name: str, bias: bool) -> None:
    torch = pytest.importorskip("torch")
    theirs_module = getattr(torch.nn, name)(3, 4, bias=bias).double()
    ours_module = getattr(nn, name)(3, 4, bias=bias, dtype=mt.float64)
    assert repr(ours_module) == repr(theirs_module)
    assert list(ours_module.state_dict()) == list(theirs_module.state_dict())
    ours_module.load_state_dict({k: mt.tensor(v.numpy())
                                 for k, v in theirs_module.state_dict().items()})
    rng = np.random.default_rng(0)
    for shape in [(2, 3), (3,)]:
        x = rng.normal(size=shape)
        ours = ours_module(mt.tensor(x))
        theirs = theirs_module(torch.tensor(x))
        ours = ours if name != "LSTMCell" else ours[1]
        theirs = theirs if name != "LSTMCell" else theirs[1]
        np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), atol=1e-12)


@settings(max_examples=5, deadline=None)
@given(st.sampled_from(["RNN", "LSTM", "GRU"]), st.booleans())
def test_layers_gradients_against_finite_differences(name: str, bidirectional: bool) -> None:
    mt.manual_seed(0)
    module = getattr(nn, name)(2, 3, num_layers=2, bidirectional=bidirectional)
    x = np.random.default_rng(1).normal(size=(3, 2, 2))
    module = module.double()

    def loss(inp: mt.Tensor) -> mt.Tensor:
        output, state = module(inp)
        h = state[0] if name == "LSTM" else state
        return (output * output).sum() + h.sum()

    assert_gradients(loss, x, second_order=False)


def test_default_init_is_pytorchs_uniform_bound() -> None:
    module = nn.LSTM(3, 16, num_layers=2)
    for _, parameter in module.named_parameters():
        assert np.abs(parameter.detach().numpy()).max() <= 0.25


def test_errors() -> None:
    with pytest.raises(ValueError, match="Unknown nonlinearity"):
        nn.RNN(3, 4, nonlinearity="gelu")
    with pytest.raises(RuntimeError, match=r"Expected hidden size \(1, 2, 4\)"):
        nn.GRU(3, 4)(mt.zeros(5, 2, 3), mt.zeros(1, 3, 4))
    with pytest.raises(RuntimeError, match="input_size=3"):
        nn.LSTM(3, 4)(mt.zeros(5, 2, 2))
    with pytest.raises(NotImplementedError, match="dropout"):
        nn.LSTM(3, 4, num_layers=2, dropout=0.5)
