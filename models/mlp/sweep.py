"""The MLP capacity sweep: one run per hidden width and seed, final validation accuracy.

``python -m models.mlp sweep`` prints it; ``python -m models.experiments sweep`` turns it
into a table beside the seed's claims.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from models.mlp import RECIPE, MLPConfig
from models.training import Run, count_parameters


@dataclass(frozen=True)
class SweepRow:
    """Final validation accuracy of one width over several seeds."""

    width: int
    parameters: int
    accuracies: tuple[float, ...]

    @property
    def mean(self) -> float:
        return float(np.mean(self.accuracies))

    @property
    def minimum(self) -> float:
        return min(self.accuracies)

    @property
    def maximum(self) -> float:
        return max(self.accuracies)


def sweep(
    widths: Sequence[int],
    seeds: int,
    base: MLPConfig,
    progress: Callable[[str], Any] | None = print,
) -> list[SweepRow]:
    """Train one MLP per width and seed (seeds 0 .. seeds-1) and collect the accuracies."""
    rows = []
    for width in widths:
        accuracies = []
        for seed in range(seeds):
            start = time.perf_counter()
            run = Run(RECIPE, dataclasses.replace(base, hidden=width, seed=seed))
            run.fit(base.epochs)
            accuracies.append(run.history[-1].val_accuracy)
            if progress:
                progress(
                    f"width {width:3d} seed {seed}: val accuracy {accuracies[-1]:.4f} "
                    f"({time.perf_counter() - start:.1f}s)"
                )
        rows.append(SweepRow(width, count_parameters(run.model), tuple(accuracies)))
    return rows


def format_sweep(rows: Sequence[SweepRow]) -> str:
    """The rows as a text table: width, parameters, mean, min and max accuracy."""
    lines = [f"{'width':>5s} {'params':>7s} {'mean':>7s} {'min':>7s} {'max':>7s}"]
    for r in rows:
        lines.append(
            f"{r.width:5d} {r.parameters:7,d} {r.mean:7.4f} {r.minimum:7.4f} {r.maximum:7.4f}"
        )
    return "\n".join(lines)
