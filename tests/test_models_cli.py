"""Every model CLI through ``main([...])`` in a temporary folder, with few epochs: the run
folder, eval, trace, gradcheck, resume, the sweep, the edge-net demo, and one-line errors."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from same_run import whole_and_resumed

import microtensor as mt
from models import mlp
from models.edgenet import cli as edgenet_cli
from models.mlp import cli as mlp_cli
from models.tinycnn import cli as tinycnn_cli

SMALL = ["--epochs", "2", "--train-size", "90", "--val-size", "45", "--no-plots"]


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # default run folders go to tmp_path/runs
    return tmp_path


@pytest.fixture
def trained(in_tmp: Path) -> Path:
    folder = in_tmp / "run"
    assert tinycnn_cli.main(["train", *SMALL, "--out", str(folder)]) == 0
    return folder


def error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err  # one line, no traceback
    return err


def test_train_writes_the_run_folder(trained: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert {p.name for p in trained.iterdir()} == {"checkpoint.npz", "metrics.csv", "metrics.json"}
    with open(trained / "metrics.csv") as file:
        rows = list(csv.DictReader(file))
    assert [int(r["epoch"]) for r in rows] == [1, 2]
    assert set(rows[0]) == {"epoch", "train_loss", "train_accuracy", "val_loss", "val_accuracy",
                            "seconds"}  # fmt: skip
    summary = json.loads((trained / "metrics.json").read_text())
    assert summary["parameters"] == 114 and summary["config"]["train_size"] == 90
    assert summary["final"]["val_accuracy"] == float(rows[-1]["val_accuracy"])
    assert np.sum(summary["val_confusion"]) == 45
    checkpoint = mt.load(trained / "checkpoint.npz")
    assert checkpoint["kernels"].shape == (3, 3, 3, 3)  # init + 2 epochs, 3 filters of 3x3


def test_train_prints_one_line_per_epoch_kernels_and_folder(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert tinycnn_cli.main(["train", *SMALL]) == 0
    out = capsys.readouterr().out
    assert sum(line.startswith("epoch ") for line in out.splitlines()) == 2
    assert "filter 2" in out and "run folder: runs" in out
    assert len(list((in_tmp / "runs").iterdir())) == 1


def test_plots_are_written_when_matplotlib_is_installed(in_tmp: Path) -> None:
    pytest.importorskip("matplotlib")
    folder = in_tmp / "plotted"
    args = [
        "train",
        "--epochs",
        "2",
        "--train-size",
        "60",
        "--val-size",
        "30",
        "--out",
        str(folder),
    ]
    assert tinycnn_cli.main(args) == 0
    for name in ("curves.png", "filters.png"):
        assert (folder / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_eval_prints_accuracy_and_confusion(
    trained: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert tinycnn_cli.main(["eval", "--checkpoint", str(trained)]) == 0
    out = capsys.readouterr().out
    assert "accuracy" in out and "true \\ predicted" in out and "diagonal" in out
    fresh = ["eval", "--checkpoint", str(trained / "checkpoint.npz"), "--seed", "9", "--size", "30"]
    assert tinycnn_cli.main(fresh) == 0
    assert "fresh set of 30 images (seed 9)" in capsys.readouterr().out


def test_trace_shows_every_layer(trained: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert tinycnn_cli.main(["trace", "--checkpoint", str(trained), "--index", "4"]) == 0
    out = capsys.readouterr().out
    for text in ("validation image 4", "conv ", "-> (3, 6, 6)", "pool ", "-> (3, 3, 3)",
                 "-> (27,)", "fc ", "probabilities", "prediction:"):  # fmt: skip
        assert text in out


def test_gradcheck_reports_each_parameter(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("hypothesis")
    assert tinycnn_cli.main(["gradcheck", "--batch", "4", "--classes", "4"]) == 0
    out = capsys.readouterr().out
    for name in ("conv.weight", "conv.bias", "fc.weight", "fc.bias"):
        assert name in out
    assert "worst:" in out and "bug" not in out


def test_resume_through_the_cli_equals_an_uninterrupted_run(in_tmp: Path) -> None:
    common = ["--train-size", "90", "--val-size", "45", "--no-plots", "--optimizer", "adam",
              "--lr", "0.01"]  # fmt: skip
    _, part = whole_and_resumed(tinycnn_cli.main, common)
    assert len(part["history"]) == 3


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["train", "--epochs", "-3"], 2, "--epochs: expected a positive integer, got -3"),
        (["train", "--lr", "zero"], 2, "--lr: expected a positive number"),
        (["train", "--classes", "5"], 2, "invalid choice"),
        (["train", "--noise", "-1"], 2, "--noise"),
        (["eval", "--checkpoint", "missing"], 1, "no checkpoint at missing"),
        ([], 2, "required"),
    ],
)
def test_bad_flags_give_one_line_errors(
    in_tmp: Path, capsys: pytest.CaptureFixture[str], argv: list[str], code: int, message: str
) -> None:
    assert tinycnn_cli.main(argv) == code
    assert message in error_line(capsys)


def test_checkpoint_mismatches_give_one_line_errors(
    trained: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    cases = [
        (["eval", "--checkpoint", str(trained), "--classes", "4"], "does not match"),
        (["trace", "--checkpoint", str(trained), "--index", "45"], "out of range"),
        (
            ["train", "--resume", str(trained), "--epochs", "4", "--classes", "4"],
            "keeps its settings",
        ),
        (["train", "--resume", str(trained), "--epochs", "2"], "already trained 2 epochs"),
    ]
    for argv, message in cases:
        assert tinycnn_cli.main(argv) == 1
        assert message in error_line(capsys)
    assert mlp_cli.main(["eval", "--checkpoint", str(trained)]) == 1
    assert "not of mlp" in error_line(capsys)
    (trained / "junk.npz").write_bytes(b"not a checkpoint")
    assert tinycnn_cli.main(["eval", "--checkpoint", str(trained / "junk.npz")]) == 1
    assert "junk.npz" in error_line(capsys)


def test_mlp_train_and_sweep(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert mlp_cli.main(["train", "--hidden", "5", *SMALL, "--out", "m"]) == 0
    assert json.loads(Path("m/metrics.json").read_text())["parameters"] == mlp.parameter_count(5, 3)
    capsys.readouterr()
    sweep = ["sweep", "--widths", "1", "3", "--seeds", "2", "--epochs", "1", "--train-size", "60",
             "--val-size", "30"]  # fmt: skip
    assert mlp_cli.main(sweep) == 0
    out = capsys.readouterr().out
    assert out.count("val accuracy") == 4  # progress: one line per width and seed
    table = out.splitlines()[-2:]
    assert [int(line.split()[0]) for line in table] == [1, 3]
    assert [int(line.split()[1]) for line in table] == [71, 207]  # 68 * width + 3


def test_mlp_trace_prints_the_flattened_pixels(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert mlp_cli.main(["train", "--hidden", "5", *SMALL, "--out", "m"]) == 0
    capsys.readouterr()
    assert mlp_cli.main(["trace", "--checkpoint", "m"]) == 0  # 64 values: rows of 9, then 1
    out = capsys.readouterr().out
    assert "-> (64,)" in out and "prediction: " in out


def test_edgenet_demo_prints_the_anchor_response(capsys: pytest.CaptureFixture[str]) -> None:
    assert edgenet_cli.main(["demo"]) == 0
    out = capsys.readouterr().out
    rows = [
        line.split()[:4] for line in out.splitlines() if line.strip().startswith(("-765", "765"))
    ]
    assert [row[0] for row in rows] == ["-765", "-765", "765", "765"]
    assert "The seed prints rows 0, -765, 765, 0" in out


def test_edgenet_train_prints_learned_and_hand_written_kernels(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert edgenet_cli.main(["train", *SMALL]) == 0
    out = capsys.readouterr().out
    assert "learned kernel" in out and "hand-written (seed)" in out
    assert "P(horizontal edge)" in out
