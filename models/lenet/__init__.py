"""LeNet-5 in its common modern form (ReLU and max pooling), for 32x32 one-channel images.

    conv1 Conv2d(1, 6, 5) -> ReLU -> MaxPool 2 -> conv2 Conv2d(6, 16, 5) -> ReLU -> MaxPool 2
    -> flatten -> fc1 Linear(400, 120) -> ReLU -> fc2 Linear(120, 84) -> ReLU -> fc3 Linear(84, 10)

Shapes for a batch of N images: (N, 1, 32, 32) -> conv1 (N, 6, 28, 28) -> pool (N, 6, 14, 14)
-> conv2 (N, 16, 10, 10) -> pool (N, 16, 5, 5) -> flatten (N, 400) -> (N, 120) -> (N, 84)
-> logits (N, 10). Parameters: 156 + 2,416 + 48,120 + 10,164 + 850 = 61,706.

The layer names are those of PyTorch's "Neural Networks" tutorial, whose ``Net`` is this
network, so a state_dict saved from that PyTorch class loads here with ``strict=True``.

It trains on scikit-learn's 8x8 handwritten digits, each pixel repeated into a 4x4 block
to make LeNet's 32x32 input (``models/digits.py``). Its command line is
``models/lenet/cli.py``:

    python -m models.lenet train              # 40 epochs of plain SGD: >= 98% test accuracy
    python -m models.lenet eval --checkpoint runs/lenet-.../
    python -m models.lenet trace --checkpoint runs/lenet-.../ --index 3 --plot
"""

from __future__ import annotations

from typing import Any

import numpy as np

import microtensor as mt
import microtensor.nn.functional as F  # noqa: N812 (PyTorch's spelling)
from microtensor import nn
from models import run_data
from models.digits import upsample
from models.recipe import Data, Recipe, RunConfig

# Chosen on a validation split carved out of the training images (the last 300 of them),
# not on the test images: plain SGD with these settings ended at 98.3% to 99.3% over 5
# seeds there, where Adam (lr 1e-3) and SGD with lr 0.1 swung by a few percent between
# epochs. Upsampling makes LeNet's input 16 times larger than TinyCNN's.
DEFAULTS = {
    "dataset": "digits",
    **run_data.DIGITS,
    "epochs": 40,
    "lr": 0.03,
    "batch_size": 16,
    "optimizer": "sgd",
    "seed": 0,
}


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


def stages(model: LeNet5) -> list[tuple[str, nn.Module]]:
    """``LeNet5.forward`` spelled out as modules applied in turn (for ``trace``)."""
    return [
        ("conv1", model.conv1),
        ("relu1", nn.ReLU()),
        ("pool1", nn.MaxPool2d(2)),
        ("conv2", model.conv2),
        ("relu2", nn.ReLU()),
        ("pool2", nn.MaxPool2d(2)),
        ("flatten", nn.Flatten()),
        ("fc1", model.fc1),
        ("relu3", nn.ReLU()),
        ("fc2", model.fc2),
        ("relu4", nn.ReLU()),
        ("fc3", model.fc3),
    ]


def digits_32(config: RunConfig, generator: np.random.Generator) -> Data:
    """The run's digits (``run_data.load``), upsampled 4x to 32x32."""
    train_x, train_y, test_x, test_y = run_data.load(config, generator)
    return upsample(train_x), train_y, upsample(test_x), test_y


def accuracy_summary(run: Any) -> str:
    """The final test accuracy, as a count of images."""
    last = run.history[-1]
    correct = round(last.val_accuracy * len(run.val_y))
    return (
        f"LeNet-5 after {last.epoch} epochs: test accuracy {last.val_accuracy:.4f} "
        f"({correct} of {len(run.val_y)} test images)"
    )


RECIPE = Recipe(
    name="lenet",
    build=lambda config, generator: LeNet5(config.classes, generator=generator),
    data=digits_32,
    class_names=run_data.class_names,
    kernels=lambda model: model.conv1.weight.detach().numpy()[:, 0].copy(),
    defaults=DEFAULTS,
    summary=accuracy_summary,
    stages=stages,
)
