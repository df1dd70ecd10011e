"""``microtensor.nn.functional``: the user-facing ops, composed from the primitives."""

from __future__ import annotations

from microtensor import ops
from microtensor.tensor import Tensor


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:  # noqa: A002
    """``input @ weight.T + bias``, weight of shape (out_features, in_features)."""
    if input.shape[-1] != weight.shape[-1]:
        raise RuntimeError(
            f"linear: input has {input.shape[-1]} features (shape {input.shape}) but "
            f"weight expects {weight.shape[-1]} (weight shape {weight.shape})"
        )
    output = ops.matmul(input, ops.transpose(weight, 0, 1))
    return output if bias is None else output + bias


def relu(input: Tensor) -> Tensor:  # noqa: A002
    """max(input, 0), with relu'(0) = 0."""
    return ops.Relu.apply(input)


def softmax(input: Tensor, dim: int) -> Tensor:  # noqa: A002
    return ops.softmax(input, dim)


def log_softmax(input: Tensor, dim: int) -> Tensor:  # noqa: A002
    return ops.log_softmax(input, dim)


__all__ = ["linear", "log_softmax", "relu", "softmax"]
