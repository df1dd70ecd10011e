"""The figures the docs quote are the figures the code prints.

The code blocks themselves are checked by Sybil (``conftest.py`` at the root): a ```python
block is run, and one that starts with ``>>>`` is a doctest whose output is compared.
Here: the docs keep to that form (a value printed by a plain block would go unchecked),
docs/results.md is what ``python -m models.experiments all`` writes (less the sections
that other commands write there: tests/test_digits.py checks the digits'), and the tutorial's
account of the default training run quotes that run's numbers. Wall times (benchmarks.md,
the header of results.md) are not checked: no test asserts a time.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from models.experiments import accuracy, parameters
from models.experiments.accuracy import FULL
from models.experiments.sections import without_sections

ROOT = Path(__file__).resolve().parent.parent
DOCS = sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.DOTALL | re.MULTILINE)
# The figures results.md links to, as write_figures names them (the PNGs need matplotlib).
FIGURES = {
    "stripes": "img/stripes.png",
    "curves": "img/tinycnn_curves.png",
    "filters": "img/tinycnn_filters.png",
    "sweep": "img/mlp_sweep.png",
    "robustness": "img/robustness.png",
}


def words(text: str) -> str:
    """``text`` with every run of whitespace (line breaks included) as one space."""
    return " ".join(text.split())


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_printed_output_is_shown_where_it_is_checked(path: Path) -> None:
    for match in FENCE.finditer(path.read_text(encoding="utf-8")):
        language, code = match.groups()
        line = path.read_text(encoding="utf-8").count("\n", 0, match.start()) + 1
        if language == "python" and not code.startswith(">>>"):
            assert "print(" not in code, (
                f"{path.name}:{line}: a plain python block prints; show its output in a "
                "block that starts with >>>, so that the tests compare it"
            )
        if language != "python":
            assert ">>>" not in code, (
                f"{path.name}:{line}: a >>> session in a ```{language} block is not checked; "
                "fence it as ```python"
            )


def test_parameter_tables_in_results_md_are_the_code_s() -> None:
    text = (ROOT / "docs" / "results.md").read_text(encoding="utf-8")
    for table in parameters.params_tables():
        assert table.markdown() in text, table.title


# A few of the 50 robustness runs (Adam at lr 0.03) are chaotic enough that the last bits
# of a matrix product, which OpenBLAS's kernels for different CPUs round differently, move
# a final accuracy across a threshold. docs/results.md is written with one kernel set
# (OPENBLAS_CORETYPE=Haswell python -m models.experiments all; it says so in its header),
# and the check runs the experiments with the same one, in a process of its own: the
# variable is read when NumPy loads. (Elsewhere than on x86-64 it has no effect.)
KERNELS = {"OPENBLAS_CORETYPE": "Haswell"}
WRITE_RESULTS = """
import json, sys
from models.experiments import cli
from models.experiments.accuracy import FULL
from models.experiments.results import results_markdown
results = cli.run_steps(["params", *cli.STEPS], FULL)
with open(sys.argv[2], "w") as file:
    file.write(results_markdown(results, json.loads(sys.argv[1]), FULL, 0.0))
"""


@pytest.fixture(scope="module")
def experiments_text(tmp_path_factory: pytest.TempPathFactory) -> str:
    """results.md as ``python -m models.experiments all`` writes it (every experiment at
    full size), with the OpenBLAS kernels docs/results.md was written with."""
    path = tmp_path_factory.mktemp("experiments") / "results.md"
    subprocess.run(
        [sys.executable, "-c", WRITE_RESULTS, json.dumps(FIGURES), str(path)], cwd=ROOT,
        env={**os.environ, **KERNELS}, check=True, stdout=subprocess.DEVNULL,
    )
    return path.read_text(encoding="utf-8")


@pytest.mark.slow
def test_results_md_is_what_the_experiments_write(experiments_text: str) -> None:
    ours = experiments_text.splitlines()
    doc = (ROOT / "docs" / "results.md").read_text(encoding="utf-8")
    doc = without_sections(doc).splitlines()  # the sections other commands write
    # Line 3 says when, how fast and with which versions it was written: not checked.
    assert doc[2].startswith("Written by `python -m models.experiments all` (full run) on ")
    assert doc[:2] + doc[3:] == ours[:2] + ours[3:]


@pytest.mark.slow
def test_tutorial_quotes_the_default_run() -> None:
    run = accuracy.Run(accuracy.RECIPES["tinycnn"], accuracy.make_config("tinycnn", FULL, seed=0))
    run.fit(FULL.epochs)
    history = run.history
    last = history[-1]
    first_99 = next(e for e in history if e.val_accuracy >= 0.99)
    after = [e.val_accuracy for e in history if e.epoch > first_99.epoch]
    spike = max(history[5:], key=lambda e: e.val_loss)
    text = words((ROOT / "docs" / "tutorial.md").read_text(encoding="utf-8"))
    quoted = [
        f"the training loss keeps falling ({last.train_loss:.4f} at epoch {last.epoch})",
        f"the validation loss levels off ({last.val_loss:.4f})",
        f"(epoch {spike.epoch}: validation loss {spike.val_loss:.4f}, "
        f"accuracy {spike.val_accuracy:.2f})",
        f"reaches the dotted 99% line at epoch {first_99.epoch}",
        f"stays between {min(after):.2f} and {max(after):.3f} after that, "
        f"and ends at {last.val_accuracy:.3f}",
    ]
    for sentence in quoted:
        assert sentence in text
    assert history[0].train_loss > history[0].val_loss  # "in epoch 1 ... above"
    # "Filter 1 becomes the second seed's horizontal edge detector"
    seed_kernel = np.array([[1.0, 1.0, 1.0], [0.0, 0.0, 0.0], [-1.0, -1.0, -1.0]])
    learned = run.model.conv.weight.detach().numpy()[1, 0]
    cosine = np.sum(learned * seed_kernel) / np.linalg.norm(learned) / np.linalg.norm(seed_kernel)
    assert cosine > 0.9
