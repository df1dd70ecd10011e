"""``microtensor.nn.functional``: the user-facing ops, composed from the primitives."""

from __future__ import annotations

from microtensor import ops
from microtensor.core.tensor import Tensor


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


def conv2d(
    input: Tensor, weight: Tensor, bias: Tensor | None = None,  # noqa: A002
    stride: int | tuple[int, int] = 1, padding: int | tuple[int, int] = 0,
) -> Tensor:
    """2-D convolution (NCHW), as PyTorch's; see ``microtensor.ops.conv``."""
    return ops.conv2d(input, weight, bias, stride, padding)


def max_pool2d(
    input: Tensor, kernel_size: int | tuple[int, int],  # noqa: A002
    stride: int | tuple[int, int] | None = None, padding: int | tuple[int, int] = 0,
) -> Tensor:
    """2-D max pooling (stride defaults to kernel_size), as PyTorch's; see ``ops.pool``."""
    return ops.max_pool2d(input, kernel_size, stride, padding)


def cross_entropy(
    input: Tensor, target: Tensor, reduction: str = "mean",  # noqa: A002
    ignore_index: int = -100,
) -> Tensor:
    """Softmax cross-entropy with integer class targets, as PyTorch's; see ``ops.loss``."""
    return ops.cross_entropy(input, target, reduction, ignore_index)


__all__ = [
    "conv2d", "cross_entropy", "linear", "log_softmax", "max_pool2d", "relu", "softmax",
]
