"""TinyCNN's default training (40 epochs of 2,000 images, batch 32, plain SGD), timed side by
side in one process: microtensor, the hand-written NumPy version (``numpy_tinycnn.py``)
and PyTorch when it is installed. All three get the same data, the same initial weights
and the same batches, in the same order, and each evaluates the validation set after
every epoch, as the CLI does; the table shows they also end at the same weights.

Then the whole ``python -m models.tinycnn train --no-plots`` process is run as a child:
its wall time and its peak memory (``ru_maxrss`` from ``os.wait4``).

    python benchmarks/tinycnn.py [--repeats 3] [--no-torch] [--no-process]

Targets: microtensor within 1.3x of the hand-written NumPy version; peak memory of the
whole training process under 80 MiB.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import numpy_tinycnn  # noqa: E402

from models import tinycnn  # noqa: E402
from models.datasets import batches  # noqa: E402
from models.training import Run, RunConfig, generators  # noqa: E402

CONFIG = RunConfig(model="tinycnn", **tinycnn.DEFAULTS)


def fresh_run() -> Run:
    """Data, initial weights and shuffling generator of the default run, untrained."""
    return Run(tinycnn.RECIPE, CONFIG)


def initial_weights() -> dict[str, np.ndarray]:
    return {k: v.numpy().copy() for k, v in fresh_run().model.state_dict().items()}


def time_microtensor() -> tuple[float, float, dict[str, np.ndarray]]:
    run = fresh_run()
    start = time.perf_counter()
    run.fit(CONFIG.epochs)
    seconds = time.perf_counter() - start
    weights = {k: v.numpy().copy() for k, v in run.model.state_dict().items()}
    return seconds, run.history[-1].val_accuracy, weights


def time_numpy(run: Run) -> tuple[float, float, dict[str, np.ndarray]]:
    params = initial_weights()
    data = (run.train_x, run.train_y, run.val_x, run.val_y)
    shuffle = generators(CONFIG.seed)[2]
    start = time.perf_counter()
    history = numpy_tinycnn.train(
        params, data, CONFIG.epochs, CONFIG.lr, CONFIG.batch_size, shuffle
    )
    return time.perf_counter() - start, history[-1][3], params


def time_torch(run: Run, torch: Any) -> tuple[float, float, dict[str, np.ndarray]]:
    from collections import OrderedDict

    functional = torch.nn.functional
    model = torch.nn.Sequential(OrderedDict(
        conv=torch.nn.Conv2d(1, 3, 3), relu=torch.nn.ReLU(), pool=torch.nn.MaxPool2d(2),
        flatten=torch.nn.Flatten(), fc=torch.nn.Linear(27, CONFIG.classes),
    ))  # fmt: skip
    model.load_state_dict({k: torch.from_numpy(v) for k, v in initial_weights().items()})
    optimizer = torch.optim.SGD(model.parameters(), lr=CONFIG.lr)
    shuffle = generators(CONFIG.seed)[2]
    val_x, val_y = torch.from_numpy(run.val_x), torch.from_numpy(run.val_y)
    start = time.perf_counter()
    for _ in range(CONFIG.epochs):
        model.train()
        loss_sum, correct = 0.0, 0
        for x, y in batches(run.train_x, run.train_y, CONFIG.batch_size, shuffle):
            x, y = torch.from_numpy(x), torch.from_numpy(y)
            logits = model(x)
            loss = functional.cross_entropy(logits, y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            loss_sum += loss.item() * len(y)
            correct += int((logits.argmax(dim=1) == y).sum())
        model.eval()
        with torch.no_grad():
            logits = model(val_x)
            functional.cross_entropy(logits, val_y).item()
            accuracy = float((logits.argmax(dim=1) == val_y).float().mean())
    seconds = time.perf_counter() - start
    return seconds, accuracy, {k: v.detach().numpy().copy() for k, v in model.state_dict().items()}


# Measures one command from a small launcher process: a child's ru_maxrss also counts the
# memory of the process it was forked from, so forking from this (large) process would not do.
LAUNCHER = """
import os, subprocess, sys, time
start = time.perf_counter()
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_, status, usage = os.wait4(child.pid, 0)
print(time.perf_counter() - start, usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def whole_process() -> tuple[float, float]:
    """Wall seconds and peak resident memory (MiB) of the CLI's default training."""
    with tempfile.TemporaryDirectory() as folder:
        command = [sys.executable, "-m", "models.tinycnn", "train", "--no-plots", "--out", folder]
        launcher = [sys.executable, "-I", "-c", LAUNCHER, *command]
        output = subprocess.run(launcher, cwd=ROOT, capture_output=True, text=True, check=True)
    seconds, kibibytes, code = output.stdout.split()
    if int(code) != 0:
        raise RuntimeError(f"{' '.join(command)} failed with exit code {code}")
    return float(seconds), int(kibibytes) / 1024  # ru_maxrss is in KiB on Linux


def max_difference(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> float:
    return max(float(np.abs(a[k] - b[k]).max()) for k in a)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs of each (best is shown)")
    parser.add_argument("--no-torch", action="store_true", help="skip PyTorch")
    parser.add_argument("--no-process", action="store_true", help="skip the whole-process run")
    args = parser.parse_args(argv)
    torch = None
    if not args.no_torch:
        try:
            import torch

            torch.set_num_threads(1)  # tiny ops: threads only add overhead (and contention)
        except ImportError:
            print("(PyTorch is not installed: its row is skipped)")

    process = None if args.no_process else whole_process()  # first, while nothing else runs
    errors = numpy_tinycnn.gradient_check()
    print("NumPy reference gradient check, worst relative error per parameter: "
          + ", ".join(f"{name} {error:.1e}" for name, error in errors.items()))  # fmt: skip
    run = fresh_run()
    results: dict[str, list[tuple[float, float, dict[str, np.ndarray]]]] = {}
    for _ in range(args.repeats):  # interleaved, so that load on the machine hits all alike
        results.setdefault("hand-written NumPy", []).append(time_numpy(run))
        results.setdefault("microtensor", []).append(time_microtensor())
        if torch is not None:
            results.setdefault(f"PyTorch {torch.__version__}", []).append(time_torch(run, torch))

    reference = min(results["hand-written NumPy"], key=lambda r: r[0])
    print(f"\nTinyCNN, {CONFIG.epochs} epochs x {CONFIG.train_size} images, batch "
          f"{CONFIG.batch_size}, SGD lr {CONFIG.lr}; best of {args.repeats}")  # fmt: skip
    header = ("implementation", "seconds", "x NumPy", "val acc", "max |w - w_numpy|")
    print("{:22s} {:>8s} {:>8s} {:>8s} {:>18s}".format(*header))
    for name, runs in results.items():
        seconds, accuracy, weights = min(runs, key=lambda r: r[0])
        print(f"{name:22s} {seconds:8.3f} {seconds / reference[0]:8.2f} {accuracy:8.4f} "
              f"{max_difference(weights, reference[2]):18.2e}")  # fmt: skip
    if process is not None:
        seconds, mebibytes = process
        print(f"\nwhole `python -m models.tinycnn train --no-plots`: {seconds:.2f} s, "
              f"peak memory {mebibytes:.1f} MiB")  # fmt: skip
    print("targets: microtensor within 1.3x of NumPy; whole-process peak memory < 80 MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
