"""nn.Module and the layers: registration, names and order, state dicts, modes, repr,
shapes, parameter counts, default initialisation and nn.init."""

from __future__ import annotations

import copy
import math
from collections import OrderedDict

import numpy as np
import pytest

import microtensor as mt
from microtensor import nn


def tiny_cnn() -> nn.Sequential:
    """The seed's TinyCNN: 1x8x8 -> conv 3@3x3 -> relu -> pool 2 -> 27 -> 3 (114 params)."""
    return nn.Sequential(
        nn.Conv2d(1, 3, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(27, 3)
    )


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(4, 5), nn.ReLU(), nn.Linear(5, 6))
        self.head = nn.Linear(6, 2)
        self.scale = nn.Parameter(mt.ones(2))
        self.note = "not registered"

    def forward(self, x: mt.Tensor) -> mt.Tensor:
        return self.head(self.encoder(x)) * self.scale


def arrays(module: nn.Module) -> dict[str, np.ndarray]:
    return {name: p.data.numpy().copy() for name, p in module.named_parameters()}


# ----- registration, names, order ------------------------------------------------------
def test_named_parameters_use_pytorch_dotted_names_own_parameters_first() -> None:
    names = [name for name, _ in Net().named_parameters()]
    # As PyTorch: a module's own parameters, then each child's, depth first.
    assert names == [
        "scale",
        "encoder.0.weight", "encoder.0.bias", "encoder.2.weight", "encoder.2.bias",
        "head.weight", "head.bias",
    ]  # fmt: skip


def test_parameters_are_the_registered_objects_in_order() -> None:
    net = Net()
    params = list(net.parameters())
    assert params[0] is net.scale
    assert params[1] is net.encoder[0].weight
    assert all(isinstance(p, nn.Parameter) and p.requires_grad for p in params)
    assert "note" not in dict(net.named_parameters())


def test_children_modules_and_named_modules() -> None:
    net = Net()
    assert list(net.children()) == [net.encoder, net.head]
    assert [name for name, _ in net.named_modules()] == [
        "", "encoder", "encoder.0", "encoder.1", "encoder.2", "head",
    ]  # fmt: skip
    assert len(list(net.modules())) == 6


def test_shared_parameter_is_listed_once_but_saved_under_each_name() -> None:
    a = nn.Linear(3, 3)
    b = nn.Linear(3, 3)
    b.weight = a.weight
    seq = nn.Sequential(a, b)
    assert [n for n, _ in seq.named_parameters()] == ["0.weight", "0.bias", "1.bias"]
    assert list(seq.state_dict()) == ["0.weight", "0.bias", "1.weight", "1.bias"]


def test_reassignment_moves_or_rejects() -> None:
    lin = nn.Linear(2, 3)
    with pytest.raises(TypeError, match="cannot assign 'Tensor' as parameter 'weight'"):
        lin.weight = mt.zeros(3, 2)  # a plain Tensor is not a Parameter
    lin.bias = None
    assert [n for n, _ in lin.named_parameters()] == ["weight"]
    assert lin(mt.ones(1, 2)).shape == (1, 3)
    del lin.weight
    assert list(lin.parameters()) == []
    with pytest.raises(AttributeError, match="'Linear' object has no attribute 'weight'"):
        _ = lin.weight


def test_assigning_before_init_is_a_clear_error() -> None:
    class Forgetful(nn.Module):
        def __init__(self) -> None:
            self.w = nn.Parameter(mt.zeros(1))

    with pytest.raises(AttributeError, match=r"before Module.__init__\(\) call"):
        Forgetful()


def test_buffers_are_state_but_not_parameters() -> None:
    module = nn.Linear(2, 2)
    module.register_buffer("running", mt.zeros(2))
    module.register_buffer("scratch", mt.zeros(2), persistent=False)
    assert [n for n, _ in module.named_parameters()] == ["weight", "bias"]
    assert [n for n, _ in module.named_buffers()] == ["running", "scratch"]
    assert list(module.state_dict()) == ["weight", "bias", "running"]
    with pytest.raises(KeyError, match="already exists"):
        module.register_buffer("weight", mt.zeros(2))


def test_forward_must_be_written() -> None:
    with pytest.raises(NotImplementedError, match='missing the required "forward"'):
        nn.Module()(mt.zeros(1))


