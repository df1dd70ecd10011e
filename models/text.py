"""Plain-text output shared by the CLIs: number grids, blocks side by side, kernels,
confusion matrices and one sample's activations."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def grid_lines(values: np.ndarray, fmt: str = "{:7.3f}") -> list[str]:
    """A 2-D array as text rows."""
    return [" ".join(fmt.format(v) for v in row) for row in np.atleast_2d(values)]


def side_by_side(blocks: Sequence[list[str]], titles: Sequence[str], gap: int = 4) -> str:
    """Text blocks (lists of lines) next to each other, each under its title."""
    columns = [[title, *lines] for title, lines in zip(titles, blocks, strict=True)]
    widths = [max(len(line) for line in column) for column in columns]
    height = max(len(column) for column in columns)
    rows = []
    for i in range(height):
        cells = [
            (c[i] if i < len(c) else "").ljust(w) for c, w in zip(columns, widths, strict=True)
        ]
        rows.append((" " * gap).join(cells).rstrip())
    return "\n".join(rows)


def format_kernels(kernels: np.ndarray, label: str = "filter") -> str:
    """Kernels ``(filters, kh, kw)`` as grids side by side."""
    return side_by_side(
        [grid_lines(k, "{:6.2f}") for k in kernels], [f"{label} {i}" for i in range(len(kernels))]
    )


def format_confusion(matrix: np.ndarray, names: Sequence[str]) -> str:
    """Rows are true classes, columns predicted, with the names as headers."""
    width = max(8, *(len(n) for n in names))
    header = "true \\ predicted".ljust(width + 2) + " ".join(n.rjust(width) for n in names)
    rows = [
        names[i].ljust(width + 2) + " ".join(str(v).rjust(width) for v in row)
        for i, row in enumerate(matrix)
    ]
    return "\n".join([header, *rows])


def _statistics(values: np.ndarray) -> str:
    """min, mean and max of ``values``, and how many are above 0."""
    return (
        f"min {values.min():6.2f}  mean {values.mean():6.2f}  max {values.max():6.2f}  "
        f"{np.count_nonzero(values > 0)}/{values.size} > 0"
    )


def format_activation(name: str, layer: str, values: np.ndarray, largest: int = 64) -> str:
    """One sample's output of a layer under a title ``name layer -> shape``: feature maps
    ``(channels, h, w)`` as one grid per channel, anything else as rows of up to 9 values.
    More than 8 maps, maps of more than ``largest`` values and vectors of more than 90
    are too big to read as numbers: they get one line of statistics per map (or vector)."""
    title = f"{name} {layer} -> {tuple(values.shape)}".replace("  ", " ")
    if values.ndim == 3 and (values[0].size > largest or len(values) > 8):
        digits = len(str(len(values) - 1))
        body = "\n".join(f"channel {c:{digits}d}: {_statistics(m)}" for c, m in enumerate(values))
    elif values.ndim == 3:
        body = side_by_side(
            [grid_lines(m, "{:6.2f}") for m in values], [f"channel {c}" for c in range(len(values))]
        )
    elif values.size > 90:
        body = _statistics(values)
    else:  # rows of 9 (the last may be shorter): 64 MLP inputs are 7 rows and one value
        flat = values.ravel()
        rows = [grid_lines(flat[i : i + 9], "{:6.2f}")[0] for i in range(0, flat.size, 9)]
        body = "\n".join(rows)
    return title + "\n" + "\n".join("  " + line for line in body.splitlines())
