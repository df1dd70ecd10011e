"""Exact resume: N epochs, a checkpoint, M more epochs in a NEW process == N + M in one go.

A checkpoint holds the model's and the optimiser's state dicts, the data generator's
``bit_generator.state`` and the epoch. This file is also the script the subprocesses
run: ``python tests/test_resume.py first|resume OPTIMIZER EPOCHS CHECKPOINT [OUT]``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import microtensor as mt
from microtensor import nn, optim

ROOT = Path(__file__).resolve().parent.parent
FIRST, MORE = 2, 3


def make(optimizer: str, seed: int) -> tuple[nn.Module, optim.Optimizer]:
    mt.manual_seed(seed)  # the initial weights: a resumed run must not depend on them
    model = nn.Sequential(
        nn.Conv2d(1, 3, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(27, 3)
    )
    if optimizer == "sgd":
        opt = optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-3)
    else:
        opt = optim.Adam(model.parameters(), lr=0.01, amsgrad=True)
    return model, opt


def train(model: nn.Module, opt: optim.Optimizer, rng: np.random.Generator, epochs: int) -> None:
    """Shuffled mini-batches with noise augmentation: both draw from ``rng``."""
    data = np.random.default_rng(123)
    images = data.standard_normal((48, 1, 8, 8)).astype(np.float32)
    labels = data.integers(0, 3, 48)
    loss_fn = nn.CrossEntropyLoss()
    for _ in range(epochs):
        order = rng.permutation(len(images))
        for start in range(0, len(images), 16):
            batch = order[start : start + 16]
            noise = rng.normal(0.0, 0.1, images[batch].shape).astype(np.float32)
            opt.zero_grad()
            loss = loss_fn(model(mt.tensor(images[batch] + noise)), mt.tensor(labels[batch]))
            loss.backward()
            opt.step()


def first(optimizer: str, epochs: int, checkpoint: str) -> None:
    model, opt = make(optimizer, seed=0)
    rng = np.random.default_rng(7)
    train(model, opt, rng, epochs)
    state = {
        "model": model.state_dict(),
        "optimizer": opt.state_dict(),
        "rng": rng.bit_generator.state,
        "epoch": epochs,
    }
    mt.save(state, checkpoint)


def resume(optimizer: str, epochs: int, checkpoint: str, out: str, restore_rng: bool = True):
    model, opt = make(optimizer, seed=999)  # different initial weights, overwritten below
    state = mt.load(checkpoint)
    model.load_state_dict(state["model"])
    opt.load_state_dict(state["optimizer"])
    rng = np.random.default_rng()
    if restore_rng:
        rng.bit_generator.state = state["rng"]
    train(model, opt, rng, epochs)
    mt.save({"model": model.state_dict(), "epoch": state["epoch"] + epochs}, out)


def uninterrupted(optimizer: str) -> dict[str, np.ndarray]:
    model, opt = make(optimizer, seed=0)
    train(model, opt, np.random.default_rng(7), FIRST + MORE)
    return {name: value.numpy().copy() for name, value in model.state_dict().items()}


def run_script(*args: object) -> None:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    subprocess.run(
        [sys.executable, __file__, *map(str, args)], check=True, cwd=ROOT, env=env, timeout=300
    )


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_resume_in_a_new_process_equals_uninterrupted_training(optimizer, tmp_path) -> None:
    checkpoint, out = tmp_path / "checkpoint.npz", tmp_path / "final.npz"
    run_script("first", optimizer, FIRST, checkpoint)
    run_script("resume", optimizer, MORE, checkpoint, out)
    final = mt.load(out)
    assert final["epoch"] == FIRST + MORE
    expected = uninterrupted(optimizer)
    assert list(final["model"]) == list(expected)
    for name, value in final["model"].items():
        np.testing.assert_array_equal(value.numpy(), expected[name], err_msg=name)  # bitwise

    # The test has teeth: without the generator's state the run goes elsewhere.
    resume(optimizer, MORE, str(checkpoint), str(tmp_path / "other.npz"), restore_rng=False)
    other = mt.load(tmp_path / "other.npz")["model"]
    assert not np.array_equal(other["4.weight"].numpy(), expected["4.weight"])


if __name__ == "__main__":
    phase, name, count, path = sys.argv[1:5]
    if phase == "first":
        first(name, int(count), path)
    else:
        resume(name, int(count), path, sys.argv[5])
