"""What the command lines share: argparse with one-line errors, the training flags, grids.

Every CLI is ``main(argv=None) -> int`` around :func:`run_main`: a bad flag value or a
missing file prints one line, ``<prog>: error: <what>``, and returns a non-zero code
(2 for a bad command line, 1 for a failure while running), never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from models.training import OPTIMIZERS, RunConfig


class CLIError(Exception):
    """A mistake of the user's, reported as one line. ``code`` is the exit status."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


class Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose errors are one line (no usage block) and raise."""

    def error(self, message: str) -> Any:  # type: ignore[override]
        raise CLIError(f"{self.prog}: error: {message}", code=2)


def run_main(parser: Parser, argv: Sequence[str] | None) -> int:
    """Parse ``argv`` and run the chosen subcommand's ``handler(args) -> int``."""
    try:
        args = parser.parse_args(argv)
        return int(args.handler(args))
    except CLIError as error:
        text = str(error)
        prefix = "" if text.startswith(parser.prog) else f"{parser.prog}: error: "
        print(prefix + text, file=sys.stderr)
        return error.code
    except SystemExit as exit_:  # --help and --version exit through argparse
        return exit_.code if isinstance(exit_.code, int) else 0
    except KeyboardInterrupt:
        print(f"{parser.prog}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head`: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _number(kind: Callable[[str], Any], test: Callable[[Any], bool], what: str) -> Any:
    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
        if not test(value):
            raise argparse.ArgumentTypeError(f"expected {what}, got {text}")
        return value

    parse.__name__ = what  # argparse names the type in its messages
    return parse


positive_int = _number(int, lambda v: v > 0, "a positive integer")
non_negative_int = _number(int, lambda v: v >= 0, "an integer >= 0")
positive_float = _number(float, lambda v: np.isfinite(v) and v > 0, "a positive number")
non_negative_float = _number(float, lambda v: np.isfinite(v) and v >= 0, "a number >= 0")

# The training flags every model's CLI has; each model adds its own (--classes, --hidden).
RUN_FLAGS = [
    "--epochs",
    "--lr",
    "--batch-size",
    "--optimizer",
    "--seed",
    "--train-size",
    "--val-size",
    "--noise",
]

# flag -> (RunConfig field, type, help); a flag left out of the command line is None, so
# that a resumed run can tell an explicit (conflicting) value from the default.
TRAIN_FLAGS: dict[str, tuple[str, Any, str]] = {
    "--classes": ("classes", int, "3 (vertical, horizontal, diagonal) or 4 (and dot)"),
    "--hidden": ("hidden", positive_int, "width of the hidden layer"),
    "--epochs": ("epochs", positive_int, "epochs to train (in total, when resuming)"),
    "--lr": ("lr", positive_float, "learning rate"),
    "--batch-size": ("batch_size", positive_int, "samples per optimiser step"),
    "--optimizer": ("optimizer", str, "sgd (plain, as the seed) or adam"),
    "--seed": ("seed", non_negative_int, "seed of the data, initial weights and shuffling"),
    "--train-size": ("train_size", positive_int, "number of training images"),
    "--val-size": ("val_size", positive_int, "number of validation images"),
    "--noise": ("noise", non_negative_float, "standard deviation of the pixel noise"),
}


def add_train_flags(
    parser: argparse.ArgumentParser,
    defaults: dict[str, Any],
    flags: Sequence[str],
    run_flags: bool = True,
) -> None:
    """The config flags named in ``flags``, with ``defaults`` (by RunConfig field) in the
    help; with ``run_flags`` also ``--out``, ``--resume`` and ``--no-plots``."""
    for flag in flags:
        field, kind, text = TRAIN_FLAGS[flag]
        choices = {"--classes": (3, 4), "--optimizer": OPTIMIZERS}.get(flag)
        parser.add_argument(
            flag,
            type=kind,
            choices=choices,
            default=None,
            help=f"{text} (default: {defaults[field]})",
        )
    if not run_flags:
        return
    parser.add_argument("--out", help="run folder (default: runs/<model>-<date>-<time>)")
    parser.add_argument(
        "--resume",
        metavar="CHECKPOINT",
        help="continue a run from its checkpoint (or run folder) up to --epochs in total",
    )
    parser.add_argument("--no-plots", action="store_true", help="do not write PNG figures")


def config_from_args(name: str, args: argparse.Namespace, defaults: dict[str, Any]) -> RunConfig:
    """A RunConfig from the flags given, and ``defaults`` for the rest."""
    values = dict(defaults, model=name)
    for field, _, _ in TRAIN_FLAGS.values():
        if getattr(args, field, None) is not None:
            values[field] = getattr(args, field)
    return RunConfig(**values)


def conflicting_flags(args: argparse.Namespace, config: RunConfig) -> list[str]:
    """Flags given on a resume that disagree with the checkpoint's config (not --epochs)."""
    conflicts = []
    for flag, (field, _, _) in TRAIN_FLAGS.items():
        value = getattr(args, field, None)
        if flag != "--epochs" and value is not None and value != getattr(config, field):
            conflicts.append(f"{flag} {value} (the checkpoint has {getattr(config, field)})")
    return conflicts


# ----- text output ----------------------------------------------------------------------


def grid_lines(values: np.ndarray, fmt: str = "{:7.3f}") -> list[str]:
    """A 2-D array as text rows."""
    return [" ".join(fmt.format(v) for v in row) for row in np.atleast_2d(values)]


def side_by_side(blocks: Sequence[list[str]], titles: Sequence[str], gap: int = 4) -> str:
    """Text blocks (lists of lines) next to each other, each under its title."""
    columns = [[title, *lines] for title, lines in zip(titles, blocks, strict=True)]
    widths = [max(len(line) for line in column) for column in columns]
    height = max(len(column) for column in columns)
    rows = []
    for i in range(height):
        cells = [
            (c[i] if i < len(c) else "").ljust(w) for c, w in zip(columns, widths, strict=True)
        ]
        rows.append((" " * gap).join(cells).rstrip())
    return "\n".join(rows)


def format_kernels(kernels: np.ndarray, label: str = "filter") -> str:
    """Kernels ``(filters, kh, kw)`` as grids side by side."""
    return side_by_side(
        [grid_lines(k, "{:6.2f}") for k in kernels], [f"{label} {i}" for i in range(len(kernels))]
    )


def format_confusion(matrix: np.ndarray, names: Sequence[str]) -> str:
    """Rows are true classes, columns predicted, with the names as headers."""
    width = max(8, *(len(n) for n in names))
    header = "true \\ predicted".ljust(width + 2) + " ".join(n.rjust(width) for n in names)
    rows = [
        names[i].ljust(width + 2) + " ".join(str(v).rjust(width) for v in row)
        for i, row in enumerate(matrix)
    ]
    return "\n".join([header, *rows])
