"""The first seed's fully connected baselines: ``MLP(hidden, classes)``, 64 -> hidden -> classes.

    Flatten -> Linear(64, hidden) -> ReLU -> Linear(hidden, classes)

Parameters: 64 * hidden + hidden + hidden * classes + classes, i.e. 68 * hidden + 3 for
three classes (1,227 at width 18) and 69 * hidden + 4 for four.

    python -m models.mlp train --hidden 18
    python -m models.mlp sweep --widths 1 2 4 8 16 18 32 --seeds 5
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from microtensor import nn
from models.cli import (
    RUN_FLAGS,
    Parser,
    add_train_flags,
    config_from_args,
    positive_int,
    run_main,
)
from models.commands import add_commands
from models.datasets import DEFAULT_NOISE, STRIPE_CLASSES, stripe_split
from models.training import Recipe, Run, RunConfig, count_parameters

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
    "hidden": 18,
}
FLAGS = ["--hidden", "--classes", *RUN_FLAGS]


class MLP(nn.Sequential):
    """One hidden layer of ``hidden`` ReLU units between the 64 pixels and the classes.

    Args:
        hidden: width of the hidden layer.
        classes: number of output classes.
        in_features: pixels per image (64 for 8x8).
        generator: draws the initial weights; the default generator when None.
    """

    def __init__(
        self,
        hidden: int,
        classes: int = 3,
        *,
        in_features: int = 64,
        generator: np.random.Generator | None = None,
    ) -> None:
        super().__init__(
            OrderedDict(
                flatten=nn.Flatten(),
                fc1=nn.Linear(in_features, hidden, generator=generator),
                relu=nn.ReLU(),
                fc2=nn.Linear(hidden, classes, generator=generator),
            )
        )


def parameter_count(hidden: int, classes: int, in_features: int = 64) -> int:
    """(in + 1) * hidden + (hidden + 1) * classes."""
    return (in_features + 1) * hidden + (hidden + 1) * classes


def _data(config: RunConfig, generator: np.random.Generator) -> tuple[np.ndarray, ...]:
    return stripe_split(config.train_size, config.val_size, config.classes, config.noise, generator)


RECIPE = Recipe(
    name="mlp",
    build=lambda config, generator: MLP(config.hidden, config.classes, generator=generator),
    data=_data,
    class_names=lambda classes: STRIPE_CLASSES[:classes],
    kernels=None,
    input_shape=(1, 8, 8),
)


@dataclass(frozen=True)
class SweepRow:
    """Final validation accuracy of one width over several seeds."""

    width: int
    parameters: int
    accuracies: tuple[float, ...]

    @property
    def mean(self) -> float:
        return float(np.mean(self.accuracies))

    @property
    def minimum(self) -> float:
        return min(self.accuracies)

    @property
    def maximum(self) -> float:
        return max(self.accuracies)


def sweep(
    widths: Sequence[int],
    seeds: int,
    base: RunConfig,
    progress: Callable[[str], Any] | None = print,
) -> list[SweepRow]:
    """Train one MLP per width and seed (seeds 0 .. seeds-1) and collect the accuracies."""
    rows = []
    for width in widths:
        accuracies = []
        for seed in range(seeds):
            start = time.perf_counter()
            run = Run(RECIPE, dataclasses.replace(base, hidden=width, seed=seed))
            run.fit(base.epochs)
            accuracies.append(run.history[-1].val_accuracy)
            if progress:
                progress(
                    f"width {width:3d} seed {seed}: val accuracy {accuracies[-1]:.4f} "
                    f"({time.perf_counter() - start:.1f}s)"
                )
        rows.append(SweepRow(width, count_parameters(run.model), tuple(accuracies)))
    return rows


def format_sweep(rows: Sequence[SweepRow]) -> str:
    lines = [f"{'width':>5s} {'params':>7s} {'mean':>7s} {'min':>7s} {'max':>7s}"]
    for r in rows:
        lines.append(
            f"{r.width:5d} {r.parameters:7,d} {r.mean:7.4f} {r.minimum:7.4f} {r.maximum:7.4f}"
        )
    return "\n".join(lines)


def command_sweep(args: argparse.Namespace) -> int:
    base = config_from_args(RECIPE.name, args, DEFAULTS)
    print(
        f"MLP capacity sweep: widths {' '.join(map(str, args.widths))}, seeds 0..{args.seeds - 1}, "
        f"{base.classes} classes, {base.epochs} epochs each"
    )
    print(
        format_sweep(sweep(args.widths, args.seeds, base, progress=lambda s: print(s, flush=True)))
    )
    return 0


def build_parser() -> Parser:
    parser = Parser(
        prog="python -m models.mlp",
        description="One-hidden-layer MLP baselines on the 8x8 stripes: train, sweep widths.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_commands(commands, RECIPE, DEFAULTS, FLAGS, ["train", "eval", "trace", "gradcheck"])
    text = "validation accuracy per hidden width over several seeds"
    sub = commands.add_parser("sweep", help=text, description=text)
    sub.add_argument(
        "--widths",
        type=positive_int,
        nargs="+",
        default=[1, 2, 4, 8, 16, 18, 32],
        help="hidden widths (default: 1 2 4 8 16 18 32)",
    )
    sub.add_argument("--seeds", type=positive_int, default=5, help="seeds per width (default: 5)")
    add_train_flags(sub, DEFAULTS, [f for f in FLAGS if f not in ("--hidden", "--seed")], False)
    sub.set_defaults(handler=command_sweep)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    return run_main(build_parser(), argv)


if __name__ == "__main__":
    raise SystemExit(main())
