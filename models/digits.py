"""Real data: the 1,797 handwritten 8x8 digits that scikit-learn ships inside its wheel.

``sklearn.datasets.load_digits`` reads them from the installed package (no download);
scikit-learn is an optional extra, ``pip install -e ".[data]"``, and without it
:func:`load_digits` raises :class:`MissingExtraError`, which the CLIs print as one line.

The pixels are 0..16 grey levels; here they are divided by 16, so float32 in [0, 1],
shaped NCHW ``(n, 1, 8, 8)``, labels int64 0..9. The train/test split is fixed, the same
for every run whatever its seed: within each class, a permutation drawn from
``numpy.random.default_rng(SPLIT_SEED)`` sends the first ``count // 5`` images to the test
set and the rest to the training set (so the split is stratified: each class keeps its
share, 20% rounded down), then each set is put in one fixed shuffled order. With
scikit-learn's class counts (174 to 183) that is 1,442 training and 355 test images.
"""

from __future__ import annotations

import importlib

import numpy as np
import numpy.typing as npt

DIGIT_CLASSES = tuple(str(d) for d in range(10))
SPLIT_SEED = 20_140_114  # any fixed number: the split must not depend on a run's seed
TEST_SHARE = 5  # one image in five (rounded down, per class) is a test image
TRAIN_SIZE = 1442
TEST_SIZE = 355

Images = npt.NDArray[np.float32]
Labels = npt.NDArray[np.int64]


class MissingExtraError(ImportError):
    """An optional dependency is not installed; the message says which extra brings it."""


def load_digits() -> tuple[Images, Labels]:
    """All 1,797 digits: float32 ``(1797, 1, 8, 8)`` in [0, 1] and int64 labels ``(1797,)``.

    Raises:
        MissingExtraError: when scikit-learn is not installed.
    """
    try:
        sklearn_datasets = importlib.import_module("sklearn.datasets")
    except ImportError:
        raise MissingExtraError(
            'the digits come with scikit-learn, which is not installed: pip install -e ".[data]"'
        ) from None
    bunch = sklearn_datasets.load_digits()
    images = (np.asarray(bunch.images, dtype=np.float64) / 16.0).astype(np.float32)
    return images.reshape(-1, 1, 8, 8), np.asarray(bunch.target, dtype=np.int64)


def split_indices(labels: np.ndarray, seed: int = SPLIT_SEED) -> tuple[np.ndarray, np.ndarray]:
    """Indices ``(train, test)`` of a stratified split of ``labels``: for each class, a
    permutation drawn from ``default_rng(seed)`` sends ``count // 5`` to test, the rest to
    train; each set is then shuffled once more with the same generator."""
    generator = np.random.default_rng(seed)
    train, test = [], []
    for label in np.unique(labels):
        members = generator.permutation(np.flatnonzero(labels == label))
        held_out = len(members) // TEST_SHARE
        test.append(members[:held_out])
        train.append(members[held_out:])
    return generator.permutation(np.concatenate(train)), generator.permutation(np.concatenate(test))


def digits_split(
    train_size: int = TRAIN_SIZE, test_size: int = TEST_SIZE
) -> tuple[Images, Labels, Images, Labels]:
    """The fixed split, ``(train_x, train_y, test_x, test_y)``; smaller sizes take the first
    images of each set (in its fixed shuffled order, so roughly every class).

    Raises:
        ValueError: when a size is below 0 or above the split's (1,442 and 355).
        MissingExtraError: when scikit-learn is not installed.
    """
    limits = {"train_size": (train_size, TRAIN_SIZE), "test_size": (test_size, TEST_SIZE)}
    for name, (size, limit) in limits.items():
        if not 0 <= size <= limit:
            raise ValueError(f"digits_split: {name} must be in 0..{limit}, got {size}")
    images, labels = load_digits()
    train, test = split_indices(labels)
    train, test = train[:train_size], test[:test_size]
    return images[train], labels[train], images[test], labels[test]


def upsample(images: np.ndarray, factor: int = 4) -> np.ndarray:
    """Each pixel repeated into a ``factor`` x ``factor`` block: ``(n, c, h, w)`` ->
    ``(n, c, factor * h, factor * w)`` (8x8 digits -> 32x32, LeNet-5's input size)."""
    return images.repeat(factor, axis=-2).repeat(factor, axis=-1)
