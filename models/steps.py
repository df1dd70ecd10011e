"""The optimiser steps of an epoch, and how to stop between two of them and go on exactly.

An epoch draws one permutation of the training set from the shuffling generator and takes
one optimiser step per mini-batch. :class:`EpochProgress` records how far an epoch got:
the generator's state at its start (so that the same permutation is drawn again), the
steps done and the running sums. :func:`continue_epoch` takes the steps left, asking
``stop()`` after each one; stopping and continuing from the progress gives the same
parameters, bit for bit, as never stopping.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

import microtensor as mt
import microtensor.nn.functional as F  # noqa: N812 (PyTorch's spelling)
from microtensor import nn, optim
from models.datasets import batches


@dataclass
class EpochProgress:
    """How far an epoch got: enough to finish it exactly as if it had not stopped.

    Attributes:
        step: optimiser steps done in this epoch.
        shuffle_state: the shuffling generator's state at the start of the epoch.
        loss_sum, correct: summed training loss and correct predictions so far.
        seconds: time spent on the epoch so far.
    """

    step: int
    shuffle_state: dict[str, Any]
    loss_sum: float = 0.0
    correct: int = 0
    seconds: float = 0.0


def train_steps(
    model: nn.Module, optimizer: optim.Optimizer, steps: Iterable[tuple[np.ndarray, np.ndarray]]
) -> Iterator[tuple[float, int]]:
    """One optimiser step per mini-batch of ``steps``; yields, after each, the batch's
    summed loss and its number of correct predictions (seen in training)."""
    model.train()
    for x, y in steps:
        logits = model(mt.from_numpy(x))
        loss = F.cross_entropy(logits, mt.from_numpy(y))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        yield loss.item() * len(y), int((logits.detach().numpy().argmax(axis=1) == y).sum())


def continue_epoch(
    model: nn.Module,
    optimizer: optim.Optimizer,
    data: tuple[np.ndarray, np.ndarray],
    batch_size: int,
    generator: np.random.Generator,
    progress: EpochProgress | None,
    stop: Callable[[], bool] | None = None,
    on_step: Callable[[EpochProgress], Any] | None = None,
) -> tuple[EpochProgress, bool]:
    """Take the steps of an epoch not yet taken (all of them when ``progress`` is None).

    ``on_step(progress)`` is called after every step (a checkpoint every N steps). Returns
    the epoch's progress and whether it is complete: False when ``stop()`` said True after
    some step.
    """
    progress = progress or EpochProgress(0, generator.bit_generator.state)
    generator.bit_generator.state = progress.shuffle_state  # the epoch's permutation again
    start = time.perf_counter() - progress.seconds
    epoch = batches(*data, batch_size, generator)
    complete = True
    for batch_loss, batch_correct in train_steps(
        model, optimizer, itertools.islice(epoch, progress.step, None)
    ):
        progress.step += 1
        progress.loss_sum += batch_loss
        progress.correct += batch_correct
        if on_step is not None:
            on_step(progress)
        if stop is not None and stop():
            complete = False
            break
    progress.seconds = time.perf_counter() - start
    return progress, complete


def train_epoch(
    model: nn.Module,
    optimizer: optim.Optimizer,
    images: np.ndarray,
    labels: np.ndarray,
    batch_size: int,
    generator: np.random.Generator,
) -> tuple[float, float]:
    """One pass over shuffled mini-batches; returns (mean loss, accuracy) seen in training."""
    progress, _ = continue_epoch(model, optimizer, (images, labels), batch_size, generator, None)
    return progress.loss_sum / len(labels), progress.correct / len(labels)
