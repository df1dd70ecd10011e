"""Run folders: a run is never overwritten without being asked, one process at a time,
a checkpoint after every epoch; and real training processes killed at random-ish
moments (SIGKILL, SIGTERM, SIGINT) resume to the uninterrupted run, bitwise."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from same_run import assert_same_run

import microtensor as mt
from models.tinycnn import cli as tinycnn_cli

ROOT = Path(__file__).resolve().parent.parent
SMALL = ["--epochs", "2", "--train-size", "60", "--val-size", "30", "--no-plots"]


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_run_folder_is_refused_unless_resume_or_overwrite(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert tinycnn_cli.main(["train", *SMALL, "--out", "run"]) == 0
    before = Path("run/checkpoint.npz").read_bytes()
    capsys.readouterr()
    assert tinycnn_cli.main(["train", *SMALL, "--out", "run"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and "already holds a run" in err and "--overwrite" in err
    assert Path("run/checkpoint.npz").read_bytes() == before
    assert tinycnn_cli.main(["train", "--resume", "run", "--epochs", "3", "--no-plots"]) == 0
    assert len(mt.load("run/checkpoint.npz")["history"]) == 3


def test_overwrite_removes_the_old_runs_files(in_tmp: Path) -> None:
    Path("run").mkdir()
    for name in ("curves.png", "filters.png", "checkpoint.npz", "notes.txt"):
        Path("run", name).write_text("old")
    assert tinycnn_cli.main(["train", *SMALL, "--out", "run", "--overwrite"]) == 0
    names = {p.name for p in Path("run").iterdir()}
    assert names == {"checkpoint.npz", "metrics.csv", "metrics.json", "notes.txt"}
    assert len(mt.load("run/checkpoint.npz")["history"]) == 2


def test_a_lock_keeps_a_second_process_out_and_a_stale_one_does_not(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Path("run").mkdir()
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        Path("run/train.lock").write_text(f"{sleeper.pid} {socket.gethostname()}\n")
        assert tinycnn_cli.main(["train", *SMALL, "--out", "run"]) == 1
        err = capsys.readouterr().err
        assert f"in use by another `train` (process {sleeper.pid})" in err
        assert not Path("run/checkpoint.npz").exists()
    finally:
        sleeper.kill()
        sleeper.wait()
    assert tinycnn_cli.main(["train", *SMALL, "--out", "run"]) == 0  # its process is gone
    assert not Path("run/train.lock").exists()


def test_every_epoch_is_checkpointed(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    epochs = []
    save = mt.save

    def spy(obj: object, path: object) -> None:
        save(obj, path)
        epochs.append(len(mt.load(path)["history"]))

    monkeypatch.setattr(mt, "save", spy)
    assert tinycnn_cli.main(["train", *SMALL, "--epochs", "3", "--out", "run"]) == 0
    assert epochs[:4] == [0, 1, 2, 3]


# ----- real processes, killed -------------------------------------------------------------

KILLED = ["--train-size", "400", "--val-size", "50", "--batch-size", "4", "--no-plots"]
EPOCHS = 6


def train_process(*argv: str, cwd: Path) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "models.tinycnn", "train", *argv],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory: pytest.TempPathFactory) -> dict:
    folder = tmp_path_factory.mktemp("whole")
    process = train_process("--epochs", str(EPOCHS), *KILLED, "--out", "run", cwd=folder)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    return mt.load(folder / "run" / "checkpoint.npz")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("signum", "epoch_lines", "delay"),
    [
        (signal.SIGKILL, 2, 0.07),
        (signal.SIGTERM, 1, 0.11),
        (signal.SIGINT, 3, 0.03),
        (signal.SIGINT, 0, 0.0),  # during the first epoch
    ],
)
def test_a_killed_run_resumes_bitwise(
    uninterrupted: dict, tmp_path: Path, signum: int, epoch_lines: int, delay: float
) -> None:
    process = train_process("--epochs", str(EPOCHS), *KILLED, "--out", "run", cwd=tmp_path)
    assert process.stdout is not None
    assert process.stdout.readline().startswith("tinycnn:")  # the first checkpoint is written
    for _ in range(epoch_lines):
        assert process.stdout.readline().startswith("epoch ")
    time.sleep(delay)  # into the next epoch
    process.send_signal(signum)
    out, err = process.communicate(timeout=60)
    assert "Traceback" not in out + err
    if signum == signal.SIGKILL:
        assert process.returncode == -signal.SIGKILL
        assert len(mt.load(tmp_path / "run" / "checkpoint.npz")["history"]) >= epoch_lines
    else:
        assert process.returncode == 128 + signum, err
        assert err.count("\n") == 1 and f"stopped by {signal.Signals(signum).name}" in err
        assert "--resume run" in err
        stopped = mt.load(tmp_path / "run" / "checkpoint.npz")
        assert stopped["progress"] is not None or len(stopped["history"]) >= epoch_lines

    resumed = train_process("--resume", "run", cwd=tmp_path)
    out, err = resumed.communicate(timeout=120)
    assert resumed.returncode == 0, err
    assert "resuming" in out.splitlines()[0]
    assert_same_run(uninterrupted, mt.load(tmp_path / "run" / "checkpoint.npz"))
    assert not (tmp_path / "run" / "train.lock").exists()
    assert np.array_equal(
        uninterrupted["kernels"], mt.load(tmp_path / "run" / "checkpoint.npz")["kernels"]
    )


@pytest.mark.slow
def test_a_checkpoint_every_n_steps_loses_at_most_n_steps(
    uninterrupted: dict, tmp_path: Path
) -> None:
    """--checkpoint-every 7: killed in the middle of an epoch, the checkpoint is at most 7
    steps old (not a whole epoch), and the resumed run is the uninterrupted one, bitwise."""
    argv = ("--epochs", str(EPOCHS), *KILLED, "--out", "run", "--checkpoint-every", "7")
    process = train_process(*argv, cwd=tmp_path)
    assert process.stdout is not None
    assert process.stdout.readline().startswith("tinycnn:")
    assert process.stdout.readline().startswith("epoch ")
    time.sleep(0.05)  # into the second epoch
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=60)
    killed = mt.load(tmp_path / "run" / "checkpoint.npz")
    assert killed["progress"] is not None and killed["progress"]["step"] % 7 == 0
    resumed = train_process("--resume", "run", cwd=tmp_path)
    out, err = resumed.communicate(timeout=120)
    assert resumed.returncode == 0, err
    assert_same_run(uninterrupted, mt.load(tmp_path / "run" / "checkpoint.npz"))