# ----- state dicts ----------------------------------------------------------------------
def test_state_dict_is_an_ordered_dict_of_detached_tensors_sharing_memory() -> None:
    net = Net()
    state = net.state_dict()
    assert isinstance(state, OrderedDict)
    assert list(state) == [name for name, _ in net.named_parameters()]
    for name, value in state.items():
        assert type(value) is mt.Tensor and not value.requires_grad and value.grad_fn is None
        assert np.shares_memory(value.data, dict(net.named_parameters())[name].data)


def test_state_dict_round_trip_copies_values_into_the_same_parameters() -> None:
    mt.manual_seed(1)
    source, target = Net(), Net()
    weight_before = target.head.weight
    x = mt.randn(3, 4)
    assert not np.allclose(source(x).detach().numpy(), target(x).detach().numpy())
    result = target.load_state_dict(source.state_dict())
    assert repr(result) == "<All keys matched successfully>"
    assert target.head.weight is weight_before  # copied in place
    np.testing.assert_array_equal(source(x).detach().numpy(), target(x).detach().numpy())
    source.head.weight.data += 1  # the copy does not alias the source
    assert not np.array_equal(source.head.weight.data, target.head.weight.data)


def test_load_state_dict_casts_to_the_parameter_dtype_and_takes_arrays() -> None:
    lin = nn.Linear(2, 2)
    state = {
        "weight": np.arange(4.0).reshape(2, 2),
        "bias": mt.tensor([1.0, 2.0], dtype=mt.float64),
    }
    lin.load_state_dict(state)
    assert lin.weight.dtype == np.float32 and lin.bias.dtype == np.float32
    np.testing.assert_array_equal(lin.weight.data, [[0, 1], [2, 3]])


def test_strict_load_lists_missing_unexpected_and_mismatched_keys_and_copies_nothing() -> None:
    net = Net()
    before = arrays(net)
    state = net.state_dict()
    del state["head.bias"], state["scale"]
    state["head.extra"] = mt.zeros(1)
    state["encoder.0.weight"] = mt.zeros(4, 5)  # transposed shape
    state["head.weight"] = mt.ones(2, 6) * 7  # valid, but must not be copied either
    with pytest.raises(RuntimeError) as info:
        net.load_state_dict(state)
    message = str(info.value)
    assert "Error(s) in loading state_dict for Net" in message
    assert 'Missing key(s) in state_dict: "scale", "head.bias"' in message
    assert 'Unexpected key(s) in state_dict: "head.extra"' in message
    assert "size mismatch for encoder.0.weight: copying a param with shape (4, 5)" in message
    assert "the shape in current model is (5, 4)" in message
    for name, value in arrays(net).items():
        np.testing.assert_array_equal(value, before[name])


def test_non_strict_load_reports_keys_but_still_rejects_shape_mismatch() -> None:
    lin = nn.Linear(2, 3)
    result = lin.load_state_dict({"weight": mt.ones(3, 2), "other": mt.ones(1)}, strict=False)
    assert result.missing_keys == ["bias"] and result.unexpected_keys == ["other"]
    np.testing.assert_array_equal(lin.weight.data, np.ones((3, 2)))
    with pytest.raises(RuntimeError, match="size mismatch for weight"):
        lin.load_state_dict({"weight": mt.ones(2, 3)}, strict=False)
    with pytest.raises(RuntimeError, match='parameter named "bias", expected a Tensor'):
        lin.load_state_dict({"weight": mt.ones(3, 2), "bias": [1.0, 2.0, 3.0]})


# ----- modes, gradients, dtype, copies --------------------------------------------------
def test_train_and_eval_set_every_submodule_and_return_self() -> None:
    net = Net()
    assert net.training and net.encoder[1].training
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    assert net.train() is net
    assert all(m.training for m in net.modules())
    net.encoder.train(False)
    assert net.training and not net.encoder[0].training
    with pytest.raises(ValueError, match="training mode is expected to be boolean"):
        net.train("no")  # type: ignore[arg-type]


def test_zero_grad_sets_none_or_new_zeros_without_touching_old_gradients() -> None:
    net = Net()
    net(mt.randn(2, 4)).sum().backward()
    old = net.head.weight.grad
    old_values = old.data.numpy().copy()
    net.zero_grad(set_to_none=False)
    assert net.head.weight.grad is not old
    np.testing.assert_array_equal(net.head.weight.grad.data, 0)
    np.testing.assert_array_equal(old.data, old_values)  # never zeroed in place
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())


def test_to_float64_converts_in_place_keeping_parameter_objects() -> None:
    net = Net()
    weight = net.head.weight
    before = weight.data.numpy().copy()
    assert net.to(mt.float64) is net
    assert net.head.weight is weight and weight.dtype == np.float64
    np.testing.assert_array_equal(weight.data, before.astype(np.float64))
    assert net(mt.randn(2, 4, dtype=mt.float64)).dtype == np.float64
    assert net.float().head.weight.dtype == np.float32
    with pytest.raises(TypeError, match="only accepts floating point dtypes"):
        net.to(mt.int64)


