"""The second seed's edge net: one 3x3 filter that learns to find horizontal edges in 6x6 images.

    Conv2d(1, 1, 3) -> ReLU -> MaxPool2d(2, 2) -> Flatten -> Linear(4, 2)

Shapes: (N, 1, 6, 6) -> conv (N, 1, 4, 4) -> pool (N, 1, 2, 2) -> flatten (N, 4) ->
logits (N, 2). Parameters: 9 + 1 for the filter, 4 * 2 + 2 for the classifier: 20.

Its command line is ``models/edgenet/cli.py``:

    python -m models.edgenet demo     # the seed's anchor image through its hand-written kernel
    python -m models.edgenet train    # learn the kernel from data instead
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

import microtensor as mt
import microtensor.nn.functional as F  # noqa: N812 (PyTorch's spelling)
from microtensor import nn
from models.datasets import EDGE_CLASSES, EDGE_NOISE, anchor_image, edge_split, horizontal_kernel
from models.text import grid_lines, side_by_side
from models.training import Recipe, Run, RunConfig, predict

DEFAULTS = {
    "dataset": "edges",
    "classes": 2,
    "epochs": 30,
    "lr": 0.5,
    "batch_size": 32,
    "optimizer": "sgd",
    "seed": 0,
    "train_size": 1000,
    "val_size": 500,
    "noise": EDGE_NOISE,
}


class EdgeNet(nn.Sequential):
    """The seed's one-filter network for 6x6 images, two classes (edge or not).

    Args:
        generator: draws the initial weights; the default generator when None.
    """

    def __init__(self, *, generator: np.random.Generator | None = None) -> None:
        super().__init__(
            OrderedDict(
                conv=nn.Conv2d(1, 1, 3, generator=generator),
                relu=nn.ReLU(),
                pool=nn.MaxPool2d(2, 2),
                flatten=nn.Flatten(),
                fc=nn.Linear(4, 2, generator=generator),
            )
        )


def anchor_response() -> np.ndarray:
    """The anchor image convolved (F.conv2d) with the horizontal kernel: a 4x4 array."""
    image = mt.tensor(anchor_image().reshape(1, 1, 6, 6))
    kernel = mt.tensor(horizontal_kernel().reshape(1, 1, 3, 3))
    return F.conv2d(image, kernel).numpy()[0, 0]


def edge_data(config: RunConfig, generator: np.random.Generator) -> tuple[np.ndarray, ...]:
    """The run's training and validation edge images, drawn from ``generator``."""
    return edge_split(config.train_size, config.val_size, config.noise, generator)


def learned_summary(run: Run) -> str:
    """The learned kernel beside the seed's hand-written one, and the anchor's prediction."""
    learned = run.model.conv.weight.detach().numpy()[0, 0]
    blocks = [grid_lines(learned, "{:6.2f}"), grid_lines(horizontal_kernel(), "{:3.0f}")]
    kernels = side_by_side(blocks, ["learned kernel", "hand-written (seed)"])
    logits = predict(run.model, (anchor_image() / 255).reshape(1, 1, 6, 6).astype(np.float32))
    probabilities = np.exp(logits[0] - logits[0].max())
    probabilities /= probabilities.sum()
    return (
        f"{kernels}\nthe anchor image (scaled to [0, 1]): P(horizontal edge) = "
        f"{probabilities[1]:.4f}"
    )


RECIPE = Recipe(
    name="edgenet",
    build=lambda config, generator: EdgeNet(generator=generator),
    data=edge_data,
    class_names=lambda config: EDGE_CLASSES,
    kernels=lambda model: model.conv.weight.detach().numpy()[:, 0].copy(),
    defaults=DEFAULTS,
    summary=learned_summary,
)
