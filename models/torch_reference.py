"""The model zoo written with ``torch.nn``: the reference layouts it is compared against.

torchvision cannot be installed beside the torch wheel on this machine, so its layouts
are written here (the same module names, order, shapes, initialisation and forward as
torchvision's ``alexnet``, ``vgg16``, ``resnet18`` and ``resnet50``; LeNet-5 is PyTorch's
tutorial Net). Used by the torch-marked agreement tests (tests/test_zoo_torch.py) and by
``benchmarks/model_zoo.py``. Importing this module needs PyTorch.
"""

from __future__ import annotations

from typing import Any

import torch

from models.vgg import CONFIG_D

tnn = torch.nn


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


def torch_forward(model: Any, x: Any) -> Any:  # torchvision's AlexNet.forward and VGG.forward
    x = model["avgpool"](model["features"](x))
    return model["classifier"](torch.flatten(x, 1))
