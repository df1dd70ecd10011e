"""Every table of the seeds, reproduced from real runs, beside the figures the seeds state.

    python -m models.experiments params       # weight counts (arithmetic, no training)
    python -m models.experiments compare      # TinyCNN vs MLP vs a linear classifier
    python -m models.experiments sweep        # MLP capacity sweep over widths and seeds
    python -m models.experiments four-class   # adding the dot class
    python -m models.experiments robustness   # TinyCNN over 10 initialisation seeds
    python -m models.experiments all          # all of it, into docs/results.md and docs/img/

``--quick`` runs everything small (few epochs, samples and seeds) as a smoke test;
``all --quick`` writes to runs/experiments-quick/ unless ``--out`` says otherwise.
"""

from __future__ import annotations

import argparse
import platform
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

import microtensor as mt
from models import counts, plots, tables
from models.cli import Parser, run_main
from models.datasets import STRIPE_CLASSES, make_stripes
from models.report import percent
from models.tables import FULL, QUICK, Results, Settings

STEPS = {
    "compare": tables.compare,
    "sweep": tables.sweep,
    "four-class": tables.four_class,
    "robustness": tables.robustness,
}


def progress(line: str) -> None:
    print(line, flush=True)


def run_steps(names: Sequence[str], settings: Settings) -> Results:
    """Run the named experiments, printing progress and each table as it completes."""
    results = Results()
    for name in names:
        if name == "params":
            new = counts.params_tables()
        else:
            new = [STEPS[name](settings, progress, results)]
        for table in new:
            print("\n" + table.text() + "\n", flush=True)
        results.tables += new
    return results


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
        f"Python {platform.python_version()}. Every number comes from this repository's code; "
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


def command(args: argparse.Namespace) -> int:
    settings = QUICK if args.quick else FULL
    start = time.perf_counter()
    if args.experiment != "all":
        run_steps([args.experiment], settings)
        return 0
    results = run_steps(["params", *STEPS], settings)
    default = Path("runs/experiments-quick") if args.quick else Path("docs")
    folder = Path(args.out) if args.out else default
    folder.mkdir(parents=True, exist_ok=True)
    figures = {} if args.no_plots else write_figures(results, folder, settings)
    text = results_markdown(results, figures, settings, time.perf_counter() - start)
    (folder / "results.md").write_text(text)
    extra = (
        f" and {len(figures)} figures in {folder / 'img'}"
        if figures
        else " (no figures: no matplotlib)"
    )
    print(f"wrote {folder / 'results.md'}{extra}")
    return 0


def build_parser() -> Parser:
    parser = Parser(
        prog="python -m models.experiments",
        description="The seeds' tables from real runs, beside the figures the seeds state.",
    )
    parser.add_argument(
        "experiment",
        choices=["params", *STEPS, "all"],
        help="which table(s); 'all' also writes results.md and figures",
    )
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke test")
    parser.add_argument("--out", help="folder for results.md and img/ (default: docs)")
    parser.add_argument("--no-plots", action="store_true", help="write no PNG figures")
    parser.set_defaults(handler=command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    return run_main(build_parser(), argv)


if __name__ == "__main__":
    raise SystemExit(main())
