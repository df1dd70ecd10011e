"""The layer contract (``[tool.importlinter]`` in pyproject.toml) holds, and it can fail.

import-linter reads every import statement, including one inside a function, so an
import that points up a floor, or one that closes a cycle, fails here however it hides.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT = "from importlinter.cli import lint_imports; raise SystemExit(lint_imports(no_cache=True))"

pytest.importorskip("importlinter", reason="import-linter is in the test extra")


def _lint(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", LINT], cwd=folder, capture_output=True, text=True,
        env={"PYTHONPATH": str(folder), "PATH": ""}, check=False,
    )


def test_the_contracts_are_kept() -> None:
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def _copy(tmp_path: Path) -> Path:
    for name in ("microtensor", "models"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_an_upward_import_inside_a_function_breaks_the_contract(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    with open(folder / "microtensor" / "core" / "tensor.py", "a", encoding="utf-8") as file:
        file.write("\n\ndef _sneaky():\n    from microtensor.ops import shape\n    return shape\n")
    result = _lint(folder)
    assert result.returncode != 0
    assert "microtensor.core.tensor -> microtensor.ops.shape" in result.stdout


def test_a_cycle_inside_a_floor_breaks_the_contract(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    with open(folder / "microtensor" / "ops" / "arguments.py", "a", encoding="utf-8") as file:
        file.write("\nfrom microtensor.ops import conv  # noqa: E402\n")
    result = _lint(folder)
    assert result.returncode != 0
    assert "no import cycle" in result.stdout
