"""conv2d and max_pool2d, forward + backward, at the three shapes of the CNN issue.

Runs side by side in one process: microtensor, a direct NumPy baseline (the textbook
code: einsum over a ``sliding_window_view`` for conv2d, reshape + max for pooling, and
their backward by hand, no framework), and PyTorch on the CPU when it is installed
(optional: the benchmark runs without it). Every input requires grad, so backward
computes the input, weight and bias gradients. Prints milliseconds (best of the rounds)
and ratios.

    python benchmarks/conv.py [--repeats 20] [--rounds 5] [--torch-threads N]

NumPy's BLAS uses the threads its environment gives it (OPENBLAS_NUM_THREADS=1 makes
it single-threaded; on a busy machine that is often faster).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from timing import best_seconds

import microtensor as mt
import microtensor.nn.functional as F  # noqa: N812 (PyTorch's spelling)

# (input shape, weight shape, padding); pooling runs on each convolution's output.
SHAPES = [
    ((64, 1, 28, 28), (6, 1, 5, 5), 0),
    ((64, 6, 14, 14), (16, 6, 5, 5), 0),
    ((32, 16, 32, 32), (32, 16, 3, 3), 1),
]
POOL = 2

Run = Callable[[], Any]


def best_ms(run: Run, repeats: int, rounds: int) -> float:
    """Best of ``rounds`` averages of ``repeats`` calls, in milliseconds."""
    return best_seconds(run, repeats, rounds) * 1e3


# ----- microtensor ----------------------------------------------------------------------


def microtensor_conv(x: np.ndarray, w: np.ndarray, b: np.ndarray, padding: int) -> Run:
    xt, wt, bt = (mt.tensor(a, requires_grad=True) for a in (x, w, b))

    def run() -> None:
        xt.grad = wt.grad = bt.grad = None
        out = F.conv2d(xt, wt, bt, padding=padding)
        out.backward(mt.from_numpy(np.ones(out.shape, out.dtype)))

    return run


def microtensor_pool(x: np.ndarray) -> Run:
    xt = mt.tensor(x, requires_grad=True)

    def run() -> None:
        xt.grad = None
        out = F.max_pool2d(xt, POOL)
        out.backward(mt.from_numpy(np.ones(out.shape, out.dtype)))

    return run


# ----- direct NumPy ---------------------------------------------------------------------


def numpy_conv(x: np.ndarray, w: np.ndarray, b: np.ndarray, padding: int) -> Run:
    kh, kw = w.shape[2:]

    def run() -> None:
        xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
        windows = sliding_window_view(xp, (kh, kw), axis=(2, 3))  # (N, C, OH, OW, kh, kw)
        out = np.einsum("nchwuv,ocuv->nohw", windows, w, optimize=True) + b[:, None, None]
        grad = np.ones_like(out)
        _ = grad.sum(axis=(0, 2, 3))  # bias
        _ = np.einsum("nohw,nchwuv->ocuv", grad, windows, optimize=True)  # weight
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


def load_torch(threads: int | None) -> Any:
    try:
        import torch
    except Exception:  # not installed or broken: compare without it
        return None
    if threads:
        torch.set_num_threads(threads)
    return torch


def torch_conv(torch: Any, x: np.ndarray, w: np.ndarray, b: np.ndarray, padding: int) -> Run:
    xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, w, b))

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


# ----- the table ------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20, help="calls per timing round")
    parser.add_argument("--rounds", type=int, default=5, help="timing rounds (best is kept)")
    parser.add_argument("--torch-threads", type=int, default=None,
                        help="torch.set_num_threads (default: PyTorch's own choice)")
    args = parser.parse_args(argv)
    torch = load_torch(args.torch_threads)
    rng = np.random.default_rng(0)
    rows = []
    for x_shape, w_shape, padding in SHAPES:
        x = rng.standard_normal(x_shape).astype(np.float32)
        w = rng.standard_normal(w_shape).astype(np.float32)
        b = rng.standard_normal(w_shape[0]).astype(np.float32)
        pooled = rng.standard_normal(
            (x_shape[0], w_shape[0], x_shape[2] + 2 * padding - w_shape[2] + 1,
             x_shape[3] + 2 * padding - w_shape[3] + 1)
        ).astype(np.float32)
        label = f"x{x_shape} w{w_shape} p{padding}"
        runs = {"microtensor": microtensor_conv(x, w, b, padding),
                "numpy": numpy_conv(x, w, b, padding)}
        if torch is not None:
            runs["pytorch"] = torch_conv(torch, x, w, b, padding)
        rows.append(("conv2d", label, runs))
        runs = {"microtensor": microtensor_pool(pooled), "numpy": numpy_pool(pooled)}
        if torch is not None:
            runs["pytorch"] = torch_pool(torch, pooled)
        rows.append((f"max_pool2d({POOL})", f"x{pooled.shape}", runs))

    threads = f", {torch.get_num_threads()} torch threads" if torch is not None else ""
    print(f"forward + backward, float32, ms (best of {args.rounds} x {args.repeats}{threads})")
    print(f"{'op':14} {'shape':42} {'mt':>7} {'numpy':>7} {'torch':>7} "
          f"{'mt/numpy':>9} {'mt/torch':>9}")
    for op, label, runs in rows:
        ms = {name: best_ms(run, args.repeats, args.rounds) for name, run in runs.items()}
        mine, numpy_ms, torch_ms = ms["microtensor"], ms["numpy"], ms.get("pytorch")
        torch_cell = f"{torch_ms:7.2f}" if torch_ms else f"{'-':>7}"
        ratio = f"{mine / torch_ms:8.2f}x" if torch_ms else f"{'-':>9}"
        print(f"{op:14} {label:42} {mine:7.2f} {numpy_ms:7.2f} {torch_cell} "
              f"{mine / numpy_ms:8.2f}x {ratio}")
    if torch is None:
        print("pytorch: not installed (pip install torch to compare)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
