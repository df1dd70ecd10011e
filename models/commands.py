"""The subcommands of the model CLIs: ``train``, ``eval``, ``trace``, ``gradcheck``, ``graph``.

Each is ``command(recipe, defaults, args) -> int``; :func:`add_commands` wires the chosen
ones into a parser. A training run writes its folder::

    runs/tinycnn-20250101-120000/
        checkpoint.npz   model, optimiser, shuffling generator, history (mt.save)
        metrics.csv      one row per epoch
        metrics.json     config, parameter count, per-epoch metrics, final confusion matrix
        curves.png       loss and accuracy, train and validation (with matplotlib)
        filters.png      the conv kernels from initialisation to the end (with matplotlib)
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import time
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

import microtensor as mt
from models import plots
from models.cli import (
    CLIError,
    add_train_flags,
    config_from_args,
    conflicting_flags,
    format_confusion,
    format_kernels,
    grid_lines,
    non_negative_int,
    positive_int,
    side_by_side,
)
from models.training import (
    CHECKPOINT_NAME,
    EpochStats,
    Recipe,
    Run,
    confusion_matrix,
    count_parameters,
    load_checkpoint,
    predict,
)


def default_folder(name: str) -> Path:
    """``runs/<name>-<date>-<time>``, with a suffix if that already exists."""
    base = Path("runs") / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}"
    folder, n = base, 1
    while folder.exists():
        folder, n = base.with_name(f"{base.name}-{n}"), n + 1
    return folder


def format_epoch(stats: EpochStats, epochs: int) -> str:
    width = len(str(epochs))
    return (
        f"epoch {stats.epoch:{width}d}/{epochs}  "
        f"train loss {stats.train_loss:.4f} acc {stats.train_accuracy:.4f}  "
        f"val loss {stats.val_loss:.4f} acc {stats.val_accuracy:.4f}  {stats.seconds:.3f}s"
    )


def write_run_folder(run: Run, folder: Path, with_plots: bool) -> list[Path]:
    """Checkpoint, metrics (CSV and JSON) and, when asked and possible, the PNG figures."""
    folder.mkdir(parents=True, exist_ok=True)
    run.save(folder / CHECKPOINT_NAME)
    rows = [dataclasses.asdict(stats) for stats in run.history]
    with open(folder / "metrics.csv", "w", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=[f.name for f in dataclasses.fields(EpochStats)])
        writer.writeheader()
        writer.writerows(rows)
    predictions = predict(run.model, run.val_x).argmax(axis=1)
    confusion = confusion_matrix(run.val_y, predictions, run.config.classes)
    summary = {
        "config": dataclasses.asdict(run.config),
        "parameters": count_parameters(run.model),
        "classes": list(run.recipe.class_names(run.config.classes)),
        "epochs": rows,
        "final": rows[-1] if rows else None,
        "val_confusion": confusion.tolist(),
    }
    (folder / "metrics.json").write_text(json.dumps(summary, indent=2) + "\n")
    written = [folder / name for name in (CHECKPOINT_NAME, "metrics.csv", "metrics.json")]
    if with_plots and plots.available():
        title = (
            f"{run.recipe.name}: {count_parameters(run.model)} parameters, seed {run.config.seed}"
        )
        written.append(plots.save_curves(run.history, folder / "curves.png", title))
        if run.kernels:
            written.append(plots.save_filters(np.stack(run.kernels), folder / "filters.png"))
    return written


def _checkpoint(recipe: Recipe, path: str) -> dict[str, Any]:
    try:
        return load_checkpoint(path, recipe)
    except (FileNotFoundError, ValueError) as error:
        raise CLIError(str(error)) from None


def _check_classes(args: argparse.Namespace, run: Run) -> None:
    wanted = getattr(args, "classes", None)
    if wanted is not None and wanted != run.config.classes:
        raise CLIError(
            f"--classes {wanted} does not match the checkpoint, a {run.config.classes}-class "
            f"{run.recipe.name}"
        )


def command_train(recipe: Recipe, defaults: dict[str, Any], args: argparse.Namespace) -> int:
    """Train (or resume), one line per epoch, then write and name the run folder."""
    if args.resume is not None:
        run = Run.restore(recipe, _checkpoint(recipe, args.resume))
        conflicts = conflicting_flags(args, run.config)
        if conflicts:
            raise CLIError("a resumed run keeps its settings; drop " + ", ".join(conflicts))
        epochs = args.epochs if args.epochs is not None else run.config.epochs
        if epochs <= run.epoch:
            raise CLIError(
                f"the checkpoint has already trained {run.epoch} epochs; pass --epochs above "
                f"{run.epoch} to train more"
            )
        resumed = Path(args.resume)
        folder = Path(args.out) if args.out else (resumed if resumed.is_dir() else resumed.parent)
    else:
        run = Run(recipe, config_from_args(recipe.name, args, defaults))
        epochs = run.config.epochs
        folder = Path(args.out) if args.out else default_folder(recipe.name)
    run.config.epochs = epochs
    c = run.config
    print(
        f"{recipe.name}: {count_parameters(run.model)} parameters, {c.classes} classes, "
        f"{c.train_size} training / {c.val_size} validation images (noise {c.noise}), "
        f"{c.optimizer} lr {c.lr}, batch {c.batch_size}, seed {c.seed}"
        + (f", resuming after epoch {run.epoch}" if run.epoch else "")
    )
    try:
        run.fit(epochs, on_epoch=lambda stats: print(format_epoch(stats, epochs), flush=True))
    except KeyboardInterrupt:
        write_run_folder(run, folder, with_plots=False)
        raise CLIError(
            f"interrupted after epoch {run.epoch}; continue with --resume {folder}", code=130
        ) from None
    written = write_run_folder(run, folder, with_plots=not args.no_plots)
    if recipe.summary is not None:
        print(recipe.summary(run))
    elif run.kernels:
        print("learned kernels:")
        print(format_kernels(run.kernels[-1]))
    if not args.no_plots and not plots.available():
        print("(no PNG figures: matplotlib is not installed; pip install matplotlib)")
    print(f"run folder: {folder} ({', '.join(p.name for p in written)})")
    return 0


def _evaluation_set(run: Run, args: argparse.Namespace) -> tuple[np.ndarray, np.ndarray, str]:
    """The run's validation set, or a fresh set when ``--seed`` is given."""
    if args.seed is None:
        return run.val_x, run.val_y, f"the run's validation set ({len(run.val_y)} images)"
    size = args.size or run.config.val_size
    fresh = dataclasses.replace(run.config, seed=args.seed, train_size=0, val_size=size)
    _, _, images, labels = run.recipe.data(fresh, np.random.default_rng(args.seed))
    return images, labels, f"a fresh set of {size} images (seed {args.seed})"


