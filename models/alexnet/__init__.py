"""AlexNet in torchvision's layout (the single-tower variant of Krizhevsky's "one weird
trick" paper), for 3x224x224 images.

    features:   0 Conv2d(3, 64, 11, stride 4, padding 2)  1 ReLU  2 MaxPool2d(3, stride 2)
                3 Conv2d(64, 192, 5, padding 2)           4 ReLU  5 MaxPool2d(3, stride 2)
                6 Conv2d(192, 384, 3, padding 1)          7 ReLU
                8 Conv2d(384, 256, 3, padding 1)          9 ReLU
               10 Conv2d(256, 256, 3, padding 1)         11 ReLU 12 MaxPool2d(3, stride 2)
    avgpool:    AdaptiveAvgPool2d((6, 6))
    classifier: 0 Dropout  1 Linear(9216, 4096)  2 ReLU  3 Dropout  4 Linear(4096, 4096)
                5 ReLU     6 Linear(4096, num_classes)

Shapes for a batch of N images: (N, 3, 224, 224) -> conv (N, 64, 55, 55) -> pool
(N, 64, 27, 27) -> conv (N, 192, 27, 27) -> pool (N, 192, 13, 13) -> three convs
(N, 384 / 256 / 256, 13, 13) -> pool (N, 256, 6, 6) -> avgpool (N, 256, 6, 6) -> flatten
(N, 9216) -> (N, 4096) -> (N, 4096) -> logits (N, num_classes).

Parameters (weights + biases) for 1000 classes:
convs 23,296 + 307,392 + 663,936 + 884,992 + 590,080 = 2,469,696;
linears 37,752,832 + 16,781,312 + 4,097,000 = 58,631,144; in all 61,100,840
(e.g. 3 * 64 * 11 * 11 + 64 = 23,296 and 9216 * 4096 + 4096 = 37,752,832). 96% of them
are in the classifier. Initialisation: PyTorch's layer defaults (torchvision adds none).
The module and parameter names are torchvision's (``features.0.weight``, ...,
``classifier.6.bias``), so its state_dict loads with ``strict=True``.
"""

from __future__ import annotations

import numpy as np

import microtensor as mt
from microtensor import nn


class AlexNet(nn.Module):
    """AlexNet: five convolutions (three max-pools), then three fully connected layers.

    Args:
        num_classes: number of output classes (1000 for ImageNet).
        dropout: the dropout probability before the first two linear layers.
        generator: draws the initial weights and the dropout masks; the default
            generator (``mt.manual_seed``) when None.
    """

    def __init__(
        self, num_classes: int = 1000, dropout: float = 0.5, *,
        generator: np.random.Generator | None = None,
    ) -> None:
        super().__init__()
        g = generator
        self.features = nn.Sequential(
            nn.Conv2d(3, 64, kernel_size=11, stride=4, padding=2, generator=g),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(64, 192, kernel_size=5, padding=2, generator=g),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(192, 384, kernel_size=3, padding=1, generator=g),
            nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, kernel_size=3, padding=1, generator=g),
            nn.ReLU(inplace=True),
            nn.Conv2d(256, 256, kernel_size=3, padding=1, generator=g),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
        )
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))
        self.classifier = nn.Sequential(
            nn.Dropout(p=dropout, generator=g),
            nn.Linear(256 * 6 * 6, 4096, generator=g),
            nn.ReLU(inplace=True),
            nn.Dropout(p=dropout, generator=g),
            nn.Linear(4096, 4096, generator=g),
            nn.ReLU(inplace=True),
            nn.Linear(4096, num_classes, generator=g),
        )

    def forward(self, x: mt.Tensor) -> mt.Tensor:
        """Images (N, 3, H, W), H and W at least 63, to logits (N, num_classes)."""
        x = self.features(x)
        x = self.avgpool(x)
        x = mt.flatten(x, 1)
        return self.classifier(x)


def alexnet(num_classes: int = 1000, *, generator: np.random.Generator | None = None) -> AlexNet:
    """torchvision's ``alexnet()`` without pretrained weights."""
    return AlexNet(num_classes, generator=generator)
