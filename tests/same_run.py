"""Two run checkpoints compared bitwise: the exactness that resume tests assert."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

import microtensor as mt


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


def whole_and_resumed(main: Callable[[list[str]], int], flags: Sequence[str]) -> tuple[Any, Any]:
    """Train 3 epochs in one go (folder ``whole``) and 1 then resumed to 3 (``part``) with
    a model's CLI ``main``; return both checkpoints, their weights already equal bitwise."""
    assert main(["train", "--epochs", "3", "--out", "whole", *flags]) == 0
    assert main(["train", "--epochs", "1", "--out", "part", *flags]) == 0
    assert main(["train", "--resume", "part", "--epochs", "3", "--no-plots"]) == 0
    whole, part = mt.load("whole/checkpoint.npz"), mt.load("part/checkpoint.npz")
    for name, value in whole["model"].items():
        assert np.array_equal(value.numpy(), part["model"][name].numpy()), name
    return whole, part