def test_deepcopy_gives_independent_parameters() -> None:
    net = Net()
    twin = copy.deepcopy(net)
    twin.head.weight.data += 1
    assert not np.array_equal(twin.head.weight.data, net.head.weight.data)
    assert [n for n, _ in twin.named_parameters()] == [n for n, _ in net.named_parameters()]


def test_apply_visits_children_then_self() -> None:
    seen: list[str] = []
    Net().apply(lambda m: seen.append(type(m).__name__))
    assert seen == ["Linear", "ReLU", "Linear", "Sequential", "Linear", "Net"]


# ----- repr --------------------------------------------------------------------------------
def test_repr_matches_pytorch_layout() -> None:
    assert repr(tiny_cnn()) == (
        "Sequential(\n"
        "  (0): Conv2d(1, 3, kernel_size=(3, 3), stride=(1, 1))\n"
        "  (1): ReLU()\n"
        "  (2): MaxPool2d(kernel_size=2, stride=2, padding=0)\n"
        "  (3): Flatten(start_dim=1, end_dim=-1)\n"
        "  (4): Linear(in_features=27, out_features=3, bias=True)\n"
        ")"
    )
    assert repr(Net()) == (
        "Net(\n"
        "  (encoder): Sequential(\n"
        "    (0): Linear(in_features=4, out_features=5, bias=True)\n"
        "    (1): ReLU()\n"
        "    (2): Linear(in_features=5, out_features=6, bias=True)\n"
        "  )\n"
        "  (head): Linear(in_features=6, out_features=2, bias=True)\n"
        ")"
    )
    conv = nn.Conv2d(2, 4, (3, 5), stride=2, padding=1, bias=False)
    assert repr(conv) == (
        "Conv2d(2, 4, kernel_size=(3, 5), stride=(2, 2), padding=(1, 1), bias=False)"
    )
    assert repr(nn.CrossEntropyLoss()) == "CrossEntropyLoss()"
    assert repr(nn.Parameter(mt.zeros(1))).startswith("Parameter containing:\ntensor(")


# ----- layers: shapes, counts ------------------------------------------------------------
def test_linear_refuses_non_tensor_weight_and_bias_as_pytorch() -> None:
    x, w = mt.randn(2, 3), mt.randn(4, 3)
    with pytest.raises(TypeError, match=r"'weight' \(position 2\) must be Tensor, not ndarray"):
        nn.functional.linear(x, w.numpy())
    with pytest.raises(TypeError, match=r"'bias' \(position 3\) must be Tensor, not float"):
        nn.functional.linear(x, w, 1.0)


def test_linear_layout_and_shapes() -> None:
    lin = nn.Linear(4, 3)
    assert lin.weight.shape == (3, 4) and lin.bias.shape == (3,)
    x = mt.randn(2, 5, 4)
    out = lin(x)
    assert out.shape == (2, 5, 3)
    expected = x.data @ lin.weight.data.T + lin.bias.data
    np.testing.assert_allclose(out.detach().numpy(), expected, rtol=1e-6)
    with pytest.raises(RuntimeError, match="linear"):
        lin(mt.randn(2, 5))


def test_tiny_cnn_has_114_parameters_in_pytorch_layout() -> None:
    model = tiny_cnn()
    shapes = {name: p.shape for name, p in model.named_parameters()}
    assert shapes == {"0.weight": (3, 1, 3, 3), "0.bias": (3,), "4.weight": (3, 27), "4.bias": (3,)}
    assert sum(p.numel() for p in model.parameters()) == 114  # 3*9 + 3 + 27*3 + 3


def test_tiny_cnn_output_shapes_layer_by_layer() -> None:
    model = tiny_cnn()
    x = mt.randn(5, 1, 8, 8)
    shapes = []
    for layer in model:
        x = layer(x)
        shapes.append(x.shape)
    assert shapes == [(5, 3, 6, 6), (5, 3, 6, 6), (5, 3, 3, 3), (5, 27), (5, 3)]


