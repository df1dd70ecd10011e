"""``train``: the subcommand every model's CLI has, declared beside its handler.

A run folder is checked and locked before any work starts (``models/run_folder.py``);
the checkpoint and metrics are rewritten after every epoch; SIGINT or SIGTERM stops the
run after the current optimiser step with a checkpoint that resumes bitwise
(``models/interrupts.py``); the plots are drawn at the end.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

from models import plots, run_data
from models.cli import (
    RUN_FLAGS,
    CLIError,
    ConfigFlag,
    add_command,
    add_config_flags,
    config_from_args,
    conflicting_flags,
    load_run,
    non_negative_int,
    path,
)
from models.interrupts import StopOnSignals
from models.run_folder import (
    PLOT_NAMES,
    RunFolderError,
    check_folder,
    default_folder,
    format_epoch,
    locked,
    remove_run_files,
    save_run,
    write_run_folder,
)
from models.text import format_kernels
from models.training import Recipe, Run, count_parameters

Flags = Sequence[ConfigFlag]


def add_train(subcommands: Any, recipe: Recipe, model_flags: Flags) -> None:
    """``train [model flags] [training flags] [--out] [--resume] [--overwrite] [--no-plots]``."""
    flags = (*model_flags, *RUN_FLAGS)
    text = "train a model, one line per epoch; writes a run folder"
    sub = add_command(subcommands, "train", text, partial(train, recipe, flags))
    add_config_flags(sub, flags, recipe.defaults)
    sub.add_argument(
        "--out",
        type=path,
        help="run folder (default: runs/<model>-<date>-<time>; with --resume, the resumed "
        "run's folder); one that holds a run needs --resume or --overwrite",
    )
    sub.add_argument(
        "--resume",
        metavar="CHECKPOINT",
        type=path,
        help="continue a run from its checkpoint (or run folder) up to --epochs in total; "
        "bitwise as if it had never stopped",
    )
    sub.add_argument(
        "--overwrite",
        action="store_true",
        help="replace the run in --out (its checkpoint, metrics and plots are deleted)",
    )
    sub.add_argument(
        "--checkpoint-every",
        metavar="N",
        type=non_negative_int,
        default=0,
        help="also write the checkpoint every N optimiser steps (default 0: after every "
        "epoch only); a kill then loses at most N steps",
    )
    sub.add_argument("--no-plots", action="store_true", help="do not write PNG figures")


def _start(recipe: Recipe, flags: Flags, args: argparse.Namespace) -> tuple[Run, Path, bool]:
    """The run to train, its folder, and whether that folder may hold a run already."""
    if args.resume is None:
        run = Run(recipe, config_from_args(recipe, args, flags))
        folder = Path(args.out) if args.out else default_folder(recipe.name)
        return run, folder, args.overwrite
    run = load_run(recipe, args.resume)
    conflicts = conflicting_flags(args, run.config, flags)
    if conflicts:
        raise CLIError("a resumed run keeps its settings; drop " + ", ".join(conflicts))
    epochs = args.epochs if args.epochs is not None else run.config.epochs
    if epochs <= run.epoch:
        raise CLIError(
            f"the checkpoint has already trained {run.epoch} epochs; pass --epochs above "
            f"{run.epoch} to train more"
        )
    run.config.epochs = epochs
    resumed = Path(args.resume)
    resumed = resumed if resumed.is_dir() else resumed.parent
    folder = Path(args.out) if args.out else resumed
    same = folder.resolve() == resumed.resolve()
    return run, folder, args.overwrite or same


def train(recipe: Recipe, flags: Flags, args: argparse.Namespace) -> int:
    """Train (or resume), one line per epoch, then write and name the run folder."""
    run, folder, replace = _start(recipe, flags, args)
    try:
        check_folder(folder, replace)
        with locked(folder):
            return _train(run, folder, args)
    except RunFolderError as error:
        raise CLIError(str(error)) from None
    except OSError as error:  # the folder cannot be made or written
        raise CLIError(f"cannot write the run folder {folder}: {error.strerror or error}") from None


def _train(run: Run, folder: Path, args: argparse.Namespace) -> int:
    """Train ``run`` in ``folder`` (checked and locked)."""
    with StopOnSignals() as stop:
        try:
            finished = _fit(run, folder, args.overwrite, stop, args.checkpoint_every)
        except KeyboardInterrupt:  # a second signal: stop at once, keep the last checkpoint
            raise CLIError(
                f"interrupted; {folder} keeps the checkpoint of the last complete epoch; "
                f"continue with --resume {folder}",
                code=130,
            ) from None
    if not finished:
        assert stop.received is not None
        step = f" after step {run.progress.step}" if run.progress else ""
        raise CLIError(
            f"stopped by {stop.received.name} in epoch {run.epoch + 1}{step}; "
            f"continue with --resume {folder}",
            code=128 + stop.received.value,
        )
    written = write_run_folder(run, folder, with_plots=not args.no_plots)
    if run.recipe.summary is not None:
        print(run.recipe.summary(run))
    elif run.kernels:
        print("learned kernels:")
        print(format_kernels(run.kernels[-1]))
    if not args.no_plots and not plots.available():
        print("(no PNG figures: matplotlib is not installed; pip install matplotlib)")
    print(f"run folder: {folder} ({', '.join(p.name for p in written)})")
    return 0


def _fit(run: Run, folder: Path, overwrite: bool, stop: StopOnSignals, every: int) -> bool:
    """Save the starting point, print the header, train with a checkpoint after every
    epoch (and every ``every`` steps); on a stop, save where it stopped. Returns whether
    every epoch is done."""
    if overwrite:
        remove_run_files(folder)
    for name in PLOT_NAMES:  # drawn again at the end; until then they would be stale
        (folder / name).unlink(missing_ok=True)
    save_run(run, folder)  # from here on, the folder can be resumed
    c, epochs = run.config, run.config.epochs
    where = ""
    if run.progress is not None:
        where = f", resuming in epoch {run.epoch + 1} after step {run.progress.step}"
    elif run.epoch:
        where = f", resuming after epoch {run.epoch}"
    print(
        f"{run.recipe.name}: {count_parameters(run.model)} parameters, {c.classes} classes, "
        f"{run_data.describe(c, run.train_x.shape[-1])}, "
        f"{c.optimizer} lr {c.lr}, batch {c.batch_size}, seed {c.seed}{where}",
        flush=True,
    )

    def on_epoch(stats: Any) -> None:
        save_run(run, folder)  # before the line: a printed epoch is a saved epoch
        print(format_epoch(stats, epochs), flush=True)

    def on_step(progress: Any) -> None:
        if every and progress.step % every == 0:
            run.progress = progress  # the checkpoint says how far the epoch got
            save_run(run, folder)

    finished = run.fit(epochs, on_epoch=on_epoch, stop=stop, on_step=on_step)
    if not finished:
        save_run(run, folder)
    return finished
