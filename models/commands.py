"""The subcommands every model's CLI can have: ``train``, ``eval``, ``trace``,
``gradcheck`` and ``graph``.

Each comes as ``add_<name>(subcommands, recipe, model_flags)``, which declares its flags,
followed by its handler (``train`` and ``trace`` have files of their own,
``models/train_command.py`` and ``models/trace_command.py``). ``model_flags`` are the
config flags the network is built from (``--hidden``, ``--dataset``, ``--classes``; none
for LeNet-5 and the edge net); ``train`` adds the training flags after them. A model's
CLI picks the ones it wants (see ``models/tinycnn/cli.py``).
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
from models import run_data, trace_command, train_command
from models.cli import (
    SEED,
    CLIError,
    ConfigFlag,
    add_checkpoint_command,
    add_command,
    add_config_flags,
    config_from_args,
    non_negative_int,
    path,
    positive_int,
    restore_checkpoint,
    writable_file,
)
from models.text import format_confusion
from models.training import (
    Recipe,
    Run,
    confusion_matrix,
    predict,
)

Flags = Sequence[ConfigFlag]


def add_model_commands(subcommands: Any, recipe: Recipe, model_flags: Flags) -> None:
    """``train``, ``eval``, ``trace`` and ``gradcheck``: the subcommands every model has."""
    train_command.add_train(subcommands, recipe, model_flags)
    add_eval(subcommands, recipe, model_flags)
    trace_command.add_trace(subcommands, recipe, model_flags)
    add_gradcheck(subcommands, recipe, model_flags)


def add_eval(subcommands: Any, recipe: Recipe, model_flags: Flags) -> None:
    """``eval --checkpoint PATH [--classes N] [--seed S [--size N]]``."""
    text = "accuracy and confusion matrix of a checkpoint"
    sub = add_checkpoint_command(subcommands, "eval", text, partial(evaluate, recipe), model_flags)
    sub.add_argument(
        "--seed",
        type=non_negative_int,
        help="evaluate on a fresh set drawn with this seed (synthetic data only)",
    )
    sub.add_argument("--size", type=positive_int, help="size of that fresh set")


def evaluate(recipe: Recipe, args: argparse.Namespace) -> int:
    """Accuracy and the confusion matrix of a checkpoint, on its validation set or, with
    ``--seed``, on a fresh set."""
    run = restore_checkpoint(recipe, args)
    if args.seed is not None and run.config.dataset == "digits":
        raise CLIError(
            "--seed draws a fresh synthetic set; the digits have one fixed test split, "
            "which eval uses without --seed"
        )
    if args.seed is None:
        images, labels = run.val_x, run.val_y
        described = f"the run's {run_data.held_out(run.config)} set ({len(run.val_y)} images)"
    else:
        size = args.size or run.config.val_size
        fresh = dataclasses.replace(run.config, seed=args.seed, train_size=0, val_size=size)
        _, _, images, labels = recipe.data(fresh, np.random.default_rng(args.seed))
        described = f"a fresh set of {size} images (seed {args.seed})"
    predictions = predict(run.model, images).argmax(axis=1)
    names = recipe.class_names(run.config)
    accuracy = float((predictions == labels).mean())
    print(f"{recipe.name} after {run.epoch} epochs, on {described}: accuracy {accuracy:.4f}")
    print(format_confusion(confusion_matrix(labels, predictions, len(names)), names))
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
        run = restore_checkpoint(recipe, args)
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
