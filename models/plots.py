"""PNG figures with matplotlib's object-oriented ``Figure`` (no pyplot, no global state).

matplotlib is an optional extra (``pip install microtensor[plot]``): :func:`available`
says whether it is installed, and nothing here imports it before a figure is drawn.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np


def available() -> bool:
    """Whether matplotlib can be imported."""
    return importlib.util.find_spec("matplotlib") is not None


def _figure(width: float, height: float) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _save(figure: Any, path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    return path


def save_curves(
    history: Sequence[Any],
    path: Path,
    title: str = "",
    held_out: str = "validation",
    target: float = 0.99,
) -> Path:
    """Loss and accuracy per epoch, train and ``held_out`` (``history``: EpochStats), with
    a dotted line at the ``target`` accuracy."""
    figure = _figure(9, 3.4)
    loss_axes, accuracy_axes = figure.subplots(1, 2)
    epochs = [s.epoch for s in history]
    loss_axes.plot(epochs, [s.train_loss for s in history], label="train")
    loss_axes.plot(epochs, [s.val_loss for s in history], label=held_out)
    loss_axes.set(xlabel="epoch", ylabel="cross-entropy", title="loss", yscale="log")
    accuracy_axes.plot(epochs, [s.train_accuracy for s in history], label="train")
    accuracy_axes.plot(epochs, [s.val_accuracy for s in history], label=held_out)
    accuracy_axes.axhline(target, color="gray", linestyle=":", label=f"{target:.0%}")
    accuracy_axes.set(xlabel="epoch", ylabel="accuracy", title="accuracy")
    accuracy_axes.legend(loc="lower right")
    if title:
        figure.suptitle(title)
    return _save(figure, path)


def snapshot_epochs(last: int, count: int = 6) -> list[int]:
    """About ``count`` epochs from 0 (initialisation) to ``last``, denser at the start."""
    if last <= 0:
        return [0]
    points = np.unique(np.round(np.geomspace(1, last, count - 1)).astype(int))
    return [0, *(int(p) for p in points)]


def save_filters(kernels: np.ndarray, path: Path) -> Path:
    """The kernels at several epochs: ``kernels[e]`` is ``(filters, kh, kw)`` after epoch
    ``e`` (0 = initialisation). One row per filter, one column per chosen epoch; blue is
    negative, red positive, on one colour scale per filter."""
    epochs = snapshot_epochs(len(kernels) - 1)
    filters = kernels.shape[1]
    figure = _figure(1.4 * len(epochs) + 0.8, 1.4 * filters + 0.5)
    axes = np.atleast_2d(figure.subplots(filters, len(epochs), squeeze=False))
    for f in range(filters):
        scale = float(np.abs(kernels[epochs, f]).max()) or 1.0
        for column, epoch in enumerate(epochs):
            ax = axes[f, column]
            image = ax.imshow(kernels[epoch, f], cmap="RdBu_r", vmin=-scale, vmax=scale)
            ax.set_xticks([])
            ax.set_yticks([])
            if f == 0:
                ax.set_title("init" if epoch == 0 else f"epoch {epoch}", fontsize=9)
            if column == 0:
                ax.set_ylabel(f"filter {f}")
        figure.colorbar(image, ax=axes[f, -1], shrink=0.8)
    figure.suptitle("conv kernels, from random start to edge detectors")
    return _save(figure, path)


def save_sweep(rows: Sequence[Any], path: Path, cnn_accuracy: float | None = None) -> Path:
    """Validation accuracy (mean, min-max band) against hidden width (evenly spaced).

    ``rows`` have ``width``, ``parameters``, ``mean``, ``minimum``, ``maximum``.
    """
    figure = _figure(6, 3.6)
    ax = figure.subplots()
    positions = range(len(rows))  # evenly spaced: the widths are labels
    ax.fill_between(
        positions,
        [r.minimum for r in rows],
        [r.maximum for r in rows],
        alpha=0.25,
        label="min to max over seeds",
    )
    ax.plot(positions, [r.mean for r in rows], marker="o", label="MLP mean")
    if cnn_accuracy is not None:
        ax.axhline(cnn_accuracy, color="C3", linestyle="--", label="TinyCNN (114 params)")
    ax.set(xlabel="hidden width", ylabel="validation accuracy", title="MLP capacity sweep")
    ax.set_xticks(positions, [str(r.width) for r in rows])
    ax.legend(loc="lower right")
    return _save(figure, path)


def save_seed_accuracies(results: dict[str, Sequence[float]], path: Path) -> Path:
    """One dot per seed and configuration: final validation accuracy (robustness)."""
    figure = _figure(7, 3.6)
    ax = figure.subplots()
    for i, accuracies in enumerate(results.values()):
        ax.scatter(np.full(len(accuracies), i), accuracies, alpha=0.7)
    ax.axhline(0.99, color="gray", linestyle=":", label="99%")
    ax.set_xticks(range(len(results)), list(results), rotation=15, fontsize=8)
    ax.set(ylabel="final validation accuracy", title="TinyCNN over initialisation seeds")
    ax.legend(loc="lower right")
    return _save(figure, path)


def save_examples(
    images: np.ndarray, labels: np.ndarray, names: Sequence[str], path: Path, per_class: int = 5
) -> Path:
    """A few images of each class: one row per class (``images`` is ``(n, 1, H, W)``)."""
    classes = [c for c in range(len(names)) if np.any(labels == c)]
    figure = _figure(1.2 * per_class + 0.8, 1.25 * len(classes))
    axes = np.atleast_2d(figure.subplots(len(classes), per_class, squeeze=False))
    for row, c in enumerate(classes):
        for column, image in enumerate(images[labels == c][:per_class]):
            ax = axes[row, column]
            ax.imshow(image[0], cmap="gray", vmin=-0.3, vmax=1.3)
            ax.set_xticks([])
            ax.set_yticks([])
        axes[row, 0].set_ylabel(f"{c}: {names[c]}", fontsize=9)
    return _save(figure, path)


def save_trace(
    image: np.ndarray,
    kernels: np.ndarray | None,
    maps: Sequence[tuple[str, np.ndarray]],
    probabilities: np.ndarray,
    names: Sequence[str],
    label: int,
    path: Path,
    title: str = "",
) -> Path:
    """One image's journey through a CNN, in one figure.

    Columns: the input ``image`` ``(h, w)``; the first convolution's ``kernels``
    ``(filters, kh, kw)`` (left out when None); its ``maps``, ``[(name, (filters, h, w))]``
    after the conv, the ReLU and the pooling, one row per filter; and the class
    ``probabilities`` as bars, the true class (``label``) in green and a wrong prediction
    in red. Blue is negative, red positive, white 0; the maps of a filter share one
    colour scale, so the ReLU is seen to blank the blue and the pooling to keep the reds.
    """
    filters = len(maps[0][1]) if maps else 1
    columns = 2 + (kernels is not None) + len(maps)
    widths = [1.6] * (columns - 1) + [2.2]
    figure = _figure(sum(widths) + 0.4, max(3.0, 1.2 * filters + 0.9))
    grid = figure.add_gridspec(filters, columns, width_ratios=widths)
    ax = figure.add_subplot(grid[:, 0])
    ax.imshow(image, cmap="gray_r", vmin=0.0, vmax=max(1.0, float(image.max())))
    ax.set(xticks=[], yticks=[], title=f"input {image.shape[0]}x{image.shape[1]}")
    panels = ([("kernel", kernels)] if kernels is not None else []) + list(maps)
    for column, (name, stack) in enumerate(panels, start=1):
        for f in range(filters):
            ax = figure.add_subplot(grid[f, column])
            values = stack[f]
            if name == "kernel":
                scale = float(np.abs(values).max()) or 1.0
            else:  # one scale per filter, from its conv output
                scale = float(np.abs(maps[0][1][f]).max()) or 1.0
            ax.imshow(values, cmap="RdBu_r", vmin=-scale, vmax=scale)
            ax.set_xticks([])
            ax.set_yticks([])
            if f == 0:
                ax.set_title(f"{name} {values.shape[0]}x{values.shape[1]}", fontsize=9)
            if column == 1:
                ax.set_ylabel(f"filter {f}", fontsize=8)
    ax = figure.add_subplot(grid[:, -1])
    guess = int(np.argmax(probabilities))
    colours = ["C2" if c == label else "C3" if c == guess else "C7" for c in range(len(names))]
    ax.barh(range(len(names)), probabilities, color=colours)
    for c, p in enumerate(probabilities):
        if p >= 0.005:
            ax.text(min(p, 0.75) + 0.02, c, f"{p:.1%}", va="center", fontsize=8)
    ax.set_yticks(range(len(names)), list(names), fontsize=8)
    ax.invert_yaxis()
    ax.set(xlim=(0, 1), xlabel="probability", title="softmax")
    if panels:
        figure.supxlabel(
            "blue: negative, white: 0, red: positive (one colour scale per filter's maps)",
            fontsize=9,
        )
    figure.suptitle(
        f"{title}: class {names[label]}, predicted {names[guess]} ({probabilities[guess]:.1%})"
    )
    return _save(figure, path)
