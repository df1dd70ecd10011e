"""The model zoo against PyTorch: the same state_dict keys and shapes as torchvision's
layouts (loading with ``strict=True`` both ways), and, with the same weights, the same
logits and parameter gradients, in train mode (BatchNorm's batch statistics, running
statistics updated alike) and in eval mode.

torchvision cannot be installed beside this torch, so its reference layouts are written
here with ``torch.nn`` (the same module names, order, shapes and forward as torchvision's
``alexnet``, ``vgg16``, ``resnet18`` and ``resnet50``; LeNet-5 is PyTorch's tutorial Net).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="PyTorch is not installed")

import microtensor as mt  # noqa: E402 (after the skip)
import microtensor.nn.functional as F  # noqa: E402, N812
from models.alexnet import AlexNet  # noqa: E402
from models.lenet import LeNet5  # noqa: E402
from models.resnet import resnet18, resnet50  # noqa: E402
from models.torch_reference import (  # noqa: E402
    TorchBasicBlock,
    TorchBottleneck,
    TorchLeNet5,
    TorchResNet,
    torch_alexnet,
    torch_forward,
    torch_vgg16,
)
from models.vgg import CONFIG_D, VGG, make_layers  # noqa: E402

pytestmark = pytest.mark.torch


def layout(state: dict[str, Any]) -> list[tuple[str, tuple[int, ...]]]:
    return [(key, tuple(value.shape)) for key, value in state.items()]


def to_numpy(state: dict[str, Any]) -> dict[str, np.ndarray]:
    return {k: v.detach().numpy().copy() for k, v in state.items()}


def check_loads_both_ways(ours: Any, theirs: Any) -> None:
    """Same keys, order and shapes; each loads the other's state_dict with strict=True."""
    assert layout(ours.state_dict()) == layout(theirs.state_dict())
    ours.load_state_dict({k: mt.tensor(v) for k, v in to_numpy(theirs.state_dict()).items()})
    for key, value in to_numpy(ours.state_dict()).items():
        np.testing.assert_array_equal(value, theirs.state_dict()[key].numpy(), err_msg=key)
    theirs.load_state_dict({k: torch.from_numpy(v) for k, v in to_numpy(ours.state_dict()).items()})


NETWORKS: dict[str, tuple[Callable[[], Any], Callable[[], Any]]] = {
    "lenet5": (lambda: LeNet5(), TorchLeNet5),
    "resnet18": (lambda: resnet18(10), lambda: TorchResNet(TorchBasicBlock, [2, 2, 2, 2], 10)),
    "resnet50": (lambda: resnet50(), lambda: TorchResNet(TorchBottleneck, [3, 4, 6, 3])),
}


@pytest.mark.parametrize("name", ["lenet5", "resnet18",
                                  pytest.param("resnet50", marks=pytest.mark.slow)])
def test_state_dicts_have_torchvisions_layout_and_load_strictly_both_ways(name: str) -> None:
    ours, theirs = (build() for build in NETWORKS[name])
    check_loads_both_ways(ours, theirs)


@pytest.mark.slow
@pytest.mark.parametrize(("ours", "theirs", "size"), [
    (lambda: AlexNet(), torch_alexnet, 100),  # features end 2 x 2: avgpool spreads to 6 x 6
    (lambda: VGG(make_layers(CONFIG_D), init_weights=False), torch_vgg16, 32),  # 1 x 1 to 7 x 7
])  # fmt: skip
def test_alexnet_and_vgg16_have_torchvisions_layout_and_eval_logits(
    ours: Any, theirs: Any, size: int
) -> None:
    model, reference = ours(), theirs()
    check_loads_both_ways(model, reference)
    x = np.random.default_rng(0).standard_normal((1, 3, size, size)).astype(np.float32)
    with mt.no_grad(), torch.no_grad():
        logits = model.eval()(mt.tensor(x)).numpy()
        expected = torch_forward(reference.eval(), torch.from_numpy(x)).numpy()
    assert relative_error(logits, expected) <= 1e-5


