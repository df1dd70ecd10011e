"""LeNet-5 in its common modern form (ReLU and max pooling), for 32x32 one-channel images.

    conv1 Conv2d(1, 6, 5) -> ReLU -> MaxPool 2 -> conv2 Conv2d(6, 16, 5) -> ReLU -> MaxPool 2
    -> flatten -> fc1 Linear(400, 120) -> ReLU -> fc2 Linear(120, 84) -> ReLU -> fc3 Linear(84, 10)

Shapes for a batch of N images: (N, 1, 32, 32) -> conv1 (N, 6, 28, 28) -> pool (N, 6, 14, 14)
-> conv2 (N, 16, 10, 10) -> pool (N, 16, 5, 5) -> flatten (N, 400) -> (N, 120) -> (N, 84)
-> logits (N, 10). Parameters: 156 + 2,416 + 48,120 + 10,164 + 850 = 61,706.

The layer names are those of PyTorch's "Neural Networks" tutorial, whose ``Net`` is this
network, so a state_dict saved from that PyTorch class loads here with ``strict=True``.
"""

from __future__ import annotations

import numpy as np

import microtensor as mt
import microtensor.nn.functional as F  # noqa: N812 (PyTorch's spelling)
from microtensor import nn


class LeNet5(nn.Module):
    """LeNet-5: two convolutions with pooling, then three fully connected layers.

    Args:
        classes: number of output classes (10 for digits).
        in_channels: channels of the input images (1 for grey).
        generator: draws the initial weights (PyTorch's default initialisation); the
            default generator (``mt.manual_seed``) when None.
    """

    def __init__(
        self, classes: int = 10, in_channels: int = 1, *,
        generator: np.random.Generator | None = None,
    ) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 6, 5, generator=generator)
        self.conv2 = nn.Conv2d(6, 16, 5, generator=generator)
        self.fc1 = nn.Linear(16 * 5 * 5, 120, generator=generator)
        self.fc2 = nn.Linear(120, 84, generator=generator)
        self.fc3 = nn.Linear(84, classes, generator=generator)

    def forward(self, x: mt.Tensor) -> mt.Tensor:
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = mt.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)
