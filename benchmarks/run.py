"""Every benchmark side by side, each figure printed with its goal and a verdict.

    python benchmarks/run.py [--quick] [--no-torch] [--only tinycnn overhead conv models process]

The goals are those of the speed issue (docs/benchmarks.md). Each figure is a ratio of two
implementations timed side by side in this one process (medians of interleaved rounds),
except the whole-process figures, which run the CLI as a child. NumPy's BLAS and PyTorch
each get one thread (threadpoolctl and ``torch.set_num_threads``): on this 2-core machine
the tiny products of these models only lose to threads, and one thread each is the fair
comparison. ``--quick`` runs every benchmark small (a smoke test: its figures mean little).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import conv  # noqa: E402
import model_zoo  # noqa: E402
import overhead  # noqa: E402
import tinycnn  # noqa: E402

import microtensor as mt  # noqa: E402


@dataclass
class Figure:
    """One measured figure, its goal and whether it is met (``value <= goal``)."""

    name: str
    value: float
    goal: float
    unit: str = "x"

    def line(self) -> str:
        verdict = "met" if self.value <= self.goal else "NOT met"
        value = f"{self.value:.2f}{self.unit}"
        return f"{self.name:58} {value:>10} {'<= ' + f'{self.goal:g}{self.unit}':>10}  {verdict}"


def progress(text: str) -> None:
    print(text, flush=True)


def median_ratio(first: Callable[[], Any], second: Callable[[], Any], repeats: int,
                 rounds: int) -> tuple[float, float, float]:
    """``first``'s time over ``second``'s, rounds interleaved: (median ratio, s1, s2).

    Interleaving makes load on the machine hit both alike; s1 and s2 are the best rounds.
    """
    first(), second()
    ratios, times1, times2 = [], [], []
    for _ in range(rounds):
        t1 = _seconds(first, repeats)
        t2 = _seconds(second, repeats)
        ratios.append(t1 / t2)
        times1.append(t1)
        times2.append(t2)
    return statistics.median(ratios), min(times1), min(times2)


def _seconds(run: Callable[[], Any], repeats: int) -> float:
    start = time.perf_counter()
    for _ in range(repeats):
        run()
    return (time.perf_counter() - start) / repeats


# ----- the benchmarks -------------------------------------------------------------------


def bench_tinycnn(torch: Any, quick: bool) -> list[Figure]:
    """TinyCNN's default 40-epoch training: microtensor vs the hand-written NumPy floor."""
    rounds = 1 if quick else 5
    run = tinycnn.fresh_run()
    mine, floor, theirs = [], [], []
    for index in range(rounds):
        progress(f"  round {index + 1}/{rounds}")
        floor.append(tinycnn.time_numpy(run)[0])
        mine.append(tinycnn.time_microtensor()[0])
        if torch is not None:
            theirs.append(tinycnn.time_torch(run, torch)[0])
    ratios = [m / f for m, f in zip(mine, floor, strict=True)]
    progress(f"  best seconds: microtensor {min(mine):.3f}, NumPy {min(floor):.3f}"
             + (f", PyTorch {min(theirs):.3f}" if theirs else ""))
    figures = [Figure("TinyCNN 40 epochs: microtensor / hand-written NumPy",
                      statistics.median(ratios), 1.5)]
    if theirs:
        figures.append(Figure("TinyCNN 40 epochs: microtensor / PyTorch",
                              statistics.median(m / t for m, t in zip(mine, theirs,
                                                                       strict=True)), 1.0))
    return figures


def bench_overhead(torch: Any, quick: bool) -> list[Figure]:
    """The 10-op graph on 4x4 arrays, forward and backward: microtensor vs PyTorch."""
    if torch is None:
        return []
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 4)).astype(np.float32)
    w = rng.standard_normal((4, 4)).astype(np.float32)
    mine = overhead.framework_graph(lambda a: mt.tensor(a, requires_grad=True), x, w)
    theirs = overhead.framework_graph(lambda a: torch.tensor(a, requires_grad=True), x, w)
    ratio, t1, t2 = median_ratio(mine, theirs, 50 if quick else 1000, 3 if quick else 9)
    progress(f"  best us per graph: microtensor {t1 * 1e6:.1f}, PyTorch {t2 * 1e6:.1f}")
    return [Figure("per-op overhead (10-op graph): microtensor / PyTorch", ratio, 0.7)]


