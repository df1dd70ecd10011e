"""A run stopped between two optimiser steps, checkpointed and resumed in a new Run, ends
bitwise where the uninterrupted run ends: parameters, optimiser state, generator, history,
kernels (everything the checkpoint holds but the wall times)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import microtensor as mt
from models import mlp, tinycnn
from models.training import Recipe, Run


def stop_after(steps: int) -> Any:
    """A ``stop()`` that says True once it has been asked ``steps`` times."""
    asked = iter(range(steps + 1))

    def stop() -> bool:
        return next(asked, steps) >= steps

    return stop


def assert_same_run(a: dict[str, Any], b: dict[str, Any]) -> None:
    """Two checkpoints are equal bitwise, but for the seconds in their history."""
    for key in ("config", "shuffle_generator", "progress"):
        assert a[key] == b[key], key
    for name, value in a["model"].items():
        assert np.array_equal(value.numpy(), b["model"][name].numpy()), name
    flat_a, flat_b = flatten(a["optimizer"]), flatten(b["optimizer"])
    assert flat_a.keys() == flat_b.keys()
    for key, value in flat_a.items():
        assert np.array_equal(value, flat_b[key]), key
    untimed = [{k: v for k, v in s.items() if k != "seconds"} for s in a["history"]]
    assert untimed == [{k: v for k, v in s.items() if k != "seconds"} for s in b["history"]]
    assert (a["kernels"] is None) == (b["kernels"] is None)
    if a["kernels"] is not None:
        assert np.array_equal(a["kernels"], b["kernels"])


def flatten(obj: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(obj, dict):
        return {
            k: v for key, item in obj.items() for k, v in flatten(item, f"{prefix}/{key}").items()
        }
    if isinstance(obj, list | tuple):
        return {
            k: v for i, item in enumerate(obj) for k, v in flatten(item, f"{prefix}/{i}").items()
        }
    return {prefix: obj.numpy() if isinstance(obj, mt.Tensor) else np.asarray(obj)}


CASES = [
    (tinycnn.RECIPE, {"optimizer": "adam", "lr": 0.01}, [5, 1, 9]),
    (tinycnn.RECIPE, {"optimizer": "sgd", "lr": 0.3}, [12, 3]),  # 12: an epoch's last step
    (mlp.RECIPE, {"optimizer": "adam", "lr": 0.01}, [7]),
]


@pytest.mark.parametrize(("recipe", "changes", "stops"), CASES)
def test_stopping_between_steps_and_resuming_is_bitwise_exact(
    recipe: Recipe, changes: dict[str, Any], stops: list[int], tmp_path: Path
) -> None:
    config = recipe.make_config(train_size=90, val_size=30, batch_size=8, **changes)
    whole = Run(recipe, config)
    assert whole.fit(3)
    run, path = Run(recipe, dataclasses.replace(config)), tmp_path / "checkpoint.npz"
    for steps in stops:  # 12 steps per epoch: stops inside and at the ends of epochs
        assert not run.fit(3, stop=stop_after(steps))
        run.save(path)
        run = Run.restore(recipe, mt.load(path))
    assert run.fit(3)
    assert_same_run(whole.checkpoint(), run.checkpoint())


def test_a_stop_inside_an_epoch_is_recorded_in_the_checkpoint() -> None:
    run = Run(tinycnn.RECIPE, tinycnn.RECIPE.make_config(train_size=90, val_size=30))
    assert not run.fit(2, stop=stop_after(2))
    assert run.epoch == 0 and run.progress is not None and run.progress.step == 2
    assert run.checkpoint()["progress"]["step"] == 2
