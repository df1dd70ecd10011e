"""``python -m models.experiments digits``: the networks on scikit-learn's handwritten
digits, each with its command's defaults, into its own section of docs/results.md.

LeNet-5, TinyCNN-10, the 18-wide MLP and a linear classifier train on the fixed split
(1,442 training / 355 test images) with seeds 0..4; the table gives parameters, test
accuracy after the last epoch (seed 0, and over the seeds), training accuracy and seconds.
The section sits between ``<!-- digits: begin -->`` and ``<!-- digits: end -->`` and is
replaced in place (``models/experiments/sections.py``), so the rest of
results.md, which ``all`` writes, stays as it is, and ``all`` keeps this section.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from models import lenet, mlp, plots, tinycnn
from models.cli import writable_folder
from models.experiments.accuracy import LINEAR, Progress
from models.experiments.sections import write_section
from models.experiments.table import Table, count, percent
from models.recipe import Recipe
from models.training import Run, count_parameters

SEEDS = 5


@dataclass(frozen=True)
class Model:
    """One row: a label, its recipe, the config changes of its command, the command
    (empty for the linear classifier, which has none)."""

    label: str
    recipe: Recipe
    changes: dict[str, Any]
    command: str


MODELS = (
    Model("LeNet-5", lenet.RECIPE, {}, "python -m models.lenet train"),
    Model(
        "TinyCNN-10",
        tinycnn.RECIPE,
        {"dataset": "digits"},
        "python -m models.tinycnn train --dataset digits",
    ),
    Model(
        "MLP, 18 hidden",
        mlp.RECIPE,
        {"dataset": "digits"},
        "python -m models.mlp train --dataset digits",
    ),
    Model(
        "linear (softmax regression)",
        LINEAR,
        {"dataset": "digits"},
        "",  # no command of its own: nn.Linear(64, 10), trained as TinyCNN-10
    ),
)
QUICK = {"epochs": 2, "train_size": 120, "val_size": 60}


@dataclass
class Outcome:
    """A model's runs: the seed-0 run, every seed's test accuracy, seed 0's seconds."""

    run: Run
    accuracies: list[float]
    seconds: float


def train_model(model: Model, seeds: int, quick: bool, progress: Progress) -> Outcome:
    """Train ``model`` with seeds 0..seeds-1 (tiny runs when ``quick``)."""
    first, accuracies, seconds = None, [], 0.0
    for seed in range(seeds):
        changes = {**model.changes, **(QUICK if quick else {}), "seed": seed}
        config = model.recipe.make_config(**changes)
        start = time.perf_counter()
        run = Run(model.recipe, config)
        run.fit(config.epochs)
        elapsed = time.perf_counter() - start
        accuracies.append(run.history[-1].val_accuracy)
        progress(f"{model.label} seed {seed}: test accuracy {accuracies[-1]:.4f} ({elapsed:.1f}s)")
        if seed == 0:
            first, seconds = run, elapsed
    assert first is not None
    return Outcome(first, accuracies, seconds)


