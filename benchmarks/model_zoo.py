"""Larger models, microtensor vs PyTorch: seconds and peak memory, each in a process of its own.

    python benchmarks/model_zoo.py --framework microtensor --model resnet18 [--quick]

prints one JSON line: the seconds of the work (best of the rounds) and the peak memory it
added, in MiB: the peak resident set size (``VmHWM``) minus the resident size just
before the first round, so that what each library's import costs is not counted. The
work, float32, one thread on both sides:

* ``resnet18``: one forward and backward of ResNet-18 (``models.resnet``) on a batch of 8
  images of 3x224x224 (``--quick``: 2 images of 64x64);
* ``lenet5``: 20 SGD training steps of LeNet-5 (``models.lenet``) on batches of 64
  images of 1x32x32 (``--quick``: 2 steps).

PyTorch's side is the same network written with ``torch.nn`` (``models/torch_reference.py``:
torchvision's ResNet-18 layout; the PyTorch tutorial's LeNet).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent

WORK = {
    "resnet18": "ResNet-18 fwd+bwd, batch 8, 224x224",
    "lenet5": "LeNet-5 training, batch 64, 32x32",
}


def current_mib() -> float:
    """This process's resident memory now (Linux: /proc/self/statm)."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_mib() -> float:
    """This process's peak resident memory (Linux: VmHWM of /proc/self/status).

    Not ``ru_maxrss``: that survives ``exec`` and so counts the memory of the process this
    one was started from (here run.py, which can be large).
    """
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024  # kB


def work(framework: str, name: str, quick: bool) -> Callable[[], Any]:
    """The timed work for ``framework`` (``microtensor`` or ``pytorch``) and model ``name``."""
    rng = np.random.default_rng(0)
    sys.path.insert(0, str(ROOT))
    if framework == "pytorch":
        import torch

        torch.set_num_threads(1)
        from models import torch_reference

        lib, functional, optim = torch, torch.nn.functional, torch.optim
        model = (torch_reference.TorchResNet(torch_reference.TorchBasicBlock, [2, 2, 2, 2])
                 if name == "resnet18" else torch_reference.TorchLeNet5())
    else:
        import microtensor as lib
        import microtensor.nn.functional as functional
        from microtensor import optim

        if name == "resnet18":
            from models.resnet import resnet18

            model = resnet18()
        else:
            from models.lenet import LeNet5

            model = LeNet5()
    if name == "resnet18":
        batch, side = (2, 64) if quick else (8, 224)
        x = lib.from_numpy(rng.standard_normal((batch, 3, side, side)).astype(np.float32))

        def forward_backward() -> None:
            model.zero_grad()
            model(x).sum().backward()

        return forward_backward
    images = lib.from_numpy(rng.standard_normal((64, 1, 32, 32)).astype(np.float32))
    labels = lib.from_numpy(rng.integers(0, 10, 64))
    optimizer = optim.SGD(model.parameters(), lr=0.01)
    steps = 2 if quick else 20

    def train() -> None:
        for _ in range(steps):
            optimizer.zero_grad()
            functional.cross_entropy(model(images), labels).backward()
            optimizer.step()

    return train


def measure(framework: str, name: str, quick: bool) -> dict[str, float]:
    run = work(framework, name, quick)
    before = current_mib()
    run()  # the first round also makes what later rounds reuse
    seconds = float("inf")
    for _ in range(1 if quick else 3):
        start = time.perf_counter()
        run()
        seconds = min(seconds, time.perf_counter() - start)
    return {"seconds": seconds, "peak_mib": peak_mib() - before}


def measure_in_child(framework: str, name: str, quick: bool) -> dict[str, float]:
    """``measure`` in a fresh process (so that peaks do not mix), one BLAS thread."""
    command = [sys.executable, str(Path(__file__)), "--framework", framework, "--model", name]
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
           "MKL_NUM_THREADS": "1"}
    output = subprocess.run(command + (["--quick"] if quick else []), cwd=ROOT, env=env,
                            capture_output=True, text=True, check=True)
    return json.loads(output.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--framework", choices=("microtensor", "pytorch"), required=True)
    parser.add_argument("--model", choices=tuple(WORK), required=True)
    parser.add_argument("--quick", action="store_true", help="small inputs: a smoke test")
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.framework, args.model, args.quick)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
