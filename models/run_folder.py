"""The folder a training run writes, how it is kept safe, and the line printed per epoch::

runs/tinycnn-20250101-120000/
    checkpoint.npz   model, optimiser, shuffling generator, history, kernels (mt.save)
    metrics.csv      one row per epoch
    metrics.json     config, parameter count, per-epoch metrics, final confusion matrix
    curves.png       loss and accuracy, train and validation (with matplotlib)
    filters.png      the conv kernels from initialisation to the end (with matplotlib)
    train.lock       while a `train` writes the folder: its process id and host

The checkpoint and the metrics are rewritten atomically (a temporary file, then a rename)
after every epoch, so a killed run leaves the folder of its last complete epoch. A folder
that already holds a run is only written by ``--resume`` or ``--overwrite``, and only by
one process at a time (:func:`locked`).
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import io
import json
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from microtensor.atomic import write_atomically
from models import plots, run_data
from models.training import (
    CHECKPOINT_NAME,
    EpochStats,
    Run,
    confusion_matrix,
    count_parameters,
    predict,
)

LOCK_NAME = "train.lock"
PLOT_NAMES = ("curves.png", "filters.png")
RUN_FILES = (CHECKPOINT_NAME, "metrics.csv", "metrics.json", *PLOT_NAMES)


class RunFolderError(Exception):
    """The run folder cannot be used as asked (it holds a run, another process has it)."""


def default_folder(name: str) -> Path:
    """``runs/<name>-<date>-<time>``, with a suffix if that already exists."""
    base = Path("runs") / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}"
    folder, n = base, 1
    while folder.exists():
        folder, n = base.with_name(f"{base.name}-{n}"), n + 1
    return folder


def format_epoch(stats: EpochStats, epochs: int) -> str:
    """One epoch's losses, accuracies and time as one line."""
    width = len(str(epochs))
    return (
        f"epoch {stats.epoch:{width}d}/{epochs}  "
        f"train loss {stats.train_loss:.4f} acc {stats.train_accuracy:.4f}  "
        f"val loss {stats.val_loss:.4f} acc {stats.val_accuracy:.4f}  {stats.seconds:.3f}s"
    )


def check_folder(folder: Path, replace: bool) -> None:
    """Refuse ``folder`` when it is a file, or holds a run and ``replace`` is False."""
    if folder.exists() and not folder.is_dir():
        raise RunFolderError(f"--out {folder} is a file, not a folder")
    held = [name for name in RUN_FILES if (folder / name).exists()]
    if held and not replace:
        raise RunFolderError(
            f"{folder} already holds a run ({', '.join(held)}); pass --resume {folder} to "
            "continue it, --overwrite to replace it, or another --out"
        )


def _holder(lock: Path) -> str | None:
    """Who holds ``lock``: a description, or None when its process is gone."""
    try:
        pid_text, host = lock.read_text().split()
        pid = int(pid_text)
    except (OSError, ValueError):
        return None  # unreadable or half-written: the writer died while writing it
    if host != socket.gethostname():
        return f"process {pid} on {host} (delete {lock} if it is gone)"
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        return f"process {pid}"
    with contextlib.suppress(OSError):  # a killed process not yet reaped is a zombie
        if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
            return None
    return f"process {pid}"


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Create ``folder`` and hold its lock file for the duration; a lock left by a process
    that no longer runs is taken over."""
    folder.mkdir(parents=True, exist_ok=True)
    lock, mine = folder / LOCK_NAME, f"{os.getpid()} {socket.gethostname()}\n"
    for attempt in range(2):
        try:
            descriptor = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            holder = _holder(lock)
            if holder is not None or attempt:
                raise RunFolderError(
                    f"{folder} is in use by another `train` ({holder or 'starting up'}); "
                    "wait for it to finish or pass another --out"
                ) from None
            lock.unlink(missing_ok=True)  # stale: its process is gone
            continue
        with os.fdopen(descriptor, "w") as file:
            file.write(mine)
        break
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            if lock.read_text() == mine:
                lock.unlink()


def remove_run_files(folder: Path) -> None:
    """Delete the files a run writes (for ``--overwrite``); other files stay."""
    for name in RUN_FILES:
        (folder / name).unlink(missing_ok=True)


def write_text_atomically(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, then rename it over ``path``
    (``microtensor.atomic.write_atomically``: a reader sees the old file or the new one)."""
    write_atomically(str(path), lambda file: file.write(text.encode()))


def save_run(run: Run, folder: Path) -> list[Path]:
    """The checkpoint and the metrics (CSV and JSON), each replaced atomically."""
    run.save(folder / CHECKPOINT_NAME)
    rows = [dataclasses.asdict(stats) for stats in run.history]
    table = io.StringIO()
    writer = csv.DictWriter(table, fieldnames=[f.name for f in dataclasses.fields(EpochStats)])
    writer.writeheader()
    writer.writerows(rows)
    write_text_atomically(folder / "metrics.csv", table.getvalue())
    predictions = predict(run.model, run.val_x).argmax(axis=1)
    confusion = confusion_matrix(run.val_y, predictions, run.config.classes)
    summary = {
        "config": dataclasses.asdict(run.config),
        "parameters": count_parameters(run.model),
        "classes": list(run.recipe.class_names(run.config)),
        "epochs": rows,
        "final": rows[-1] if rows else None,
        "val_confusion": confusion.tolist(),
    }
    write_text_atomically(folder / "metrics.json", json.dumps(summary, indent=2) + "\n")
    return [folder / name for name in (CHECKPOINT_NAME, "metrics.csv", "metrics.json")]


def write_run_folder(run: Run, folder: Path, with_plots: bool) -> list[Path]:
    """Checkpoint, metrics (CSV and JSON) and, when asked and possible, the PNG figures."""
    folder.mkdir(parents=True, exist_ok=True)
    written = save_run(run, folder)
    if with_plots and plots.available():
        title = (
            f"{run.recipe.name}: {count_parameters(run.model)} parameters, seed {run.config.seed}"
        )
        held_out = run_data.held_out(run.config)
        written.append(plots.save_curves(run.history, folder / "curves.png", title, held_out))
        if run.kernels:
            written.append(plots.save_filters(np.stack(run.kernels), folder / "filters.png"))
    return written
