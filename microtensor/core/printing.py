"""A tensor's ``repr``, laid out as PyTorch lays out its own.

* floats: 4 decimals (``1.5000``), or ``1.`` when every value is a whole number, or
  scientific notation (``1.0000e+05``) when the values span more than 1000x, exceed 1e8
  or go below 1e-4; every element right-aligned to the widest;
* ints and bools as Python prints them, aligned the same way;
* more than 1000 elements: three at each edge of every dimension, ``...`` between;
* lines wrapped at 80 characters, nested brackets indented under ``tensor(``;
* suffixes: ``dtype=`` unless the dtype is the default float, int64 or bool (always for an
  empty tensor that is not of the default float dtype), ``size=`` for an empty tensor of
  more than one dimension, ``grad_fn=<MulBackward0>`` or ``requires_grad=True``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from microtensor.core import dtypes

LINE_WIDTH = 80
THRESHOLD = 1000
EDGE_ITEMS = 3


def _summarized(array: np.ndarray) -> np.ndarray:
    """The elements shown: the edges of every long dimension, when summarising."""
    for axis in range(array.ndim):
        if array.shape[axis] > 2 * EDGE_ITEMS:
            keep = np.r_[0:EDGE_ITEMS, array.shape[axis] - EDGE_ITEMS:array.shape[axis]]
            array = np.take(array, keep, axis=axis)
    return array


def _float_format(values: np.ndarray) -> Any:
    """The function formatting one float, chosen from the finite non-zero magnitudes."""
    finite = np.abs(values[np.isfinite(values) & (values != 0)]).astype(np.float64)
    if finite.size == 0:
        return lambda v: f"{v:.0f}."
    low, high = finite.min(), finite.max()
    spread = high > 1000.0 * low  # not high / low: that overflows for subnormal lows
    if np.all(np.ceil(finite) == finite):
        if spread or high > 1e8:
            return lambda v: f"{v:.4e}"
        return lambda v: f"{v:.0f}."
    if spread or high > 1e8 or low < 1e-4:
        return lambda v: f"{v:.4e}"
    return lambda v: f"{v:.4f}"


def _formatter(array: np.ndarray) -> tuple[Any, int]:
    """``(format one element, width of the widest)`` for the elements shown."""
    if array.dtype.kind == "b":
        def text(v: Any) -> str:
            return "True" if v else "False"
    elif array.dtype.kind == "f":
        finite = _float_format(array)

        def text(v: Any) -> str:
            if np.isnan(v):
                return "nan"
            if np.isinf(v):
                return "inf" if v > 0 else "-inf"
            return str(finite(float(v)))
    else:
        def text(v: Any) -> str:
            return str(int(v))
    width = max((len(text(v)) for v in array.reshape(-1)), default=0)
    return text, width


def _body(array: np.ndarray, text: Any, width: int, indent: int, summarize: bool) -> str:
    """The bracketed elements of ``array``, one dimension per level of brackets."""
    if array.ndim == 0:
        return text(array.item())
    size = array.shape[0]
    cut = summarize and size > 2 * EDGE_ITEMS
    if array.ndim == 1:
        if cut:
            edges = [array[:EDGE_ITEMS].tolist(), array[-EDGE_ITEMS:].tolist()]
            cells = [text(v).rjust(width) for v in edges[0]] + [" ..."]
            cells += [text(v).rjust(width) for v in edges[1]]
        else:
            cells = [text(v).rjust(width) for v in array.tolist()]
        per_line = max(1, (LINE_WIDTH - indent) // (width + 2))
        lines = [", ".join(cells[i:i + per_line]) for i in range(0, len(cells), per_line)]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
    shown = [*range(EDGE_ITEMS), -1, *range(size - EDGE_ITEMS, size)] if cut else range(size)
    rows = [_body(array[i], text, width, indent + 1, summarize) if i >= 0 else "..."
            for i in shown]
    separator = ",\n" + "\n" * (array.ndim - 2) + " " * (indent + 1)
    return "[" + separator.join(rows) + "]"


def tensor_repr(array: np.ndarray, grad_fn: Any = None, requires_grad: bool = False,
                prefix: str = "tensor(") -> str:
    """The text of ``repr(tensor)``, as PyTorch's (see the module docstring)."""
    indent = len(prefix)
    summarize = array.size > THRESHOLD
    shown = _summarized(array) if summarize else array
    suffixes = []
    default = dtypes.get_default_dtype().dtype
    if array.size == 0:
        body = "[]"
        if array.ndim != 1:
            suffixes.append(f"size={tuple(array.shape)}")
        if array.dtype != default:
            suffixes.append(f"dtype={dtypes.of(array.dtype)!r}")
    else:
        text, width = _formatter(shown)
        body = _body(array, text, width, indent, summarize)
        if array.dtype not in (default, np.int64, np.bool_):
            suffixes.append(f"dtype={dtypes.of(array.dtype)!r}")
    if grad_fn is not None:
        suffixes.append(f"grad_fn=<{type(grad_fn).__name__}>")
    elif requires_grad:
        suffixes.append("requires_grad=True")
    out = prefix + body
    for suffix in suffixes:
        last = out.rsplit("\n", 1)[-1]
        if len(last) + len(suffix) + 2 > LINE_WIDTH:
            out += ",\n" + " " * indent + suffix
        else:
            out += ", " + suffix
    return out + ")"
