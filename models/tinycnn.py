"""TinyCNN, the first seed's network, and its command line.

    Conv2d(1, 3, 3) -> ReLU -> MaxPool2d(2) -> Flatten -> Linear(27, classes)

Shapes for a batch of N 8x8 images: (N, 1, 8, 8) -> conv (N, 3, 6, 6) -> pool
(N, 3, 3, 3) -> flatten (N, 27) -> logits (N, classes). Parameters: the conv has
3 * (1 * 3 * 3) + 3 = 30, the linear layer 27 * classes + classes (84 for three
classes), 114 in all (142 for four: the seed's 117 does not add up).

    python -m models.tinycnn train                  # the seed's run: >99% in 40 epochs
    python -m models.tinycnn eval --checkpoint runs/tinycnn-.../
    python -m models.tinycnn trace --checkpoint runs/tinycnn-.../ --index 3
    python -m models.tinycnn gradcheck
    python -m models.tinycnn graph                  # the graph behind one loss
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from microtensor import nn
from models.cli import RUN_FLAGS, Parser, run_main
from models.commands import add_commands
from models.datasets import DEFAULT_NOISE, STRIPE_CLASSES, stripe_split
from models.training import Recipe, RunConfig

DEFAULTS = {
    "classes": 3,
    "epochs": 40,
    "lr": 0.3,
    "batch_size": 32,
    "optimizer": "sgd",
    "seed": 0,
    "train_size": 2000,
    "val_size": 500,
    "noise": DEFAULT_NOISE,
    "hidden": 0,
}
FLAGS = ["--classes", *RUN_FLAGS]


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


def _data(config: RunConfig, generator: np.random.Generator) -> tuple[np.ndarray, ...]:
    return stripe_split(config.train_size, config.val_size, config.classes, config.noise, generator)


RECIPE = Recipe(
    name="tinycnn",
    build=lambda config, generator: TinyCNN(config.classes, generator=generator),
    data=_data,
    class_names=lambda classes: STRIPE_CLASSES[:classes],
    kernels=conv_kernels,
    input_shape=(1, 8, 8),
)


def build_parser() -> Parser:
    parser = Parser(
        prog="python -m models.tinycnn",
        description="TinyCNN on the seed's 8x8 stripes: train, evaluate, trace, gradcheck, graph.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    names = ["train", "eval", "trace", "gradcheck", "graph"]
    add_commands(commands, RECIPE, DEFAULTS, FLAGS, names)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    return run_main(build_parser(), argv)


if __name__ == "__main__":
    raise SystemExit(main())