def command_eval(recipe: Recipe, defaults: dict[str, Any], args: argparse.Namespace) -> int:
    """Accuracy and the confusion matrix of a checkpoint."""
    run = Run.restore(recipe, _checkpoint(recipe, args.checkpoint))
    _check_classes(args, run)
    images, labels, described = _evaluation_set(run, args)
    predictions = predict(run.model, images).argmax(axis=1)
    names = recipe.class_names(run.config.classes)
    accuracy = float((predictions == labels).mean())
    print(f"{recipe.name} after {run.epoch} epochs, on {described}: accuracy {accuracy:.4f}")
    print(format_confusion(confusion_matrix(labels, predictions, len(names)), names))
    return 0


def command_trace(recipe: Recipe, defaults: dict[str, Any], args: argparse.Namespace) -> int:
    """One validation sample through the layers: names, shapes and values."""
    run = Run.restore(recipe, _checkpoint(recipe, args.checkpoint))
    _check_classes(args, run)
    if args.index >= len(run.val_y):
        raise CLIError(
            f"--index {args.index} is out of range: the validation set has {len(run.val_y)} images"
        )
    names = recipe.class_names(run.config.classes)
    label = int(run.val_y[args.index])
    x = mt.from_numpy(run.val_x[args.index : args.index + 1])
    print(f"validation image {args.index}, class {label} ({names[label]})")
    print(_describe("input", "", x))
    run.model.eval()
    with mt.no_grad():
        for name, layer in run.model.named_children():
            x = layer(x)
            print(_describe(name, repr(layer), x))
        probabilities = x.softmax(dim=1).numpy()[0]
    print("softmax -> probabilities")
    for i, p in enumerate(probabilities):
        print(f"  {names[i]:>12s} {p:.4f}")
    guess = int(probabilities.argmax())
    verdict = "correct" if guess == label else f"wrong, the image is {names[label]}"
    print(f"prediction: {names[guess]} ({verdict})")
    return 0


