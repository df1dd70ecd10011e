"""LeNet-5's command line: ``python -m models.lenet COMMAND`` (``--help`` lists them).

The commands are the shared ones of ``models.commands`` but ``gradcheck``, which checks
every weight by finite differences: two forward passes per weight, 123,412 for LeNet-5,
too slow to be useful here. There are no model flags: LeNet-5 trains on the digits, with
10 classes.
"""

from __future__ import annotations

from collections.abc import Sequence

from models import commands, trace_command, train_command
from models.cli import Parser, command_line, run_main
from models.lenet import RECIPE


def build_parser() -> Parser:
    """The parser of ``python -m models.lenet``."""
    parser, subcommands = command_line(
        "python -m models.lenet",
        "LeNet-5 on scikit-learn's handwritten digits (upsampled to 32x32): train, evaluate, "
        "trace, graph.",
    )
    train_command.add_train(subcommands, RECIPE, ())
    commands.add_eval(subcommands, RECIPE, ())
    trace_command.add_trace(subcommands, RECIPE, ())
    commands.add_graph(subcommands, RECIPE, ())
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``python -m models.lenet`` with ``argv``; returns the exit status."""
    return run_main(build_parser(), argv)
