"""Module (issue 12 item 2): hooks and their handles, buffers, traversal, get_submodule,
state_dict(prefix=, keep_vars=), load_state_dict's result, to(dtype|device|tensor),
containers and DataParallel, against PyTorch where it is installed (marked ``torch``)."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import numpy as np
import pytest

import microtensor as mt
from microtensor import nn
from microtensor.nn import hooks


def _torch() -> Any:
    return pytest.importorskip("torch", reason="PyTorch is not installed")


def _model(n: Any) -> Any:
    model = n.Sequential(OrderedDict(
        conv=n.Conv2d(1, 2, 3), norm=n.BatchNorm2d(2), act=n.GELU(),
        head=n.Sequential(n.Flatten(), n.Linear(8, 3)),
    ))  # fmt: skip
    model.register_buffer("scale", (mt if n is nn else _torch()).ones(3), persistent=False)
    return model


def test_hooks_run_in_order_change_inputs_and_outputs_and_are_removed() -> None:
    layer = nn.Linear(2, 2)
    calls: list[str] = []
    first = layer.register_forward_pre_hook(lambda m, args: calls.append("pre") or (args[0] * 0,))
    second = layer.register_forward_hook(lambda m, args, out: calls.append("post") or out + 1)
    layer.register_forward_pre_hook(lambda m, args: calls.append("pre0"), prepend=True)
    out = layer(mt.ones(1, 2))
    assert calls == ["pre0", "pre", "post"]
    np.testing.assert_allclose(out.detach().numpy(), layer.bias.detach().numpy()[None] + 1)
    first.remove()
    second.remove()
    second.remove()  # harmless
    calls.clear()
    expected = mt.ones(1, 2) @ layer.weight.T + layer.bias
    np.testing.assert_allclose(layer(mt.ones(1, 2)).detach().numpy(),
                               expected.detach().numpy())
    assert calls == ["pre0"]


def test_hooks_with_kwargs_and_as_context_managers() -> None:
    class Scale(nn.Module):
        def forward(self, x: mt.Tensor, factor: float = 1.0) -> mt.Tensor:
            return x * factor

    module = Scale()
    seen: list[Any] = []
    with module.register_forward_pre_hook(
        lambda m, args, kwargs: (args, {"factor": 3.0}), with_kwargs=True
    ), module.register_forward_hook(
        lambda m, args, kwargs, out: seen.append(kwargs), with_kwargs=True
    ):
        assert module(mt.ones(2)).tolist() == [3.0, 3.0]
    assert seen == [{"factor": 3.0}]
    assert module(mt.ones(2)).tolist() == [1.0, 1.0]
    assert not module._forward_hooks and not module._forward_pre_hooks
    with pytest.raises(TypeError):
        module.register_forward_hook("not callable")


def test_call_without_hooks_goes_straight_to_forward(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: Any) -> None:
        raise AssertionError("call_with_hooks used without hooks")

    monkeypatch.setattr(hooks, "call_with_hooks", fail)
    assert nn.Identity()(mt.ones(1)).tolist() == [1.0]


@pytest.mark.torch
def test_hooks_see_what_pytorch_hooks_see() -> None:
    torch = _torch()
    records: dict[str, list[Any]] = {"ours": [], "theirs": []}
    for key, n, lib in (("ours", nn, mt), ("theirs", torch.nn, torch)):
        model = n.Sequential(n.Linear(2, 2), n.Tanh())
        for name, module in model.named_modules():
            module.register_forward_hook(
                lambda m, args, out, name=name, key=key: records[key].append(
                    (name or "root", type(m).__name__, len(args), tuple(out.shape))))
        model(lib.ones(3, 2))
    assert records["ours"] == records["theirs"]


@pytest.mark.torch
def test_traversal_buffers_and_state_dict_match_pytorch() -> None:
    torch = _torch()
    ours, theirs = _model(nn), _model(torch.nn)
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    assert len(list(ours.buffers())) == len(list(theirs.buffers())) == 4
    assert list(ours.state_dict()) == list(theirs.state_dict())  # "scale" is not persistent
    assert list(ours.state_dict(prefix="net.")) == list(theirs.state_dict(prefix="net."))
    kept = ours.state_dict(keep_vars=True)
    assert kept["conv.weight"] is ours.conv.weight and kept["conv.weight"].requires_grad
    assert not ours.state_dict()["conv.weight"].requires_grad
    assert repr(ours) == repr(theirs)
    assert ours.get_submodule("head.1") is ours.head[1]
    assert ours.get_submodule("") is ours
    names: list[str] = []
    ours.apply(lambda m: names.append(type(m).__name__))
    theirs_names: list[str] = []
    theirs.apply(lambda m: theirs_names.append(type(m).__name__))
    assert names == theirs_names
    assert ours.requires_grad_(False) is ours
    assert not any(p.requires_grad for p in ours.parameters())


@pytest.mark.torch
def test_load_state_dict_result_matches_pytorch() -> None:
    torch = _torch()
    ours, theirs = _model(nn), _model(torch.nn)
    state = {k: v for k, v in ours.state_dict().items() if k != "norm.running_var"}
    state["extra"] = mt.zeros(1)
    result = ours.load_state_dict(state, strict=False)
    expected = theirs.load_state_dict(
        {k: torch.tensor(v.numpy()) for k, v in state.items()}, strict=False)
    assert result.missing_keys == expected.missing_keys == ["norm.running_var"]
    assert result.unexpected_keys == expected.unexpected_keys == ["extra"]
    assert repr(ours.load_state_dict(ours.state_dict())) == "<All keys matched successfully>"
    with pytest.raises(RuntimeError, match="Missing key"):
        ours.load_state_dict(state)


def test_to_dtype_device_and_tensor_forms() -> None:
    model = _model(nn)
    parameter = model.conv.weight
    assert model.to(mt.float64) is model and parameter.dtype == mt.float64
    assert model.norm.running_mean.dtype == mt.float64
    assert model.norm.num_batches_tracked.dtype == mt.int64  # not floating: unchanged
    model.float()
    assert model.conv.weight is parameter and parameter.dtype == mt.float32
    model.to("cpu", mt.float64)
    assert parameter.dtype == mt.float64
    model.to(device="cpu", dtype=mt.float32)
    assert parameter.dtype == mt.float32
    model.to(mt.zeros(1, dtype=mt.float64))
    assert parameter.dtype == mt.float64
    model.double()(mt.ones(1, 1, 4, 4, dtype=mt.float64))
    with pytest.raises(AssertionError, match="CUDA"):
        model.to("cuda:0")
    with pytest.raises(RuntimeError, match="device type"):
        model.to("gpu")
    with pytest.raises(TypeError):
        model.to(mt.int64)


@pytest.mark.torch
def test_data_parallel_is_transparent() -> None:
    torch = _torch()
    inner = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    wrapped = nn.parallel.DataParallel(inner)
    assert wrapped.module is inner
    assert list(wrapped.state_dict()) == [f"module.{k}" for k in inner.state_dict()]
    x = mt.randn(5, 3)
    np.testing.assert_array_equal(wrapped(x).detach().numpy(), inner(x).detach().numpy())
    theirs = torch.nn.parallel.DataParallel(
        torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2)))
    assert list(theirs.state_dict()) == list(wrapped.state_dict())
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in wrapped.state_dict().items()})
    np.testing.assert_allclose(wrapped(x).detach().numpy(),
                               theirs(torch.tensor(x.numpy())).detach().numpy(), rtol=1e-6)
    assert repr(wrapped) == repr(theirs)


@pytest.mark.torch
def test_containers_behave_like_pytorch_containers() -> None:
    torch = _torch()
    results = []
    for n, lib in ((nn, mt), (torch.nn, torch)):
        layers = n.ModuleList([n.Linear(2, 2) for _ in range(3)])
        layers.append(n.ReLU())
        layers.insert(1, n.Tanh())
        del layers[0]
        layers += [n.Sigmoid()]
        popped = layers.pop(2)
        sliced = layers[1:3]
        table = n.ModuleDict({"b": n.ReLU(), "a": n.Tanh()})
        table["c"] = n.Linear(1, 1)
        table.update([("d", n.GELU())])
        removed = table.pop("b")
        params = n.ParameterList([lib.zeros(2), n.Parameter(lib.ones(3))])
        params.append(lib.ones(1))
        named = n.ParameterDict({"x": lib.zeros(2)})
        named["y"] = lib.ones(1)
        holder = n.Module()
        holder.layers, holder.table, holder.params, holder.named = layers, table, params, named
        results.append((
            [type(m).__name__ for m in layers], type(popped).__name__, type(sliced).__name__,
            len(sliced), list(table.keys()), type(removed).__name__, "c" in table,
            [tuple(p.shape) for p in params], type(params[0]).__name__,
            sorted(named.keys()), [k for k, _ in holder.named_parameters()],
            list(holder.state_dict()), repr(layers),
        ))
    assert results[0] == results[1]


def test_containers_index_errors() -> None:
    layers = nn.ModuleList([nn.ReLU()])
    with pytest.raises(IndexError):
        layers[3]
    with pytest.raises(TypeError):
        layers["a"]
    assert layers[-1] is layers[0]
    with pytest.raises(KeyError):
        nn.ModuleDict()["missing"]
