"""Dropout: the ``F.`` ops ``dropout`` and ``dropout2d``, compositions with a random mask.

In training, each element (``dropout``) or each whole channel (``dropout2d``) is kept
with probability ``1 - p`` and scaled by ``1 / (1 - p)``, so the expected value is
unchanged; otherwise the input is returned as it is. The output is ``input * mask``
with the mask a constant (one ``Mul`` node): the gradient is ``grad_output * mask``.
The mask is drawn from ``generator`` (a keyword microtensor adds) or the default
generator that ``mt.manual_seed`` seeds.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from microtensor.core import random
from microtensor.core.inplace import modify_in_place
from microtensor.core.tensor import Tensor
from microtensor.ops.arithmetic import Mul
from microtensor.ops.table import public


def _check_probability(p: Any) -> float:
    if isinstance(p, bool) or not isinstance(p, int | float | np.number) or not 0 <= p <= 1:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    return float(p)


def _mask(input: Tensor, shape: tuple[int, ...], p: float, generator: Any) -> np.ndarray:
    """Kept entries ``1 / (1 - p)``, dropped ones 0, in ``input``'s dtype."""
    dtype = input._array.dtype
    if p == 1:
        return np.zeros(shape, dtype)
    keep = random.resolve(generator).random(shape) >= p
    return keep.astype(dtype) * dtype.type(1 / (1 - p))


def _apply_mask(input: Tensor, mask: np.ndarray, inplace: bool, name: str) -> Tensor:
    if inplace:
        return modify_in_place(input, Mul.apply, mask, name=name)
    return Mul.apply(input, mask)


@public(methods=(), function=False, functional=True)
def dropout(
    input: Tensor,
    p: float = 0.5,
    training: bool = True,
    inplace: bool = False,
    *,
    generator: Any = None,
) -> Tensor:
    """Zero each element with probability ``p`` and scale the rest by ``1 / (1 - p)``
    when ``training``; the input itself otherwise."""
    p = _check_probability(p)
    if not training or p == 0:
        return input
    return _apply_mask(input, _mask(input, input.shape, p, generator), inplace, "dropout_")


@public(methods=(), function=False, functional=True)
def dropout2d(
    input: Tensor,
    p: float = 0.5,
    training: bool = True,
    inplace: bool = False,
    *,
    generator: Any = None,
) -> Tensor:
    """Zero whole channels: each ``input[n, c]`` with probability ``p``, the rest scaled
    by ``1 / (1 - p)``, when ``training``. Input ``(N, C, H, W)`` or ``(C, H, W)``
    (PyTorch reads a 3-D input as ``(N, C, L)``: one mask entry per ``[n, c]``)."""
    p = _check_probability(p)
    if input.ndim < 2:
        raise RuntimeError(
            f"dropout2d: expected a 3-D or 4-D input (N, C, H, W), got {input.ndim}-D input "
            f"of shape {input.shape}"
        )
    if not training or p == 0:
        return input
    shape = input.shape[:2] + (1,) * (input.ndim - 2)
    return _apply_mask(input, _mask(input, shape, p, generator), inplace, "dropout2d_")
