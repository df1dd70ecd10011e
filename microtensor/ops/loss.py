"""Cross-entropy: the primitives CrossEntropy and CrossEntropyGrad, the op ``cross_entropy``.

Softmax cross-entropy with integer class targets, fused.

For logits ``x`` (N, C) (or (N, C, d1, ...), classes on axis 1) and targets ``t``::

    loss_n = -log softmax(x_n)[t_n] = logsumexp(x_n) - x_n[t_n]
    d loss_n / d x_n = softmax(x_n) - onehot(t_n)

Samples whose target is ``ignore_index`` weigh 0; ``'mean'`` divides by the number of
the others (as PyTorch), ``'sum'`` adds, ``'none'`` keeps one loss per sample.

Fused on purpose, for numerical stability and speed: ``logsumexp`` is taken after
shifting by the row maximum, so logits of magnitude 1e4 give exact, finite losses, and
the gradient ``softmax - onehot`` is one expression from the probabilities the forward
already has. The gradient is the primitive ``CrossEntropyGrad``, whose own backward is
written with ``LogSoftmax`` and elementwise ops, so higher derivatives work too.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from microtensor.core.function import Context, Primitive
from microtensor.core.tensor import Tensor
from microtensor.ops.arguments import check_reduction
from microtensor.ops.shape import Reshape, sum_to
from microtensor.ops.softmax import LogSoftmax, shifted_exp


def target_index(target: np.ndarray) -> tuple[np.ndarray, ...]:
    """The index that picks ``x[n, target[n, ...], ...]`` out of logits x (N, C, ...)."""
    if target.ndim == 1:
        return np.arange(target.shape[0]), target
    grids = np.indices(target.shape, sparse=True)
    return grids[0], target, *grids[1:]


class CrossEntropy(Primitive):
    """``cross_entropy(x, target)``: x (N, C, ...) float, target (N, ...) int -> loss.

    The loss is a scalar for ``'mean'`` and ``'sum'``, of the target's shape for
    ``'none'``. d/dx = (softmax(x) - onehot(target)) * weight * dL, with weight 1, 0 for
    ignored samples, divided by the count of the others for ``'mean'``.
    """

    @staticmethod
    def forward(
        ctx: Context, logits: np.ndarray, target: np.ndarray | None = None,
        reduction: str = "mean", ignore_index: int = -100,
    ) -> np.ndarray:
        shifted, exp, total = shifted_exp(logits, 1)
        kept = target != ignore_index
        every = bool(kept.all())
        index = target_index(target if every else np.where(kept, target, 0))
        losses = np.log(total[:, 0]) - shifted[index]
        if every:  # the common case, kept cheap: no masks, no floating-point warnings
            count = losses.size
            weight = np.empty(losses.shape, logits.dtype)
            weight.fill(1.0 / count if reduction == "mean" and count else 1.0)
        else:
            losses = np.where(kept, losses, 0)
            count = int(kept.sum())
            weight = kept.astype(logits.dtype)
            if reduction == "mean" and count:  # all ignored: the loss is nan, the gradient
                weight /= count                    # zero (weights 0), as in PyTorch
        if reduction == "mean":
            output = np.asarray(losses.sum() / count if count else np.nan, dtype=logits.dtype)
        elif reduction == "sum":
            output = np.asarray(losses.sum())
        else:
            output = losses
        ctx.index, ctx.weight = index, weight
        ctx.save_for_backward(logits, exp / total)
        return output

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        logits, probabilities = ctx.saved_tensors
        return CrossEntropyGrad.apply(
            logits, grad_output, index=ctx.index, weight=ctx.weight,
            probabilities=probabilities._array,
        )


class CrossEntropyGrad(Primitive):
    """``(softmax(x) - onehot(target)) * (g * weight)``: the gradient of ``CrossEntropy``.

    x: (N, C, ...), g: a scalar or (N, ...), index: ``target_index(target)`` for class
    indices target (N, ...), weight: (N, ...) constants. Linear in g; with s = softmax(x),
    its derivatives applied to h (N, C, ...) are

        d/dx: c * s * (h - sum_C(s * h)),  c = g * weight
        d/dg: weight * (sum_C(s * h) - h[target]), summed to g's shape.

    ``probabilities`` (softmax(x)) may be passed in when the caller has them.
    """

    @staticmethod
    def forward(
        ctx: Context, logits: np.ndarray, grad: np.ndarray, index: Any = None,
        weight: Any = None, probabilities: np.ndarray | None = None,
    ) -> np.ndarray:
        if probabilities is None:
            _, exp, total = shifted_exp(logits, 1)
            probabilities = exp / total
        ctx.index, ctx.weight = index, weight
        ctx.save_for_backward(logits, grad)
        coefficient = np.multiply(grad, weight, dtype=logits.dtype)  # (N, ...)
        output = probabilities * coefficient[:, None]
        output[index] -= coefficient
        return output

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> tuple[Tensor | None, ...]:
        logits, grad = ctx.saved_tensors
        needs_logits, needs_grad = ctx.needs_input_grad
        index, weight = ctx.index, ctx.weight
        kept_shape = (weight.shape[0], 1, *weight.shape[1:])
        probabilities = LogSoftmax.apply(logits, dim=1).exp()
        spread = (grad_output * probabilities).sum(dim=1, keepdim=True)  # sum_C(s * h)
        grad_logits = grad_grad = None
        if needs_logits:
            coefficient = Reshape.apply(grad * weight, kept_shape)
            grad_logits = coefficient * probabilities * (grad_output - spread)
        if needs_grad:
            onehot = np.zeros(logits.shape, dtype=logits.dtype)
            onehot[index] = 1
            at_target = (grad_output * onehot).sum(dim=1, keepdim=True)
            per_sample = Reshape.apply((spread - at_target) * weight.reshape(kept_shape),
                                       weight.shape)
            grad_grad = sum_to(per_sample, grad.shape)
        return grad_logits, grad_grad


def cross_entropy(
    input: Tensor, target: Any, reduction: str = "mean", ignore_index: int = -100
) -> Tensor:
    """Softmax cross-entropy of logits ``input`` (N, C) or (C,) against class indices.

    The fast path of ``F.cross_entropy`` (``ops/classification.py``, which declares the
    public op): integer targets, no class weights, no label smoothing.

    ``target`` holds integers in [0, C) (or ``ignore_index``), shape (N,) (or () for a
    (C,) input; (N, d1, ...) for an (N, C, d1, ...) input).
    """
    op = "cross_entropy"
    if input._array.dtype.kind != "f":
        raise TypeError(f"{op}: input must hold floating-point logits, got dtype {input.dtype}")
    check_reduction(reduction, op)
    labels = target._array if isinstance(target, Tensor) else np.asarray(target)
    if labels.dtype.kind not in "iu":
        raise TypeError(
            f"{op}: target must hold integer class indices (int64), got dtype {labels.dtype}; "
            "convert it with .to(mt.int64) (probability targets are not supported)"
        )
    if input._array.ndim == 0:
        raise RuntimeError(f"{op}: input must have a class dimension, got a 0-D tensor")
    expected = (input._array.shape[0], *input._array.shape[2:]) if input._array.ndim > 1 else ()
    if labels.shape != expected:
        raise RuntimeError(
            f"{op}: expected target of shape {expected} for input of shape {input._array.shape} "
            f"(one class index per sample), got target of shape {labels.shape}"
        )
    classes = input._array.shape[1] if input._array.ndim > 1 else input._array.shape[0]
    if labels.size and (labels.min() < 0 or labels.max() >= classes):  # two cheap checks first
        wrong = (labels != ignore_index) & ((labels < 0) | (labels >= classes))
        if wrong.any():
            raise IndexError(
                f"{op}: target {labels[wrong].flat[0]} is out of bounds for {classes} classes "
                f"(expected 0 <= target < {classes}, or ignore_index={ignore_index})"
            )
    if input._array.ndim == 1:
        loss = CrossEntropy.apply(Reshape.apply(input, (1, classes)), target=labels.reshape(1),
                                  reduction=reduction, ignore_index=ignore_index)
        return Reshape.apply(loss, ()) if reduction == "none" else loss
    return CrossEntropy.apply(input, target=labels, reduction=reduction, ignore_index=ignore_index)