def _describe(name: str, layer: str, x: mt.Tensor) -> str:
    values = x.numpy()[0]
    title = f"{name} {layer} -> {tuple(values.shape)}".replace("  ", " ")
    if values.ndim == 3:  # feature maps: one grid per channel
        body = side_by_side(
            [grid_lines(m, "{:6.2f}") for m in values], [f"channel {c}" for c in range(len(values))]
        )
    else:
        body = "\n".join(grid_lines(values.reshape(-1, min(values.size, 9)), "{:6.2f}"))
    return title + "\n" + "\n".join("  " + line for line in body.splitlines())


def command_gradcheck(recipe: Recipe, defaults: dict[str, Any], args: argparse.Namespace) -> int:
    """Every parameter's gradient against central differences in float64."""
    try:
        from microtensor.testing import check_module_gradients
    except ImportError as error:
        raise CLIError(f"gradcheck needs hypothesis ({error}): pip install hypothesis") from None
    if args.checkpoint:
        run = Run.restore(recipe, _checkpoint(recipe, args.checkpoint))
        _check_classes(args, run)
        where = f"the checkpoint {args.checkpoint} (epoch {run.epoch})"
    else:
        config = config_from_args(recipe.name, args, defaults)
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


def command_graph(recipe: Recipe, defaults: dict[str, Any], args: argparse.Namespace) -> int:
    """The graph behind one loss, as an indented tree (and as DOT text with ``--dot``)."""
    import microtensor.nn.functional as F  # noqa: N812 (PyTorch's spelling)
    from microtensor import viz

    config = config_from_args(recipe.name, args, defaults)
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
    if args.dot:
        Path(args.dot).write_text(viz.to_dot(loss, names=names, show_grad=args.grad) + "\n")
        print(f"DOT text written to {args.dot} (render it with: dot -Tpng {args.dot} -o graph.png)")
    return 0


COMMANDS = {
    "train": (command_train, "train a model, one line per epoch; writes a run folder"),
    "eval": (command_eval, "accuracy and confusion matrix of a checkpoint"),
    "trace": (command_trace, "one sample through the layers: names, shapes, values"),
    "gradcheck": (command_gradcheck, "every parameter's gradient against finite differences"),
    "graph": (command_graph, "the graph behind one loss, as a tree (and DOT text)"),
}


def add_commands(
    subparsers: Any, recipe: Recipe, defaults: dict[str, Any], flags: list[str], names: list[str]
) -> None:
    """Add the subcommands ``names`` for ``recipe``; ``flags`` are its training flags."""
    for name in names:
        function, text = COMMANDS[name]
        sub = subparsers.add_parser(name, help=text, description=text)
        sub.set_defaults(handler=partial(function, recipe, defaults))
        classes = "--classes" in flags
        if name == "train":
            add_train_flags(sub, defaults, flags)
        elif name == "graph":
            sub.add_argument("--batch", type=positive_int, default=4, help="images (default: 4)")
            sub.add_argument(
                "--grad", action="store_true",
                help="also show the gradient reaching each op and each parameter",
            )
            sub.add_argument("--dot", help="also write the graph as Graphviz DOT text to this file")
            model_flags = [f for f in flags if f in ("--classes", "--hidden", "--seed")]
            add_train_flags(sub, defaults, model_flags, run_flags=False)
        elif name == "gradcheck":
            sub.add_argument("--checkpoint", help="check a trained model instead of a fresh one")
            sub.add_argument("--batch", type=positive_int, default=8, help="images (default: 8)")
            model_flags = [f for f in flags if f in ("--classes", "--hidden", "--seed")]
            add_train_flags(sub, defaults, model_flags, run_flags=False)
        else:
            sub.add_argument("--checkpoint", required=True, help="a checkpoint or run folder")
            if classes:
                sub.add_argument("--classes", type=int, choices=(3, 4), help="expected classes")
        if name == "eval":
            sub.add_argument(
                "--seed", type=non_negative_int, help="evaluate on a fresh set drawn with this seed"
            )
            sub.add_argument("--size", type=positive_int, help="size of that fresh set")
        if name == "trace":
            sub.add_argument(
                "--index", type=non_negative_int, default=0, help="validation image (default: 0)"
            )
