"""Every CLI, fed bad flags, bad paths and bad files, answers with one line on stderr and
a non-zero exit, never a traceback: in-process through ``main(argv)``, and a few real
processes."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

import microtensor as mt
from models.edgenet import cli as edgenet_cli
from models.experiments import cli as experiments_cli
from models.lenet import cli as lenet_cli
from models.mlp import cli as mlp_cli
from models.tinycnn import cli as tinycnn_cli

ROOT = Path(__file__).resolve().parent.parent
CLIS: dict[str, Callable[[list[str]], int]] = {
    "tinycnn": tinycnn_cli.main,
    "mlp": mlp_cli.main,
    "edgenet": edgenet_cli.main,
}
SMALL = ["--epochs", "1", "--train-size", "40", "--val-size", "20", "--no-plots"]


def damaged(checkpoint: dict, **changes: object) -> dict:
    return {**checkpoint, **changes}


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every kind of file a user may hand to ``--checkpoint`` or ``--resume`` by mistake."""
    folder = tmp_path_factory.mktemp("bad")
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        assert tinycnn_cli.main(["train", *SMALL, "--out", "good"]) == 0
        assert mlp_cli.main(["train", *SMALL, "--out", "mlp-run"]) == 0
    finally:
        os.chdir(cwd)
    good = (folder / "good" / "checkpoint.npz").read_bytes()
    checkpoint = mt.load(folder / "good" / "checkpoint.npz")
    flipped = bytearray(good)
    flipped[len(good) // 2] ^= 0xFF
    files = {
        "empty": b"",
        "truncated": good[: len(good) // 2],
        "half a header": good[:20],
        "bit flip": bytes(flipped),
        "random": np.random.default_rng(0).bytes(4000),
        "text": b"epoch,loss\n1,0.5\n",
    }
    paths = {}
    for name, data in files.items():
        paths[name] = folder / f"{name}.npz"
        paths[name].write_bytes(data)
    np.save(folder / "array.npy", np.arange(3))
    np.savez(folder / "plain.npz", a=np.arange(3))
    mt.save(checkpoint["model"], folder / "state_dict.npz")
    saved = {
        "wrong shapes": damaged(checkpoint, model={k: mt.zeros(2) for k in checkpoint["model"]}),
        "config a list": damaged(checkpoint, config=[1, 2]),
        "batch size 0": damaged(checkpoint, config={**checkpoint["config"], "batch_size": 0}),
        "lr a string": damaged(checkpoint, config={**checkpoint["config"], "lr": "fast"}),
        "history wrong": damaged(checkpoint, history=[{"epoch": 1}]),
        "generator wrong": damaged(checkpoint, shuffle_generator={"bit_generator": "nope"}),
        "progress wrong": damaged(checkpoint, progress={"step": "x", "shuffle_state": {}}),
        "no optimizer": {k: v for k, v in checkpoint.items() if k != "optimizer"},
    }
    for name, value in saved.items():
        paths[name] = folder / f"{name}.npz"
        mt.save(value, paths[name])
    (folder / "empty folder").mkdir()
    (folder / "folder with a folder" / "checkpoint.npz").mkdir(parents=True)
    paths |= {
        "numpy array": folder / "array.npy",
        "plain npz": folder / "plain.npz",
        "state dict": folder / "state_dict.npz",
        "other model": folder / "mlp-run",
        "missing": folder / "missing.npz",
        "empty folder": folder / "empty folder",
        "folder with a folder": folder / "folder with a folder",
    }
    return paths


def assert_one_line_error(
    main: Callable[[list[str]], int], argv: list[str], capsys: pytest.CaptureFixture[str]
) -> str:
    code = main(argv)
    out, err = capsys.readouterr()
    assert code != 0, (argv, out)
    assert "Traceback" not in out + err
    assert err.count("\n") == 1 and err.endswith("\n"), (argv, err)
    return err


COMMANDS = [
    ["eval", "--checkpoint"],
    ["trace", "--checkpoint"],
    ["gradcheck", "--checkpoint"],
    ["train", "--epochs", "5", "--no-plots", "--resume"],
]


@pytest.mark.parametrize("cli", CLIS)
def test_bad_files_are_one_line_errors(
    cli: str,
    bad_files: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    for name, path in bad_files.items():
        if cli == "mlp" and name == "other model":
            continue  # it is an MLP run
        for command in COMMANDS:
            err = assert_one_line_error(CLIS[cli], [*command, str(path)], capsys)
            assert str(path) in err or "damaged" in err, (name, command, err)


def test_lenet_bad_files_are_one_line_errors(
    bad_files: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    for name, path in bad_files.items():
        for command in COMMANDS:
            if command[0] == "gradcheck":  # LeNet has none
                continue
            err = assert_one_line_error(lenet_cli.main, [*command, str(path)], capsys)
            assert str(path) in err or "damaged" in err, (name, command, err)
    err = assert_one_line_error(lenet_cli.main, ["eval", "--checkpoint", "."], capsys)
    assert "no checkpoint at checkpoint.npz" in err


@pytest.mark.parametrize("cli", CLIS)
def test_bad_flags_and_paths_are_one_line_errors(
    cli: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("a file").write_text("x")
    battery = [
        [],
        ["nope"],
        ["--nope"],
        ["train", "--epochs", "x"],
        ["train", "--epochs", "0"],
        ["train", "--batch-size", "-1"],
        ["train", "--lr", "nan"],
        ["train", "--seed", "1.5"],
        ["train", "--out", "a file"],
        ["train", "--out", "a file/run"],
        ["train", "--out", ""],
        ["eval"],
        ["eval", "--checkpoint", ""],
        ["trace", "--checkpoint", "missing", "--index", "-1"],
    ]
    for argv in battery:
        assert_one_line_error(CLIS[cli], argv, capsys)
    assert not Path("runs").exists()  # nothing was trained


def test_graph_and_experiment_outputs_are_checked_before_any_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("a file").write_text("x")
    for argv in (["graph", "--dot", "missing/graph.dot"], ["graph", "--dot", "."]):
        err = assert_one_line_error(tinycnn_cli.main, argv, capsys)
        assert "--dot" in err
    for argv in (["all", "--quick", "--out", "a file"], ["all", "--out", "a file/results"]):
        code = experiments_cli.main(argv)
        out, err = capsys.readouterr()
        assert code == 1 and out == "" and err.count("\n") == 1 and "--out" in err
    assert_one_line_error(experiments_cli.main, ["everything"], capsys)


def run_process(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    return subprocess.run(
        [sys.executable, "-m", *argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def test_real_processes_print_one_line_and_exit_non_zero(
    bad_files: dict[str, Path], tmp_path: Path
) -> None:
    Path(tmp_path / "a file").write_text("x")
    cases = [
        ("models.tinycnn", "eval", "--checkpoint", str(bad_files["empty"])),
        ("models.mlp", "train", "--resume", str(bad_files["truncated"])),
        ("models.edgenet", "trace", "--checkpoint", str(bad_files["random"])),
        ("models.lenet", "train", "--resume", str(bad_files["bit flip"])),
        ("models.tinycnn", "graph", "--dot", "missing/graph.dot"),
        ("models.experiments", "all", "--out", "a file/results"),
    ]
    for argv in cases:
        result = run_process(*argv, cwd=tmp_path)
        assert result.returncode != 0, argv
        assert "Traceback" not in result.stdout + result.stderr, result.stderr
        assert result.stderr.count("\n") == 1, result.stderr