def relative_error(ours: np.ndarray, theirs: np.ndarray) -> float:
    """max |ours - theirs| / max |theirs| over a whole tensor."""
    return float(np.abs(ours - theirs).max() / max(np.abs(theirs).max(), 1e-300))


BATCHES = {"lenet5": (4, 1, 32, 32), "resnet18": (2, 3, 64, 64)}


def outputs(name: str, library: Any, dtype: str, weights: dict[str, np.ndarray]) -> dict[str, Any]:
    """With ``weights``: the logits of a batch in train mode (BatchNorm's batch statistics),
    the gradient of the cross-entropy for every parameter, the running statistics that
    forward updated, and the logits in eval mode; all as float64 arrays, by name."""
    ours, theirs = NETWORKS[name]
    model = ours() if library is mt else theirs()
    model = model.double() if dtype == "float64" else model
    as_tensor = mt.tensor if library is mt else torch.from_numpy
    cast = {k: v.astype(dtype) if v.dtype.kind == "f" else v for k, v in weights.items()}
    model.load_state_dict({k: as_tensor(v) for k, v in cast.items()})
    rng = np.random.default_rng(1)
    x = as_tensor(rng.standard_normal(BATCHES[name]).astype(dtype))
    target = as_tensor(rng.integers(0, 10, BATCHES[name][0]))
    cross_entropy = F.cross_entropy if library is mt else torch.nn.functional.cross_entropy
    logits = model(x)
    cross_entropy(logits, target).backward()
    arrays = {"logits": logits.detach().numpy()}
    arrays.update({k: p.grad.numpy() for k, p in model.named_parameters()})
    arrays.update({k: b.numpy() for k, b in model.named_buffers()})
    model.eval()
    with library.no_grad():
        arrays["eval logits"] = model(x).numpy()
    return {key: value.astype(np.float64) for key, value in arrays.items()}


def worst(ours: dict[str, Any], theirs: dict[str, Any]) -> tuple[str, float]:
    """The tensor where ``ours`` and ``theirs`` differ most (relative), and by how much."""
    assert list(ours) == list(theirs)  # the same parameters and buffers, in the same order
    errors = {key: relative_error(ours[key], theirs[key]) for key in ours}
    key = max(errors, key=errors.__getitem__)
    return key, errors[key]


@pytest.fixture(scope="module", params=["lenet5", "resnet18"])
def network(request: Any) -> tuple[str, dict[str, np.ndarray], dict[str, Any]]:
    """A network's name, torch's float32 initial weights, and PyTorch's float64 outputs."""
    torch.manual_seed(0)
    weights = to_numpy(NETWORKS[request.param][1]().state_dict())
    return request.param, weights, outputs(request.param, torch, "float64", weights)


def test_float64_logits_gradients_and_running_statistics_agree_to_1e_10(network: Any) -> None:
    name, weights, exact = network
    key, error = worst(outputs(name, mt, "float64", weights), exact)
    print(f"{name} float64: worst {key} {error:.2e}")
    assert error <= 1e-10, f"{name} float64: {key} differs by {error:.3g} (relative)"


def test_float32_agrees_as_closely_as_float32_rounding_allows(network: Any) -> None:
    """1e-5 relative; or, where PyTorch's own float32 result is further than half that from
    the float64 one (rounding amplified by BatchNorm over few values), twice that distance."""
    name, weights, exact = network
    ours, theirs = outputs(name, mt, "float32", weights), outputs(name, torch, "float32", weights)
    key, error = worst(ours, theirs)
    torch_key, torch_error = worst(theirs, exact)
    our_key, our_error = worst(ours, exact)
    print(f"{name} float32: worst vs PyTorch {key} {error:.2e}; from float64: ours {our_key} "
          f"{our_error:.2e}, PyTorch's {torch_key} {torch_error:.2e}")  # fmt: skip
    assert error <= max(1e-5, 2 * torch_error), f"{name} float32: {key} differs by {error:.3g}"
    assert our_error <= max(1e-5, 2 * torch_error)
