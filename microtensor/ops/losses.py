"""Losses made of other ops: regression (mse, l1, smooth L1, Huber), binary cross-entropy
(on probabilities and on logits) and the Kullback-Leibler divergence, as PyTorch's.

Each is a composition of existing primitives, so gradients of every order come from
theirs. Piecewise formulas use a *constant* mask chosen from the forward values (which
branch each element is on) rather than a new primitive: ``m * f(x) + (1 - m) * g(x)``
has the derivative ``m * f'(x) + (1 - m) * g'(x)``, exact away from the branch point,
and PyTorch's one-sided convention at it. ``reduction`` is ``'mean'`` (the mean over every
element), ``'sum'`` or ``'none'`` (the elementwise losses, of the broadcast shape).
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from microtensor.core.tensor import Tensor
from microtensor.ops.arguments import REDUCTIONS, check_reduction
from microtensor.ops.table import public


def legacy_reduction(size_average: Any, reduce: Any, reduction: str) -> str:
    """PyTorch's deprecated ``size_average``/``reduce`` arguments turned into ``reduction``."""
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    if not reduce:
        return "none"
    return "mean" if size_average else "sum"


def apply_reduction(losses: Tensor, reduction: str) -> Tensor:
    """The elementwise ``losses`` reduced: their mean, their sum, or themselves."""
    if reduction == "mean":
        return losses.mean()
    if reduction == "sum":
        return losses.sum()
    return losses


def check_tensor(value: Any, name: str, op: str) -> Tensor:
    """``value`` if it is a Tensor; a TypeError naming the op otherwise."""
    if not isinstance(value, Tensor):
        raise TypeError(f"{op}(): argument '{name}' must be Tensor, not {type(value).__name__}")
    return value


def _float_input(input: Tensor, op: str) -> None:
    if input.dtype.kind != "f":
        raise TypeError(f"{op}: expected a floating-point input, got dtype {input.dtype}")


def _pair(input: Tensor, target: Any, op: str, *, same_size: bool = False) -> Tensor:
    """Checks shared by the pointwise losses; returns the target Tensor.

    A target of another shape broadcasts with PyTorch's warning, or (``same_size``, as
    PyTorch's binary cross-entropy) is a ValueError.
    """
    _float_input(input, op)
    target = check_tensor(target, "target", op)
    if target.shape != input.shape:
        if same_size:
            raise ValueError(
                f"{op}: Using a target size ({target.shape}) that is different to the input "
                f"size ({input.shape}) is deprecated. Please ensure they have the same size."
            )
        try:
            np.broadcast_shapes(input.shape, target.shape)
        except ValueError:
            raise RuntimeError(
                f"{op}: the size of target {target.shape} must match (or broadcast with) the "
                f"size of input {input.shape}"
            ) from None
        warnings.warn(
            f"Using a target size ({target.shape}) that is different to the input size "
            f"({input.shape}). This will likely lead to incorrect results due to "
            "broadcasting. Please ensure they have the same size.", stacklevel=3,
        )
    return target


def _constant(mask: np.ndarray, like: Tensor) -> np.ndarray:
    """A boolean mask as a constant array of ``like``'s dtype (no gradient flows into it)."""
    return mask.astype(like.dtype)


# ----- regression --------------------------------------------------------------------


