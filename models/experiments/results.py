"""What ``python -m models.experiments all`` writes: results.md (the tables, the
figures and how they were made) and the PNG figures it shows.

Other commands own a section of results.md between ``<!-- NAME: begin -->`` and
``<!-- NAME: end -->`` (``scaling``, ``digits``; see ``sections.py``), which ``all`` keeps.
"""

from __future__ import annotations

import os
import platform
import time
from pathlib import Path

import numpy as np

import microtensor as mt
from models import plots
from models.datasets import STRIPE_CLASSES, make_stripes
from models.experiments.accuracy import Results, Settings
from models.experiments.table import percent


def write_figures(results: Results, folder: Path, settings: Settings) -> dict[str, str]:
    """The PNGs for results.md (when matplotlib is installed): name -> path relative to docs."""
    if not plots.available():
        return {}
    images = folder / "img"
    figures = {}
    examples, labels = make_stripes(24, 4, generator=np.random.default_rng(0))
    figures["stripes"] = plots.save_examples(
        examples, labels, STRIPE_CLASSES, images / "stripes.png"
    )
    run = results.default_run
    if run is not None:
        figures["curves"] = plots.save_curves(
            run.history, images / "tinycnn_curves.png", "TinyCNN, 114 parameters, seed 0"
        )
        figures["filters"] = plots.save_filters(
            np.stack(run.kernels), images / "tinycnn_filters.png"
        )
    if results.sweep_rows:
        cnn = run.history[-1].val_accuracy if run is not None else None
        figures["sweep"] = plots.save_sweep(results.sweep_rows, images / "mlp_sweep.png", cnn)
    if results.robustness:
        figures["robustness"] = plots.save_seed_accuracies(
            results.robustness, images / "robustness.png"
        )
    return {name: str(path.relative_to(folder)) for name, path in figures.items()}


def results_markdown(
    results: Results, figures: dict[str, str], settings: Settings, seconds: float
) -> str:
    """docs/results.md: the tables, the figures and how they were made."""
    mode = (
        "`--quick` smoke run (tiny sizes: the numbers mean nothing)"
        if settings.quick
        else "full run"
    )
    lines = [
        "# Results: the seeds' tables, reproduced",
        "",
        f"Written by `python -m models.experiments all` ({mode}) on {time.strftime('%Y-%m-%d')} "
        f"in {seconds / 60:.1f} minutes, microtensor {mt.__version__}, NumPy {np.__version__}, "
        f"Python {platform.python_version()}, OpenBLAS kernels "
        f"{os.environ.get('OPENBLAS_CORETYPE', 'of this CPU')}. Every number comes from this "
        "repository's code; "
        "each table puts the figures the seeds state (columns marked *stated*) beside ours, and "
        "where a seed's figure disagrees with the arithmetic the notes say so.",
        "",
        f"Training runs: {settings.epochs} epochs, {settings.train_size} training and "
        f"{settings.val_size} validation images, plain SGD (lr 0.3, batch 32) unless a row says "
        "otherwise; the data, the initial weights and the shuffling all come from the run's seed.",
        "",
        "## The data",
        "",
        "8x8 stripes: vertical, horizontal, diagonal (either way) and, for the four-class "
        "extension, a centred dot; 2 or 3 pixels wide anywhere in the image, brightness 0.6 "
        "to 1.0, Gaussian noise (sd 0.15). The linear classifier in the comparison below shows "
        "how far pixels alone get.",
    ]
    if "stripes" in figures:
        lines += ["", f"![examples of the four classes]({figures['stripes']})"]
    if results.default_run is not None:
        last = results.default_run.history[-1]
        lines += [
            "",
            "## TinyCNN's training (`python -m models.tinycnn train`)",
            "",
            f"The CLI's defaults (seed 0) end epoch {last.epoch} at {percent(last.val_accuracy)} "
            f"validation accuracy ({percent(last.train_accuracy)} on the training images): "
            + ("above" if last.val_accuracy > 0.99 else "not above")
            + " the seed's 99%.",
        ]
    if "curves" in figures:
        lines += [
            "",
            f"![loss and accuracy]({figures['curves']})",
            "",
            f"![the kernels from initialisation to the end]({figures['filters']})",
        ]
    lines += ["", "## Tables", ""]
    for table in results.tables:
        lines += [table.markdown(), ""]
        if table.title.startswith("MLP capacity") and "sweep" in figures:
            lines += [f"![MLP accuracy by width]({figures['sweep']})", ""]
        if table.title.startswith("TinyCNN over") and "robustness" in figures:
            lines += [f"![accuracy per seed]({figures['robustness']})", ""]
    return "\n".join(lines).rstrip() + "\n"
