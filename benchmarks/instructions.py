"""Instructions per TinyCNN training step, microtensor vs hand-written NumPy (callgrind).

    python benchmarks/instructions.py

Wall times on a shared machine swing; instruction counts do not: ``valgrind
--tool=callgrind`` counts the same total for the same program and inputs whatever else the
machine does. Each side runs as a child under callgrind twice, 10 and 210 training steps
(batch 32, the default TinyCNN), and the difference over 200 is the cost of one step,
imports and set-up cancelled out. Needs valgrind (Debian's package); one BLAS thread.
Instructions are not time (NumPy's loops run more instructions per cycle than Python's
interpreter), but they show where Python work per call goes, and repeat exactly.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIDES = ("microtensor", "numpy")


def steps(side: str, count: int) -> None:
    """Train ``count`` steps of TinyCNN on one batch of stripes with ``side``."""
    sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]
    import numpy as np

    from models.datasets import make_stripes

    images, labels = make_stripes(32, generator=np.random.default_rng(0))
    if side == "numpy":
        import numpy_tinycnn

        params = numpy_tinycnn.init_params(3, np.random.default_rng(0))
        for _ in range(count):
            _, grads = numpy_tinycnn.loss_and_grads(params, images, labels)
            for key in params:
                params[key] -= 0.3 * grads[key]
        return
    import microtensor as mt
    import microtensor.nn.functional as F  # noqa: N812 (PyTorch's spelling)
    from microtensor import optim
    from models.tinycnn import TinyCNN

    x, y = mt.from_numpy(images), mt.from_numpy(labels)
    model = TinyCNN(3, generator=np.random.default_rng(0))
    optimizer = optim.SGD(model.parameters(), lr=0.3)
    for _ in range(count):
        loss = F.cross_entropy(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


def counted(side: str, count: int) -> int:
    """The instructions callgrind counts for a child running ``steps(side, count)``."""
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
               sys.executable, __file__, "--child", side, str(count)]
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                            check=True)
    match = re.search(r"refs:\s+([\d,]+)", result.stderr)
    if match is None:
        raise RuntimeError(f"no instruction count in valgrind's output:\n{result.stderr}")
    return int(match.group(1).replace(",", ""))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["--child"]:
        steps(args[1], int(args[2]))
        return 0
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (Debian: apt install valgrind)")
        return 1
    per_step = {}
    for side in SIDES:
        print(f"{side}: counting 10 and 210 steps under callgrind ...", flush=True)
        per_step[side] = (counted(side, 210) - counted(side, 10)) / 200
    for side, instructions in per_step.items():
        print(f"{side:12} {instructions / 1e6:6.2f} M instructions per step")
    print(f"microtensor / numpy: {per_step['microtensor'] / per_step['numpy']:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
