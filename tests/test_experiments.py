"""The experiments CLI: the parameter tables (pure arithmetic), a ``--quick`` smoke run
of everything, written to a temporary folder, and the digits' own section of results.md."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from microtensor import nn
from models import plots
from models.datasets import STRIPE_CLASSES, make_stripes
from models.experiments import accuracy
from models.experiments import cli as experiments
from models.experiments.sections import without_sections, write_keeping_sections
from models.experiments.sections import write_section as replace_section
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


def test_sections_are_replaced_in_place_and_kept_by_all(tmp_path: Path) -> None:
    path = tmp_path / "results.md"
    replace_section(path, "digits", "first")
    assert path.read_text() == "<!-- digits: begin -->\nfirst\n<!-- digits: end -->\n"
    path.write_text("# Results\n\nbody\n\n" + path.read_text() + "\n## after\n")
    replace_section(path, "scaling", "table\n")
    replace_section(path, "digits", "second\nlines")
    text = path.read_text()
    assert text.startswith("# Results\n\nbody\n\n<!-- digits: begin -->\nsecond\nlines\n")
    assert "first" not in text and "\n## after\n" in text
    assert text.endswith("\n\n<!-- scaling: begin -->\ntable\n<!-- scaling: end -->\n")
    write_keeping_sections(path, "# New results\n")  # what `all` does: both sections stay
    text = path.read_text()
    assert text.startswith("# New results\n\n<!-- digits: begin -->\nsecond\nlines\n")
    assert "<!-- scaling: begin -->\ntable\n" in text and "body" not in text
    assert [p.name for p in tmp_path.iterdir()] == ["results.md"]  # no temporary left
    assert without_sections(path.read_text()) == "# New results\n"


def test_quick_digits_writes_its_section(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("sklearn.datasets")
    (tmp_path / "results.md").write_text("# Results\n\nthe rest\n")
    assert experiments.main(["digits", "--quick", "--no-plots", "--out", str(tmp_path)]) == 0
    text = (tmp_path / "results.md").read_text()
    assert text.startswith("# Results\n\nthe rest\n\n<!-- digits: begin -->\n")
    assert text.endswith("<!-- digits: end -->\n") and text.count("digits: begin") == 1
    for row in ("| LeNet-5 | `python -m models.lenet train` | 61,706 |",
                "| TinyCNN-10 | `python -m models.tinycnn train --dataset digits` | 310 |",
                "| MLP, 18 hidden | `python -m models.mlp train --dataset digits` | 1,360 |",
                "| linear (softmax regression) | - | 650 |"):  # fmt: skip
        assert row in text
    assert "LeNet-5 seed 0: test accuracy" in capsys.readouterr().out
