"""The synthetic data: shapes, dtypes, determinism, balance, what each class looks like,
and the batch iterator."""

from __future__ import annotations

import numpy as np
import pytest

from models import datasets


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


@pytest.mark.parametrize("classes", [3, 4])
def test_stripes_shapes_dtypes_and_balance(classes: int) -> None:
    images, labels = datasets.make_stripes(101, classes, generator=rng())
    assert images.shape == (101, 1, 8, 8) and images.dtype == np.float32
    assert labels.shape == (101,) and labels.dtype == np.int64
    counts = np.bincount(labels, minlength=classes)
    assert len(counts) == classes and counts.max() - counts.min() <= 1


def test_stripes_are_the_same_for_the_same_seed_and_differ_otherwise() -> None:
    a = datasets.make_stripes(50, 4, generator=rng(7))
    b = datasets.make_stripes(50, 4, generator=rng(7))
    c = datasets.make_stripes(50, 4, generator=rng(8))
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


def test_noiseless_stripes_look_like_their_class() -> None:
    images, labels = datasets.make_stripes(400, 4, noise=0.0, generator=rng())
    images = images[:, 0]
    lit = images > 0
    vertical, horizontal = images[labels == 0], images[labels == 1]
    # a vertical stripe is constant down each column, a horizontal one along each row
    assert np.all(vertical == vertical[:, :1, :]) and np.all(horizontal == horizontal[:, :, :1])
    widths = lit[labels == 0].any(axis=1).sum(axis=1)
    assert set(widths) == {2, 3}
    # a diagonal stripe is constant along one of the two diagonal directions
    diagonal = images[labels == 2]
    falling = np.all(diagonal[:, 1:, 1:] == diagonal[:, :-1, :-1], axis=(1, 2))
    rising = np.all(diagonal[:, 1:, :-1] == diagonal[:, :-1, 1:], axis=(1, 2))
    assert np.all(falling ^ rising) and falling.any() and rising.any()
    dots = lit[labels == 3]
    assert np.all(dots[:, 3:5, 3:5]) and dots.sum() == 4 * len(dots)
    assert np.all((images.max(axis=(1, 2)) >= 0.6) & (images.max(axis=(1, 2)) <= 1.0))


def test_stripe_positions_cover_the_whole_image() -> None:
    images, labels = datasets.make_stripes(3000, 3, noise=0.0, generator=rng())
    columns = (images[labels == 0, 0] > 0).any(axis=1).mean(axis=0)
    rows = (images[labels == 1, 0] > 0).any(axis=2).mean(axis=0)
    assert np.all(columns > 0.1) and np.all(rows > 0.1)  # border columns/rows included


def test_noise_has_the_requested_spread() -> None:
    clean, _ = datasets.make_stripes(500, 3, noise=0.0, generator=rng(3))
    noisy, _ = datasets.make_stripes(500, 3, noise=0.2, generator=rng(3))
    assert np.std(noisy - clean) == pytest.approx(0.2, rel=0.05)


def test_edges_shapes_balance_and_classes() -> None:
    images, labels = datasets.make_edges(300, noise=0.0, generator=rng())
    assert images.shape == (300, 1, 6, 6) and images.dtype == np.float32
    assert labels.dtype == np.int64 and abs(int(labels.sum()) - 150) <= 1
    positive = images[labels == 1, 0]
    assert np.all(positive == positive[:, :, :1])  # horizontal bands: rows are constant
    assert np.all(positive[:, 0] == 0) and np.all(positive[:, -1] == 0)  # both edges inside
    assert np.all(positive.max(axis=(1, 2)) > 0)
    negative = images[labels == 0, 0]
    flat = np.all(negative == negative[:, :1, :1], axis=(1, 2))
    assert 0 < flat.sum() < len(negative)
    assert np.all(negative[~flat] == negative[~flat][:, :1, :])  # the rest: vertical bands


def test_anchor_image_and_kernel_are_the_seeds() -> None:
    image = datasets.anchor_image()
    assert image.shape == (6, 6)
    assert np.array_equal(image[:, 0], [0, 0, 255, 255, 0, 0]) and np.all(image == image[:, :1])
    assert np.array_equal(datasets.horizontal_kernel()[[0, 2]], [[1, 1, 1], [-1, -1, -1]])


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda: datasets.make_stripes(-1, generator=rng()), ValueError),
        (lambda: datasets.make_stripes(10, classes=5, generator=rng()), ValueError),
        (lambda: datasets.make_stripes(10, noise=-0.1, generator=rng()), ValueError),
        (lambda: datasets.make_edges(10, noise=float("nan"), generator=rng()), ValueError),
    ],
)
def test_bad_dataset_arguments_raise(call: object, error: type) -> None:
    with pytest.raises(error):
        call()


def test_batches_in_order_keep_the_last_partial_batch() -> None:
    images, labels = np.arange(10.0), np.arange(10)
    sizes = [len(y) for _, y in datasets.batches(images, labels, 4)]
    assert sizes == [4, 4, 2]
    assert np.array_equal(
        np.concatenate([y for _, y in datasets.batches(images, labels, 4)]), labels
    )


def test_batches_shuffle_through_the_generator() -> None:
    images, labels = np.arange(10.0), np.arange(10)
    first = [y for _, y in datasets.batches(images, labels, 3, rng(1))]
    again = [y for _, y in datasets.batches(images, labels, 3, rng(1))]
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    order = np.concatenate(first)
    assert sorted(order) == list(range(10)) and not np.array_equal(order, labels)
    for x, y in datasets.batches(images, labels, 3, rng(2)):
        assert np.array_equal(x, y.astype(float))  # images and labels stay paired


@pytest.mark.parametrize(("size", "error"), [(0, ValueError), (2.5, TypeError), (True, TypeError)])
def test_batches_reject_bad_sizes(size: object, error: type) -> None:
    with pytest.raises(error, match="batch_size"):
        next(datasets.batches(np.zeros(4), np.zeros(4), size))


def test_batches_reject_mismatched_lengths() -> None:
    with pytest.raises(ValueError, match="3 images but 4 labels"):
        next(datasets.batches(np.zeros(3), np.zeros(4), 2))
