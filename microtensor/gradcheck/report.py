"""The seed's error scale and the report of a failed gradient check.

* :func:`relative_error`: ``|a - n| / max(|a|, |n|)`` between an analytical value ``a``
  and a numerical one ``n``.
* :func:`verdict`: the seed's words for that error (perfect below 1e-7, acceptable up
  to 1e-5, a bug above 1e-3).
* :func:`worst_index`: where an array of errors is largest, NaN counting as the worst.
* :class:`Mismatch`: the worst element of a failed check, and its message.

``gradcheck`` (check.py) and ``check_module_gradients`` (microtensor/testing) both judge
and report with these.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["Mismatch", "relative_error", "verdict", "worst_index"]


def relative_error(analytical: Any, numerical: Any) -> Any:
    """``|a - n| / max(|a|, |n|)`` elementwise, 0 where both are 0.

    Args:
        analytical, numerical: numbers or arrays of the same shape.

    Returns:
        A float for numbers, an array for arrays.
    """
    a = np.asarray(analytical, dtype=np.float64)
    n = np.asarray(numerical, dtype=np.float64)
    scale = np.maximum(np.abs(a), np.abs(n))
    with np.errstate(invalid="ignore", divide="ignore"):
        error = np.where(scale > 0, np.abs(a - n) / np.where(scale > 0, scale, 1.0), 0.0)
    error = np.where(np.isnan(a) | np.isnan(n), np.nan, error)
    return float(error) if error.ndim == 0 else error


def verdict(error: float) -> str:
    """The seed's scale for a relative error between analytical and numerical gradients.

    Below 1e-7 "perfect", up to 1e-5 "acceptable", up to 1e-3 "suspicious", above 1e-3
    (or NaN) "a bug in backward".
    """
    if error < 1e-7:
        return "perfect"
    if error <= 1e-5:
        return "acceptable"
    if error <= 1e-3:
        return "suspicious"
    return "a bug in backward"


def worst_index(errors: npt.ArrayLike) -> tuple[int, ...]:
    """The index of the largest of ``errors`` (a non-empty array), NaN counting as +inf.

    ``argmax`` over ``errors`` with NaN replaced by infinity: of equal errors, the first
    in C order wins.
    """
    errors = np.asarray(errors, dtype=np.float64)
    flat = int(np.argmax(np.where(np.isnan(errors), np.inf, errors)))
    return tuple(int(i) for i in np.unravel_index(flat, errors.shape))


@dataclass(frozen=True)
class Mismatch:
    """The worst element of a failed check and how to report it."""

    input: int
    input_shape: tuple[int, ...]
    output: int
    output_shape: tuple[int, ...]
    input_index: tuple[int, ...] | None  # None in fast mode (a projection, not an element)
    output_index: tuple[int, ...] | None
    analytical: float
    numerical: float
    relative_error: float
    verdict: str
    excess: float  # |a - n| / (atol + rtol * |n|): above 1 fails
    failed: int
    total: int

    def report(
        self, title: str, input_name: str, output_name: str, atol: float, rtol: float, hint: str
    ) -> str:
        """A message naming the input, output, worst element, values and verdict."""
        where = (
            f"{output_name} (shape {self.output_shape}) with respect to {input_name} "
            f"(shape {self.input_shape})"
        )
        lines = []
        if self.input_index is None:
            lines.append(
                f"{title} failed (fast_mode): the projection u^T J v of the Jacobian of "
                f"{where} disagrees with finite differences (u, v random unit vectors)."
            )
        else:
            lines.append(
                f"{title} failed: the Jacobian of {where} disagrees with finite differences."
            )
            lines.append(
                f"  worst element: {_at(self.output_index, output_name)} with respect to "
                f"{_at(self.input_index, input_name)}"
            )
        lines += [
            f"  analytical: {self.analytical:.10g}",
            f"  numerical:  {self.numerical:.10g}",
            f"  relative error |a - n| / max(|a|, |n|) = {self.relative_error:.3g}: "
            f"{self.verdict}",
            f"  {self.failed} of {self.total} failed |a - n| <= atol + rtol * |n| "
            f"(atol={atol:g}, rtol={rtol:g})",
        ]
        if self.input_index is None:
            lines.append("  Run with fast_mode=False to find the element.")
        if hint:
            lines.append(f"  {hint}")
        return "\n".join(lines)


def _at(index: tuple[int, ...], name: str) -> str:
    if not index:
        return f"{name} (a scalar)"
    return f"index [{', '.join(str(int(i)) for i in index)}] of {name}"