@pytest.mark.parametrize(
    ("size", "kernel", "stride", "padding", "expected"),
    [(8, 3, 1, 0, 6), (8, 3, 1, 1, 8), (9, 3, 2, 0, 4), (7, (3, 1), (2, 1), (1, 0), (4, 7))],
)
def test_conv2d_output_size_formula(size, kernel, stride, padding, expected) -> None:
    conv = nn.Conv2d(2, 4, kernel, stride=stride, padding=padding)
    out = conv(mt.randn(1, 2, size, size))
    height, width = expected if isinstance(expected, tuple) else (expected, expected)
    assert out.shape == (1, 4, height, width)  # floor((W - K + 2P) / S) + 1


def test_maxpool_and_flatten() -> None:
    x = mt.arange(32.0).reshape(1, 2, 4, 4)
    pooled = nn.MaxPool2d(2)(x)
    assert pooled.shape == (1, 2, 2, 2)
    np.testing.assert_array_equal(pooled.numpy()[0, 0], [[5, 7], [13, 15]])
    assert nn.MaxPool2d(2, stride=1)(x).shape == (1, 2, 3, 3)
    assert nn.Flatten()(x).shape == (1, 32)
    assert nn.Flatten(0, 1)(x).shape == (2, 4, 4)


def test_relu_and_cross_entropy_loss() -> None:
    np.testing.assert_array_equal(nn.ReLU()(mt.tensor([-1.0, 0.0, 2.0])).numpy(), [0, 0, 2])
    logits = mt.tensor([[2.0, 0.0, -1.0], [0.5, 0.5, 3.0]])
    target = mt.tensor([0, 2])
    log_p = logits.numpy() - np.log(np.exp(logits.numpy()).sum(1, keepdims=True))
    expected = -(log_p[0, 0] + log_p[1, 2]) / 2
    np.testing.assert_allclose(nn.CrossEntropyLoss()(logits, target).item(), expected, rtol=1e-6)
    per_sample = nn.CrossEntropyLoss(reduction="none")(logits, target)
    np.testing.assert_allclose(per_sample.numpy(), [-log_p[0, 0], -log_p[1, 2]], rtol=1e-6)
    with pytest.raises(ValueError, match="not a valid value for reduction"):
        nn.CrossEntropyLoss(reduction="avg")


def test_sequential_indexing_len_iteration_slicing() -> None:
    model = tiny_cnn()
    assert len(model) == 5
    assert isinstance(model[0], nn.Conv2d) and isinstance(model[-1], nn.Linear)
    assert [type(m).__name__ for m in model] == ["Conv2d", "ReLU", "MaxPool2d", "Flatten", "Linear"]
    head = model[3:]
    assert isinstance(head, nn.Sequential) and len(head) == 2
    assert [n for n, _ in head.named_parameters()] == ["4.weight", "4.bias"]
    with pytest.raises(IndexError, match="index 5 is out of range"):
        model[5]
    model[1] = nn.Flatten()
    assert isinstance(model[1], nn.Flatten)
    named = nn.Sequential(OrderedDict(first=nn.Linear(2, 2), act=nn.ReLU()))
    assert [n for n, _ in named.named_parameters()] == ["first.weight", "first.bias"]
    assert len(named.append(nn.Linear(2, 1))) == 3


def test_layer_arguments_are_validated() -> None:
    with pytest.raises(ValueError, match="in_features must be a positive integer"):
        nn.Linear(0, 3)
    with pytest.raises(ValueError, match="kernel_size"):
        nn.Conv2d(1, 3, 0)
    with pytest.raises(TypeError, match="float dtype"):
        nn.Linear(2, 2, dtype=mt.int64)


# ----- default initialisation ------------------------------------------------------------
@pytest.mark.parametrize(
    ("layer", "fan_in"),
    [(lambda: nn.Linear(400, 50), 400), (lambda: nn.Conv2d(8, 16, 3), 72), (tiny_cnn, None)],
)
def test_default_init_is_uniform_within_one_over_sqrt_fan_in(layer, fan_in) -> None:
    mt.manual_seed(0)
    module = layer()
    for name, p in module.named_parameters():
        owner = module if fan_in is not None else module[int(name.split(".")[0])]
        weight = owner.weight
        fan = fan_in or weight.shape[1] * math.prod(weight.shape[2:])
        bound = 1 / math.sqrt(fan)
        values = p.data.numpy()
        assert np.all(np.abs(values) <= bound), name
        if values.size >= 100:  # a uniform sample fills the interval, and is centred
            assert values.max() > 0.9 * bound and values.min() < -0.9 * bound
            assert abs(values.mean()) < 0.1 * bound


