"""The seeds' synthetic data: 8x8 stripes (TinyCNN) and 6x6 horizontal edges (the edge net).

Both are drawn from a ``numpy.random.Generator`` that the caller passes, so the same seed
gives the same images. Images are float32 ``(n, 1, H, W)`` (NCHW, one channel), labels
int64 ``(n,)``; every class gets ``n // classes`` or one more sample, in shuffled order.

Stripes (first seed): class 0 vertical, 1 horizontal, 2 diagonal, 3 a centred 2x2 dot
(the four-class extension). A stripe is 2 or 3 pixels wide at a random position anywhere
in the image (a diagonal runs either way, within 2 pixels of the main diagonals), its
brightness is drawn from [0.6, 1.0], and Gaussian noise is added to every pixel. Because
the position varies over the whole image, each pixel is lit about as often by a vertical
as by a horizontal stripe, so a linear classifier on the pixels stays near 80% (see
``python -m models.experiments compare``), while oriented 3x3 filters followed by a max
find every stripe. Stripes are at least 2 pixels wide so that even one on the border
covers the centre of some 3x3 window.

Edges (second seed): 6x6 images like the seed's anchor. Class 1 holds a bright
horizontal band (1 to 3 rows, both of its edges inside the image); class 0 holds a
vertical band or no edge at all (a flat image of random brightness).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import numpy.typing as npt

STRIPE_CLASSES = ("vertical", "horizontal", "diagonal", "dot")
EDGE_CLASSES = ("no horizontal edge", "horizontal edge")
STRIPE_SIZE = 8
EDGE_SIZE = 6
DEFAULT_NOISE = 0.15
EDGE_NOISE = 0.1

Images = npt.NDArray[np.float32]
Labels = npt.NDArray[np.int64]


def _check(name: str, n: int, noise: float) -> None:
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 0:
        raise ValueError(f"{name}: n must be a non-negative integer, got {n!r}")
    if not np.isfinite(noise) or noise < 0:
        raise ValueError(f"{name}: noise must be a finite number >= 0, got {noise!r}")


def balanced_labels(n: int, classes: int, generator: np.random.Generator) -> Labels:
    """``n`` labels in ``range(classes)``, each class ``n // classes`` or one more times."""
    return generator.permutation(np.arange(n, dtype=np.int64) % classes)


def _band(coordinate: np.ndarray, start: np.ndarray, width: np.ndarray) -> np.ndarray:
    """Mask ``start <= coordinate < start + width``, one image per row of start/width."""
    start = start[:, None, None]
    return (coordinate >= start) & (coordinate < start + width[:, None, None])


def make_stripes(
    n: int,
    classes: int = 3,
    noise: float = DEFAULT_NOISE,
    *,
    generator: np.random.Generator,
) -> tuple[Images, Labels]:
    """``n`` noisy 8x8 stripe images and their labels.

    Args:
        n: number of images.
        classes: 3 (vertical, horizontal, diagonal) or 4 (and the centred dot).
        noise: standard deviation of the Gaussian noise added to every pixel.
        generator: the source of all randomness.

    Returns:
        ``(images, labels)``: float32 ``(n, 1, 8, 8)`` and int64 ``(n,)``.
    """
    _check("make_stripes", n, noise)
    if classes not in (3, 4):
        raise ValueError(f"make_stripes: classes must be 3 or 4, got {classes!r}")
    size = STRIPE_SIZE
    labels = balanced_labels(n, classes, generator)
    rows = np.arange(size).reshape(1, size, 1)
    cols = np.arange(size).reshape(1, 1, size)
    width = generator.integers(2, 4, size=n)  # 2 or 3 pixels
    position = generator.integers(0, size - width + 1)  # anywhere inside the image
    # diagonals: rows - cols (or rows + cols - 7) in [offset, offset + width), |offset| <= 2
    offset = generator.integers(-2, 3 - width + 1)
    flip = generator.integers(0, 2, size=n).astype(bool)[:, None, None]
    diagonal_coordinate = np.where(flip, rows + cols - (size - 1), rows - cols)
    centre = size // 2 - 1
    dot = (rows >= centre) & (rows < centre + 2) & (cols >= centre) & (cols < centre + 2)
    masks = np.select(
        [c == labels[:, None, None] for c in range(4)],
        [
            _band(cols, position, width),
            _band(rows, position, width),
            _band(diagonal_coordinate, offset, width),
            np.broadcast_to(dot, (n, size, size)),
        ],
    )
    brightness = generator.uniform(0.6, 1.0, size=(n, 1, 1))
    images = masks * brightness + noise * generator.standard_normal((n, size, size))
    return images.astype(np.float32).reshape(n, 1, size, size), labels


