"""The subcommands every model's CLI can have: ``train``, ``eval``, ``trace``,
``gradcheck`` and ``graph``.

Each comes as ``add_<name>(subcommands, recipe, model_flags)``, which declares its flags,
followed by its handler. ``model_flags`` are the config flags the network is built from
(``--hidden``, ``--classes``; none for the edge net); ``train`` adds the training flags
after them. A model's CLI picks the ones it wants (see ``models/tinycnn/cli.py``).
"""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Sequence
from functools import partial
from typing import Any

import numpy as np

import microtensor as mt
import microtensor.nn.functional as F  # noqa: N812 (PyTorch's spelling)
from microtensor import viz
from microtensor.testing import check_module_gradients
from models import train_command
from models.cli import (
    CLASSES,
    SEED,
    CLIError,
    ConfigFlag,
    add_command,
    add_config_flags,
    config_from_args,
    load_run,
    non_negative_int,
    path,
    positive_int,
    writable_file,
)
from models.text import format_activation, format_confusion
from models.training import (
    Recipe,
    Run,
    confusion_matrix,
    predict,
)

Flags = Sequence[ConfigFlag]


def _restore(recipe: Recipe, args: argparse.Namespace) -> Run:
    """The run of ``--checkpoint``, checked against ``--classes`` when that is given."""
    run = load_run(recipe, args.checkpoint)
    wanted = getattr(args, "classes", None)
    if wanted is not None and wanted != run.config.classes:
        raise CLIError(
            f"--classes {wanted} does not match the checkpoint, a {run.config.classes}-class "
            f"{run.recipe.name}"
        )
    return run


def _add_checkpoint_command(
    subcommands: Any, name: str, text: str, handler: Any, model_flags: Flags
) -> argparse.ArgumentParser:
    """A subcommand that reads ``--checkpoint`` (and checks ``--classes`` if the model has it)."""
    sub = add_command(subcommands, name, text, handler)
    sub.add_argument("--checkpoint", type=path, required=True, help="a checkpoint or run folder")
    if CLASSES in model_flags:
        sub.add_argument("--classes", type=int, choices=(3, 4), help="expected classes")
    return sub


def add_model_commands(subcommands: Any, recipe: Recipe, model_flags: Flags) -> None:
    """``train``, ``eval``, ``trace`` and ``gradcheck``: the subcommands every model has."""
    train_command.add_train(subcommands, recipe, model_flags)
    add_eval(subcommands, recipe, model_flags)
    add_trace(subcommands, recipe, model_flags)
    add_gradcheck(subcommands, recipe, model_flags)


def add_eval(subcommands: Any, recipe: Recipe, model_flags: Flags) -> None:
    """``eval --checkpoint PATH [--classes N] [--seed S [--size N]]``."""
    text = "accuracy and confusion matrix of a checkpoint"
    sub = _add_checkpoint_command(subcommands, "eval", text, partial(evaluate, recipe), model_flags)
    sub.add_argument(
        "--seed", type=non_negative_int, help="evaluate on a fresh set drawn with this seed"
    )
    sub.add_argument("--size", type=positive_int, help="size of that fresh set")


def evaluate(recipe: Recipe, args: argparse.Namespace) -> int:
    """Accuracy and the confusion matrix of a checkpoint, on its validation set or, with
    ``--seed``, on a fresh set."""
    run = _restore(recipe, args)
    if args.seed is None:
        images, labels = run.val_x, run.val_y
        described = f"the run's validation set ({len(run.val_y)} images)"
    else:
        size = args.size or run.config.val_size
        fresh = dataclasses.replace(run.config, seed=args.seed, train_size=0, val_size=size)
        _, _, images, labels = recipe.data(fresh, np.random.default_rng(args.seed))
        described = f"a fresh set of {size} images (seed {args.seed})"
    predictions = predict(run.model, images).argmax(axis=1)
    names = recipe.class_names(run.config.classes)
    accuracy = float((predictions == labels).mean())
    print(f"{recipe.name} after {run.epoch} epochs, on {described}: accuracy {accuracy:.4f}")
    print(format_confusion(confusion_matrix(labels, predictions, len(names)), names))
    return 0


def add_trace(subcommands: Any, recipe: Recipe, model_flags: Flags) -> None:
    """``trace --checkpoint PATH [--classes N] [--index I]``."""
    text = "one sample through the layers: names, shapes, values"
    sub = _add_checkpoint_command(subcommands, "trace", text, partial(trace, recipe), model_flags)
    sub.add_argument(
        "--index", type=non_negative_int, default=0, help="validation image (default: 0)"
    )