def test_init_draws_from_manual_seed_or_an_explicit_generator() -> None:
    mt.manual_seed(42)
    first = nn.Linear(5, 3).weight.data.numpy().copy()
    mt.manual_seed(42)
    np.testing.assert_array_equal(nn.Linear(5, 3).weight.data, first)
    state = mt.default_generator().get_state()
    a = nn.Linear(5, 3, generator=np.random.default_rng(7)).weight.data
    b = nn.Linear(5, 3, generator=np.random.default_rng(7)).weight.data
    np.testing.assert_array_equal(a, b)
    assert mt.default_generator().get_state() == state  # untouched


# ----- nn.init --------------------------------------------------------------------------------
def test_calculate_gain_values() -> None:
    assert nn.init.calculate_gain("linear") == 1 and nn.init.calculate_gain("conv2d") == 1
    assert nn.init.calculate_gain("relu") == math.sqrt(2)
    assert nn.init.calculate_gain("tanh") == 5 / 3
    assert nn.init.calculate_gain("leaky_relu", math.sqrt(5)) == math.sqrt(2 / 6)
    assert nn.init.calculate_gain("leaky_relu") == math.sqrt(2 / (1 + 0.01**2))
    with pytest.raises(ValueError, match="Unsupported nonlinearity gelu"):
        nn.init.calculate_gain("gelu")


def test_initialisers_bounds_and_statistics() -> None:
    rng = np.random.default_rng(0)
    w = mt.zeros(200, 300, dtype=mt.float64)
    nn.init.kaiming_uniform_(w, nonlinearity="relu", generator=rng)
    bound = math.sqrt(2) * math.sqrt(3 / 300)  # gain * sqrt(3 / fan_in)
    assert np.abs(w.data).max() <= bound and np.abs(w.data).max() > 0.99 * bound
    nn.init.kaiming_normal_(w, mode="fan_out", generator=rng)
    expected = math.sqrt(2 / (1 + 0)) / math.sqrt(200)
    np.testing.assert_allclose(w.data.numpy().std(), expected, rtol=0.02)
    nn.init.xavier_uniform_(w, gain=2.0, generator=rng)
    assert np.abs(w.data).max() <= 2.0 * math.sqrt(6 / 500)
    nn.init.xavier_normal_(w, generator=rng)
    np.testing.assert_allclose(w.data.numpy().std(), math.sqrt(2 / 500), rtol=0.02)
    nn.init.normal_(w, mean=3.0, std=0.5, generator=rng)
    np.testing.assert_allclose([w.data.numpy().mean(), w.data.numpy().std()], [3.0, 0.5], rtol=0.01)
    nn.init.uniform_(w, -2.0, -1.0, generator=rng)
    assert w.data.min() >= -2.0 and w.data.max() < -1.0
    # Tensor.all(): np.all(tensor) would call it with NumPy's arguments, as with PyTorch's
    assert nn.init.constant_(w, 0.25) is w and (w.data == 0.25).all()
    assert (nn.init.zeros_(w).data == 0).all() and (nn.init.ones_(w).data == 1).all()


def test_initialisers_reject_what_pytorch_rejects() -> None:
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        nn.init.xavier_uniform_(mt.zeros(5))
    with pytest.raises(ValueError, match="Mode fan_avg not supported"):
        nn.init.kaiming_uniform_(mt.zeros(2, 2), mode="fan_avg")


# ----- against PyTorch ------------------------------------------------------------------------
@pytest.mark.torch
def test_same_weights_give_pytorch_outputs_and_gradients() -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is not installed")
    model = tiny_cnn()
    reference = torch.nn.Sequential(
        torch.nn.Conv2d(1, 3, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(27, 3),
    )  # fmt: skip
    reference.load_state_dict({k: torch.tensor(v.numpy()) for k, v in model.state_dict().items()})
    rng = np.random.default_rng(3)
    x = rng.standard_normal((4, 1, 8, 8)).astype(np.float32)
    y = np.array([0, 1, 2, 1])
    loss = nn.CrossEntropyLoss()(model(mt.tensor(x)), mt.tensor(y))
    loss.backward()
    torch_loss = torch.nn.CrossEntropyLoss()(reference(torch.tensor(x)), torch.tensor(y))
    torch_loss.backward()
    np.testing.assert_allclose(loss.item(), torch_loss.item(), rtol=1e-5)
    for (name, p), (_, q) in zip(
        model.named_parameters(), reference.named_parameters(), strict=True
    ):
        np.testing.assert_allclose(
            p.grad.numpy(), q.grad.numpy(), rtol=1e-4, atol=1e-6, err_msg=name
        )
    assert repr(model).replace(", padding=0)", ", padding=0, dilation=1, ceil_mode=False)") == repr(
        reference
    )
