"""Per-op overhead: build and backward a 10-op graph on tiny arrays.

Runs, side by side in one process, (a) microtensor, (b) the same arithmetic written in
plain NumPy (forward and hand-derived backward), and (c) PyTorch when it is installed.
Reports microseconds per graph, per op, and the ratio to plain NumPy.

    python benchmarks/overhead.py [--repeats 2000]
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

import numpy as np
from timing import best_seconds

import microtensor as mt

OPS_PER_GRAPH = 10
Run = Callable[[], None]


def framework_graph(leaf: Callable[[np.ndarray], Any], x0: np.ndarray, w0: np.ndarray) -> Run:
    """The graph for microtensor or PyTorch: the same code runs on both, only ``leaf`` differs.

    ``leaf(array)`` makes a tensor that requires grad (``mt.tensor`` or ``torch.tensor``).
    """
    x, w = leaf(x0), leaf(w0)

    def run() -> None:
        x.grad = w.grad = None
        # 10 ops: mul, add, tanh, mul, exp, matmul, neg, add, relu, sum
        a = x * w
        b = a + x
        c = b.tanh()
        d = c * c
        e = d.exp()
        f = e @ w
        g = -f
        h = g + 1.0
        i = h.relu()
        loss = i.sum()
        loss.backward()

    return run


def numpy_graph(x: np.ndarray, w: np.ndarray) -> Run:
    """The same arithmetic in NumPy, with its backward derived by hand."""
    def run() -> None:
        a = x * w
        b = a + x
        c = np.tanh(b)
        d = c * c
        e = np.exp(d)
        f = e @ w
        g = -f
        h = g + 1.0
        mask = h > 0
        i = h * mask
        _ = i.sum()
        # backward, written out
        gi = np.ones_like(i)
        gh = gi * mask
        gf = -gh
        ge = gf @ w.T
        gw = e.T @ gf
        gd = ge * e
        gc = gd * 2 * c
        gb = gc * (1 - c * c)
        gx = gb.copy()
        ga = gb
        gx = gx + ga * w
        gw = gw + ga * x
        _ = gx, gw

    return run


def torch_leaf() -> Callable[[np.ndarray], Any] | None:
    """``torch.tensor(..., requires_grad=True)`` on one thread, or None without PyTorch."""
    try:
        import torch
    except Exception:  # not installed, or a broken install: compare without it
        return None
    torch.set_num_threads(1)
    return lambda array: torch.tensor(array, requires_grad=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2000, help="graphs per timing round")
    args = parser.parse_args(argv)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 4)).astype(np.float32)
    w = rng.standard_normal((4, 4)).astype(np.float32)
    runs = {
        "numpy (hand-written)": numpy_graph(x, w),
        "microtensor": framework_graph(lambda a: mt.tensor(a, requires_grad=True), x, w),
    }
    torch = torch_leaf()
    if torch is not None:
        runs["pytorch"] = framework_graph(torch, x, w)
    times = {name: best_seconds(run, args.repeats) * 1e6 for name, run in runs.items()}
    base = times["numpy (hand-written)"]
    print(f"10-op graph, forward + backward, 4x4 float32 ({args.repeats} graphs x 5 rounds, best)")
    print(f"{'':22} {'us/graph':>9} {'us/op':>7} {'vs numpy':>9}")
    for name, t in times.items():
        print(f"{name:22} {t:9.1f} {t / OPS_PER_GRAPH:7.2f} {t / base:8.1f}x")
    if torch is None:
        print("pytorch: not installed (pip install torch to compare)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
