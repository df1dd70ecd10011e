"""The edge net's command line: ``python -m models.edgenet COMMAND`` (``--help`` lists them).

``demo`` is declared here, beside its handler; ``train``, ``eval``, ``trace`` and
``gradcheck`` are the shared ones of ``models.commands`` (the network has no flags).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

import numpy as np

from models import commands
from models.cli import Parser, add_command, command_line, run_main
from models.datasets import anchor_image, horizontal_kernel
from models.edgenet import RECIPE, anchor_response
from models.text import grid_lines, side_by_side

MODEL_FLAGS = ()
SEED_TABLE_NOTE = (
    "The seed prints rows 0, -765, 765, 0 and calls -765 a bright-to-dark edge; both are "
    "wrong: its own loop gives the rows above, and -765 is where the kernel's +1 row lies "
    "on dark pixels above its -1 row on bright ones (dark-to-bright going down)."
)


def add_demo(subcommands: Any) -> None:
    """``demo``: no flags."""
    text = "the seed's anchor image through the hand-written kernel (F.conv2d)"
    add_command(subcommands, "demo", text, command_demo)


def command_demo(args: argparse.Namespace) -> int:
    """The anchor through the hand-written kernel, ReLU and pooling, with the seed's error."""
    response = anchor_response()
    image, kernel = (
        grid_lines(anchor_image(), "{:4.0f}"),
        grid_lines(horizontal_kernel(), "{:3.0f}"),
    )
    print(side_by_side([image, kernel], ["anchor image (6x6)", "horizontal kernel"]))
    print()
    relu = np.maximum(response, 0)
    pooled = relu.reshape(2, 2, 2, 2).max(axis=(1, 3))
    print(
        side_by_side(
            [
                grid_lines(response, "{:6.0f}"),
                grid_lines(relu, "{:5.0f}"),
                grid_lines(pooled, "{:5.0f}"),
            ],
            ["F.conv2d output (4x4)", "ReLU", "MaxPool2d(2, 2)"],
        )
    )
    print()
    print(SEED_TABLE_NOTE)
    return 0


def build_parser() -> Parser:
    """The parser of ``python -m models.edgenet``."""
    parser, subcommands = command_line(
        "python -m models.edgenet",
        "The second seed's 6x6 horizontal-edge detector: demo and train.",
    )
    add_demo(subcommands)
    commands.add_model_commands(subcommands, RECIPE, MODEL_FLAGS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``python -m models.edgenet`` with ``argv``; returns the exit status."""
    return run_main(build_parser(), argv)
