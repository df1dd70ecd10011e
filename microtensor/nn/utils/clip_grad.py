"""Gradient clipping: scale the gradients so their total norm is at most ``max_norm``, or
clamp each element to ``[-clip_value, clip_value]``; in place, no graph recorded.

The total norm of order p over gradients g_1..g_k is the p-norm of their p-norms,
``|| (||g_1||_p, ..., ||g_k||_p) ||_p`` (p = inf: the largest |element|), and the scale
is ``min(1, max_norm / (total + 1e-6))``, as PyTorch's.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from microtensor.core.tensor import Tensor

Parameters = Tensor | Iterable[Tensor]


def _tensors(parameters: Parameters) -> list[Tensor]:
    return [parameters] if isinstance(parameters, Tensor) else list(parameters)


def _norm(array: np.ndarray, p: float) -> np.floating:
    """The vector p-norm of ``array``'s elements (p = inf, -inf, 0 included)."""
    values = np.abs(array.ravel())
    if p == math.inf:
        return values.max(initial=0)
    if p == -math.inf:
        return values.min() if values.size else np.float64(math.inf)
    if p == 0:
        return np.asarray(np.count_nonzero(values), dtype=array.dtype)[()]
    if p == 1:
        return values.sum()
    if p == 2:
        return np.sqrt(np.dot(values, values))
    return (values**p).sum() ** (1.0 / p)


def get_total_norm(
    tensors: Parameters,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
    foreach: bool | None = None,
) -> Tensor:
    """The norm of order ``norm_type`` of the norms of ``tensors`` (a 0-d Tensor; 0.0 when
    there are none). Raises RuntimeError for a non-finite total if ``error_if_nonfinite``."""
    arrays = [t._array for t in _tensors(tensors)]
    p = float(norm_type)
    if not arrays:
        return Tensor._make(np.array(0.0, dtype=np.float32), None)
    dtype = np.result_type(*arrays)
    norms = np.array([_norm(a, p) for a in arrays], dtype=dtype)
    total = np.asarray(_norm(norms, p), dtype=dtype)
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(
            f"The total norm of order {p} for gradients from `parameters` is non-finite, so "
            "it cannot be clipped. To disable this error and scale the gradients by the "
            "non-finite norm anyway, set `error_if_nonfinite=False`"
        )
    return Tensor._make(total, None)


def clip_grads_with_norm_(
    parameters: Parameters, max_norm: float, total_norm: Tensor | float,
    foreach: bool | None = None,
) -> None:  # fmt: skip
    """Multiply every gradient by ``min(1, max_norm / (total_norm + 1e-6))``, in place."""
    grads = [p.grad for p in _tensors(parameters) if p.grad is not None]
    total = total_norm._array if isinstance(total_norm, Tensor) else np.asarray(total_norm)
    seen: set[int] = set()
    for g in grads:
        if id(g._array) in seen:  # one array shared by two leaves is scaled once
            continue
        seen.add(id(g._array))
        coefficient = np.minimum(max_norm / (total.astype(g._array.dtype) + 1e-6), 1.0)
        g._array *= coefficient.astype(g._array.dtype)
        g._bump_version()


def clip_grad_norm_(
    parameters: Parameters,
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
    foreach: bool | None = None,
) -> Tensor:
    """Scale the gradients of ``parameters`` in place so that their total norm is at most
    ``max_norm``; returns the total norm before clipping (a 0-d Tensor)."""
    parameters = _tensors(parameters)
    grads = [p.grad for p in parameters if p.grad is not None]
    total = get_total_norm(grads, norm_type, error_if_nonfinite)
    if grads:
        clip_grads_with_norm_(parameters, max_norm, total)
    return total


def clip_grad_value_(
    parameters: Parameters, clip_value: float, foreach: bool | None = None
) -> None:
    """Clamp every gradient element to ``[-clip_value, clip_value]``, in place."""
    clip_value = float(clip_value)
    for p in _tensors(parameters):
        if p.grad is not None:
            np.clip(p.grad._array, -clip_value, clip_value, out=p.grad._array)
            p.grad._bump_version()