def trace(recipe: Recipe, args: argparse.Namespace) -> int:
    """One validation sample through the layers: names, shapes and values."""
    run = _restore(recipe, args)
    if args.index >= len(run.val_y):
        raise CLIError(
            f"--index {args.index} is out of range: the validation set has {len(run.val_y)} images"
        )
    names = recipe.class_names(run.config.classes)
    label = int(run.val_y[args.index])
    x = mt.from_numpy(run.val_x[args.index : args.index + 1])
    print(f"validation image {args.index}, class {label} ({names[label]})")
    print(format_activation("input", "", x.numpy()[0]))
    run.model.eval()
    with mt.no_grad():
        for name, layer in run.model.named_children():
            x = layer(x)
            print(format_activation(name, repr(layer), x.numpy()[0]))
        probabilities = x.softmax(dim=1).numpy()[0]
    print("softmax -> probabilities")
    for i, p in enumerate(probabilities):
        print(f"  {names[i]:>12s} {p:.4f}")
    guess = int(probabilities.argmax())
    verdict = "correct" if guess == label else f"wrong, the image is {names[label]}"
    print(f"prediction: {names[guess]} ({verdict})")
    return 0


def add_gradcheck(subcommands: Any, recipe: Recipe, model_flags: Flags) -> None:
    """``gradcheck [--checkpoint PATH] [--batch N] [model flags] [--seed S]``."""
    flags = (*model_flags, SEED)
    text = "every parameter's gradient against finite differences"
    sub = add_command(subcommands, "gradcheck", text, partial(gradcheck, recipe, flags))
    sub.add_argument("--checkpoint", type=path, help="check a trained model instead of a fresh one")
    sub.add_argument("--batch", type=positive_int, default=8, help="images (default: 8)")
    add_config_flags(sub, flags, recipe.defaults)


def gradcheck(recipe: Recipe, flags: Flags, args: argparse.Namespace) -> int:
    """Every parameter's gradient against central differences in float64."""
    if args.checkpoint:
        run = _restore(recipe, args)
        where = f"the checkpoint {args.checkpoint} (epoch {run.epoch})"
    else:
        config = config_from_args(recipe, args, flags)
        run = Run(recipe, dataclasses.replace(config, train_size=args.batch, val_size=1))
        where = f"freshly initialised weights (seed {config.seed})"
    images, labels = run.train_x[: args.batch], run.train_y[: args.batch]
    print(
        f"{recipe.name}: gradients of the cross-entropy on {len(labels)} images at {where}, "
        "float64 central differences"
    )
    report = check_module_gradients(run.model, images, labels, raise_exception=False)
    print(report)
    worst = report.worst
    print(f"worst: {worst.name} {worst.relative_error:.2e}: {worst.verdict}")
    return 0 if report.passed else 1


def add_graph(subcommands: Any, recipe: Recipe, model_flags: Flags) -> None:
    """``graph [--batch N] [--grad] [--dot FILE] [model flags] [--seed S]``."""
    flags = (*model_flags, SEED)
    text = "the graph behind one loss, as a tree (and DOT text)"
    sub = add_command(subcommands, "graph", text, partial(graph, recipe, flags))
    sub.add_argument("--batch", type=positive_int, default=4, help="images (default: 4)")
    sub.add_argument(
        "--grad",
        action="store_true",
        help="also show the gradient reaching each op and each parameter",
    )
    sub.add_argument(
        "--dot", type=path, help="also write the graph as Graphviz DOT text to this file"
    )
    add_config_flags(sub, flags, recipe.defaults)


def graph(recipe: Recipe, flags: Flags, args: argparse.Namespace) -> int:
    """The graph behind one loss, as an indented tree (and as DOT text with ``--dot``)."""
    dot = writable_file(args.dot, "--dot") if args.dot else None
    config = config_from_args(recipe, args, flags)
    run = Run(recipe, dataclasses.replace(config, train_size=args.batch, val_size=1))
    images, labels = run.train_x[: args.batch], run.train_y[: args.batch]
    loss = F.cross_entropy(run.model(mt.from_numpy(images)), mt.from_numpy(labels))
    names = dict(run.model.named_parameters())
    if args.grad:
        loss.backward(retain_graph=True)
    print(
        f"{recipe.name}: the graph of the cross-entropy of {len(labels)} images; each line "
        "is an op (its Backward node) and its output shape, leaves are parameters and inputs"
    )
    print(viz.text_tree(loss, names=names, show_grad=args.grad))
    if dot is not None:
        dot.write_text(viz.to_dot(loss, names=names, show_grad=args.grad) + "\n")
        print(f"DOT text written to {args.dot} (render it with: dot -Tpng {args.dot} -o graph.png)")
    return 0
