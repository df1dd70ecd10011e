"""2-D max pooling: the primitive MaxPool2d, the routing pair its gradients are made of, the
op ``max_pool2d``.

With kernel ``k``, stride ``s`` and an input ``x`` padded with minus infinity to ``xp``::

    y[n, c, i, j] = max_{u, v} xp[n, c, s*i + u, s*j + v]

Pooling routes: each output is one input element, the *first* maximum of its window in
row-major order (PyTorch's rule when values tie). Once the routes are known, pooling
is linear, and so are its derivatives:

* ``PoolGather(x)``: ``y = x`` read at the routes (the forward, given the routes);
* ``PoolScatter(g)``: zeros of the input's shape with ``g`` added at the routes (the
  gradient of the forward; overlapping windows add up).

They are each other's adjoint, ``<gather(x), g> = <x, scatter(g)>``, so each one's
backward is the other: the pair is closed under differentiation, and the second
derivative of pooling (zero away from ties) comes out exactly.

Fused on purpose, for speed: the maximum and its route are found with one pass over
``k*k`` strided views of the window positions (``xp[:, :, u::s, v::s]``), never by
copying windows out and calling ``argmax`` (reductions over axes of length ``k*k`` are
several times slower). A route is stored as the offset ``u*kw + v`` inside the window,
one byte per output. Gathering and scattering turn the routes into positions in the
flattened input (``Routes.flat_index``: a cached table per geometry plus one lookup),
so each is one indexing call instead of one masked pass per kernel offset.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import numpy as np

from microtensor.core.function import Context, Primitive
from microtensor.core.tensor import Tensor
from microtensor.ops.arguments import Pair, pair
from microtensor.ops.table import public
from microtensor.ops.windows import check_4d, check_geometry, pad2d


class Routes(NamedTuple):
    """Where each output of a max pooling reads from.

    Attributes:
        offsets: (N, C, OH, OW) integers, ``u * kernel_w + v`` of the chosen element.
        input_shape: (N, C, H, W) of the pooled input.
        kernel_size, stride, padding: the pooling geometry.
    """

    offsets: np.ndarray
    input_shape: tuple[int, ...]
    kernel_size: Pair
    stride: Pair
    padding: Pair

    def flat_index(self) -> np.ndarray:
        """(N, C, OH, OW): where each route is in the flattened input (N*C*H*W,).

        Route ``(u, v)`` of output ``(n, c, i, j)`` is input pixel ``(s*i - p + u,
        s*j - p + v)`` of image ``(n, c)`` (never padding), so its flat position is a
        window's base plus ``u*W + v``: a table per geometry and a lookup of the offsets.
        """
        base, deltas = _route_tables(self.input_shape, self.kernel_size, self.stride,
                                     self.padding, self.offsets.shape[2:])
        return base + deltas[self.offsets]


@lru_cache(maxsize=8)
def _route_tables(
    input_shape: tuple[int, ...], kernel_size: Pair, stride: Pair, padding: Pair,
    out_hw: tuple[int, ...],
) -> tuple[np.ndarray, np.ndarray]:
    """``base[n, c, i, j] = ((n*C + c)*H + s*i - p)*W + s*j - p`` and ``deltas[u*kw + v] =
    u*W + v``, read-only (shared by every pooling of this geometry)."""
    n, c, h, w = input_shape
    (kh, kw), (sh, sw), (ph, pw) = kernel_size, stride, padding
    rows = np.arange(n * c)[:, None, None] * h + (sh * np.arange(out_hw[0]) - ph)[:, None]
    base = (rows * w + (sw * np.arange(out_hw[1]) - pw)).reshape(n, c, *out_hw)
    deltas = (np.arange(kh)[:, None] * w + np.arange(kw)).ravel()
    base.flags.writeable = deltas.flags.writeable = False
    return base, deltas


def _window_views(
    xp: np.ndarray, kernel_size: Pair, stride: Pair, out_hw: tuple[int, ...]
) -> list[np.ndarray]:
    """The ``kh * kw`` strided views ``xp[:, :, u::s, v::s]`` (each (N, C, OH, OW)), row-major."""
    (kh, kw), (sh, sw), (oh, ow) = kernel_size, stride, out_hw
    return [
        xp[:, :, u : u + sh * (oh - 1) + 1 : sh, v : v + sw * (ow - 1) + 1 : sw]
        for u in range(kh)
        for v in range(kw)
    ]


def max_pool2d_routes(
    x: np.ndarray, kernel_size: Pair, stride: Pair, padding: Pair
) -> tuple[np.ndarray, Routes]:
    """The max-pooled array and its routes (the first maximum of each window, row-major).

    Offsets are visited in row-major order and one takes over only when strictly
    greater, so ties keep the first; as the offset ``k`` only grows, the route is the
    largest ``k * greater_k`` seen. As in PyTorch, a NaN takes over too (so the last NaN
    of a window is its route, and the output is NaN), and a window starts at its first
    element inside the input: an all ``-inf`` window routes there, never into padding.
    """
    n, c, h, w = x.shape
    (kh, kw), (sh, sw), (ph, pw) = kernel_size, stride, padding
    out_hw = ((h + 2 * ph - kh) // sh + 1, (w + 2 * pw - kw) // sw + 1)
    views = _window_views(pad2d(x, padding, -np.inf), kernel_size, stride, out_hw)
    dtype = np.uint8 if kh * kw <= 256 else np.int32

    def scan(nan: bool) -> tuple[np.ndarray, np.ndarray]:
        if ph or pw:  # start each window at its first element inside the input
            first_row = np.maximum(ph - sh * np.arange(out_hw[0]), 0)
            first_column = np.maximum(pw - sw * np.arange(out_hw[1]), 0)
            first = (first_row[:, None] * kw + first_column).astype(dtype)
            best = np.full((n, c, *out_hw), -np.inf, dtype=x.dtype)
            offsets = np.broadcast_to(first, best.shape).copy()
            start = 0
        else:
            best = views[0].copy()
            offsets = np.zeros(best.shape, dtype=dtype)
            start = 1
        for offset, view in enumerate(views[start:], start=start):
            greater = view > best
            if nan:
                greater |= np.isnan(view)
            np.maximum(best, view, out=best)
            np.maximum(offsets, np.multiply(greater, offset, dtype=offsets.dtype), out=offsets)
        return best, offsets

    best, offsets = scan(nan=False)
    if best.size and np.isnan(best.max()):  # maximum propagates NaN: a window holds one
        best, offsets = scan(nan=True)
    return best, Routes(offsets, x.shape, kernel_size, stride, padding)


class MaxPool2d(Primitive):
    """``y = max_pool2d(x)``: x (N, C, H, W) -> (N, C, OH, OW), OH = (H + 2p - k) // s + 1.

    dy/dx routes each output gradient to the first maximum of its window:
    ``dx = PoolScatter(dy)``.
    """

    @staticmethod
    def forward(
        ctx: Context, x: np.ndarray, kernel_size: Pair = (2, 2), stride: Pair = (2, 2),
        padding: Pair = (0, 0),
    ) -> np.ndarray:
        output, ctx.routes = max_pool2d_routes(x, kernel_size, stride, padding)
        return output

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        return PoolScatter.apply(grad_output, routes=ctx.routes)


class PoolGather(Primitive):
    """``y = x`` read at ``routes``: (N, C, H, W) -> (N, C, OH, OW). Its adjoint is PoolScatter."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, routes: Routes) -> np.ndarray:
        ctx.routes = routes
        return x.reshape(-1)[routes.flat_index()]

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        return PoolScatter.apply(grad_output, routes=ctx.routes)


