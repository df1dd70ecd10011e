"""The benchmarks run, and run without PyTorch (tiny repeat counts: no timing is checked)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_without_torch(script: str, *args: str) -> str:
    """Run ``benchmarks/<script>`` as ``python benchmarks/<script> args`` with torch hidden."""
    code = (
        "import runpy, sys; sys.modules['torch'] = None; "
        f"sys.argv = [{script!r}, *{list(args)!r}]; sys.path.insert(0, 'benchmarks'); "
        f"runpy.run_path('benchmarks/{script}', run_name='__main__')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_overhead_benchmark_runs_without_torch() -> None:
    out = run_without_torch("overhead.py", "--repeats", "3")
    assert "microtensor" in out and "numpy (hand-written)" in out
    assert "pytorch: not installed" in out


def test_conv_benchmark_runs_without_torch() -> None:
    out = run_without_torch("conv.py", "--repeats", "1", "--rounds", "1")
    rows = [line for line in out.splitlines() if line.startswith(("conv2d", "max_pool2d"))]
    assert len(rows) == 8  # three LeNet shapes and TinyCNN's, conv and pool each
    assert all(" - " in row for row in rows)  # no PyTorch column
    assert out.startswith("threads: ")  # what each side computes with


def test_step_profile_runs() -> None:
    out = run_without_torch("profile_step.py", "--steps", "3")
    assert "TinyCNN training step" in out
    for name in ["Conv2d", "MaxPool2d", "PoolScatter", "CrossEntropy", "Conv2dWeight"]:
        assert f"  {name} " in out
