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
tnn = torch.nn

import microtensor as mt  # noqa: E402 (after the skip)
import microtensor.nn.functional as F  # noqa: E402, N812
from models.alexnet import AlexNet  # noqa: E402
from models.lenet import LeNet5  # noqa: E402
from models.resnet import resnet18, resnet50  # noqa: E402
from models.vgg import CONFIG_D, VGG, make_layers  # noqa: E402

pytestmark = pytest.mark.torch


class TorchLeNet5(tnn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv1, self.conv2 = tnn.Conv2d(1, 6, 5), tnn.Conv2d(6, 16, 5)
        self.fc1, self.fc2, self.fc3 = tnn.Linear(400, 120), tnn.Linear(120, 84), tnn.Linear(84, 10)

    def forward(self, x: Any) -> Any:
        x = torch.nn.functional.max_pool2d(torch.relu(self.conv1(x)), 2)
        x = torch.nn.functional.max_pool2d(torch.relu(self.conv2(x)), 2)
        x = torch.relu(self.fc1(torch.flatten(x, 1)))
        return self.fc3(torch.relu(self.fc2(x)))


def conv3x3(i: int, o: int, stride: int = 1) -> Any:
    return tnn.Conv2d(i, o, 3, stride=stride, padding=1, bias=False)


def conv1x1(i: int, o: int, stride: int = 1) -> Any:
    return tnn.Conv2d(i, o, 1, stride=stride, bias=False)


class TorchBasicBlock(tnn.Module):
    expansion = 1

    def __init__(self, inplanes: int, planes: int, stride: int = 1, downsample: Any = None):
        super().__init__()
        self.conv1, self.bn1 = conv3x3(inplanes, planes, stride), tnn.BatchNorm2d(planes)
        self.relu = tnn.ReLU(inplace=True)
        self.conv2, self.bn2 = conv3x3(planes, planes), tnn.BatchNorm2d(planes)
        self.downsample, self.stride = downsample, stride

    def forward(self, x: Any) -> Any:
        identity = x
        out = self.bn2(self.conv2(self.relu(self.bn1(self.conv1(x)))))
        if self.downsample is not None:
            identity = self.downsample(x)
        return self.relu(out + identity)


class TorchBottleneck(tnn.Module):
    expansion = 4

    def __init__(self, inplanes: int, planes: int, stride: int = 1, downsample: Any = None):
        super().__init__()
        self.conv1, self.bn1 = conv1x1(inplanes, planes), tnn.BatchNorm2d(planes)
        self.conv2, self.bn2 = conv3x3(planes, planes, stride), tnn.BatchNorm2d(planes)
        self.conv3, self.bn3 = conv1x1(planes, planes * 4), tnn.BatchNorm2d(planes * 4)
        self.relu = tnn.ReLU(inplace=True)
        self.downsample, self.stride = downsample, stride

    def forward(self, x: Any) -> Any:
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        return self.relu(out + identity)


class TorchResNet(tnn.Module):
    def __init__(self, block: Any, layers: list[int], num_classes: int = 1000) -> None:
        super().__init__()
        self.inplanes = 64
        self.conv1 = tnn.Conv2d(3, 64, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1, self.relu = tnn.BatchNorm2d(64), tnn.ReLU(inplace=True)
        self.maxpool = tnn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, 64, layers[0])
        self.layer2 = self._make_layer(block, 128, layers[1], stride=2)
        self.layer3 = self._make_layer(block, 256, layers[2], stride=2)
        self.layer4 = self._make_layer(block, 512, layers[3], stride=2)
        self.avgpool = tnn.AdaptiveAvgPool2d((1, 1))
        self.fc = tnn.Linear(512 * block.expansion, num_classes)
        for m in self.modules():
            if isinstance(m, tnn.Conv2d):
                tnn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, tnn.BatchNorm2d):
                tnn.init.constant_(m.weight, 1)
                tnn.init.constant_(m.bias, 0)

    def _make_layer(self, block: Any, planes: int, blocks: int, stride: int = 1) -> Any:
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = tnn.Sequential(conv1x1(self.inplanes, planes * block.expansion, stride),
                                        tnn.BatchNorm2d(planes * block.expansion))  # fmt: skip
        layers = [block(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes * block.expansion
        layers += [block(self.inplanes, planes) for _ in range(1, blocks)]
        return tnn.Sequential(*layers)

    def forward(self, x: Any) -> Any:
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


def torch_alexnet() -> Any:
    r = lambda: tnn.ReLU(inplace=True)  # noqa: E731
    return tnn.ModuleDict(dict(
        features=tnn.Sequential(
            tnn.Conv2d(3, 64, 11, stride=4, padding=2), r(), tnn.MaxPool2d(3, 2),
            tnn.Conv2d(64, 192, 5, padding=2), r(), tnn.MaxPool2d(3, 2),
            tnn.Conv2d(192, 384, 3, padding=1), r(), tnn.Conv2d(384, 256, 3, padding=1), r(),
            tnn.Conv2d(256, 256, 3, padding=1), r(), tnn.MaxPool2d(3, 2)),
        avgpool=tnn.AdaptiveAvgPool2d((6, 6)),
        classifier=tnn.Sequential(
            tnn.Dropout(), tnn.Linear(9216, 4096), r(), tnn.Dropout(), tnn.Linear(4096, 4096),
            r(), tnn.Linear(4096, 1000)),
    ))  # fmt: skip


def torch_vgg16() -> Any:
    layers, channels = [], 3
    for v in CONFIG_D:
        if v == "M":
            layers.append(tnn.MaxPool2d(2, 2))
        else:
            layers += [tnn.Conv2d(channels, int(v), 3, padding=1), tnn.ReLU(inplace=True)]
            channels = int(v)
    return tnn.ModuleDict(dict(
        features=tnn.Sequential(*layers), avgpool=tnn.AdaptiveAvgPool2d((7, 7)),
        classifier=tnn.Sequential(
            tnn.Linear(25088, 4096), tnn.ReLU(True), tnn.Dropout(), tnn.Linear(4096, 4096),
            tnn.ReLU(True), tnn.Dropout(), tnn.Linear(4096, 1000)),
    ))  # fmt: skip


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


def torch_forward(model: Any, x: Any) -> Any:  # torchvision's AlexNet.forward and VGG.forward
    x = model["avgpool"](model["features"](x))
    return model["classifier"](torch.flatten(x, 1))


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
