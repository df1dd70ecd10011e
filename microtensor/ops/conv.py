"""2-D convolution: the primitive Conv2d, the two its gradients are made of, the op ``conv2d``.

With stride ``s``, padding ``p`` and an input ``x`` zero-padded to ``xp``, a convolution
(PyTorch's ``conv2d``: a cross-correlation, the kernel is not flipped) is::

    y[n, o, i, j] = b[o] + sum_{c, u, v} w[o, c, u, v] * xp[n, c, s*i + u, s*j + v]

It is bilinear in ``(x, w)``, so each of its derivatives is again a convolution-like map:

* ``ConvTranspose2d(g, w)``: the input gradient, ``dx = conv_transpose2d(dy, w)``: every
  output gradient is spread back over the window it came from (the seed's "full
  convolution with the flipped kernel" when the stride is 1).
* ``Conv2dWeight(x, g)``: the weight gradient, ``dw[o, c, u, v] = sum_{n, i, j}
  dy[n, o, i, j] * xp[n, c, s*i + u, s*j + v]``.

Since ``<conv2d(x, w), g> = <x, conv_transpose2d(g, w)> = <w, conv2d_weight(x, g)>``,
each of the three has its two gradients among the other two and itself: the set is
closed under backward, and every derivative of every order is exact.

Fused on purpose, for speed: the forward is im2col (a strided view of the windows
copied once into columns) and one batched matmul that yields NCHW directly::

    columns: (N, C*kh*kw, OH*OW)     weight: (O, C*kh*kw)     y = weight @ columns

The columns are kept for the weight gradient, so backward does not rebuild them. The
bias is fused too, as PyTorch's ``conv2d`` does: ``Conv2d`` takes it as an optional third
input and adds it in place to the product, so a convolution layer is one node of the
graph instead of two (a separate ``Add`` would cost a second ``apply``, a broadcast and,
in backward, a ``SumTo`` node; on TinyCNN's small tensors that overhead is what a step
costs). Its gradient is still a primitive, ``Sum`` over (N, OH, OW), so second
derivatives go through.
"""

from __future__ import annotations

import numpy as np

from microtensor.core.function import Context, Primitive
from microtensor.core.tensor import Tensor
from microtensor.ops.arguments import Pair, pair
from microtensor.ops.reduction import Sum
from microtensor.ops.windows import check_4d, check_geometry, pad2d


