"""The folder a training run writes, and the line it prints per epoch::

runs/tinycnn-20250101-120000/
    checkpoint.npz   model, optimiser, shuffling generator, history (mt.save)
    metrics.csv      one row per epoch
    metrics.json     config, parameter count, per-epoch metrics, final confusion matrix
    curves.png       loss and accuracy, train and validation (with matplotlib)
    filters.png      the conv kernels from initialisation to the end (with matplotlib)
"""

from __future__ import annotations

import csv
import dataclasses
import json
import time
from pathlib import Path

import numpy as np

from models import plots
from models.training import (
    CHECKPOINT_NAME,
    EpochStats,
    Run,
    confusion_matrix,
    count_parameters,
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
    """One epoch's losses, accuracies and time as one line."""
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
