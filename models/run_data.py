"""The data a run trains on, chosen by its config's ``dataset``: the synthetic ``stripes``
(``models/datasets.py``, drawn from the run's seed) or the real ``digits``
(``models/digits.py``, one fixed split for every seed). The edge net's ``edges`` are its
own (``models/edgenet``).

A run calls the held-out images its validation set; for the digits they are the test
split, and the reports say so.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from models.datasets import STRIPE_CLASSES, stripe_split
from models.digits import DIGIT_CLASSES, TEST_SIZE, TRAIN_SIZE, digits_split
from models.recipe import Data

DATASETS = ("stripes", "digits")
DIGITS = {"classes": 10, "train_size": TRAIN_SIZE, "val_size": TEST_SIZE, "noise": 0.0}
"""The config values of a digits run (as ``Recipe.dataset_defaults["digits"]``)."""


def check_config(config: Any) -> None:
    """Refuse settings that its dataset cannot have, naming the flag to change.

    Raises:
        ValueError: for stripes, ``classes`` not 3 or 4; for the digits, ``classes`` not
            10, some ``noise``, or more images than the split holds.
    """
    if config.dataset == "stripes" and config.classes not in (3, 4):
        raise ValueError(f"--classes {config.classes}: the stripes have 3 or 4 classes")
    if config.dataset != "digits":
        return
    if config.classes != 10:
        raise ValueError(f"--classes {config.classes}: the digits have 10 classes")
    if config.noise:
        raise ValueError(f"--noise {config.noise}: the digits are real images, no noise is added")
    for flag, size, limit, split in (
        ("--train-size", config.train_size, TRAIN_SIZE, "training"),
        ("--val-size", config.val_size, TEST_SIZE, "test"),
    ):
        if size > limit:
            raise ValueError(f"{flag} {size}: the digits' {split} split holds {limit} images")


def load(config: Any, generator: np.random.Generator) -> Data:
    """``(train_x, train_y, val_x, val_y)`` of the run's dataset: stripes drawn from
    ``generator``, or the first ``train_size`` / ``val_size`` images of the digits'
    fixed training and test split (``generator`` unused).

    Raises:
        ValueError: an unknown dataset, or settings it cannot have (:func:`check_config`).
        models.digits.MissingExtraError: the digits without scikit-learn.
    """
    if config.dataset not in DATASETS:
        raise ValueError(f"unknown dataset {config.dataset!r}; expected one of {DATASETS}")
    check_config(config)
    if config.dataset == "digits":
        return digits_split(config.train_size, config.val_size)
    return stripe_split(config.train_size, config.val_size, config.classes, config.noise, generator)


def class_names(config: Any) -> tuple[str, ...]:
    """``0`` .. ``9`` for the digits; the first ``classes`` stripe names otherwise."""
    return DIGIT_CLASSES if config.dataset == "digits" else STRIPE_CLASSES[: config.classes]


def held_out(config: Any) -> str:
    """What the run's held-out images are: ``test`` (digits) or ``validation``."""
    return "test" if config.dataset == "digits" else "validation"


def describe(config: Any, image_size: int) -> str:
    """The data in the header that ``train`` prints; ``image_size`` is the side of the
    images the model sees (32 when LeNet-5's digits are upsampled)."""
    if config.dataset == "digits":
        scaled = f", upsampled to {image_size}x{image_size}" if image_size != 8 else ""
        return (
            f"{config.train_size} training / {config.val_size} test images "
            f"(scikit-learn's 8x8 digits{scaled})"
        )
    return (
        f"{config.train_size} training / {config.val_size} validation images (noise {config.noise})"
    )