@public(methods=(), function=False, functional=True)
def mse_loss(
    input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None,
    reduction: str = "mean",
) -> Tensor:
    """Mean squared error: ``(input - target) ** 2``, reduced. d/dinput = 2 (input - target)."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    check_reduction(reduction, "mse_loss")
    target = _pair(input, target, "mse_loss")
    difference = input - target
    return apply_reduction(difference * difference, reduction)


@public(methods=(), function=False, functional=True)
def l1_loss(
    input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None,
    reduction: str = "mean",
) -> Tensor:
    """Mean absolute error: ``|input - target|``, reduced. d/dinput = sign(input - target)."""
    reduction = legacy_reduction(size_average, reduce, reduction)
    check_reduction(reduction, "l1_loss")
    target = _pair(input, target, "l1_loss")
    return apply_reduction((input - target).abs(), reduction)


def _huber(difference: Tensor, delta: float) -> Tensor:
    """``0.5 d^2`` where ``|d| < delta``, ``delta (|d| - 0.5 delta)`` elsewhere (elementwise).

    Derivative ``d`` inside, ``delta * sign(d)`` outside: ``clamp(d, -delta, delta)``.
    """
    inside = _constant(np.abs(difference._array) < delta, difference)
    quadratic = difference * difference * 0.5
    linear = (difference.abs() - 0.5 * delta) * delta
    return quadratic * inside + linear * (1.0 - inside)


def _non_negative(value: Any, name: str, op: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
        raise ValueError(f"{op}: {name} must be a non-negative number, got {value!r}")
    return float(value)


@public(methods=(), function=False, functional=True)
def smooth_l1_loss(
    input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None,
    reduction: str = "mean", beta: float = 1.0,
) -> Tensor:
    """Smooth L1: ``0.5 d^2 / beta`` where ``|d| < beta``, else ``|d| - 0.5 beta`` (d = input
    - target); ``beta = 0`` is the L1 loss. It is the Huber loss with delta = beta, over beta.
    """
    op = "smooth_l1_loss"
    reduction = legacy_reduction(size_average, reduce, reduction)
    check_reduction(reduction, op)
    beta = _non_negative(beta, "beta", op)
    target = _pair(input, target, op)
    difference = input - target
    losses = difference.abs() if beta == 0 else _huber(difference, beta) * (1.0 / beta)
    return apply_reduction(losses, reduction)


@public(methods=(), function=False, functional=True)
def huber_loss(
    input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0,
    weight: Tensor | None = None,
) -> Tensor:
    """Huber: ``0.5 d^2`` where ``|d| < delta``, else ``delta (|d| - 0.5 delta)``; d = input -
    target, ``delta > 0``; ``weight`` (broadcast to the losses) scales each element."""
    op = "huber_loss"
    check_reduction(reduction, op)
    if _non_negative(delta, "delta", op) == 0:
        raise RuntimeError(f"{op}: huber_loss does not support non-positive values for delta, "
                           f"got delta={delta}")
    target = _pair(input, target, op)
    losses = _huber(input - target, float(delta))
    if weight is not None:
        losses = losses * check_tensor(weight, "weight", op)
    return apply_reduction(losses, reduction)


# ----- binary cross-entropy -----------------------------------------------------------

_LOG_FLOOR = -100.0  # PyTorch clamps log(p) and log(1 - p) below at -100


def clamped_log(p: Tensor) -> Tensor:
    """``max(log p, -100)``, with zero derivative where clamped (and no inf or nan there)."""
    kept = _constant(p._array > math.exp(_LOG_FLOOR), p)
    safe = p * kept + (1.0 - kept)  # 1 where clamped: log 1 = 0, a finite derivative
    return safe.log() * kept + _LOG_FLOOR * (1.0 - kept)


def _scaled(losses: Tensor, weight: Any, op: str) -> Tensor:
    if weight is None:
        return losses
    weight = check_tensor(weight, "weight", op)
    try:
        np.broadcast_shapes(weight.shape, losses.shape)
    except ValueError:
        raise RuntimeError(f"{op}: weight of shape {weight.shape} does not broadcast to the "
                           f"losses' shape {losses.shape}") from None
    return losses * weight


@public(methods=(), function=False, functional=True)
def binary_cross_entropy(
    input: Tensor, target: Tensor, weight: Tensor | None = None, size_average: Any = None,
    reduce: Any = None, reduction: str = "mean",
) -> Tensor:
    """``-w (t log p + (1 - t) log(1 - p))`` for probabilities p = input in [0, 1], with
    PyTorch's floor of -100 on each log. d/dp = w (p - t) / (p (1 - p)) away from 0 and 1.
    """
    op = "binary_cross_entropy"
    reduction = legacy_reduction(size_average, reduce, reduction)
    check_reduction(reduction, op)
    target = _pair(input, target, op, same_size=True)
    p = input._array
    if p.size and not ((p >= 0) & (p <= 1)).all():
        raise RuntimeError(f"{op}: all elements of input should be between 0 and 1 "
                           f"(found {p[~((p >= 0) & (p <= 1))].flat[0]})")
    losses = -(target * clamped_log(input) + (1.0 - target) * clamped_log(1.0 - input))
    return apply_reduction(_scaled(losses, weight, op), reduction)


def log_sigmoid(x: Tensor) -> Tensor:
    """``log sigmoid(x) = min(x, 0) - log(1 + exp(-|x|))``, stable for any x.

    Written per sign with a constant mask (x < 0), so the derivative ``1 - sigmoid(x)``
    is exact everywhere, 0.5 at x = 0 included.
    """
    negative = _constant(x._array < 0, x)
    return x * negative - ((x * (2.0 * negative - 1.0)).exp() + 1.0).log()


@public(methods=(), function=False, functional=True)
def binary_cross_entropy_with_logits(
    input: Tensor, target: Tensor, weight: Tensor | None = None, size_average: Any = None,
    reduce: Any = None, reduction: str = "mean", pos_weight: Tensor | None = None,
) -> Tensor:
    """``-w (pw t log sigmoid(x) + (1 - t) log(1 - sigmoid(x)))`` for logits x = input, stably:
    ``(1 - t) x - (1 + (pw - 1) t) log sigmoid(x)``, then times ``weight``. ``pos_weight``
    (one per class, broadcast over the last dimension) weighs the positive term.
    """
    op = "binary_cross_entropy_with_logits"
    reduction = legacy_reduction(size_average, reduce, reduction)
    check_reduction(reduction, op)
    target = _pair(input, target, op, same_size=True)
    log_p = log_sigmoid(input)
    if pos_weight is None:
        losses = (1.0 - target) * input - log_p
    else:
        pos_weight = check_tensor(pos_weight, "pos_weight", op)
        try:
            np.broadcast_shapes(pos_weight.shape, target.shape)
        except ValueError:
            raise RuntimeError(f"{op}: pos_weight of shape {pos_weight.shape} does not "
                               f"broadcast to the target's shape {target.shape}") from None
        positive = (pos_weight - 1.0) * target + 1.0
        losses = (1.0 - target) * input - positive * log_p
    return apply_reduction(_scaled(losses, weight, op), reduction)


# ----- Kullback-Leibler --------------------------------------------------------------


@public(methods=(), function=False, functional=True)
def kl_div(
    input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None,
    reduction: str = "mean", log_target: bool = False,
) -> Tensor:
    """``t (log t - x)`` for log-probabilities x = input and probabilities t (0 where t = 0);
    with ``log_target``, t is given as log t: ``exp(t) (t - x)``. ``'batchmean'`` divides
    the sum by the batch size (the first dimension); ``'mean'`` by the number of elements
    (with PyTorch's warning).
    """
    op = "kl_div"
    reduction = legacy_reduction(size_average, reduce, reduction)
    check_reduction(reduction, op, (*REDUCTIONS, "batchmean"))
    target = _pair(input, target, op)
    if log_target:
        losses = target.exp() * (target - input)
    else:
        positive = _constant(target._array > 0, target)
        safe = target * positive + (1.0 - positive)  # log 1 = 0 where t = 0: xlogy(0, 0) = 0
        losses = target * safe.log() - target * input
    if reduction == "batchmean":
        batch = input.shape[0] if input.ndim else 1
        return losses.sum() * (1.0 / batch)
    if reduction == "mean":
        warnings.warn(
            "reduction: 'mean' divides the total loss by both the batch size and the support "
            "size.'batchmean' divides only by the batch size, and aligns with the KL div math "
            "definition.'mean' will be changed to behave the same as 'batchmean' in the next "
            "major release.", stacklevel=2,
        )
    return apply_reduction(losses, reduction)
