"""The experiments CLI: the parameter tables (pure arithmetic) and a ``--quick`` smoke run
of everything, written to a temporary folder."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from microtensor import nn
from models import plots
from models.datasets import STRIPE_CLASSES, make_stripes
from models.experiments import accuracy
from models.experiments import cli as experiments
from models.experiments.table import Table
from models.mlp.sweep import SweepRow


def test_parameter_tables_print_ours_and_flag_the_seeds_errors(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert experiments.main(["params"]) == 0
    out = capsys.readouterr().out
    for ours in ("78,500", "1,228,900", "15,052,900", "1,728", "2,000,000", "142"):
        assert ours in out
    assert "150,528,100" in out and "no" in out.split("224 x 224 x 3", 1)[1].splitlines()[0]


@pytest.mark.parametrize(("shape", "hidden"), [((28, 28, 1), 100), ((8, 8, 3), 7)])
def test_fully_connected_formula_matches_a_real_layer(shape: tuple[int, ...], hidden: int) -> None:
    h, w, c = shape
    layer = nn.Linear(h * w * c, hidden)
    assert sum(p.numel() for p in layer.parameters()) == (h * w * c + 1) * hidden
    conv = nn.Conv2d(c, 32, 3)
    assert sum(p.numel() for p in conv.parameters()) == (9 * c + 1) * 32


def test_tables_render_as_text_and_markdown() -> None:
    table = Table("T", ["a", "b"])
    table.add("x", 1)
    table.notes.append("a note")
    assert table.text().splitlines() == ["T", "-", "a  b", "x  1", "* a note"]
    assert "| x | 1 |" in table.markdown() and "- a note" in table.markdown()


def test_quick_run_of_all_writes_results(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert experiments.main(["all", "--quick", "--no-plots", "--out", str(tmp_path)]) == 0
    text = (tmp_path / "results.md").read_text()
    for title in (
        "CNN vs MLP",
        "MLP capacity sweep",
        "Four classes",
        "TinyCNN over 2 seeds",
        "First seed",
        "Second seed",
        "--quick",
    ):
        assert title in text
    assert "| TinyCNN | 114 | 114 |" in text
    out = capsys.readouterr().out
    assert "robustness adam lr 0.03 seed 1" in out  # progress while it runs


def test_dead_filter_count() -> None:
    run = accuracy.Run(accuracy.RECIPES["tinycnn"], accuracy.make_config("tinycnn", accuracy.QUICK))
    assert accuracy.dead_filters(run) == 0
    run.model.conv.bias.data[1] = -100.0  # filter 1 can no longer fire
    assert accuracy.dead_filters(run) == 1


def test_bad_experiment_is_a_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert experiments.main(["everything"]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_experiment_figures_are_pngs(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    rows = [SweepRow(1, 71, (0.5, 0.6)), SweepRow(8, 547, (0.99, 1.0))]
    images, labels = make_stripes(12, 4, generator=np.random.default_rng(0))
    paths = [
        plots.save_sweep(rows, tmp_path / "sweep.png", cnn_accuracy=0.995),
        plots.save_seed_accuracies({"sgd": [0.99, 1.0], "adam": [0.98]}, tmp_path / "r.png"),
        plots.save_examples(images, labels, STRIPE_CLASSES, tmp_path / "e.png", per_class=2),
    ]
    for path in paths:
        assert path.read_bytes()[:4] == b"\x89PNG"
