"""What the command lines share: argparse with one-line errors, and the flags that set a
run's config.

Every CLI is ``main(argv=None) -> int`` around :func:`run_main`: a bad flag value or a
missing file prints one line, ``<prog>: error: <what>``, and returns a non-zero code
(2 for a bad command line, 1 for a failure while running), never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from models import run_data
from models.digits import MissingExtraError
from models.training import OPTIMIZERS, Recipe, Run, RunConfig, load_checkpoint


class CLIError(Exception):
    """A mistake of the user's, reported as one line. ``code`` is the exit status."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


class Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose errors are one line (no usage block) and raise."""

    def error(self, message: str) -> Any:  # type: ignore[override]
        raise CLIError(f"{self.prog}: error: {message}", code=2)


def command_line(prog: str, description: str) -> tuple[Parser, Any]:
    """A parser and its required subcommands (add them with ``.add_parser``)."""
    parser = Parser(prog=prog, description=description)
    return parser, parser.add_subparsers(dest="command", required=True, metavar="COMMAND")


def add_command(subcommands: Any, name: str, text: str, handler: Callable[..., int]) -> Parser:
    """Subcommand ``name`` (``text`` is its help and description) that runs ``handler(args)``."""
    parser = subcommands.add_parser(name, help=text, description=text)
    parser.set_defaults(handler=handler)
    return parser


def run_main(parser: Parser, argv: Sequence[str] | None) -> int:
    """Parse ``argv`` and run the chosen subcommand's ``handler(args) -> int``."""
    try:
        args = parser.parse_args(argv)
        return int(args.handler(args))
    except CLIError as error:
        text = "; ".join(line.strip() for line in str(error).splitlines() if line.strip())
        prefix = "" if text.startswith(parser.prog) else f"{parser.prog}: error: "
        print(prefix + text, file=sys.stderr)
        return error.code
    except MissingExtraError as error:  # the digits without scikit-learn
        print(f"{parser.prog}: error: {error}", file=sys.stderr)
        return 1
    except SystemExit as exit_:  # --help and --version exit through argparse
        return exit_.code if isinstance(exit_.code, int) else 0
    except KeyboardInterrupt:
        print(f"{parser.prog}: interrupted", file=sys.stderr)
        return 130
    except OSError as error:  # a file the system refused while running (disk full, ...)
        if isinstance(error, BrokenPipeError):  # output piped into `head`: stop quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 1
        where = f": {error.filename}" if error.filename else ""
        print(f"{parser.prog}: error: {error.strerror or error}{where}", file=sys.stderr)
        return 1


