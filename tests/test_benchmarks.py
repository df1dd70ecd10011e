"""The benchmarks run, and run without PyTorch (tiny repeat counts: no timing is checked)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

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


def test_run_prints_each_figure_with_its_goal_and_verdict() -> None:
    out = run_without_torch("run.py", "--quick", "--only", "tinycnn", "overhead")
    assert "PyTorch is not installed" in out
    verdicts = [line for line in out.splitlines() if line.startswith("TinyCNN 40 epochs")]
    assert len(verdicts) == 1 and "<= 1.5x" in verdicts[0]
    assert verdicts[0].rstrip().endswith(("met", "NOT met"))
    assert "goals met" in out.splitlines()[-1]


@pytest.mark.torch
@pytest.mark.slow
def test_model_zoo_benchmark_measures_both_frameworks() -> None:
    pytest.importorskip("torch")
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import model_zoo

    for framework in ("microtensor", "pytorch"):
        figures = model_zoo.measure_in_child(framework, "lenet5", quick=True)
        assert figures["seconds"] > 0 and figures["peak_mib"] >= 0


def test_instructions_child_trains_both_sides() -> None:
    for side in ("microtensor", "numpy"):  # the part that runs under valgrind
        result = subprocess.run(
            [sys.executable, "benchmarks/instructions.py", "--child", side, "2"], cwd=ROOT,
            capture_output=True, text=True, timeout=120,
        )
        assert result.returncode == 0, result.stderr
