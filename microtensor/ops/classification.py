"""Classification losses: ``nll_loss`` and ``cross_entropy`` with PyTorch's full signature.

For log-probabilities ``z`` (N, C, d1, ...) (classes on axis 1; (C,) is one sample),
class-index targets ``t`` (N, d1, ...) and class weights ``w`` (C,)::

    nll_n = -w[t_n] z[n, t_n]       'mean': sum_n nll_n / sum_n w[t_n]   (ignored n: out)

``cross_entropy(x, t)`` is ``nll_loss(log_softmax(x, 1), t)``; with ``label_smoothing`` e
it is ``(1 - e) nll + (e / C) smooth``, ``smooth_n = -sum_c w_c z[n, c]`` reduced like nll
(PyTorch's formula). With probability targets ``p`` (a float tensor of the input's shape)
the loss is ``-sum_c w_c p'[n, c] z[n, c]``, ``p' = (1 - e) p + e / C``, and ``'mean'``
divides by the number of samples N * d1 * ...

The plain case (integer targets, no weight, no smoothing) is the fused primitive
``CrossEntropy`` (``ops/loss.py``); the others are compositions of ``LogSoftmax``,
indexing and elementwise ops. When every target is ``ignore_index``, ``'mean'`` is NaN (0/0,
as PyTorch's) and the gradients are zeros: the NaN is added as a constant, so no 0/0 ever
reaches a derivative.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from microtensor.core.tensor import Tensor
from microtensor.ops import loss
from microtensor.ops.arguments import check_reduction
from microtensor.ops.loss import target_index
from microtensor.ops.losses import check_tensor, legacy_reduction
from microtensor.ops.softmax import log_softmax
from microtensor.ops.table import public


def _class_targets(input: Tensor, target: Any, op: str, ignore_index: int) -> np.ndarray:
    """The integer targets as an array, checked against the input's shape and classes."""
    labels = target._array
    if labels.dtype.kind not in "iu":
        raise RuntimeError(
            f"{op}: expected a target of integer class indices (int64), got dtype "
            f"{labels.dtype}; convert it with .to(mt.int64)"
        )
    expected = (input.shape[0], *input.shape[2:]) if input.ndim > 1 else ()
    if labels.shape != expected:
        raise RuntimeError(
            f"{op}: expected target of shape {expected} for input of shape {input.shape} "
            f"(one class index per sample), got target of shape {labels.shape}"
        )
    classes = input.shape[1] if input.ndim > 1 else input.shape[0]
    wrong = (labels != ignore_index) & ((labels < 0) | (labels >= classes))
    if wrong.any():
        raise IndexError(
            f"{op}: Target {labels[wrong].flat[0]} is out of bounds for {classes} classes "
            f"(expected 0 <= target < {classes}, or ignore_index={ignore_index})"
        )
    return labels


def _class_weight(weight: Any, classes: int, dtype: np.dtype, op: str) -> np.ndarray | None:
    """The class weights as a constant array (C,) of the input's dtype, or None."""
    if weight is None:
        return None
    weight = check_tensor(weight, "weight", op)
    if weight.shape != (classes,):
        raise RuntimeError(
            f"{op}: weight tensor should be defined either for all {classes} classes or no "
            f"classes but got weight tensor of shape: {list(weight.shape)}"
        )
    return weight._array.astype(dtype, copy=False)


def _as_batch(input: Tensor, labels: np.ndarray) -> tuple[Tensor, np.ndarray]:
    """A (C,) input and () target as a batch of one: (1, C) and (1,)."""
    if input.ndim == 1:
        return input.reshape(1, input.shape[0]), labels.reshape(1)
    return input, labels


def _mean_over(total: Tensor, denominator: float) -> Tensor:
    """``total / denominator``; for a zero denominator NaN, with zero gradients."""
    if denominator == 0:
        return total * 0.0 + np.nan
    return total * (1.0 / denominator)


def _nll(
    log_probabilities: Tensor, labels: np.ndarray, weight: np.ndarray | None,
    ignore_index: int, reduction: str,
) -> Tensor:
    """``nll_loss`` on a batched input (N, C, ...); labels (N, ...) already checked."""
    kept = labels != ignore_index
    index = target_index(np.where(kept, labels, 0))
    per_sample = kept.astype(log_probabilities.dtype)
    if weight is not None:
        per_sample = per_sample * weight[index[1]]
    losses = -(log_probabilities[index] * per_sample)  # (N, ...)
    if reduction == "none":
        return losses
    if reduction == "sum":
        return losses.sum()
    return _mean_over(losses.sum(), float(per_sample.sum()))


