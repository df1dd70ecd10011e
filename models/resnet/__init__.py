"""ResNet-18 and ResNet-50 (He et al., 2015) in torchvision's layout, for 3x224x224 images.

    conv1 Conv2d(3, 64, 7, stride 2, padding 3, no bias) -> bn1 -> relu
    -> maxpool MaxPool2d(3, stride 2, padding 1)
    -> layer1 .. layer4 (blocks of width 64, 128, 256, 512; the first block of layers 2-4
       has stride 2) -> avgpool AdaptiveAvgPool2d((1, 1)) -> flatten -> fc Linear

A block adds its input to its output before the last ReLU. ``BasicBlock`` (ResNet-18,
expansion 1): conv1 3x3 (stride) -> bn1 -> relu -> conv2 3x3 -> bn2. ``Bottleneck``
(ResNet-50, expansion 4; "v1.5": the stride is on the 3x3): conv1 1x1 -> bn1 -> relu ->
conv2 3x3 (stride) -> bn2 -> relu -> conv3 1x1 to 4 x width -> bn3. Where the shapes of
input and output differ (stride 2, or more channels), the input goes through ``downsample``
= Sequential(Conv2d 1x1 with the stride and no bias, BatchNorm2d) first. Every conv has no
bias (the BatchNorm after it would cancel it).

Shapes for a batch of N images: (N, 3, 224, 224) -> conv1 (N, 64, 112, 112) -> maxpool
(N, 64, 56, 56) -> layer1 (N, 64 e, 56, 56) -> layer2 (N, 128 e, 28, 28) -> layer3
(N, 256 e, 14, 14) -> layer4 (N, 512 e, 7, 7) -> avgpool (N, 512 e, 1, 1) -> fc
(N, num_classes), with e the expansion (1 or 4).

Parameters for 1000 classes (convs c_in * c_out * k * k; a BatchNorm 2 c; fc 512 e * 1000
+ 1000):

    ResNet-18, [2, 2, 2, 2] BasicBlocks: conv1 + bn1 9,536; layer1 147,968; layer2 525,568;
        layer3 2,099,712; layer4 8,393,728; fc 513,000; in all 11,689,512.
    ResNet-50, [3, 4, 6, 3] Bottlenecks: conv1 + bn1 9,536; layer1 215,808; layer2
        1,219,584; layer3 7,098,368; layer4 14,964,736; fc 2,049,000; in all 25,557,032.

Depth, the weight layers on the longest path from input to output: 1 + 2 x 8 + 1 = 18 and
1 + 3 x 16 + 1 = 50 (the 3 and 4 ``downsample`` convs are shortcuts beside a block, not
on that path). Initialisation as torchvision's: convs ``kaiming_normal_(mode="fan_out",
nonlinearity="relu")``, every BatchNorm weight 1 and bias 0, fc PyTorch's Linear default.
Module and parameter names are torchvision's (``layer3.0.downsample.1.running_var``), so
its state_dict loads with ``strict=True``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

import microtensor as mt
from microtensor import nn

Generator = np.random.Generator | None


def conv3x3(
    in_planes: int, out_planes: int, stride: int = 1, *, generator: Generator = None
) -> nn.Conv2d:
    """3x3 convolution with padding 1 and no bias (keeps the size at stride 1)."""
    return nn.Conv2d(
        in_planes, out_planes, 3, stride=stride, padding=1, bias=False, generator=generator
    )


def conv1x1(
    in_planes: int, out_planes: int, stride: int = 1, *, generator: Generator = None
) -> nn.Conv2d:
    """1x1 convolution with no bias: mixes channels (and subsamples at stride 2)."""
    return nn.Conv2d(in_planes, out_planes, 1, stride=stride, bias=False, generator=generator)


class BasicBlock(nn.Module):
    """Two 3x3 convolutions with a skip connection: relu(bn2(conv2(relu(bn1(conv1 x)))) + s),
    s = x or downsample(x). Output channels: ``planes`` (expansion 1)."""

    expansion = 1

    def __init__(
        self, inplanes: int, planes: int, stride: int = 1, downsample: nn.Module | None = None,
        *, generator: Generator = None,
    ) -> None:
        super().__init__()
        self.conv1 = conv3x3(inplanes, planes, stride, generator=generator)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = conv3x3(planes, planes, generator=generator)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x: mt.Tensor) -> mt.Tensor:
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        identity = x if self.downsample is None else self.downsample(x)
        return self.relu(out + identity)


class Bottleneck(nn.Module):
    """1x1 (narrow to ``planes``), 3x3 (with the stride), 1x1 (widen to 4 ``planes``), each
    followed by BatchNorm, plus the skip connection, then ReLU."""

    expansion = 4

    def __init__(
        self, inplanes: int, planes: int, stride: int = 1, downsample: nn.Module | None = None,
        *, generator: Generator = None,
    ) -> None:
        super().__init__()
        width = planes  # torchvision's planes * (base_width / 64) * groups, with 64 and 1
        self.conv1 = conv1x1(inplanes, width, generator=generator)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = conv3x3(width, width, stride, generator=generator)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = conv1x1(width, planes * self.expansion, generator=generator)
        self.bn3 = nn.BatchNorm2d(planes * self.expansion)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x: mt.Tensor) -> mt.Tensor:
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        identity = x if self.downsample is None else self.downsample(x)
        return self.relu(out + identity)


Block = type[BasicBlock] | type[Bottleneck]


class ResNet(nn.Module):
    """A stem (7x7 conv, BatchNorm, ReLU, max-pool), four stages of residual blocks, global
    average pooling and one linear layer.

    Args:
        block: ``BasicBlock`` or ``Bottleneck``.
        layers: blocks per stage ([2, 2, 2, 2] for ResNet-18, [3, 4, 6, 3] for ResNet-50).
        num_classes: number of output classes (1000 for ImageNet).
        generator: draws the initial weights; the default generator (``mt.manual_seed``)
            when None.
    """

    def __init__(
        self, block: Block, layers: Sequence[int], num_classes: int = 1000, *,
        generator: Generator = None,
    ) -> None:
        super().__init__()
        if len(layers) != 4:
            raise ValueError(f"ResNet: layers must give 4 block counts, got {list(layers)}")
        self.inplanes = 64
        self.conv1 = nn.Conv2d(
            3, 64, kernel_size=7, stride=2, padding=3, bias=False, generator=generator
        )
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, 64, layers[0], 1, generator)
        self.layer2 = self._make_layer(block, 128, layers[1], 2, generator)
        self.layer3 = self._make_layer(block, 256, layers[2], 2, generator)
        self.layer4 = self._make_layer(block, 512, layers[3], 2, generator)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(512 * block.expansion, num_classes, generator=generator)
        for module in self.modules():
            if isinstance(module, nn.Conv2d):
                nn.init.kaiming_normal_(
                    module.weight, mode="fan_out", nonlinearity="relu", generator=generator
                )
            elif isinstance(module, nn.BatchNorm2d):
                nn.init.constant_(module.weight, 1)
                nn.init.constant_(module.bias, 0)

    def _make_layer(
        self, block: Block, planes: int, blocks: int, stride: int, generator: Generator
    ) -> nn.Sequential:
        """``blocks`` blocks; the first takes the stride and, where the shape changes, a
        ``downsample`` shortcut."""
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(
                conv1x1(self.inplanes, planes * block.expansion, stride, generator=generator),
                nn.BatchNorm2d(planes * block.expansion),
            )
        layers = [block(self.inplanes, planes, stride, downsample, generator=generator)]
        self.inplanes = planes * block.expansion
        layers += [
            block(self.inplanes, planes, generator=generator) for _ in range(1, blocks)
        ]
        return nn.Sequential(*layers)

    def forward(self, x: mt.Tensor) -> mt.Tensor:
        """Images (N, 3, H, W) to logits (N, num_classes); any H, W of at least 32."""
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        x = mt.flatten(self.avgpool(x), 1)
        return self.fc(x)


def resnet18(num_classes: int = 1000, *, generator: Generator = None) -> ResNet:
    """torchvision's ``resnet18()`` without pretrained weights: BasicBlocks [2, 2, 2, 2]."""
    return ResNet(BasicBlock, [2, 2, 2, 2], num_classes, generator=generator)


def resnet50(num_classes: int = 1000, *, generator: Generator = None) -> ResNet:
    """torchvision's ``resnet50()`` without pretrained weights: Bottlenecks [3, 4, 6, 3]."""
    return ResNet(Bottleneck, [3, 4, 6, 3], num_classes, generator=generator)
