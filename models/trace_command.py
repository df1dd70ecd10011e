"""``trace``: one held-out image through the layers, printed and, with ``--plot``, drawn.

The layers are the recipe's stages (``Recipe.stages``: LeNet-5's forward pass spelled out
as modules), or the model's children when it is a ``Sequential``. The picture
(``models/plots.py``, ``save_trace``) shows the input, the first convolution's kernels and
each of its feature maps after the conv, the ReLU and the pooling, and the class
probabilities.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

import microtensor as mt
from microtensor import nn
from models import plots, run_data
from models.cli import (
    CLIError,
    ConfigFlag,
    add_checkpoint_command,
    non_negative_int,
    path,
    restore_checkpoint,
    writable_file,
)
from models.recipe import Recipe
from models.text import format_activation

Stage = tuple[str, nn.Module]


def add_trace(subcommands: Any, recipe: Recipe, model_flags: Sequence[ConfigFlag]) -> None:
    """``trace --checkpoint PATH [--classes N] [--index I] [--plot [PNG]]``."""
    text = "one held-out image through the layers: names, shapes, values (--plot: a picture)"
    sub = add_checkpoint_command(subcommands, "trace", text, partial(trace, recipe), model_flags)
    sub.add_argument(
        "--index",
        type=non_negative_int,
        default=0,
        help="which image of the held-out set: validation (stripes) or test (digits) (default: 0)",
    )
    sub.add_argument(
        "--plot",
        nargs="?",
        const=True,  # --plot alone: the default file
        type=path,
        metavar="PNG",
        help="also draw the image's journey as one PNG: the input, each filter's map after "
        "conv, ReLU and pooling, the class probabilities (default file: trace-<index>.png "
        "in the run folder; needs matplotlib)",
    )


def stages(recipe: Recipe, model: nn.Module) -> list[Stage]:
    """The forward pass of ``model`` as named modules applied in turn."""
    return recipe.stages(model) if recipe.stages else list(model.named_children())


def forward_stages(stages: Sequence[Stage], x: mt.Tensor) -> list[np.ndarray]:
    """The output of every stage for the batch ``x``, without building a graph."""
    outputs = []
    with mt.no_grad():
        for _, layer in stages:
            x = layer(x)
            outputs.append(x.numpy())
    return outputs


def _plot_file(args: argparse.Namespace) -> Path:
    """Where ``--plot`` draws, checked before any work."""
    if not plots.available():
        raise CLIError('--plot needs matplotlib, which is not installed: pip install -e ".[plot]"')
    if args.plot is not True:
        return writable_file(args.plot, "--plot")
    folder = Path(args.checkpoint)
    folder = folder if folder.is_dir() else folder.parent
    return writable_file(str(folder / f"trace-{args.index}.png"), "--plot")


def trace(recipe: Recipe, args: argparse.Namespace) -> int:
    """One held-out sample through the layers: names, shapes and values (and a PNG)."""
    run = restore_checkpoint(recipe, args)
    held_out = run_data.held_out(run.config)
    if args.index >= len(run.val_y):
        raise CLIError(
            f"--index {args.index} is out of range: the {held_out} set has {len(run.val_y)} images"
        )
    picture = _plot_file(args) if args.plot is not None else None
    names = recipe.class_names(run.config)
    label = int(run.val_y[args.index])
    image = run.val_x[args.index : args.index + 1]
    print(f"{held_out} image {args.index}, class {label} ({names[label]})")
    print(format_activation("input", "", image[0]))
    run.model.eval()
    layers = stages(recipe, run.model)
    outputs = forward_stages(layers, mt.from_numpy(image))
    for (name, layer), values in zip(layers, outputs, strict=True):
        print(format_activation(name, repr(layer), values[0]))
    with mt.no_grad():
        probabilities = mt.from_numpy(outputs[-1]).softmax(dim=1).numpy()[0]
    print("softmax -> probabilities")
    for i, p in enumerate(probabilities):
        print(f"  {names[i]:>12s} {p:.4f}")
    guess = int(probabilities.argmax())
    verdict = "correct" if guess == label else f"wrong, the image is {names[label]}"
    print(f"prediction: {names[guess]} ({verdict})")
    if picture is not None:
        title = f"{recipe.name} after {run.epoch} epochs: {held_out} image {args.index}"
        kernels, maps = first_convolution(layers, [o[0] for o in outputs])
        plots.save_trace(image[0, 0], kernels, maps, probabilities, names, label, picture, title)
        print(f"picture: {picture}")
    return 0


def first_convolution(
    stages: Sequence[Stage], outputs: Sequence[np.ndarray]
) -> tuple[np.ndarray | None, list[tuple[str, np.ndarray]]]:
    """The first ``Conv2d`` stage's kernels ``(filters, kh, kw)`` (None unless it reads one
    channel) and its maps ``(filters, h, w)`` after the conv and the ReLU and pooling that
    follow it, under their stage names; ``(None, [])`` for a model without convolutions."""
    start = next((i for i, (_, layer) in enumerate(stages) if isinstance(layer, nn.Conv2d)), None)
    if start is None:
        return None, []
    weight = stages[start][1].weight.detach().numpy()
    kernels = weight[:, 0] if weight.shape[1] == 1 else None
    maps = [(stages[start][0], outputs[start])]
    for i in range(start + 1, min(start + 3, len(stages))):
        if not isinstance(stages[i][1], nn.ReLU | nn.MaxPool2d):
            break
        maps.append((stages[i][0], outputs[i]))
    return kernels, maps
