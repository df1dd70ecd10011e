"""A run stopped between two optimiser steps, checkpointed and resumed in a new Run, ends
bitwise where the uninterrupted run ends: parameters, optimiser state, generator, history,
kernels (everything the checkpoint holds but the wall times)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from same_run import assert_same_run

import microtensor as mt
from models import mlp, tinycnn
from models.training import Recipe, Run


def stop_after(steps: int) -> Any:
    """A ``stop()`` that says True once it has been asked ``steps`` times."""
    asked = iter(range(steps + 1))

    def stop() -> bool:
        return next(asked, steps) >= steps

    return stop


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