def make_edges(
    n: int, noise: float = EDGE_NOISE, *, generator: np.random.Generator
) -> tuple[Images, Labels]:
    """``n`` noisy 6x6 images: label 1 holds a horizontal bright band, label 0 does not.

    A band is 1 to 3 rows (or, for label 0, columns) of brightness in [0.5, 1] on black,
    with a black row (column) above and below it, as in the seed's anchor image (which
    is ``anchor_image() / 255``). Half of the label-0 images have no band at all, only a
    flat brightness in [0, 1].

    Returns:
        ``(images, labels)``: float32 ``(n, 1, 6, 6)`` and int64 ``(n,)``.
    """
    _check("make_edges", n, noise)
    size = EDGE_SIZE
    labels = balanced_labels(n, 2, generator)
    rows = np.arange(size).reshape(1, size, 1)
    cols = np.arange(size).reshape(1, 1, size)
    height = generator.integers(1, 4, size=n)
    top = generator.integers(1, size - height)  # rows top..top+height-1, inside 1..4
    flat = generator.random(n) < 0.5
    brightness = generator.uniform(0.5, 1.0, size=(n, 1, 1))
    horizontal = _band(rows, top, height)
    vertical = _band(cols, top, height)
    level = generator.uniform(0.0, 1.0, size=(n, 1, 1))
    negative = np.where(flat[:, None, None], level, vertical * brightness)
    images = np.where(labels[:, None, None] == 1, horizontal * brightness, negative)
    images = images + noise * generator.standard_normal((n, size, size))
    return images.astype(np.float32).reshape(n, 1, size, size), labels


def stripe_split(
    train_size: int, val_size: int, classes: int, noise: float, generator: np.random.Generator
) -> tuple[Images, Labels, Images, Labels]:
    """A training and a validation set of stripes, drawn one after the other."""
    train = make_stripes(train_size, classes, noise, generator=generator)
    return (*train, *make_stripes(val_size, classes, noise, generator=generator))


def edge_split(
    train_size: int, val_size: int, noise: float, generator: np.random.Generator
) -> tuple[Images, Labels, Images, Labels]:
    """A training and a validation set of 6x6 edge images, drawn one after the other."""
    train = make_edges(train_size, noise, generator=generator)
    return (*train, *make_edges(val_size, noise, generator=generator))


def anchor_image() -> npt.NDArray[np.float64]:
    """The second seed's 6x6 anchor: rows 3 and 4 (1-based) at 255, the rest 0."""
    image = np.zeros((EDGE_SIZE, EDGE_SIZE))
    image[2:4] = 255.0
    return image


def horizontal_kernel() -> npt.NDArray[np.float64]:
    """The second seed's hand-written horizontal edge detector [[1,1,1],[0,0,0],[-1,-1,-1]]."""
    return np.array([[1.0, 1.0, 1.0], [0.0, 0.0, 0.0], [-1.0, -1.0, -1.0]])


def batches(
    images: np.ndarray,
    labels: np.ndarray,
    batch_size: int,
    generator: np.random.Generator | None = None,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Mini-batches ``(images[k:k+b], labels[k:k+b])``; the last one may be smaller.

    With a ``generator`` the samples are shuffled first (one permutation per call, so
    one per epoch); without one they come in order.
    """
    if isinstance(batch_size, bool) or not isinstance(batch_size, int | np.integer):
        raise TypeError(f"batches: batch_size must be an int, got {batch_size!r}")
    if batch_size < 1:
        raise ValueError(f"batches: batch_size must be >= 1, got {batch_size}")
    if len(images) != len(labels):
        raise ValueError(f"batches: {len(images)} images but {len(labels)} labels; they must match")
    if generator is not None:
        order = generator.permutation(len(images))
        images, labels = images[order], labels[order]
    for start in range(0, len(images), batch_size):
        yield images[start : start + batch_size], labels[start : start + batch_size]
