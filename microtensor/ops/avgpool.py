"""Average pooling and adaptive pooling, as compositions of existing primitives.

* ``avg_pool2d``: each channel convolved with a constant all-ones kernel (``Conv2d`` on the
  channels folded into the batch), divided by the window size (``count_include_pad``), by
  the count of real pixels in each window, or by ``divisor_override``::

      y[n, c, i, j] = sum_{u, v} xp[n, c, s*i + u, s*j + v] / divisor[i, j]

  Linear in x; its gradient is ``conv_transpose2d`` of the same constant kernel.
* ``adaptive_avg_pool2d``: output cell ``i`` averages rows ``floor(i H / OH)`` to
  ``ceil((i + 1) H / OH)`` (PyTorch's windows), which is a product with two constant
  averaging matrices, ``y = P_h @ x @ P_w^T``: any output size, exact.
* ``adaptive_max_pool2d``: ``max_pool2d`` with kernel = stride = input / output size, for
  output sizes that divide the input (others are refused, saying so).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from microtensor.core.tensor import Tensor
from microtensor.ops.arguments import Pair, pair
from microtensor.ops.conv import Conv2d
from microtensor.ops.pool import max_pool2d
from microtensor.ops.table import public
from microtensor.ops.windows import check_geometry


def _images(input: Tensor, op: str) -> tuple[Tensor, bool]:
    """A (C, H, W) or (N, C, H, W) float input as 4-D, and whether a batch was added."""
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: input must be a Tensor, got {type(input).__name__}")
    if input.ndim not in (3, 4):
        raise RuntimeError(f"{op}: expected a 3-D (C, H, W) or 4-D (N, C, H, W) input, got a "
                           f"{input.ndim}-D input of shape {input.shape}")
    if input.dtype.kind != "f":
        raise TypeError(f"{op}: expected a floating-point input, got dtype {input.dtype}")
    if input.ndim == 3:
        return input.reshape(1, *input.shape), True
    return input, False


def _window_counts(size: Pair, kernel: Pair, stride: Pair, padding: Pair) -> np.ndarray:
    """(OH, OW): how many real (not padding) pixels each window covers."""
    counts = []
    for length, k, s, p in zip(size, kernel, stride, padding, strict=True):
        starts = np.arange((length + 2 * p - k) // s + 1) * s - p
        counts.append(np.minimum(starts + k, length) - np.maximum(starts, 0))
    return np.outer(counts[0], counts[1])


@public(methods=(), function=False, functional=True)
def avg_pool2d(
    input: Tensor, kernel_size: int | Pair, stride: int | Pair | None = None,
    padding: int | Pair = 0, ceil_mode: bool = False, count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> Tensor:
    """Average pooling of ``input`` (N, C, H, W) or (C, H, W), as PyTorch's.

    ``stride`` defaults to the kernel; zero padding of at most half the kernel.
    Output (N, C, OH, OW), ``OH = floor((H + 2 * padding - kernel) / stride) + 1``.
    """
    op = "avg_pool2d"
    images, added = _images(input, op)
    kernel = pair(kernel_size, "kernel_size", op, minimum=1)
    strides = kernel if stride is None or stride == [] else pair(stride, "stride", op, minimum=1)
    pads = pair(padding, "padding", op, minimum=0)
    if ceil_mode:
        raise NotImplementedError(f"{op}: ceil_mode=True is not supported; pad the input "
                                  "instead (the output size rounds down)")
    if pads[0] > kernel[0] // 2 or pads[1] > kernel[1] // 2:
        raise RuntimeError(f"{op}: pad should be at most half of effective kernel size, but "
                           f"got pad={pads}, kernel_size={kernel}")
    if divisor_override is not None and (isinstance(divisor_override, bool)
                                         or not isinstance(divisor_override, int)
                                         or divisor_override <= 0):
        raise RuntimeError(f"{op}: divisor must be not zero (a positive int), got "
                           f"{divisor_override!r}")
    check_geometry(op, images.shape, kernel, strides, pads)
    n, c, h, w = images.shape
    ones = Tensor._make(np.ones((1, 1, *kernel), dtype=images.dtype))
    sums = Conv2d.apply(images.reshape(n * c, 1, h, w), ones, None, stride=strides,
                        padding=pads)
    sums = sums.reshape(n, c, *sums.shape[2:])
    if divisor_override is not None:
        output = sums * (1.0 / divisor_override)
    elif count_include_pad or pads == (0, 0):
        output = sums * (1.0 / (kernel[0] * kernel[1]))
    else:
        counts = _window_counts((h, w), kernel, strides, pads)
        output = sums * (1.0 / counts).astype(images.dtype)
    return output.reshape(output.shape[1:]) if added else output


def _output_size(output_size: Any, size: tuple[int, int], op: str) -> Pair:
    """PyTorch's ``output_size``: an int, or a pair whose None entries keep the input's."""
    if isinstance(output_size, tuple | list):
        if len(output_size) != 2:
            raise TypeError(f"{op}: output_size must be an int or a pair, got {output_size!r}")
        output_size = tuple(s if v is None else v for v, s in zip(output_size, size, strict=True))
    result = pair(output_size, "output_size", op, minimum=1)
    return result


def _averaging_matrix(length: int, out: int, dtype: np.dtype) -> np.ndarray:
    """(out, length): row i averages [floor(i L / out), ceil((i + 1) L / out))."""
    matrix = np.zeros((out, length), dtype=dtype)
    for i in range(out):
        start, end = (i * length) // out, math.ceil((i + 1) * length / out)
        matrix[i, start:end] = 1.0 / (end - start)
    return matrix


@public(methods=(), function=False, functional=True)
def adaptive_avg_pool2d(input: Tensor, output_size: Any) -> Tensor:
    """Average pooling of ``input`` (N, C, H, W) or (C, H, W) to ``output_size`` (OH, OW),
    with PyTorch's windows (any output size)."""
    op = "adaptive_avg_pool2d"
    images, added = _images(input, op)
    h, w = images.shape[2:]
    oh, ow = _output_size(output_size, (h, w), op)
    rows = Tensor._make(_averaging_matrix(h, oh, images.dtype))
    columns = Tensor._make(_averaging_matrix(w, ow, images.dtype).T.copy())
    output = rows @ images @ columns
    return output.reshape(output.shape[1:]) if added else output


@public(methods=(), function=False, functional=True)
def adaptive_max_pool2d(input: Tensor, output_size: Any, return_indices: bool = False) -> Tensor:
    """Max pooling of ``input`` (N, C, H, W) or (C, H, W) to ``output_size`` (OH, OW) that
    divides the input's size: ``max_pool2d`` with kernel = stride = (H / OH, W / OW)."""
    op = "adaptive_max_pool2d"
    images, added = _images(input, op)
    if return_indices:
        raise NotImplementedError(f"{op}: return_indices=True is not supported")
    h, w = images.shape[2:]
    oh, ow = _output_size(output_size, (h, w), op)
    if h % oh or w % ow:
        raise NotImplementedError(
            f"{op}: output size {(oh, ow)} must divide the input size {(h, w)} (windows of "
            "unequal sizes are not supported); choose an output size that divides it"
        )
    output = max_pool2d(images, (h // oh, w // ow))
    return output.reshape(output.shape[1:]) if added else output
