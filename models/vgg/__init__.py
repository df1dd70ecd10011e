"""VGG-16 (configuration D of Simonyan and Zisserman) in torchvision's layout, for
3x224x224 images.

    features:   13 x [Conv2d(c_in, c, 3, padding 1), ReLU], with MaxPool2d(2, 2) after
                convs 2, 4, 7, 10 and 13; c = 64 64 | 128 128 | 256 256 256 | 512 512 512
                | 512 512 512 (``CONFIG_D``); 31 modules, numbered 0..30 as torchvision's
    avgpool:    AdaptiveAvgPool2d((7, 7))
    classifier: 0 Linear(25088, 4096)  1 ReLU  2 Dropout  3 Linear(4096, 4096)  4 ReLU
                5 Dropout  6 Linear(4096, num_classes)

Shapes for a batch of N images: (N, 3, 224, 224) -> block 1 (N, 64, 112, 112) -> block 2
(N, 128, 56, 56) -> block 3 (N, 256, 28, 28) -> block 4 (N, 512, 14, 14) -> block 5
(N, 512, 7, 7) -> avgpool (N, 512, 7, 7) -> flatten (N, 25088) -> (N, 4096) -> (N, 4096)
-> logits (N, num_classes). Every conv keeps the size (3x3, padding 1); every pool halves it.

Parameters for 1000 classes: a conv c_in -> c has 9 c_in c + c, so the convs hold
1,792 + 36,928 | 73,856 + 147,584 | 295,168 + 2 x 590,080 | 1,180,160 + 2 x 2,359,808 |
3 x 2,359,808 = 14,714,688; the linears 102,764,544 + 16,781,312 + 4,097,000 =
123,642,856 (the first alone, 25088 * 4096 + 4096, is 74% of the network); in all
138,357,544. Initialisation as torchvision's: convs ``kaiming_normal_(mode="fan_out",
nonlinearity="relu")`` with zero bias, linears N(0, 0.01^2) with zero bias. The names are
torchvision's (``features.28.weight``, ``classifier.6.bias``), so its state_dict loads
with ``strict=True``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

import microtensor as mt
from microtensor import nn

# Output channels of each conv, "M" for a 2x2 max-pool (torchvision's cfgs["D"]).
CONFIG_D: tuple[int | str, ...] = (
    64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M",
)  # fmt: skip


def make_layers(
    config: Sequence[int | str], *, generator: np.random.Generator | None = None
) -> nn.Sequential:
    """The ``features`` Sequential of ``config``: Conv2d(3x3, padding 1) + ReLU per number,
    MaxPool2d(2, 2) per "M", starting from 3 channels."""
    layers: list[nn.Module] = []
    channels = 3
    for entry in config:
        if entry == "M":
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
        else:
            width = int(entry)
            layers += [
                nn.Conv2d(channels, width, kernel_size=3, padding=1, generator=generator),
                nn.ReLU(inplace=True),
            ]
            channels = width
    return nn.Sequential(*layers)


class VGG(nn.Module):
    """VGG: a stack of 3x3 convolutions and max-pools, then three fully connected layers.

    Args:
        features: the convolutional part (``make_layers``), ending with 512 channels.
        num_classes: number of output classes (1000 for ImageNet).
        init_weights: torchvision's initialisation (see the module docstring); PyTorch's
            layer defaults when False.
        dropout: the dropout probability after the first two linear layers.
        generator: draws the initial weights and the dropout masks; the default
            generator (``mt.manual_seed``) when None.
    """

    def __init__(
        self, features: nn.Module, num_classes: int = 1000, init_weights: bool = True,
        dropout: float = 0.5, *, generator: np.random.Generator | None = None,
    ) -> None:
        super().__init__()
        g = generator
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096, generator=g),
            nn.ReLU(inplace=True),
            nn.Dropout(p=dropout, generator=g),
            nn.Linear(4096, 4096, generator=g),
            nn.ReLU(inplace=True),
            nn.Dropout(p=dropout, generator=g),
            nn.Linear(4096, num_classes, generator=g),
        )
        if init_weights:
            for module in self.modules():
                if isinstance(module, nn.Conv2d):
                    nn.init.kaiming_normal_(
                        module.weight, mode="fan_out", nonlinearity="relu", generator=g
                    )
                    if module.bias is not None:
                        nn.init.constant_(module.bias, 0)
                elif isinstance(module, nn.Linear):
                    nn.init.normal_(module.weight, 0, 0.01, generator=g)
                    nn.init.constant_(module.bias, 0)

    def forward(self, x: mt.Tensor) -> mt.Tensor:
        """Images (N, 3, H, W), H and W at least 32, to logits (N, num_classes)."""
        x = self.features(x)
        x = self.avgpool(x)
        x = mt.flatten(x, 1)
        return self.classifier(x)


def vgg16(num_classes: int = 1000, *, generator: np.random.Generator | None = None) -> VGG:
    """torchvision's ``vgg16()`` without pretrained weights: configuration D, no BatchNorm."""
    return VGG(make_layers(CONFIG_D, generator=generator), num_classes, generator=generator)
