"""scikit-learn's 8x8 digits: the fixed split, ``--dataset digits`` end to end on tiny runs,
LeNet-5's command line, the missing-extra error and ``trace --plot``; the >= 98% claim of
``python -m models.lenet train`` is the one slow test."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
from same_run import whole_and_resumed

import microtensor as mt
from models import digits, lenet, tinycnn
from models.lenet import cli as lenet_cli
from models.mlp import cli as mlp_cli
from models.tinycnn import cli as tinycnn_cli
from models.trace_command import forward_stages
from models.training import Run

# scikit-learn's class counts, 0 to 9
COUNTS = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
TINY = ["--epochs", "2", "--train-size", "60", "--val-size", "30", "--no-plots"]
needs_sklearn = pytest.mark.usefixtures("sklearn")


@pytest.fixture
def sklearn() -> None:
    pytest.importorskip("sklearn.datasets")


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


# ----- the split (labels only: no scikit-learn needed) -----------------------------------


def test_split_is_stratified_disjoint_and_complete() -> None:
    labels = np.repeat(np.arange(10), COUNTS)
    train, test = digits.split_indices(labels)
    assert (len(train), len(test)) == (digits.TRAIN_SIZE, digits.TEST_SIZE) == (1442, 355)
    assert np.intersect1d(train, test).size == 0
    assert np.array_equal(np.sort(np.concatenate([train, test])), np.arange(len(labels)))
    assert np.bincount(labels[test]).tolist() == [n // 5 for n in COUNTS]
    assert np.bincount(labels[train]).tolist() == [n - n // 5 for n in COUNTS]
    # shuffled, not sorted by class: the first 60 test images hold most classes
    assert len(np.unique(labels[test[:60]])) >= 8


def test_split_is_fixed() -> None:
    labels = np.repeat(np.arange(10), COUNTS)
    first, again = digits.split_indices(labels), digits.split_indices(labels)
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    other = digits.split_indices(labels, seed=1)
    assert not np.array_equal(first[1], other[1])  # the constant seed is what fixes it


def test_upsample_repeats_each_pixel_into_a_block() -> None:
    images = np.arange(2 * 64, dtype=np.float32).reshape(2, 1, 8, 8)
    big = digits.upsample(images)
    assert big.shape == (2, 1, 32, 32) and big.dtype == np.float32
    assert np.array_equal(big[:, :, ::4, ::4], images)
    assert np.array_equal(big[1, 0, 4:8, 8:12], np.full((4, 4), images[1, 0, 1, 2]))


def test_lenet_stages_are_its_forward() -> None:
    model = lenet.LeNet5(generator=np.random.default_rng(0))
    x = mt.from_numpy(np.random.default_rng(1).random((3, 1, 32, 32), dtype=np.float32))
    outputs = forward_stages(lenet.stages(model), x)
    with mt.no_grad():
        expected = model(x).numpy()
    assert np.allclose(outputs[-1], expected, rtol=1e-6, atol=1e-6)
    assert [o.shape[1:] for o in outputs[:3]] == [(6, 28, 28)] * 2 + [(6, 14, 14)]


# ----- the real digits -------------------------------------------------------------------


@needs_sklearn
def test_digits_are_nchw_float32_in_the_unit_range() -> None:
    train_x, train_y, test_x, test_y = digits.digits_split()
    assert train_x.shape == (1442, 1, 8, 8) and test_x.shape == (355, 1, 8, 8)
    assert train_x.dtype == np.float32 and train_y.dtype == np.int64
    assert train_x.min() == 0.0 and train_x.max() == 1.0
    assert np.bincount(test_y).tolist() == [n // 5 for n in COUNTS]
    all_images, _ = digits.load_digits()
    assert len({image.tobytes() for image in all_images}) > 1700  # (a few duplicates)


@needs_sklearn
def test_the_split_does_not_depend_on_the_run_seed() -> None:
    runs = [Run(tinycnn.RECIPE, tinycnn.RECIPE.make_config(dataset="digits", seed=s,
                                                          train_size=50, val_size=20))
            for s in (0, 7)]  # fmt: skip
    assert np.array_equal(runs[0].val_x, runs[1].val_x)
    assert np.array_equal(runs[0].train_y, runs[1].train_y)
    smaller = digits.digits_split(10, 5)
    assert np.array_equal(smaller[2], runs[0].val_x[:5])  # smaller sizes: the first images


@needs_sklearn
def test_tinycnn_on_digits_end_to_end(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert tinycnn_cli.main(["train", "--dataset", "digits", *TINY, "--out", "d"]) == 0
    out = capsys.readouterr().out
    assert "310 parameters, 10 classes, 60 training / 30 test images" in out
    summary = json.loads(Path("d/metrics.json").read_text())
    assert summary["config"]["dataset"] == "digits" and summary["classes"] == list("0123456789")
    assert mt.load("d/checkpoint.npz")["config"]["dataset"] == "digits"
    # eval and trace take the data from the checkpoint, with no --dataset
    assert tinycnn_cli.main(["eval", "--checkpoint", "d"]) == 0
    out = capsys.readouterr().out
    assert "on the run's test set (30 images)" in out and out.count("\n") == 12
    assert tinycnn_cli.main(["trace", "--checkpoint", "d", "--index", "2"]) == 0
    assert "test image 2, class" in capsys.readouterr().out


@needs_sklearn
def test_a_resumed_digits_run_equals_an_uninterrupted_one(in_tmp: Path) -> None:
    common = ["--dataset", "digits", "--train-size", "60", "--val-size", "30", "--no-plots"]
    whole, part = whole_and_resumed(tinycnn_cli.main, common)
    accuracies = [[h["val_accuracy"] for h in c["history"]] for c in (whole, part)]
    assert accuracies[0] == accuracies[1]


@needs_sklearn
def test_mlp_on_digits(in_tmp: Path) -> None:
    assert mlp_cli.main(["train", "--dataset", "digits", "--hidden", "4", *TINY, "--out", "m"]) == 0
    summary = json.loads(Path("m/metrics.json").read_text())
    assert summary["parameters"] == 75 * 4 + 10 and summary["config"]["classes"] == 10


@needs_sklearn
def test_lenet_train_eval_trace(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tiny = ["--epochs", "1", "--train-size", "32", "--val-size", "16", "--no-plots"]
    assert lenet_cli.main(["train", *tiny, "--out", "l"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("lenet: 61706 parameters, 10 classes, 32 training / 16 test images")
    assert "upsampled to 32x32" in out and "of 16 test images" in out
    assert mt.load("l/checkpoint.npz")["kernels"].shape == (2, 6, 5, 5)  # init + 1 epoch
    assert lenet_cli.main(["eval", "--checkpoint", "l"]) == 0
    assert "lenet after 1 epochs, on the run's test set (16 images)" in capsys.readouterr().out
    assert lenet_cli.main(["trace", "--checkpoint", "l"]) == 0
    out = capsys.readouterr().out
    for text in ("-> (1, 32, 32)", "conv1 ", "-> (6, 28, 28)", "pool2 ", "-> (16, 5, 5)",
                 "channel 15:", "fc3 ", "prediction:"):  # fmt: skip
        assert text in out


@needs_sklearn
def test_digits_settings_it_cannot_have_are_one_line_errors(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = [
        (["train", "--dataset", "digits", "--classes", "3"], "the digits have 10 classes"),
        (["train", "--dataset", "digits", "--train-size", "1500"], "training split holds 1442"),
        (["train", "--dataset", "digits", "--val-size", "400"], "test split holds 355"),
        (["train", "--dataset", "digits", "--noise", "0.1"], "no noise"),
        (["train", "--classes", "10"], "the stripes have 3 or 4 classes"),
        (["train", "--dataset", "mnist"], "invalid choice"),
    ]
    for argv, message in cases:
        assert tinycnn_cli.main(argv) != 0
        assert message in error_line(capsys)
    assert not Path("runs").exists()
    assert tinycnn_cli.main(["train", "--dataset", "digits", *TINY, "--out", "d"]) == 0
    capsys.readouterr()
    assert tinycnn_cli.main(["eval", "--checkpoint", "d", "--seed", "3"]) == 1
    assert "fixed test split" in error_line(capsys)
    assert tinycnn_cli.main(["train", "--resume", "d", "--epochs", "3", "--dataset", "stripes"])
    assert "keeps its settings" in error_line(capsys)


def test_without_scikit_learn_the_digits_are_a_one_line_error(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)  # import now fails
    with pytest.raises(digits.MissingExtraError, match=r"\.\[data\]"):
        digits.load_digits()
    for main, argv in [
        (tinycnn_cli.main, ["train", "--dataset", "digits"]),
        (mlp_cli.main, ["gradcheck", "--dataset", "digits"]),
        (lenet_cli.main, ["train"]),
        (lenet_cli.main, ["graph"]),
    ]:
        assert main(argv) == 1
        err = error_line(capsys)
        assert err.startswith("python -m models.") and 'pip install -e ".[data]"' in err
    assert not Path("runs").exists()


def test_old_checkpoints_without_a_dataset_are_stripes(in_tmp: Path) -> None:
    assert tinycnn_cli.main(["train", *TINY, "--out", "s"]) == 0
    checkpoint = mt.load("s/checkpoint.npz")
    del checkpoint["config"]["dataset"]
    mt.save(checkpoint, "s/checkpoint.npz")
    assert tinycnn_cli.main(["eval", "--checkpoint", "s"]) == 0


# ----- trace --plot ----------------------------------------------------------------------


def test_trace_plot_writes_a_png(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("matplotlib")
    assert tinycnn_cli.main(["train", *TINY, "--out", "s"]) == 0
    assert tinycnn_cli.main(["trace", "--checkpoint", "s", "--index", "1", "--plot"]) == 0
    assert Path("s/trace-1.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "picture: s/trace-1.png" in capsys.readouterr().out
    assert mlp_cli.main(["train", "--hidden", "3", *TINY, "--out", "m"]) == 0
    assert mlp_cli.main(["trace", "--checkpoint", "m", "--plot", "mlp.png"]) == 0  # no conv
    assert Path("mlp.png").read_bytes()[:4] == b"\x89PNG"


@needs_sklearn
def test_lenet_trace_plot_writes_a_png(in_tmp: Path) -> None:
    pytest.importorskip("matplotlib")
    tiny = ["--epochs", "1", "--train-size", "16", "--val-size", "8", "--no-plots"]
    assert lenet_cli.main(["train", *tiny, "--out", "l"]) == 0
    assert lenet_cli.main(["trace", "--checkpoint", "l/checkpoint.npz", "--plot", "l.png"]) == 0
    assert Path("l.png").read_bytes()[:4] == b"\x89PNG"


def test_trace_plot_errors_come_before_any_output(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert tinycnn_cli.main(["train", *TINY, "--out", "s"]) == 0
    capsys.readouterr()
    argv = ["trace", "--checkpoint", "s", "--plot", "missing/t.png"]
    monkeypatch.setattr("models.plots.available", lambda: True)  # as if matplotlib were here
    assert tinycnn_cli.main(argv) == 1
    assert "--plot missing/t.png" in error_line(capsys)
    monkeypatch.setattr("models.plots.available", lambda: False)
    assert tinycnn_cli.main(["trace", "--checkpoint", "s", "--plot"]) == 1
    assert "needs matplotlib" in error_line(capsys)


# ----- the claim -------------------------------------------------------------------------


@pytest.mark.slow
@needs_sklearn
def test_lenet_defaults_reach_98_percent_as_the_docs_say(in_tmp: Path) -> None:
    assert lenet_cli.main(["train", "--out", "l", "--no-plots"]) == 0
    summary = json.loads(Path("l/metrics.json").read_text())
    assert summary["config"] == {"model": "lenet", **lenet.DEFAULTS}
    accuracy = summary["final"]["val_accuracy"]
    assert accuracy >= 0.98
    assert tinycnn_cli.main(["train", "--dataset", "digits", "--out", "t", "--no-plots"]) == 0
    tiny = json.loads(Path("t/metrics.json").read_text())["final"]["val_accuracy"]
    root = Path(__file__).resolve().parent.parent
    readme, results, tutorial = (
        " ".join((root / name).read_text(encoding="utf-8").split())
        for name in ("README.md", "docs/results.md", "docs/tutorial.md")
    )
    correct = round(accuracy * 355)
    assert f"**{accuracy:.1%} test accuracy** ({correct} of the 355 test digits" in readme
    assert f"# LeNet-5 on the digits: {accuracy:.1%} test accuracy" in readme
    assert f"# TinyCNN-10 on the digits: {tiny:.1%} test accuracy" in readme
    assert f"| LeNet-5 | `python -m models.lenet train` | 61,706 | {accuracy:.1%} |" in results
    assert f"`python -m models.tinycnn train --dataset digits` | 310 | {tiny:.1%} |" in results
    assert f"The run ends at {accuracy:.1%} test accuracy: {correct} of the 355" in tutorial
    assert f"`python -m models.tinycnn train --dataset digits`) gets {tiny:.1%}" in tutorial
