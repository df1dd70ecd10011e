"""Convolution variants on top of the ``Conv2d`` / ``ConvTranspose2d`` primitives
(``ops/conv.py``): ``conv2d`` with ``dilation``, ``groups`` and ``padding='same'/'valid'``,
``conv1d``, ``conv_transpose2d``.

The plain case (no dilation, one group, integer padding) goes straight to the fused
primitive, so TinyCNN's hot path is unchanged. The others are compositions, exact and
differentiable to every order because each step is a primitive with a closed backward:

* dilation ``d``: the kernel spread out with zeros between its taps,
  ``w_d[:, :, d*u, d*v] = w[:, :, u, v]`` (``IndexAdjoint``: zeros with w placed), then a
  plain convolution with the ``(k - 1) d + 1`` kernel;
* ``groups`` G: a block-diagonal kernel, ``w_full[o, g(o)*C_g + j] = w[o, j]`` with
  ``g(o) = o // (O / G)``, so group g's outputs only see group g's input channels;
* ``padding='same'``: ``d (k - 1)`` zeros in all, ``left = total // 2`` before and the rest
  after (PyTorch's split); an odd total first pads one zero row/column after the input;
* ``conv1d``: ``conv2d`` on ``(N, C, 1, L)``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from microtensor.core.tensor import Tensor
from microtensor.ops import conv
from microtensor.ops.arguments import Pair, pair
from microtensor.ops.conv import ConvTranspose2d
from microtensor.ops.shape import IndexAdjoint
from microtensor.ops.table import public
from microtensor.ops.windows import check_4d


def _groups(groups: Any, op: str) -> int:
    if isinstance(groups, bool) or not isinstance(groups, int | np.integer) or groups < 1:
        raise ValueError(f"{op}: groups must be a positive integer, got {groups!r}")
    return int(groups)


def dilate_kernel(weight: Tensor, dilation: Pair) -> Tensor:
    """``weight`` (A, B, kh, kw) with ``d - 1`` zeros between taps: (A, B, (kh-1)dh+1, ...)."""
    if dilation == (1, 1):
        return weight
    a, b, kh, kw = weight.shape
    shape = (a, b, (kh - 1) * dilation[0] + 1, (kw - 1) * dilation[1] + 1)
    index = (slice(None), slice(None), slice(None, None, dilation[0]),
             slice(None, None, dilation[1]))
    return IndexAdjoint.apply(weight, index, shape)


def block_diagonal(weight: Tensor, groups: int, channels: int) -> Tensor:
    """``weight`` (O, C/G, ...) as (O, C, ...), zero outside each output's group block."""
    if groups == 1:
        return weight
    out_channels, per_group = weight.shape[:2]
    rows = np.arange(out_channels)[:, None]
    columns = (rows // (out_channels // groups)) * per_group + np.arange(per_group)[None, :]
    return IndexAdjoint.apply(weight, (rows, columns), (out_channels, channels,
                                                        *weight.shape[2:]))


def _same_padding(kernel: Pair, dilation: Pair) -> tuple[Pair, Pair]:
    """PyTorch's split of ``d (k - 1)`` zeros: (before, after) per side."""
    totals = (dilation[0] * (kernel[0] - 1), dilation[1] * (kernel[1] - 1))
    before = (totals[0] // 2, totals[1] // 2)
    return before, (totals[0] - before[0], totals[1] - before[1])


def _pad_after(x: Tensor, extra: Pair) -> Tensor:
    """``x`` (N, C, H, W) with ``extra`` zero rows/columns after the last ones."""
    if extra == (0, 0):
        return x
    n, c, h, w = x.shape
    index = (slice(None), slice(None), slice(0, h), slice(0, w))
    return IndexAdjoint.apply(x, index, (n, c, h + extra[0], w + extra[1]))


def _check_bias(bias: Any, channels: int, dtype: np.dtype, op: str) -> None:
    if bias is None:
        return
    if not isinstance(bias, Tensor):
        raise TypeError(f"{op}: bias must be a Tensor or None, got {type(bias).__name__}")
    if bias.shape != (channels,) or bias.dtype != dtype:
        raise RuntimeError(f"{op}: expected a bias of shape ({channels},) and dtype {dtype} "
                           f"(one per output channel), got shape {bias.shape} and dtype "
                           f"{bias.dtype}")


@public(methods=(), functional=True)
def conv2d(
    input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int | Pair = 1,
    padding: int | Pair | str = 0, dilation: int | Pair = 1, groups: int = 1,
) -> Tensor:
    """2-D convolution of ``input`` (N, C, H, W) with ``weight`` (O, C / groups, kh, kw).

    ``padding``: an int, a pair, ``'valid'`` (none) or ``'same'`` (output of the input's
    size; stride 1 only). Output (N, O, OH, OW),
    ``OH = floor((H + 2 * padding - dilation * (kh - 1) - 1) / stride) + 1``.
    """
    if dilation in (1, (1, 1)) and groups == 1 and not isinstance(padding, str):
        return conv.conv2d(input, weight, bias, stride, padding)  # the fused fast path
    op = "conv2d"
    dilations = pair(dilation, "dilation", op, minimum=1)
    groups = _groups(groups, op)
    if isinstance(padding, str):
        if padding not in ("same", "valid"):
            raise ValueError(f"{op}: Invalid padding string {padding!r}, should be one of "
                             "'valid' or 'same'")
        if padding == "same" and pair(stride, "stride", op, minimum=1) != (1, 1):
            raise ValueError(f"{op}: padding='same' is not supported for strided convolutions")
    elif dilations == (1, 1) and groups == 1:
        return conv.conv2d(input, weight, bias, stride, padding)  # the fused fast path
    check_4d(op, "input", input, "(batch, channels, height, width)")
    check_4d(op, "weight", weight, "(out_channels, in_channels / groups, kernel_h, kernel_w)")
    out_channels, per_group = weight.shape[:2]
    if out_channels % groups:
        raise RuntimeError(f"{op}: out_channels ({out_channels}, weight shape {weight.shape}) "
                           f"must be divisible by groups={groups}")
    if input.shape[1] != per_group * groups:
        raise RuntimeError(
            f"{op}: Given groups={groups}, weight of size {weight.shape}, expected input "
            f"{input.shape} to have {per_group * groups} channels, but got {input.shape[1]} "
            "channels instead")
    _check_bias(bias, out_channels, weight.dtype, op)
    kernel = block_diagonal(dilate_kernel(weight, dilations), groups, input.shape[1])
    if padding == "valid":
        padding = 0
    elif padding == "same":
        before, after = _same_padding(weight.shape[2:], dilations)
        input = _pad_after(input, (after[0] - before[0], after[1] - before[1]))  # noqa: A001
        padding = before
    return conv.conv2d(input, kernel, bias, stride, padding)


@public(methods=(), functional=True)
def conv1d(
    input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int = 1,
    padding: int | str = 0, dilation: int = 1, groups: int = 1,
) -> Tensor:
    """1-D convolution of ``input`` (N, C, L) or (C, L) with ``weight`` (O, C / groups, k):
    ``conv2d`` on (N, C, 1, L). Output (N, O, L_out)."""
    op = "conv1d"
    if not isinstance(input, Tensor) or not isinstance(weight, Tensor):
        raise TypeError(f"{op}: input and weight must be Tensors")
    if input.ndim not in (2, 3) or weight.ndim != 3:
        raise RuntimeError(f"{op}: expected a 2-D (C, L) or 3-D (N, C, L) input and a 3-D "
                           f"weight (out_channels, in_channels / groups, kernel), got input "
                           f"{input.shape} and weight {weight.shape}")
    unbatched = input.ndim == 2
    images = input.reshape(1, *input.shape) if unbatched else input
    images = images.reshape(images.shape[0], images.shape[1], 1, images.shape[2])
    one = lambda value, name: (1, _single(value, name, op))  # noqa: E731
    padding2 = padding if isinstance(padding, str) else (0, _single(padding, "padding", op))
    output = conv2d(images, weight.reshape(*weight.shape[:2], 1, weight.shape[2]), bias,
                    one(stride, "stride"), padding2, one(dilation, "dilation"), groups)
    output = output.reshape(output.shape[0], output.shape[1], output.shape[3])
    return output.reshape(output.shape[1:]) if unbatched else output


def _single(value: Any, name: str, op: str) -> int:
    """An int, or a 1-tuple of one (PyTorch's ``_single``)."""
    if isinstance(value, tuple | list) and len(value) == 1:
        value = value[0]
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"{op}: {name} must be an int or a 1-tuple of ints, got {value!r}")
    return int(value)


@public(methods=(), functional=True)
def conv_transpose2d(
    input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int | Pair = 1,
    padding: int | Pair = 0, output_padding: int | Pair = 0, groups: int = 1,
    dilation: int | Pair = 1,
) -> Tensor:
    """Transposed 2-D convolution (the adjoint of ``conv2d`` in its input) of ``input``
    (N, C_in, H, W) with ``weight`` (C_in, C_out / groups, kh, kw). Output (N, C_out, OH, OW),
    ``OH = (H - 1) * stride - 2 * padding + dilation * (kh - 1) + output_padding + 1``.
    """
    op = "conv_transpose2d"
    check_4d(op, "input", input, "(batch, channels, height, width)")
    check_4d(op, "weight", weight, "(in_channels, out_channels / groups, kernel_h, kernel_w)")
    strides = pair(stride, "stride", op, minimum=1)
    pads = pair(padding, "padding", op, minimum=0)
    extra = pair(output_padding, "output_padding", op, minimum=0)
    dilations = pair(dilation, "dilation", op, minimum=1)
    groups = _groups(groups, op)
    if extra[0] >= max(strides[0], dilations[0]) or extra[1] >= max(strides[1], dilations[1]):
        raise ValueError(f"{op}: output padding {extra} must be smaller than either stride "
                         f"{strides} or dilation {dilations}")
    in_channels, per_group = weight.shape[:2]
    if input.shape[1] != in_channels:
        raise RuntimeError(f"{op}: input has {input.shape[1]} channels (shape {input.shape}) "
                           f"but weight {weight.shape} expects {in_channels}")
    if in_channels % groups:
        raise RuntimeError(f"{op}: in_channels ({in_channels}) must be divisible by "
                           f"groups={groups}")
    if input.dtype != weight.dtype:
        raise RuntimeError(f"{op}: input dtype {input.dtype} and weight dtype {weight.dtype} "
                           "should be the same")
    out_channels = per_group * groups
    _check_bias(bias, out_channels, weight.dtype, op)
    kernel = dilate_kernel(weight, dilations)
    if groups > 1:  # (C_in, C_out / G) -> (C_in, C_out), block-diagonal
        rows = np.arange(in_channels)[:, None]
        columns = (rows // (in_channels // groups)) * per_group + np.arange(per_group)[None, :]
        kernel = IndexAdjoint.apply(kernel, (rows, columns),
                                    (in_channels, out_channels, *kernel.shape[2:]))
    kh, kw = kernel.shape[2:]
    size = tuple((input.shape[2 + i] - 1) * strides[i] - 2 * pads[i] + (kh, kw)[i] + extra[i]
                 for i in range(2))
    if min(size) < 1:
        raise RuntimeError(f"{op}: the output size {size} is too small (input {input.shape}, "
                           f"stride {strides}, padding {pads})")
    output = ConvTranspose2d.apply(input, kernel, stride=strides, padding=pads,
                                   output_size=size)
    return output if bias is None else output + bias.reshape(1, out_channels, 1, 1)
