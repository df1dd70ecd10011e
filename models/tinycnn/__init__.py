"""TinyCNN, the first seed's network, and the defaults of its run.

    Conv2d(1, 3, 3) -> ReLU -> MaxPool2d(2) -> Flatten -> Linear(27, classes)

Shapes for a batch of N 8x8 images: (N, 1, 8, 8) -> conv (N, 3, 6, 6) -> pool
(N, 3, 3, 3) -> flatten (N, 27) -> logits (N, classes). Parameters: the conv has
3 * (1 * 3 * 3) + 3 = 30, the linear layer 27 * classes + classes (84 for three
classes), 114 in all (142 for four: the seed's 117 does not add up).

With ``--dataset digits`` it is TinyCNN-10: the same layers with 10 outputs (27 * 10 + 10
= 280 in the linear layer, 310 in all) on scikit-learn's 8x8 handwritten digits.

Its command line is ``models/tinycnn/cli.py``:

    python -m models.tinycnn train                  # the seed's run: >99% in 40 epochs
    python -m models.tinycnn train --dataset digits # TinyCNN-10 on the real digits
    python -m models.tinycnn eval --checkpoint runs/tinycnn-.../
    python -m models.tinycnn trace --checkpoint runs/tinycnn-.../ --index 3
    python -m models.tinycnn gradcheck
    python -m models.tinycnn graph                  # the graph behind one loss
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

from microtensor import nn
from models import run_data
from models.datasets import DEFAULT_NOISE
from models.training import Recipe

# The seed's run on the stripes. The MLP baselines and the experiments train with these
# too, so that their numbers compare with TinyCNN's.
DEFAULTS = {
    "dataset": "stripes",
    "classes": 3,
    "epochs": 40,
    "lr": 0.3,
    "batch_size": 32,
    "optimizer": "sgd",
    "seed": 0,
    "train_size": 2000,
    "val_size": 500,
    "noise": DEFAULT_NOISE,
}
# On the digits (``--dataset digits``): the split's sizes, 10 classes, and Adam, because
# plain SGD at lr 0.3 swings by tens of percent between epochs there (on a validation split
# carved out of the training images, Adam at lr 0.003 ended highest over 5 seeds).
DIGITS_DEFAULTS = {**run_data.DIGITS, "optimizer": "adam", "lr": 0.003}


class TinyCNN(nn.Sequential):
    """The seed's 114-parameter CNN for 8x8 one-channel images.

    Args:
        classes: number of output classes (3, or 4 with the dot).
        generator: draws the initial weights (PyTorch's default initialisation); the
            default generator (``mt.manual_seed``) when None.
    """

    def __init__(self, classes: int = 3, *, generator: np.random.Generator | None = None) -> None:
        super().__init__(
            OrderedDict(
                conv=nn.Conv2d(1, 3, 3, generator=generator),
                relu=nn.ReLU(),
                pool=nn.MaxPool2d(2),
                flatten=nn.Flatten(),
                fc=nn.Linear(27, classes, generator=generator),
            )
        )


def conv_kernels(model: nn.Module) -> np.ndarray:
    """A copy of the conv kernels, ``(filters, 3, 3)``."""
    return model.conv.weight.detach().numpy()[:, 0].copy()


RECIPE = Recipe(
    name="tinycnn",
    build=lambda config, generator: TinyCNN(config.classes, generator=generator),
    data=run_data.load,
    class_names=run_data.class_names,
    kernels=conv_kernels,
    defaults=DEFAULTS,
    dataset_defaults={"digits": DIGITS_DEFAULTS},
)