def window_view(xp: np.ndarray, kernel_size: Pair, stride: Pair) -> np.ndarray:
    """The windows of a padded ``xp`` as a strided view (N, C, kh, kw, OH, OW), no copy.

    ``view[n, c, u, v, i, j] = xp[n, c, s*i + u, s*j + v]``. Built with the ``ndarray``
    constructor on ``xp``'s memory: one call, where ``sliding_window_view`` costs about
    ten microseconds of argument handling (a third of a small convolution).
    """
    if not xp.flags.c_contiguous:
        xp = np.ascontiguousarray(xp)
    n, c, hp, wp = xp.shape
    (kh, kw), (sh, sw) = kernel_size, stride
    shape = (n, c, kh, kw, (hp - kh) // sh + 1, (wp - kw) // sw + 1)
    step_n, step_c, step_h, step_w = xp.strides
    strides = (step_n, step_c, step_h, step_w, sh * step_h, sw * step_w)
    return np.ndarray(shape, xp.dtype, xp, 0, strides)


def im2col(
    x: np.ndarray, kernel_size: Pair, stride: Pair, padding: Pair
) -> tuple[np.ndarray, Pair]:
    """The windows of ``x`` as columns (N, C*kh*kw, OH*OW), and ``(OH, OW)``.

    ``columns[n, (c, u, v), (i, j)] = xp[n, c, s*i + u, s*j + v]``: the strided window
    view costs nothing; the one copy is the reshape into columns, whose rows run along
    the output positions (contiguous runs of OW), so each sample is one matrix for BLAS.
    """
    windows = window_view(pad2d(x, padding), kernel_size, stride)
    n, c, kh, kw, oh, ow = windows.shape
    return windows.reshape(n, c * kh * kw, oh * ow), (oh, ow)


def conv_transpose2d_array(
    grad: np.ndarray, weight: np.ndarray, output_size: Pair, stride: Pair, padding: Pair
) -> np.ndarray:
    """``dx`` (N, C, H, W) from ``g`` (N, O, OH, OW) and ``w`` (O, C, kh, kw).

    Every ``g[n, o, i, j] * w[o, c, u, v]`` is added to ``xp[n, c, s*i + u, s*j + v]``.
    ``g`` is first placed on the padded input's grid at ``(s*i, s*j)`` (zeros elsewhere).
    Then, per kernel offset ``(u, v)``, one matmul ``w[:, :, u, v]^T @ grid`` gives an
    image of products laid out like the padded input, which belongs ``u`` rows and ``v``
    columns further on: in the flattened buffer of all padded images, a shift by
    ``u * Wp + v``, so one contiguous add (NumPy adds long runs far faster than many
    short rows). A product never shifts past its own image: only the grid's zeros spill.
    """
    n, out_channels, oh, ow = grad.shape
    channels, kh, kw = weight.shape[1:]
    (h, w), (sh, sw), (ph, pw) = output_size, stride, padding
    hp, wp = h + 2 * ph, w + 2 * pw
    grid = np.zeros((n, out_channels, hp, wp), dtype=grad.dtype)
    grid[:, :, : sh * oh : sh, : sw * ow : sw] = grad
    grid = grid.reshape(n, out_channels, hp * wp)
    size = n * channels * hp * wp
    buffer = np.zeros(size + (kh - 1) * wp + kw - 1, dtype=np.result_type(grad, weight))
    taps = weight.transpose(2, 3, 1, 0).copy()  # (kh, kw, C, O): contiguous matrices for BLAS
    for u in range(kh):
        for v in range(kw):
            shifted = buffer[u * wp + v : u * wp + v + size].reshape(n, channels, hp * wp)
            shifted += np.matmul(taps[u, v], grid)
    return buffer[:size].reshape(n, channels, hp, wp)[:, :, ph : ph + h, pw : pw + w]


KEEP_COLUMNS = 2**20
"""The largest im2col buffer (in elements, 4 MiB of float32) that conv2d keeps for backward."""


class Conv2d(Primitive):
    """``y = conv2d(x, w) + b`` (NCHW; x: (N, C, H, W), w: (O, C, kh, kw), b: (O,) or None).

    Output (N, O, OH, OW) with ``OH = (H + 2*ph - kh) // sh + 1`` (and OW alike).
    dx = conv_transpose2d(dy, w), dw = conv2d_weight(x, dy), db = sum of dy over (N, OH, OW).
    The bias is fused (one node per layer, as in PyTorch; see the module docstring).
    """

    @staticmethod
    def forward(
        ctx: Context, x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None,
        stride: Pair = (1, 1), padding: Pair = (0, 0),
    ) -> np.ndarray:
        out_channels = weight.shape[0]
        columns, (oh, ow) = im2col(x, weight.shape[2:], stride, padding)
        output = np.matmul(weight.reshape(out_channels, -1), columns)  # (N, O, OH*OW)
        if bias is not None:
            output += bias[:, None]
        ctx.stride, ctx.padding = stride, padding
        # The columns are kh*kw times the input: kept for the weight gradient when small
        # (no second im2col), made again in backward when large (memory, as PyTorch).
        ctx.save_for_backward(x, weight, columns if columns.size <= KEEP_COLUMNS else None)
        return output.reshape(x.shape[0], out_channels, oh, ow)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> tuple[Tensor | None, ...]:
        x, weight, columns = ctx.saved_tensors
        needs_x, needs_w, needs_b = ctx.needs_input_grad
        stride, padding = ctx.stride, ctx.padding
        grad_x = grad_w = grad_b = None
        if needs_x:
            grad_x = ConvTranspose2d.apply(
                grad_output, weight, stride=stride, padding=padding, output_size=x.shape[2:]
            )
        if needs_w:
            grad_w = Conv2dWeight.apply(
                x, grad_output, kernel_size=weight.shape[2:], stride=stride, padding=padding,
                columns=None if columns is None else columns._array,
            )
        if needs_b:
            grad_b = Sum.apply(grad_output, dim=(0, 2, 3))
        return grad_x, grad_w, grad_b


class ConvTranspose2d(Primitive):
    """``dx = conv_transpose2d(g, w)``: the adjoint of ``conv2d`` in its input.

    g: (N, O, OH, OW), w: (O, C, kh, kw), output (N, C, *output_size). Computed as
    one matmul and one contiguous add per kernel offset (``conv_transpose2d_array``).
    Bilinear: d/dg applied to h is ``conv2d(h, w)``, d/dw is ``conv2d_weight(h, g)``.
    """

    @staticmethod
    def forward(
        ctx: Context, grad: np.ndarray, weight: np.ndarray, stride: Pair = (1, 1),
        padding: Pair = (0, 0), output_size: Pair = (1, 1),
    ) -> np.ndarray:
        ctx.stride, ctx.padding = stride, padding
        ctx.save_for_backward(grad, weight)
        return conv_transpose2d_array(grad, weight, output_size, stride, padding)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> tuple[Tensor | None, ...]:
        grad, weight = ctx.saved_tensors
        needs_grad, needs_w = ctx.needs_input_grad
        stride, padding = ctx.stride, ctx.padding
        return (
            Conv2d.apply(grad_output, weight, None, stride=stride, padding=padding)
            if needs_grad else None,
            Conv2dWeight.apply(
                grad_output, grad, kernel_size=weight.shape[2:], stride=stride,
                padding=padding,
            ) if needs_w else None,
        )


class Conv2dWeight(Primitive):
    """``dw = conv2d_weight(x, g)``: the adjoint of ``conv2d`` in its weight.

    x: (N, C, H, W), g: (N, O, OH, OW), output (O, C, kh, kw)::

        dw[o, (c, u, v)] = sum_n  columns(x)[n, (c, u, v), :] @ g[n, o, :]^T

    ``columns`` may be passed in when the caller already has ``im2col(x)``.
    Bilinear: d/dx applied to h is ``conv_transpose2d(g, h)``, d/dg is ``conv2d(x, h)``.
    """

    @staticmethod
    def forward(
        ctx: Context, x: np.ndarray, grad: np.ndarray, kernel_size: Pair = (1, 1),
        stride: Pair = (1, 1), padding: Pair = (0, 0), columns: np.ndarray | None = None,
    ) -> np.ndarray:
        if columns is None:
            columns, _ = im2col(x, kernel_size, stride, padding)
        n, out_channels, oh, ow = grad.shape
        ctx.stride, ctx.padding = stride, padding
        ctx.save_for_backward(x, grad)
        # One product per sample, (C*kh*kw, OH*OW) @ (OH*OW, O) (faster in BLAS than the
        # transposed product), summed over the batch in order.
        per_sample = np.matmul(columns, grad.reshape(n, out_channels, oh * ow).transpose(0, 2, 1))
        return per_sample.sum(axis=0).T.reshape(out_channels, x.shape[1], *kernel_size)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> tuple[Tensor | None, ...]:
        x, grad = ctx.saved_tensors
        needs_x, needs_grad = ctx.needs_input_grad
        stride, padding = ctx.stride, ctx.padding
        return (
            ConvTranspose2d.apply(
                grad, grad_output, stride=stride, padding=padding, output_size=x.shape[2:]
            ) if needs_x else None,
            Conv2d.apply(x, grad_output, None, stride=stride, padding=padding)
            if needs_grad else None,
        )


# ----- the public op ----------------------------------------------------------------


def conv2d(
    input: Tensor, weight: Tensor, bias: Tensor | None = None,
    stride: int | Pair = 1, padding: int | Pair = 0,
) -> Tensor:
    """2-D convolution of ``input`` (N, C, H, W) with ``weight`` (O, C, kh, kw), as PyTorch's.

    The fused fast path of ``F.conv2d`` (declared in ``ops/convolutions.py``, which adds
    dilation, groups and string paddings).

    Output (N, O, OH, OW), ``OH = floor((H + 2 * padding - kh) / stride) + 1``.
    """
    op = "conv2d"
    check_4d(op, "input", input, "(batch, channels, height, width)")
    check_4d(op, "weight", weight, "(out_channels, in_channels, kernel_h, kernel_w)")
    stride, padding = pair(stride, "stride", op, minimum=1), pair(padding, "padding", op, minimum=0)
    if weight._array.shape[0] == 0 or weight._array.shape[2] == 0 or weight._array.shape[3] == 0:
        raise RuntimeError(
            f"conv2d: weight of shape {weight._array.shape} is empty; expected at least one output "
            "channel and a kernel size greater than zero"
        )
    if input._array.shape[1] != weight._array.shape[1]:
        raise RuntimeError(
            f"conv2d: input has {input._array.shape[1]} channels (shape {input.shape}) but weight "
            f"expects {weight._array.shape[1]} input channels (weight shape {weight._array.shape})"
        )
    check_geometry(op, input._array.shape, weight._array.shape[2:], stride, padding)
    if input._array.dtype != weight._array.dtype:
        raise RuntimeError(
            f"conv2d: input dtype {input.dtype} and weight dtype {weight.dtype} should be "
            "the same; convert one with .to()"
        )
    if bias is not None:
        if not isinstance(bias, Tensor):
            raise TypeError(f"conv2d: bias must be a Tensor or None, got {type(bias).__name__}")
        array, kernels = bias._array, weight._array
        if array.shape != (kernels.shape[0],) or array.dtype != kernels.dtype:
            raise RuntimeError(
                f"conv2d: expected a bias of shape ({weight._array.shape[0]},) and dtype "
                f"{weight.dtype} (one per output channel), got shape {bias.shape} and dtype "
                f"{bias._array.dtype}"
            )
    return Conv2d.apply(input, weight, bias, stride=stride, padding=padding)
