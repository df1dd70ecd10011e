"""Normalisation: the primitive ``BatchNorm`` and the ``F.`` ops ``batch_norm``,
``layer_norm``, ``group_norm``.

``layer_norm`` and ``group_norm`` are compositions (mean, subtract, scale by
``(var + eps) ** -0.5``, then the affine ``* weight + bias``), so their gradients, and
their second derivatives, come from the primitives. ``batch_norm`` in training mode is
one fused primitive, :class:`BatchNorm` (see its docstring for why); in evaluation mode
it is ``x * scale + shift`` with per-channel ``scale`` and ``shift``. The variance that
normalises is the biased one (divide by ``n``), as PyTorch's; ``batch_norm`` puts the
unbiased one (``n - 1``) into ``running_var``.

Shapes: ``batch_norm`` normalises ``(N, C, *)`` per channel over every other dim;
``layer_norm`` over the last ``len(normalized_shape)`` dims; ``group_norm`` over each
group of ``C // num_groups`` channels and the spatial dims, per sample.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from microtensor.core import grad_mode
from microtensor.core.function import Context, Primitive
from microtensor.core.tensor import Tensor
from microtensor.ops.table import public


class BatchNorm(Primitive):
    """Training-mode batch normalisation, ``y = (x - mean) * invstd * weight + bias``.

    x is ``(N, C, *)``; ``mean`` and the biased variance ``var`` are per channel, over
    N and the spatial dims (``M`` values each), ``invstd = (var + eps) ** -0.5``;
    ``weight`` and ``bias`` are ``(C,)`` or None. Nothing is updated here: the running
    statistics are the public op's business (it passes a list as ``statistics`` to get
    the batch's ``(mean, var)``, each ``(1, C, 1, ...)``).

    Fused on purpose, as PyTorch fuses it: one node instead of about ten (mean,
    subtract, square, mean, add, power, multiply, weight, bias), and it keeps only x,
    weight and the per-channel mean and invstd for backward, where the composition kept
    two more full-size activations (the centred and the normalised input). With g =
    dL/dy, ``x_hat = (x - mean) * invstd`` and means and sums over N and spatial dims:

        dx = invstd * (g*w - mean(g*w) - x_hat * mean(g*w*x_hat)),
        dweight = sum(g * x_hat),  dbias = sum(g).

    As w is per channel, dx = w * invstd * (g - sum(g) / M - x_hat * dweight / M), which
    is how it is computed. The backward is made of primitives (sub, mul, sum, ...): with
    grad mode off (a first-order backward) it uses the saved statistics; with
    ``create_graph`` it recomputes them from x with primitives, so that the gradient is
    a differentiable function of x, weight and g (second derivatives).
    """

    @staticmethod
    def forward(
        ctx: Context, x: np.ndarray, weight: np.ndarray | None, bias: np.ndarray | None,
        eps: float = 1e-5, statistics: list | None = None,
    ) -> np.ndarray:
        dims = (0, *range(2, x.ndim))
        mean = x.mean(axis=dims, keepdims=True)
        output = x - mean
        var = np.square(output).mean(axis=dims, keepdims=True)
        invstd = (var + eps) ** -0.5
        ctx.save_for_backward(x, weight, mean, invstd)
        ctx.eps, ctx.dims = eps, dims
        output *= invstd if weight is None else invstd * weight.reshape(mean.shape)
        if bias is not None:
            output += bias.reshape(mean.shape)
        if statistics is not None:
            statistics.append((mean, var))
        return output

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> tuple[Tensor | None, ...]:
        x, weight, mean, invstd = ctx.saved_tensors
        needs_x, needs_weight, needs_bias = ctx.needs_input_grad
        dims, count = ctx.dims, x.numel() // x.shape[1]
        if grad_mode.state.enabled:  # create_graph: the statistics as functions of x
            mean = x.mean(dims, keepdim=True)
            centred = x - mean
            invstd = ((centred * centred).mean(dims, keepdim=True) + ctx.eps) ** -0.5
        else:
            centred = x - mean
        sum_g = grad_output.sum(dims, keepdim=True)
        grad_weight = (grad_output * centred).sum(dims, keepdim=True) * invstd  # sum(g x_hat)
        grad_x = None
        if needs_x:
            scale = invstd if weight is None else invstd * weight.reshape(mean.shape)
            centred_scale = grad_weight * invstd * (1 / count)
            grad_x = (grad_output - sum_g * (1 / count) - centred * centred_scale) * scale
        channels = (x.shape[1],)
        return (
            grad_x,
            grad_weight.reshape(channels) if needs_weight else None,
            sum_g.reshape(channels) if needs_bias else None,
        )


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

    Training: the batch's statistics normalise (one ``BatchNorm`` node), and the running
    ones (when given) are updated in place, ``r = (1 - momentum) r + momentum * batch``
    with the unbiased variance. Otherwise ``running_mean`` and ``running_var`` normalise,
    as ``x * scale + shift`` with ``scale = weight / sqrt(running_var + eps)`` and
    ``shift = bias - running_mean * scale`` per channel. Weight and bias, when given,
    must have the input's dtype (as in PyTorch).
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
    for name, tensor in (("weight", weight), ("bias", bias)):
        if tensor is not None and tensor.dtype != input.dtype:
            raise RuntimeError(
                f"batch_norm: mixed dtypes: input is {input.dtype} but {name} is "
                f"{tensor.dtype}; expected the same dtype (convert one with .to())"
            )
    if not training:
        if running_mean is None or running_var is None:
            raise RuntimeError("running_mean and running_var must be defined in evaluation mode")
        # PyTorch's evaluation kernel: y = x * scale + shift, per-channel scale and shift
        scale = (running_var.reshape(shape) + eps) ** -0.5
        if weight is not None:
            scale = scale * weight.reshape(shape)
        shift = -running_mean.reshape(shape) * scale
        if bias is not None:
            shift = shift + bias.reshape(shape)
        return input * scale + shift
    count = input.numel() // channels
    if count <= 1:
        raise ValueError(
            "Expected more than 1 value per channel when training, got input size "
            f"{input.shape}"
        )
    statistics: list[tuple[np.ndarray, np.ndarray]] = []
    output = BatchNorm.apply(input, weight, bias, eps=eps, statistics=statistics)
    ((mean, var),) = statistics
    if running_mean is not None:
        _update(running_mean, mean.reshape(channels), momentum)
    if running_var is not None:
        _update(running_var, var.reshape(channels) * (count / (count - 1)), momentum)
    return output


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