class PoolScatter(Primitive):
    """Zeros of the pooled input's shape with ``g`` added at ``routes``. Adjoint of PoolGather.

    g: (N, C, OH, OW) -> (N, C, H, W). One indexed write at the routes' flat positions;
    when windows overlap (stride < kernel), two outputs may route to one pixel, and the
    write becomes an unbuffered add (``numpy.add.at``).
    """

    @staticmethod
    def forward(ctx: Context, grad: np.ndarray, routes: Routes) -> np.ndarray:
        ctx.routes = routes
        (kh, kw), (sh, sw) = routes.kernel_size, routes.stride
        out = np.zeros(routes.input_shape, dtype=grad.dtype)
        if kh > sh or kw > sw:
            np.add.at(out.reshape(-1), routes.flat_index(), grad)
        else:  # windows apart: every route is a different pixel
            out.reshape(-1)[routes.flat_index()] = grad
        return out

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        return PoolGather.apply(grad_output, routes=ctx.routes)


@public(methods=(), functional=True)
def max_pool2d(
    input: Tensor, kernel_size: int | Pair, stride: int | Pair | None = None,
    padding: int | Pair = 0,
) -> Tensor:
    """Max pooling of ``input`` (N, C, H, W), as PyTorch's (``stride`` defaults to the kernel).

    Padding (with minus infinity) is at most half the kernel. Output (N, C, OH, OW) with
    ``OH = floor((H + 2 * padding - kernel) / stride) + 1``.
    """
    op = "max_pool2d"
    check_4d(op, "input", input, "(batch, channels, height, width)")
    if input._array.dtype.kind != "f":
        raise TypeError(f"{op}: expected a floating-point input, got dtype {input._array.dtype}")
    kernel = pair(kernel_size, "kernel_size", op, minimum=1)
    strides = kernel if stride is None else pair(stride, "stride", op, minimum=1)
    pads = pair(padding, "padding", op, minimum=0)
    if pads[0] > kernel[0] // 2 or pads[1] > kernel[1] // 2:
        raise ValueError(
            f"{op}: padding {pads} should be at most half the kernel size {kernel} "
            f"(at most ({kernel[0] // 2}, {kernel[1] // 2}))"
        )
    check_geometry(op, input._array.shape, kernel, strides, pads)
    return MaxPool2d.apply(input, kernel_size=kernel, stride=strides, padding=pads)
