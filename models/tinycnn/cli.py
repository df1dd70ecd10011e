"""TinyCNN's command line: ``python -m models.tinycnn COMMAND`` (``--help`` lists them).

The commands are the shared ones of ``models.commands``; the network is built from
``--classes``, and trains on ``--dataset`` (stripes, or the digits: TinyCNN-10).
"""

from __future__ import annotations

from collections.abc import Sequence

from models import commands
from models.cli import CLASSES, DATASET, Parser, command_line, run_main
from models.tinycnn import RECIPE

MODEL_FLAGS = (DATASET, CLASSES)


def build_parser() -> Parser:
    """The parser of ``python -m models.tinycnn``."""
    parser, subcommands = command_line(
        "python -m models.tinycnn",
        "TinyCNN on the seed's 8x8 stripes (or the 8x8 digits): train, evaluate, trace, gradcheck, "
        "graph.",
    )
    commands.add_model_commands(subcommands, RECIPE, MODEL_FLAGS)
    commands.add_graph(subcommands, RECIPE, MODEL_FLAGS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``python -m models.tinycnn`` with ``argv``; returns the exit status."""
    return run_main(build_parser(), argv)
