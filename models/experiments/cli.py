"""Every table of the seeds, reproduced from real runs, beside the figures the seeds state.

    python -m models.experiments params       # weight counts (arithmetic, no training)
    python -m models.experiments compare      # TinyCNN vs MLP vs a linear classifier
    python -m models.experiments sweep        # MLP capacity sweep over widths and seeds
    python -m models.experiments four-class   # adding the dot class
    python -m models.experiments robustness   # TinyCNN over 10 initialisation seeds
    python -m models.experiments scaling      # LeNet-5 to ResNet-50: count, time (scaling.py)
    python -m models.experiments digits       # the real digits: its section of results.md
    python -m models.experiments all          # the trained tables: docs/results.md, docs/img/

``--quick`` runs everything small (few epochs, samples and seeds) as a smoke test;
``all --quick`` writes to runs/experiments-quick/ unless ``--out`` says otherwise.
The experiments are in ``accuracy.py`` (they train) and ``parameters.py`` (they count);
``results.py`` writes results.md and its figures.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from pathlib import Path

from models.cli import Parser, path, run_main, writable_folder
from models.experiments import accuracy, digits, parameters, scaling
from models.experiments.accuracy import FULL, QUICK, Results, Settings
from models.experiments.results import results_markdown, write_figures
from models.experiments.sections import write_keeping_sections

STEPS = {
    "compare": accuracy.compare,
    "sweep": accuracy.capacity_sweep,
    "four-class": accuracy.four_class,
    "robustness": accuracy.robustness,
}


def progress(line: str) -> None:
    """Print a progress line at once."""
    print(line, flush=True)


def run_steps(names: Sequence[str], settings: Settings) -> Results:
    """Run the named experiments, printing progress and each table as it completes."""
    results = Results()
    for name in names:
        if name == "params":
            new = parameters.params_tables()
        else:
            new = [STEPS[name](settings, progress, results)]
        for table in new:
            print("\n" + table.text() + "\n", flush=True)
        results.tables += new
    return results


def command(args: argparse.Namespace) -> int:
    """Run one experiment, or ``all`` of them and write results.md and its figures."""
    settings = QUICK if args.quick else FULL
    start = time.perf_counter()
    if args.experiment == "digits":
        return digits.command(args, progress)
    default = Path("runs/experiments-quick") if args.quick else Path("docs")
    if args.experiment == "scaling":  # its own section of results.md, timed on this machine
        out = scaling.output_folder(args.out or default)  # checked before the work
        table = scaling.scaling(settings, progress, Results())
        print("\n" + table.text() + "\n", flush=True)
        print(f"wrote its section of {scaling.write_results(table, out)}")
        return 0
    if args.experiment != "all":
        run_steps([args.experiment], settings)
        return 0
    folder = writable_folder(args.out or default, "--out")  # before minutes of training
    results = run_steps(["params", *STEPS], settings)
    figures = {} if args.no_plots else write_figures(results, folder, settings)
    text = results_markdown(results, figures, settings, time.perf_counter() - start)
    write_keeping_sections(folder / "results.md", text)
    extra = (
        f" and {len(figures)} figures in {folder / 'img'}"
        if figures
        else " (no figures: no matplotlib)"
    )
    print(f"wrote {folder / 'results.md'}{extra}")
    return 0


def build_parser() -> Parser:
    """The parser of ``python -m models.experiments`` (one positional, no subcommands)."""
    parser = Parser(
        prog="python -m models.experiments",
        description="The seeds' tables from real runs, beside the figures the seeds state.",
    )
    parser.add_argument(
        "experiment",
        choices=["params", *STEPS, "scaling", "digits", "all"],
        help="which table(s); 'all' also writes results.md and figures (keeping the "
        "sections that 'scaling' and 'digits' write into it)",
    )
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke test")
    parser.add_argument("--out", type=path, help="folder for results.md and img/ (default: docs)")
    parser.add_argument("--no-plots", action="store_true", help="write no PNG figures")
    parser.set_defaults(handler=command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``python -m models.experiments`` with ``argv``; returns the exit status."""
    return run_main(build_parser(), argv)
