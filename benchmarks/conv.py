"""conv2d and max_pool2d, forward + backward, at the three LeNet-scale shapes of the speed issue.

Runs side by side in one process: microtensor, a direct NumPy baseline (the textbook
code: einsum over a ``sliding_window_view`` for conv2d, reshape + max for pooling, and
their backward by hand, no framework), and PyTorch on the CPU when it is installed
(optional: the benchmark runs without it). Every input requires grad, so backward
computes the input, weight and bias gradients; the last row is TinyCNN's layer (batch
32, 1x8x8 images, 3 filters 3x3, pool 2), whose input needs no gradient.

Both sides use one BLAS thread: ``threadpoolctl`` pins NumPy's BLAS (and every other
thread pool loaded) and ``torch.set_num_threads`` PyTorch's; the counts are printed.
The implementations take turns within each round, so that a busy machine slows them
alike: the figures are medians over the rounds (milliseconds per call), and a ratio is
the median of the per-round ratios. The goals of the speed issue, at the three LeNet
shapes: conv2d at most 1.5x PyTorch, max_pool2d faster than PyTorch. TinyCNN's row has
no goal of its own (its goal is the whole training step's, ``benchmarks/tinycnn.py``).

    python benchmarks/conv.py [--repeats 10] [--rounds 9] [--threads 1]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from threadpoolctl import threadpool_info, threadpool_limits

import microtensor as mt
import microtensor.nn.functional as F  # noqa: N812 (PyTorch's spelling)

# (input shape, weight shape, padding, does the input need a gradient); pooling runs on
# a tensor of each convolution's output shape.
SHAPES = [
    ((64, 1, 28, 28), (6, 1, 5, 5), 0, True),
    ((64, 6, 14, 14), (16, 6, 5, 5), 0, True),
    ((32, 16, 32, 32), (32, 16, 3, 3), 1, True),
    ((32, 1, 8, 8), (3, 1, 3, 3), 0, False),  # TinyCNN: per-call overhead, not BLAS
]
GOAL_SHAPES = 3  # the goals are set at the first three (LeNet-scale) shapes
POOL = 2
CONV_GOAL = 1.5  # conv2d forward + backward, at most this times PyTorch's
POOL_GOAL = 1.0  # max_pool2d: faster than PyTorch

Run = Callable[[], Any]


# ----- microtensor ----------------------------------------------------------------------


def microtensor_conv(x: np.ndarray, w: np.ndarray, b: np.ndarray, padding: int,
                     input_grad: bool) -> Run:
    xt = mt.tensor(x, requires_grad=input_grad)
    wt, bt = (mt.tensor(a, requires_grad=True) for a in (w, b))
    grad: list[mt.Tensor] = []

    def run() -> None:
        xt.grad = wt.grad = bt.grad = None
        out = F.conv2d(xt, wt, bt, padding=padding)
        if not grad:
            grad.append(mt.ones(out.shape))
        out.backward(grad[0])

    return run


def microtensor_pool(x: np.ndarray) -> Run:
    xt = mt.tensor(x, requires_grad=True)
    grad: list[mt.Tensor] = []

    def run() -> None:
        xt.grad = None
        out = F.max_pool2d(xt, POOL)
        if not grad:
            grad.append(mt.ones(out.shape))
        out.backward(grad[0])

    return run


# ----- direct NumPy ---------------------------------------------------------------------


def numpy_conv(x: np.ndarray, w: np.ndarray, b: np.ndarray, padding: int,
               input_grad: bool) -> Run:
    kh, kw = w.shape[2:]

    def run() -> None:
        xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
        windows = sliding_window_view(xp, (kh, kw), axis=(2, 3))  # (N, C, OH, OW, kh, kw)
        out = np.einsum("nchwuv,ocuv->nohw", windows, w, optimize=True) + b[:, None, None]
        grad = np.ones_like(out)
        _ = grad.sum(axis=(0, 2, 3))  # bias
        _ = np.einsum("nohw,nchwuv->ocuv", grad, windows, optimize=True)  # weight
        if not input_grad:
            return
        grad_xp = np.zeros_like(xp)  # input: add back per kernel offset
        oh, ow = out.shape[2:]
        for u in range(kh):
            for v in range(kw):
                grad_xp[:, :, u : u + oh, v : v + ow] += np.einsum(
                    "nohw,oc->nchw", grad, w[:, :, u, v], optimize=True
                )
        _ = grad_xp[:, :, padding : padding + x.shape[2], padding : padding + x.shape[3]]

    return run


def numpy_pool(x: np.ndarray) -> Run:
    n, c, h, w = x.shape
    blocks = (n, c, h // POOL, POOL, w // POOL, POOL)

    def run() -> None:
        out = x.reshape(blocks).max(axis=(3, 5))
        grad = np.ones_like(out)
        # textbook backward: every pixel equal to its window's max (ties all get it)
        mask = x.reshape(blocks) == out[:, :, :, None, :, None]
        _ = (mask * grad[:, :, :, None, :, None]).reshape(x.shape)

    return run


# ----- PyTorch --------------------------------------------------------------------------


def load_torch(threads: int) -> Any:
    try:
        import torch
    except Exception:  # not installed or broken: compare without it
        return None
    torch.set_num_threads(threads)
    return torch


def torch_conv(torch: Any, x: np.ndarray, w: np.ndarray, b: np.ndarray, padding: int,
               input_grad: bool) -> Run:
    xt = torch.tensor(x, requires_grad=input_grad)
    wt, bt = (torch.tensor(a, requires_grad=True) for a in (w, b))

    def run() -> None:
        xt.grad = wt.grad = bt.grad = None
        out = torch.nn.functional.conv2d(xt, wt, bt, padding=padding)
        out.backward(torch.ones_like(out))

    return run


def torch_pool(torch: Any, x: np.ndarray) -> Run:
    xt = torch.tensor(x, requires_grad=True)

    def run() -> None:
        xt.grad = None
        out = torch.nn.functional.max_pool2d(xt, POOL)
        out.backward(torch.ones_like(out))

    return run


# ----- timing: turns within each round, medians over rounds ---------------------------


@dataclass
class Row:
    """One benchmark row: milliseconds per call (medians) and the ratio to PyTorch."""

    op: str
    shape: str
    ms: dict[str, float]
    ratio: float | None  # median over rounds of microtensor / PyTorch
    goal: float | None  # the ratio to stay at or under (None: no goal at this shape)

    @property
    def verdict(self) -> str:
        if self.ratio is None or self.goal is None:
            return ""
        return "met" if self.ratio <= self.goal else "NOT met"


def take_turns(runs: dict[str, Run], repeats: int, rounds: int) -> dict[str, list[float]]:
    """Milliseconds per call of each run, one figure per round; the runs alternate."""
    for run in runs.values():
        run()  # caches, lazy imports
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(rounds):
        for name, run in runs.items():
            start = time.perf_counter()
            for _ in range(repeats):
                run()
            times[name].append((time.perf_counter() - start) / repeats * 1e3)
    return times


def measure(runs: dict[str, Run], op: str, shape: str, goal: float | None, repeats: int,
            rounds: int) -> Row:
    times = take_turns(runs, repeats, rounds)
    ms = {name: statistics.median(values) for name, values in times.items()}
    ratio = None
    if "pytorch" in times:
        pairs = zip(times["microtensor"], times["pytorch"], strict=True)
        ratio = statistics.median(mine / theirs for mine, theirs in pairs)
    return Row(op, shape, ms, ratio, goal if ratio is not None else None)


def benchmark(torch: Any, repeats: int, rounds: int) -> Iterator[Row]:
    """Every row, as soon as it is measured: conv2d then max_pool2d at each shape."""
    rng = np.random.default_rng(0)
    for index, (x_shape, w_shape, padding, input_grad) in enumerate(SHAPES):
        x = rng.standard_normal(x_shape).astype(np.float32)
        w = rng.standard_normal(w_shape).astype(np.float32)
        b = rng.standard_normal(w_shape[0]).astype(np.float32)
        out_hw = [size + 2 * padding - kernel + 1
                  for size, kernel in zip(x_shape[2:], w_shape[2:], strict=True)]
        pooled = rng.standard_normal((x_shape[0], w_shape[0], *out_hw)).astype(np.float32)
        lenet = index < GOAL_SHAPES
        label = f"x{x_shape} w{w_shape} p{padding}" + ("" if input_grad else " no dx")
        runs = {"microtensor": microtensor_conv(x, w, b, padding, input_grad),
                "numpy": numpy_conv(x, w, b, padding, input_grad)}
        if torch is not None:
            runs["pytorch"] = torch_conv(torch, x, w, b, padding, input_grad)
        scale = max(1, int(3e5 // np.prod(x_shape)))  # more calls for the small ones
        yield measure(runs, "conv2d", label, CONV_GOAL if lenet else None, repeats * scale,
                      rounds)
        runs = {"microtensor": microtensor_pool(pooled), "numpy": numpy_pool(pooled)}
        if torch is not None:
            runs["pytorch"] = torch_pool(torch, pooled)
        yield measure(runs, f"max_pool2d({POOL})", f"x{pooled.shape}",
                      POOL_GOAL if lenet else None, repeats * scale, rounds)


def thread_counts(torch: Any) -> str:
    """The threads each side computes with, as the libraries report them."""
    pools = ", ".join(f"{pool['internal_api']} {pool['num_threads']}"
                      for pool in threadpool_info())
    torch_threads = f"; torch intra-op {torch.get_num_threads()}" if torch is not None else ""
    return f"threads: {pools}{torch_threads}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10,
                        help="calls per turn at the largest shape (more at smaller ones)")
    parser.add_argument("--rounds", type=int, default=9, help="rounds of turns (medians)")
    parser.add_argument("--threads", type=int, default=1,
                        help="BLAS threads of NumPy and intra-op threads of PyTorch")
    args = parser.parse_args(argv)
    torch = load_torch(args.threads)
    with threadpool_limits(limits=args.threads):
        print(thread_counts(torch))
        print(f"forward + backward, float32, ms per call (medians of {args.rounds} rounds)")
        print(f"{'op':14} {'shape':46} {'mt':>7} {'numpy':>7} {'torch':>7} "
              f"{'mt/torch':>9} {'goal':>6}  verdict")
        for row in benchmark(torch, args.repeats, args.rounds):
            torch_ms = row.ms.get("pytorch")
            torch_cell = f"{torch_ms:7.3f}" if torch_ms else f"{'-':>7}"
            ratio = f"{row.ratio:8.2f}x" if row.ratio is not None else f"{'-':>9}"
            goal = f"<={row.goal:.1f}x" if row.goal is not None else f"{'':>6}"
            print(f"{row.op:14} {row.shape:46} {row.ms['microtensor']:7.3f} "
                  f"{row.ms['numpy']:7.3f} {torch_cell} {ratio} {goal}  {row.verdict}", flush=True)
    if torch is None:
        print("pytorch: not installed (pip install torch to compare)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
