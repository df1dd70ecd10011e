"""The one timing rule of the benchmarks: the best of several rounds of many calls."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def best_seconds(run: Callable[[], Any], repeats: int, rounds: int = 5) -> float:
    """Seconds per call: the best of ``rounds`` averages over ``repeats`` calls.

    One call first, untimed (caches, lazy imports). The best round is the one least
    disturbed by the rest of the machine, which is what a ratio between two
    implementations run side by side should compare.
    """
    run()
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(repeats):
            run()
        best = min(best, (time.perf_counter() - start) / repeats)
    return best