def digits_table(outcomes: dict[str, Outcome], seeds: int) -> Table:
    """The table and its notes, from the runs."""
    table = Table(
        "Handwritten digits: test accuracy after the last epoch",
        ["model", "command", "params", "test seed 0", f"test, seeds 0-{seeds - 1}: mean (min)",
         "train seed 0", "seconds seed 0"],
    )  # fmt: skip
    for model in MODELS:
        outcome = outcomes[model.label]
        run, last = outcome.run, outcome.run.history[-1]
        config = run.config
        table.add(
            model.label,
            f"`{model.command}`" if model.command else "-",
            count(count_parameters(run.model)),
            percent(last.val_accuracy),
            f"{percent(float(np.mean(outcome.accuracies)))} ({percent(min(outcome.accuracies))})",
            percent(last.train_accuracy),
            f"{outcome.seconds:.0f}",
        )
        optimizer = {"sgd": "plain SGD", "adam": "Adam"}[config.optimizer]
        table.notes.append(
            f"{model.label}: {config.epochs} epochs of {optimizer} (lr {config.lr}, "
            f"batch {config.batch_size}) on {config.train_size:,} images"
            + (", upsampled 4x to 32x32" if run.train_x.shape[-1] == 32 else "")
            + ("" if model.command else "; nn.Linear(64, 10), trained as TinyCNN-10")
            + "."
        )
    table.notes.append(
        "train: the accuracy on the training images during the last epoch; the seconds are "
        "the whole run's, data loading included."
    )
    lenet_, tiny = outcomes["LeNet-5"], outcomes["TinyCNN-10"]
    best = min(lenet_.accuracies)
    table.notes.append(
        f"LeNet-5 ends at {percent(lenet_.accuracies[0])} with the default seed, and between "
        f"{percent(best)} and {percent(max(lenet_.accuracies))} over {seeds} seeds: "
        + ("every seed at or above 98%." if best >= 0.98 else "not every seed reaches 98%.")
    )
    tiny_train = tiny.run.history[-1].train_accuracy
    short = {"MLP, 18 hidden": "the MLP", "linear (softmax regression)": "the linear classifier"}
    better = [short[label] for label in short if outcomes[label].accuracies[0] > tiny.accuracies[0]]
    fit = (
        f"only {percent(tiny_train)} on its training images: it underfits"
        if tiny_train < 0.99
        else f"{percent(tiny_train)} on its training images"
    )
    table.notes.append(
        f"TinyCNN-10 reaches {percent(tiny.accuracies[0])} on the test images and {fit}. Its "
        "three 3x3 filters, after ReLU and 2x2 max pooling, leave 27 numbers (3 maps of 3x3) "
        "for one linear layer to tell ten digits apart, where the stripes needed three "
        "orientations. A digit is an arrangement of strokes across the whole image, and three "
        "filters summarised on a 3x3 grid keep too little of it"
        + (
            f"; {' and '.join(better)}, reading all 64 pixels, "
            f"{'do' if len(better) > 1 else 'does'} better."
            if better
            else "."
        )
    )
    return table


def section(table: Table, figure: str | None, minutes: float, quick: bool) -> str:
    """The Markdown of the digits section, without its markers."""
    mode = " (`--quick`: tiny sizes, the numbers mean nothing)" if quick else ""
    lines = [
        "## Real data: scikit-learn's handwritten digits",
        "",
        f"Written by `python -m models.experiments digits`{mode} on {time.strftime('%Y-%m-%d')} "
        f"in {minutes:.1f} minutes (the seconds are wall time on a machine shared with other "
        "work). The 1,797 8x8 digits that scikit-learn ships, pixels scaled to [0, 1], split "
        "once and for all (models/digits.py): one image in five of each class, chosen by a "
        "NumPy generator with a fixed seed, is a test image; 1,442 training and 355 test "
        "images, the same for every run. Each model is trained with its command's defaults "
        "(chosen on a validation split carved out of the training images, not on the test "
        "images); the test accuracy is the one after the last epoch.",
        "",
        table.markdown(),
    ]
    if figure:
        lines += ["", f"![LeNet-5's loss and accuracy on the digits, seed 0]({figure})"]
    return "\n".join(lines)


def command(args: argparse.Namespace, progress: Progress) -> int:
    """Train every model over the seeds, print the table, write the section of results.md."""
    start = time.perf_counter()
    default = Path("runs/experiments-quick") if args.quick else Path("docs")
    folder = writable_folder(args.out or default, "--out")  # before minutes of training
    seeds = 1 if args.quick else SEEDS
    outcomes = {m.label: train_model(m, seeds, args.quick, progress) for m in MODELS}
    table = digits_table(outcomes, seeds)
    print("\n" + table.text() + "\n", flush=True)
    figure = None
    if not args.no_plots and plots.available():
        lenet_run = outcomes["LeNet-5"].run
        path = folder / "img" / "lenet_curves.png"
        plots.save_curves(lenet_run.history, path, "LeNet-5 on the digits, seed 0", "test", 0.98)
        figure = str(path.relative_to(folder))
    text = section(table, figure, (time.perf_counter() - start) / 60, args.quick)
    write_section(folder / "results.md", "digits", text)
    print(f"wrote the digits section of {folder / 'results.md'}")
    return 0