def bench_conv(torch: Any, quick: bool) -> list[Figure]:
    """conv2d and max_pool2d forward + backward at the three LeNet-scale shapes."""
    if torch is None:
        return []
    figures = []
    for row in conv.benchmark(torch, 2 if quick else 10, 3 if quick else 9):
        times = ", ".join(f"{name} {ms:.3f} ms" for name, ms in row.ms.items())
        progress(f"  {row.op} {row.shape}: {times}")
        if row.goal is not None and row.ratio is not None:
            figures.append(Figure(f"{row.op} {row.shape}: mt / PyTorch", row.ratio, row.goal))
    return figures


def bench_models(torch: Any, quick: bool) -> list[Figure]:
    """ResNet-18 forward+backward (batch 8, 224x224) and LeNet-5 training, vs PyTorch."""
    if torch is None:
        return []
    figures = []
    for name in ("resnet18", "lenet5"):
        runs: dict[str, list[dict[str, float]]] = {"microtensor": [], "pytorch": []}
        for _ in range(1 if quick else 3):  # interleaved, each run a fresh process
            for framework, results in runs.items():
                results.append(model_zoo.measure_in_child(framework, name, quick))
        mine, theirs = ({"seconds": min(r["seconds"] for r in results),
                         "peak_mib": min(r["peak_mib"] for r in results)}
                        for results in runs.values())
        progress(f"  {name}: microtensor {mine['seconds']:.3f} s, {mine['peak_mib']:.0f} MiB; "
                 f"PyTorch {theirs['seconds']:.3f} s, {theirs['peak_mib']:.0f} MiB")
        what = model_zoo.WORK[name]
        figures.append(Figure(f"{what}: time mt / PyTorch",
                              mine["seconds"] / theirs["seconds"], 2.0))
        figures.append(Figure(f"{what}: peak memory mt / PyTorch",
                              mine["peak_mib"] / theirs["peak_mib"], 1.5))
    return figures


def bench_process(torch: Any, quick: bool) -> list[Figure]:
    """The whole ``python -m models.tinycnn train --no-plots`` process: seconds and memory."""
    runs = [tinycnn.whole_process() for _ in range(1 if quick else 3)]
    seconds = statistics.median(r[0] for r in runs)
    mebibytes = max(r[1] for r in runs)
    return [Figure("whole `python -m models.tinycnn train --no-plots`: seconds", seconds, 0.6,
                   " s"),
            Figure("whole `python -m models.tinycnn train --no-plots`: peak memory",
                   mebibytes, 60, " MiB")]


BENCHMARKS = {
    "process": bench_process,  # first, while this process is still small and quiet
    "tinycnn": bench_tinycnn,
    "overhead": bench_overhead,
    "conv": bench_conv,
    "models": bench_models,
}


def load_torch(wanted: bool) -> Any:
    """PyTorch on one thread, or None (not installed, or not wanted)."""
    if not wanted:
        return None
    try:
        import torch
    except ImportError:
        progress("(PyTorch is not installed: the figures against it are skipped)")
        return None
    torch.set_num_threads(1)
    return torch


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="everything small: a smoke test")
    parser.add_argument("--no-torch", action="store_true", help="skip the PyTorch figures")
    parser.add_argument("--only", nargs="+", choices=list(BENCHMARKS), default=list(BENCHMARKS),
                        help="run only these benchmarks")
    args = parser.parse_args(argv)
    torch = load_torch(not args.no_torch)
    threadpool_limits(limits=1)  # NumPy's BLAS (and OpenMP) on one thread, as PyTorch
    progress(f"{conv.thread_counts(torch)}; NumPy {np.__version__}, "
             f"Python {sys.version.split()[0]}"
             + (f", PyTorch {torch.__version__}" if torch is not None else ""))
    figures: list[Figure] = []
    for number, name in enumerate(args.only, start=1):
        benchmark = BENCHMARKS[name]
        progress(f"[{number}/{len(args.only)}] {name}: {benchmark.__doc__}")
        start = time.perf_counter()
        new = benchmark(torch, args.quick)
        for figure in new:
            progress("  " + figure.line())
        progress(f"  ({time.perf_counter() - start:.0f} s)")
        figures += new
    print(f"\n{'figure':58} {'measured':>10} {'goal':>10}  verdict")
    for figure in figures:
        print(figure.line())
    met = sum(f.value <= f.goal for f in figures)
    print(f"\n{met} of {len(figures)} goals met")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