@public(methods=(), function=False, functional=True)
def nll_loss(
    input: Tensor, target: Tensor, weight: Tensor | None = None, size_average: Any = None,
    ignore_index: int = -100, reduce: Any = None, reduction: str = "mean",
) -> Tensor:
    """Negative log-likelihood of class indices ``target`` under log-probabilities ``input``
    (N, C, d1, ...) or (C,): ``-weight[t] input[n, t]``, ``'mean'`` divided by the summed
    weights of the targets that are not ``ignore_index``.
    """
    op = "nll_loss"
    reduction = legacy_reduction(size_average, reduce, reduction)
    check_reduction(reduction, op)
    target = check_tensor(target, "target", op)
    if input.ndim == 0:
        raise RuntimeError(f"{op}: input must have a class dimension, got a 0-D tensor")
    labels = _class_targets(input, target, op, ignore_index)
    classes = input.shape[1] if input.ndim > 1 else input.shape[0]
    weight_array = _class_weight(weight, classes, input.dtype, op)
    batched, labels = _as_batch(input, labels)
    result = _nll(batched, labels, weight_array, ignore_index, reduction)
    return result.reshape(()) if input.ndim == 1 and reduction == "none" else result


def _probability_targets(
    log_probabilities: Tensor, target: Tensor, weight: np.ndarray | None,
    label_smoothing: float, reduction: str,
) -> Tensor:
    classes = log_probabilities.shape[1]
    if label_smoothing:
        target = target * (1.0 - label_smoothing) + label_smoothing / classes
    products = log_probabilities * target
    if weight is not None:
        products = products * weight.reshape(classes, *([1] * (products.ndim - 2)))
    losses = -products.sum(dim=1)
    if reduction == "mean":
        return losses.mean()
    return losses.sum() if reduction == "sum" else losses


def _smoothing_term(
    log_probabilities: Tensor, labels: np.ndarray, weight: np.ndarray | None,
    ignore_index: int, reduction: str,
) -> Tensor:
    """``smooth_n = -sum_c w_c z[n, c]`` (0 for ignored n), reduced as PyTorch's."""
    classes = log_probabilities.shape[1]
    weighted = log_probabilities
    if weight is not None:
        weighted = weighted * weight.reshape(classes, *([1] * (weighted.ndim - 2)))
    kept = labels != ignore_index
    losses = -(weighted.sum(dim=1) * kept.astype(log_probabilities.dtype))
    if reduction == "none":
        return losses
    if reduction == "sum":
        return losses.sum()
    denominator = (float(weight[labels[kept]].sum()) if weight is not None
                   else float(kept.sum()))
    return _mean_over(losses.sum(), denominator)


@public(methods=(), function=False, functional=True)
def cross_entropy(
    input: Tensor, target: Tensor, weight: Tensor | None = None, size_average: Any = None,
    ignore_index: int = -100, reduce: Any = None, reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """Softmax cross-entropy of logits ``input`` (N, C, d1, ...) or (C,), as PyTorch's.

    ``target``: class indices (N, d1, ...) (or ``ignore_index``), or class probabilities
    of the input's shape (a float tensor). ``weight`` (C,) weighs the classes;
    ``label_smoothing`` in [0, 1] mixes the target with the uniform distribution.
    """
    if (weight is None and not label_smoothing and size_average is None and reduce is None
            and isinstance(target, Tensor) and target._array.dtype.kind in "iu"):
        # the plain case: the fused primitive, whose public op checks the arguments
        return loss.cross_entropy(input, target, reduction=reduction, ignore_index=ignore_index)
    op = "cross_entropy"
    reduction = legacy_reduction(size_average, reduce, reduction)
    check_reduction(reduction, op)
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: input must be a Tensor, got {type(input).__name__}")
    if input._array.dtype.kind != "f":
        raise TypeError(f"{op}: input must hold floating-point logits, got dtype {input.dtype}")
    if not isinstance(target, Tensor):
        target = Tensor._make(np.asarray(target))
    if isinstance(label_smoothing, bool) or not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(
            f"{op}: label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    if input._array.ndim == 0:
        raise RuntimeError(f"{op}: input must have a class dimension, got a 0-D tensor")
    classes = input._array.shape[1] if input._array.ndim > 1 else input._array.shape[0]
    weight_array = _class_weight(weight, classes, input._array.dtype, op)
    if target._array.dtype.kind == "f":
        if ignore_index != -100:
            raise RuntimeError(f"{op}: ignore_index is not supported for floating point target")
        if target._array.shape != input._array.shape:
            raise RuntimeError(
                f"{op}: a float target holds class probabilities and must have the input's "
                f"shape {input.shape}, got shape {target.shape}; class indices must be "
                "integers (int64): convert them with .to(mt.int64)")
        squeeze = input._array.ndim == 1
        if squeeze:
            input, target = input.reshape(1, classes), target.reshape(1, classes)  # noqa: A001
        result = _probability_targets(log_softmax(input, 1), target, weight_array,
                                      float(label_smoothing), reduction)
        return result.reshape(()) if squeeze and reduction == "none" else result
    if weight_array is None and not label_smoothing:
        return loss.cross_entropy(input, target, reduction=reduction, ignore_index=ignore_index)
    labels = _class_targets(input, target, op, ignore_index)
    batched, labels = _as_batch(input, labels)
    log_probabilities = log_softmax(batched, 1)
    result = _nll(log_probabilities, labels, weight_array, ignore_index, reduction)
    if label_smoothing:
        smooth = _smoothing_term(log_probabilities, labels, weight_array, ignore_index,
                                 reduction)
        result = result * (1.0 - label_smoothing) + smooth * (label_smoothing / classes)
    return result.reshape(()) if input._array.ndim == 1 and reduction == "none" else result
