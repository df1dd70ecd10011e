"""Normalisation: the ``F.`` ops ``batch_norm``, ``layer_norm``, ``group_norm``.

Each is a composition (mean, subtract, scale by ``(var + eps) ** -0.5``, then the affine
``* weight + bias``), so its gradient, and its second derivative, come from the
primitives. The variance that normalises is the biased one (divide by ``n``), as
PyTorch's; ``batch_norm`` puts the unbiased one (``n - 1``) into ``running_var``.

Shapes: ``batch_norm`` normalises ``(N, C, *)`` per channel over every other dim;
``layer_norm`` over the last ``len(normalized_shape)`` dims; ``group_norm`` over each
group of ``C // num_groups`` channels and the spatial dims, per sample.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from microtensor.core.tensor import Tensor
from microtensor.ops.table import public


def _normalize(input: Tensor, dims: tuple[int, ...], eps: float) -> tuple[Tensor, Tensor, Tensor]:
    """``((x - mean) / sqrt(var + eps), mean, var)`` over ``dims`` (kept as size 1)."""
    mean = input.mean(dims, keepdim=True)
    centred = input - mean
    var = (centred * centred).mean(dims, keepdim=True)
    return centred * (var + eps) ** -0.5, mean, var


def _affine(output: Tensor, weight: Tensor | None, bias: Tensor | None, shape: Any) -> Tensor:
    if weight is not None:
        output = output * weight.reshape(shape)
    if bias is not None:
        output = output + bias.reshape(shape)
    return output


def _update(running: Tensor, batch: np.ndarray, momentum: float) -> None:
    """``running = (1 - momentum) * running + momentum * batch``, in place."""
    array = running._array
    array *= 1 - momentum
    array += (momentum * batch).astype(array.dtype, copy=False)
    running._bump_version()


@public(methods=(), function=False, functional=True)
def batch_norm(
    input: Tensor,
    running_mean: Tensor | None,
    running_var: Tensor | None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """``(x - mean) / sqrt(var + eps) * weight + bias`` per channel (dim 1).

    Training: the batch's statistics normalise, and the running ones (when given) are
    updated in place, ``r = (1 - momentum) r + momentum * batch`` with the unbiased
    variance. Otherwise ``running_mean`` and ``running_var`` normalise.
    """
    if input.ndim < 2:
        raise ValueError(f"batch_norm: expected an input of shape (N, C, *), got {input.shape}")
    channels = input.shape[1]
    shape = (1, channels) + (1,) * (input.ndim - 2)
    for name, tensor in (("running_mean", running_mean), ("running_var", running_var),
                         ("weight", weight), ("bias", bias)):  # fmt: skip
        if tensor is not None and tensor.numel() != channels:
            raise RuntimeError(
                f"batch_norm: {name} should contain {channels} elements not {tensor.numel()}"
            )
    if not training:
        if running_mean is None or running_var is None:
            raise RuntimeError("running_mean and running_var must be defined in evaluation mode")
        scale = (running_var.reshape(shape) + eps) ** -0.5
        return _affine((input - running_mean.reshape(shape)) * scale, weight, bias, shape)
    count = input.numel() // channels
    if count <= 1:
        raise ValueError(
            "Expected more than 1 value per channel when training, got input size "
            f"{input.shape}"
        )
    dims = (0, *range(2, input.ndim))
    output, mean, var = _normalize(input, dims, eps)
    if running_mean is not None:
        _update(running_mean, mean._array.reshape(channels), momentum)
    if running_var is not None:
        _update(running_var, var._array.reshape(channels) * (count / (count - 1)), momentum)
    return _affine(output, weight, bias, shape)


@public(methods=(), function=False, functional=True)
def layer_norm(
    input: Tensor,
    normalized_shape: int | Sequence[int],
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """``(x - mean) / sqrt(var + eps) * weight + bias`` over the last dims, which must
    have shape ``normalized_shape`` (as must ``weight`` and ``bias``)."""
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    count = len(shape)
    if count == 0 or input.shape[input.ndim - count:] != shape or input.ndim < count:
        expected = ", ".join(["*", *map(str, shape)])
        raise RuntimeError(
            f"Given normalized_shape={list(shape)}, expected input with shape [{expected}], "
            f"but got input of size{list(input.shape)}"
        )
    dims = tuple(range(input.ndim - count, input.ndim))
    output, _, _ = _normalize(input, dims, eps)
    return _affine(output, weight, bias, shape)


@public(methods=(), function=False, functional=True)
def group_norm(
    input: Tensor,
    num_groups: int,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """Per sample, ``(x - mean) / sqrt(var + eps)`` over each group of ``C // num_groups``
    channels (and the spatial dims), then ``* weight + bias`` per channel."""
    if input.ndim < 2 or input.shape[1] % num_groups != 0:
        raise RuntimeError(
            "Expected number of channels in input to be divisible by num_groups, but got "
            f"input of shape {list(input.shape)} and num_groups={num_groups}"
        )
    batch, channels = input.shape[:2]
    grouped = input.reshape(batch, num_groups, -1)
    output, _, _ = _normalize(grouped, (2,), eps)
    shape = (1, channels) + (1,) * (input.ndim - 2)
    return _affine(output.reshape(input.shape), weight, bias, shape)
