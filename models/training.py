"""Training runs shared by the CLIs: the loop, evaluation, checkpoints.

A :class:`Recipe` says what differs between TinyCNN, the MLPs, LeNet-5 and the edge net
(how to build the model, which data, which kernels to watch) and a :class:`RunConfig`
holds a run's settings (both in ``models/recipe.py``, both imported from here too); a
:class:`Run` holds everything else: data, model, optimiser, the shuffling generator and
the per-epoch history.

Randomness: one ``seed`` is split by ``numpy.random.SeedSequence`` into three independent
generators, for the data, the initial weights and the shuffling. A checkpoint holds the
model, the optimiser, the shuffling generator's state and the history, and the data is
drawn again from the seed, so training N epochs, saving, and resuming to N + M gives the
same weights as N + M epochs in one go. A run stopped between two steps of an epoch
(``fit(stop=...)``) also holds how far that epoch got (``models/steps.py``), and resumes
from there as exactly.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np

import microtensor as mt
import microtensor.nn.functional as F  # noqa: N812 (PyTorch's spelling)
from microtensor import nn, optim
from models.recipe import Recipe, RunConfig
from models.steps import EpochProgress, continue_epoch

OPTIMIZERS = ("sgd", "adam")
CHECKPOINT_NAME = "checkpoint.npz"
FORMAT = "microtensor-models-run"


@dataclass(frozen=True)
class EpochStats:
    """One line of metrics.csv: the epoch (1-based) and its losses, accuracies, time."""

    epoch: int
    train_loss: float
    train_accuracy: float
    val_loss: float
    val_accuracy: float
    seconds: float


def generators(seed: int) -> tuple[np.random.Generator, ...]:
    """Three independent generators from one seed: data, initial weights, shuffling."""
    return tuple(np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(3))


def make_optimizer(name: str, params: Any, lr: float) -> optim.Optimizer:
    """``sgd`` (plain SGD, as the seed) or ``adam`` (PyTorch's defaults besides lr)."""
    if name == "sgd":
        return optim.SGD(params, lr=lr)
    if name == "adam":
        return optim.Adam(params, lr=lr)
    raise ValueError(f"unknown optimizer {name!r}; expected one of {OPTIMIZERS}")


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def predict(model: nn.Module, images: np.ndarray) -> np.ndarray:
    """Logits ``(n, classes)`` as an array, without building a graph."""
    model.eval()
    with mt.no_grad():
        return model(mt.from_numpy(images)).numpy()


def evaluate(model: nn.Module, images: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """(mean cross-entropy, accuracy) on a whole set."""
    logits = predict(model, images)
    with mt.no_grad():
        loss = F.cross_entropy(mt.from_numpy(logits), mt.from_numpy(labels)).item()
    return loss, float((logits.argmax(axis=1) == labels).mean())


def confusion_matrix(labels: np.ndarray, predictions: np.ndarray, classes: int) -> np.ndarray:
    """``matrix[true, predicted]`` = number of samples."""
    counts = np.bincount(labels * classes + predictions, minlength=classes * classes)
    return counts.reshape(classes, classes)


class Run:
    """Data, model, optimiser, shuffling generator and history of one training run
    (and, when it was stopped inside an epoch, how far that epoch got)."""

    def __init__(self, recipe: Recipe, config: RunConfig) -> None:
        data_rng, init_rng, self.shuffle = generators(config.seed)
        self.recipe = recipe
        self.config = config
        self.train_x, self.train_y, self.val_x, self.val_y = recipe.data(config, data_rng)
        self.model = recipe.build(config, init_rng)
        self.optimizer = make_optimizer(config.optimizer, self.model.parameters(), config.lr)
        self.history: list[EpochStats] = []
        self.kernels = [recipe.kernels(self.model)] if recipe.kernels else []
        self.progress: EpochProgress | None = None

    @property
    def epoch(self) -> int:
        """Epochs trained so far (completed ones)."""
        return len(self.history)

    def fit(
        self,
        epochs: int,
        on_epoch: Callable[[EpochStats], Any] | None = None,
        stop: Callable[[], bool] | None = None,
        on_step: Callable[[EpochProgress], Any] | None = None,
    ) -> bool:
        """Train until ``epochs`` epochs are done in total, calling ``on_epoch`` after each
        (and ``on_step(progress)`` after every step).

        ``stop()`` is asked after every optimiser step (and before every epoch); when it
        says True, training stops there, :attr:`progress` says how far the epoch got, and
        fit returns False. A checkpoint taken then resumes bitwise as if never stopped.
        Returns True when all ``epochs`` are done.
        """
        while self.epoch < epochs:
            if stop is not None and stop():
                return False
            if not self._train_epoch(stop, on_step):
                return False
            stats = self._finish_epoch()
            if on_epoch is not None:
                on_epoch(stats)
        return True

    def _train_epoch(self, stop: Any, on_step: Any) -> bool:
        """Take the steps of the current epoch left to do; False when ``stop`` said so."""
        data, size = (self.train_x, self.train_y), self.config.batch_size
        self.progress, complete = continue_epoch(
            self.model, self.optimizer, data, size, self.shuffle, self.progress, stop, on_step
        )
        return complete

    def _finish_epoch(self) -> EpochStats:
        """Evaluate after the epoch's last step and append its stats to the history."""
        progress = self.progress
        assert progress is not None
        start = time.perf_counter() - progress.seconds
        val_loss, val_accuracy = evaluate(self.model, self.val_x, self.val_y)
        n = len(self.train_y)
        stats = EpochStats(
            self.epoch + 1,
            progress.loss_sum / n,
            progress.correct / n,
            val_loss,
            val_accuracy,
            time.perf_counter() - start,
        )
        self.history.append(stats)
        self.progress = None
        if self.recipe.kernels:
            self.kernels.append(self.recipe.kernels(self.model))
        return stats

    def checkpoint(self) -> dict[str, Any]:
        """Everything needed to resume exactly (see :meth:`restore`), for ``mt.save``."""
        return {
            "format": FORMAT,
            "config": asdict(self.config),
            "model": self.model.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "shuffle_generator": self.shuffle.bit_generator.state,
            "history": [asdict(stats) for stats in self.history],
            "kernels": np.stack(self.kernels) if self.kernels else None,
            "progress": None if self.progress is None else asdict(self.progress),
        }

    @classmethod
    def restore(cls, recipe: Recipe, checkpoint: dict[str, Any]) -> Run:
        """The run a checkpoint was taken from (the data is drawn again from its seed)."""
        run = cls(recipe, recipe.config(**checkpoint["config"]))
        run.model.load_state_dict(checkpoint["model"])
        run.optimizer.load_state_dict(checkpoint["optimizer"])
        run.shuffle.bit_generator.state = checkpoint["shuffle_generator"]
        run.history = [EpochStats(**stats) for stats in checkpoint["history"]]
        kernels = checkpoint["kernels"]
        run.kernels = [] if kernels is None else list(kernels)
        progress = checkpoint.get("progress")  # absent from checkpoints of whole epochs only
        if progress is not None:
            run.progress = EpochProgress(**progress)
            np.random.default_rng().bit_generator.state = run.progress.shuffle_state  # valid?
            if not isinstance(run.progress.step, int) or run.progress.step < 0:
                raise ValueError(f"a step count of {run.progress.step!r}")
        return run

    def save(self, path: str | Path) -> None:
        mt.save(self.checkpoint(), path)


def load_checkpoint(path: str | Path, recipe: Recipe) -> dict[str, Any]:
    """Read a run checkpoint (a file, or a run folder holding ``checkpoint.npz``).

    Raises:
        FileNotFoundError: when there is no such file.
        ValueError: when the file is not a checkpoint of this recipe's runs.
    """
    path = Path(path)
    if path.is_dir():
        path = path / CHECKPOINT_NAME
    if not path.is_file():
        raise FileNotFoundError(f"no checkpoint at {path}")
    checkpoint = mt.load(path)
    if not isinstance(checkpoint, dict) or checkpoint.get("format") != FORMAT:
        raise ValueError(f"{path} is not a training-run checkpoint (written by `train`)")
    config = checkpoint.get("config")
    if not isinstance(config, dict):
        raise ValueError(f"{path} is a damaged checkpoint: its config is not a mapping")
    model = config.get("model", recipe.name)
    if model != recipe.name:  # before the fields: another model's config has other fields
        raise ValueError(f"{path} is a checkpoint of a {model} run, not of {recipe.name}")
    names = {field.name for field in fields(recipe.config)}
    if "hidden" in config and "hidden" not in names:  # written before configs were per model
        checkpoint["config"] = config = {k: v for k, v in config.items() if k != "hidden"}
    if "dataset" not in config:  # written before runs had a choice of data
        checkpoint["config"] = config = {**config, "dataset": recipe.defaults["dataset"]}
    if set(config) != names:
        raise ValueError(f"{path} has an unexpected config: {sorted(config)}")
    for name, value in config.items():  # as the CLI's flags would have them
        kind = type(recipe.defaults.get(name, ""))
        number = isinstance(value, int if kind is int else int | float)
        if kind is str:
            good = isinstance(value, str)
        else:  # counts are >= 1 (the seed >= 0), other numbers finite and >= 0
            low = int(kind is int and name != "seed")
            good = number and not isinstance(value, bool) and np.isfinite(value) and value >= low
        if not good:
            raise ValueError(f"{path} is a damaged checkpoint: config {name} = {value!r}")
    return checkpoint