def writable_file(path: str, flag: str) -> Path:
    """``path`` as a file to write, checked before any work: its folder must exist."""
    file = Path(path)
    if file.is_dir():
        raise CLIError(f"{flag} {path} is a folder; name a file")
    folder = file.parent
    if not folder.is_dir():
        raise CLIError(f"{flag} {path}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise CLIError(f"{flag} {path}: the folder {folder} is not writable")
    return file


def writable_folder(path: str | Path, flag: str) -> Path:
    """``path`` as a folder to write into, made (and tried) before any work."""
    folder = Path(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        raise CLIError(f"{flag} {path}: cannot write there ({error.strerror or error})") from None
    return folder


def load_run(recipe: Recipe, path: str) -> Run:
    """The run a checkpoint (or run folder) was taken from; any bad path or file (missing,
    a folder without a checkpoint, empty, truncated, foreign, damaged) is a one-line error."""
    try:
        checkpoint = load_checkpoint(path, recipe)
    except (OSError, ValueError) as error:
        raise CLIError(str(error)) from None
    try:
        return Run.restore(recipe, checkpoint)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError, RuntimeError) as error:
        damage = f"{type(error).__name__}: {error}"
        raise CLIError(f"{path} is a damaged checkpoint ({damage})") from None


def restore_checkpoint(recipe: Recipe, args: argparse.Namespace) -> Run:
    """The run of ``--checkpoint``, checked against ``--classes`` when that is given."""
    run = load_run(recipe, args.checkpoint)
    wanted = getattr(args, "classes", None)
    if wanted is not None and wanted != run.config.classes:
        raise CLIError(
            f"--classes {wanted} does not match the checkpoint, a {run.config.classes}-class "
            f"{run.recipe.name}"
        )
    return run


def add_checkpoint_command(
    subcommands: Any, name: str, text: str, handler: Any, model_flags: Sequence[ConfigFlag]
) -> argparse.ArgumentParser:
    """A subcommand that reads ``--checkpoint`` (and checks ``--classes`` if the model has it)."""
    sub = add_command(subcommands, name, text, handler)
    sub.add_argument("--checkpoint", type=path, required=True, help="a checkpoint or run folder")
    if CLASSES in model_flags:
        sub.add_argument("--classes", type=int, choices=CLASSES.choices, help="expected classes")
    return sub


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


def path(text: str) -> str:
    """A path on the command line: any text but the empty one."""
    if not text.strip():
        raise argparse.ArgumentTypeError(f"expected a path, got {text!r}")
    return text


positive_int = _number(int, lambda v: v > 0, "a positive integer")
non_negative_int = _number(int, lambda v: v >= 0, "an integer >= 0")
positive_float = _number(float, lambda v: np.isfinite(v) and v > 0, "a positive number")
non_negative_float = _number(float, lambda v: np.isfinite(v) and v >= 0, "a number >= 0")


@dataclass(frozen=True)
class ConfigFlag:
    """A flag that sets one field of a run's config, e.g. ``--batch-size`` -> ``batch_size``.

    Left out of the command line it is None, so that a resumed run can tell an explicit
    (conflicting) value from the default.
    """

    flag: str
    field: str
    type: Callable[[str], Any]
    help: str
    choices: tuple[Any, ...] | None = None

    def add_to(self, parser: argparse.ArgumentParser, defaults: Mapping[str, Any]) -> None:
        """Add the flag to ``parser``, its default (from ``defaults``) in the help."""
        parser.add_argument(
            self.flag,
            type=self.type,
            choices=self.choices,
            default=None,
            help=f"{self.help} (default: {defaults[self.field]})",
        )


CLASSES = ConfigFlag(
    "--classes",
    "classes",
    int,
    "stripes: 3 (vertical, horizontal, diagonal) or 4 (and dot); digits: 10",
    (3, 4, 10),
)
DATASET = ConfigFlag(
    "--dataset",
    "dataset",
    str,
    "stripes (synthetic, drawn from the seed) or digits (scikit-learn's 1,797 8x8 "
    f"handwritten digits, 10 classes, one fixed split: {run_data.DIGITS['train_size']} "
    f"training / {run_data.DIGITS['val_size']} test images, the default sizes then; needs "
    "the [data] extra)",
    run_data.DATASETS,
)
SEED = ConfigFlag(
    "--seed", "seed", non_negative_int, "seed of the data, initial weights and shuffling"
)
# The training flags every model's `train` has, after its own (--hidden, --classes).
RUN_FLAGS = (
    ConfigFlag("--epochs", "epochs", positive_int, "epochs to train (in total, when resuming)"),
    ConfigFlag("--lr", "lr", positive_float, "learning rate"),
    ConfigFlag("--batch-size", "batch_size", positive_int, "samples per optimiser step"),
    ConfigFlag("--optimizer", "optimizer", str, "sgd (plain, as the seed) or adam", OPTIMIZERS),
    SEED,
    ConfigFlag("--train-size", "train_size", positive_int, "number of training images"),
    ConfigFlag("--val-size", "val_size", positive_int, "number of validation images"),
    ConfigFlag("--noise", "noise", non_negative_float, "standard deviation of the pixel noise"),
)


def add_config_flags(
    parser: argparse.ArgumentParser, flags: Sequence[ConfigFlag], defaults: Mapping[str, Any]
) -> None:
    """Add ``flags`` to ``parser``, in order, with ``defaults`` (by config field) in the help."""
    for flag in flags:
        flag.add_to(parser, defaults)


def config_from_args(
    recipe: Recipe, args: argparse.Namespace, flags: Sequence[ConfigFlag]
) -> RunConfig:
    """The recipe's config from the ``flags`` given, and its defaults for the rest."""
    given = {f.field: getattr(args, f.field) for f in flags if getattr(args, f.field) is not None}
    config = recipe.make_config(**given)
    if config.dataset in run_data.DATASETS:  # the edge net has its own data
        try:
            run_data.check_config(config)
        except ValueError as error:
            raise CLIError(str(error)) from None
    return config


def conflicting_flags(
    args: argparse.Namespace, config: RunConfig, flags: Sequence[ConfigFlag]
) -> list[str]:
    """Flags given on a resume that disagree with the checkpoint's config (not --epochs)."""
    conflicts = []
    for flag in flags:
        value, stored = getattr(args, flag.field), getattr(config, flag.field)
        if flag.field != "epochs" and value is not None and value != stored:
            conflicts.append(f"{flag.flag} {value} (the checkpoint has {stored})")
    return conflicts
