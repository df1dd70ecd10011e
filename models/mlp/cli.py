"""The MLPs' command line: ``python -m models.mlp COMMAND`` (``--help`` lists them).

``train``, ``eval``, ``trace`` and ``gradcheck`` are the shared ones of
``models.commands``, the network built from ``--hidden`` and ``--classes``, trained on
``--dataset`` (stripes or digits); ``sweep`` is
declared here, beside its handler.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from models import commands
from models.cli import (
    CLASSES,
    DATASET,
    RUN_FLAGS,
    SEED,
    ConfigFlag,
    Parser,
    add_command,
    add_config_flags,
    command_line,
    config_from_args,
    positive_int,
    run_main,
)
from models.mlp import RECIPE
from models.mlp.sweep import format_sweep, sweep

HIDDEN = ConfigFlag("--hidden", "hidden", positive_int, "width of the hidden layer")
MODEL_FLAGS = (HIDDEN, DATASET, CLASSES)
# The sweep sets the width and the seed itself.
SWEEP_FLAGS = (DATASET, CLASSES, *(flag for flag in RUN_FLAGS if flag is not SEED))


def add_sweep(subcommands: Any) -> None:
    """``sweep [--widths W ...] [--seeds N] [training flags but --seed]``."""
    text = "validation accuracy per hidden width over several seeds"
    sub = add_command(subcommands, "sweep", text, command_sweep)
    sub.add_argument(
        "--widths",
        type=positive_int,
        nargs="+",
        default=[1, 2, 4, 8, 16, 18, 32],
        help="hidden widths (default: 1 2 4 8 16 18 32)",
    )
    sub.add_argument("--seeds", type=positive_int, default=5, help="seeds per width (default: 5)")
    add_config_flags(sub, SWEEP_FLAGS, RECIPE.defaults)


def command_sweep(args: argparse.Namespace) -> int:
    """Train every width with every seed, print a line per run, then the table."""
    base = config_from_args(RECIPE, args, SWEEP_FLAGS)
    print(
        f"MLP capacity sweep: widths {' '.join(map(str, args.widths))}, seeds 0..{args.seeds - 1}, "
        f"{base.classes} classes, {base.epochs} epochs each"
    )
    print(
        format_sweep(sweep(args.widths, args.seeds, base, progress=lambda s: print(s, flush=True)))
    )
    return 0


def build_parser() -> Parser:
    """The parser of ``python -m models.mlp``."""
    parser, subcommands = command_line(
        "python -m models.mlp",
        "One-hidden-layer MLP baselines on the 8x8 stripes (or digits): train, sweep widths.",
    )
    commands.add_model_commands(subcommands, RECIPE, MODEL_FLAGS)
    add_sweep(subcommands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``python -m models.mlp`` with ``argv``; returns the exit status."""
    return run_main(build_parser(), argv)
