"""Where one TinyCNN training step spends its time, primitive by primitive.

Times every registered primitive's ``forward`` (the primitives that backward runs are
timed the same way, since backward is made of primitives), the step's phases, and what
is left for the framework itself (``Function.apply``, the engine, modules).

    python benchmarks/profile_step.py [--steps 2000]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # models/, from the checkout

import microtensor as mt  # noqa: E402
import microtensor.nn.functional as F  # noqa: E402, N812 (PyTorch's spelling)
from microtensor import optim  # noqa: E402
from microtensor.core.function import REGISTRY  # noqa: E402
from models.datasets import make_stripes  # noqa: E402
from models.tinycnn import TinyCNN  # noqa: E402


def timed(function: Callable[..., Any], key: str, totals: dict[str, float]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        result = function(*args, **kwargs)
        totals[key] += time.perf_counter() - start
        return result

    return wrapper


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=2000, help="training steps to time")
    args = parser.parse_args(argv)
    primitives: dict[str, float] = defaultdict(float)
    for name, function in REGISTRY.items():
        if name.isidentifier() and "forward" in vars(function):
            forward = vars(function)["forward"]
            inner = forward.__func__ if isinstance(forward, staticmethod | classmethod) else forward
            wrapped = timed(inner, name, primitives)
            function.forward = (  # type: ignore[method-assign]
                classmethod(wrapped) if isinstance(forward, classmethod) else staticmethod(wrapped)
            )
    images, labels = make_stripes(32, generator=np.random.default_rng(0))
    x, y = mt.from_numpy(images), mt.from_numpy(labels)
    model = TinyCNN(3, generator=np.random.default_rng(0))
    optimizer = optim.SGD(model.parameters(), lr=0.3)
    phases: dict[str, float] = defaultdict(float)
    start = time.perf_counter()
    for _ in range(args.steps):
        t0 = time.perf_counter()
        loss = F.cross_entropy(model(x), y)
        t1 = time.perf_counter()
        optimizer.zero_grad()
        loss.backward()
        t2 = time.perf_counter()
        optimizer.step()
        t3 = time.perf_counter()
        phases["forward (model and loss)"] += t1 - t0
        phases["backward"] += t2 - t1
        phases["optimizer step"] += t3 - t2
    step = (time.perf_counter() - start) / args.steps * 1e6
    print(f"TinyCNN training step, batch 32: {step:.1f} us per step ({args.steps} steps)")
    for name, total in phases.items():
        print(f"  {name:28} {total / args.steps * 1e6:8.1f} us")
    inside = sum(primitives.values())
    print(f"inside the primitives' forward (NumPy work): {inside / args.steps * 1e6:.1f} us "
          f"({inside / args.steps * 1e6 / step:.0%} of the step)")
    for name, total in sorted(primitives.items(), key=lambda item: -item[1]):
        share = total / args.steps * 1e6
        print(f"  {name:28} {share:8.1f} us  {share / step:5.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
