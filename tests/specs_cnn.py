"""Property-test specs of the CNN primitives: Relu, LogSoftmax, convolution, pooling, loss.

``test_primitives.py`` collects ``SPECS`` from every ``specs_*.py`` module and checks
each primitive's forward against the reference below, its first derivatives and its
second ones against finite differences. The references are plain nested loops over the
definitions (``tests/test_conv.py`` and friends reuse them), written without the
implementation's im2col, strided views or fused formulas.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st

from microtensor.ops import conv, elementwise, loss, pool, softmax
from microtensor.ops.loss import target_index
from microtensor.ops.pool import Routes, max_pool2d_routes
from microtensor.testing import PrimitiveSpec, cnn
from microtensor.testing import strategies as mts

Pair = tuple[int, int]


# ----- references: nested loops over the definitions --------------------------------


def _out(size: int, kernel: int, stride: int, padding: int) -> int:
    return (size + 2 * padding - kernel) // stride + 1


def _taps(h: int, w: int, kernel: Pair, stride: Pair, padding: Pair, i: int, j: int):
    """The in-bounds input pixels (u, v, row, col) of output (i, j)'s window, row-major."""
    for u in range(kernel[0]):
        for v in range(kernel[1]):
            row, col = stride[0] * i + u - padding[0], stride[1] * j + v - padding[1]
            if 0 <= row < h and 0 <= col < w:
                yield u, v, row, col


def conv2d_reference(
    x: np.ndarray, w: np.ndarray, b: np.ndarray | None = None, stride: Pair = (1, 1),
    padding: Pair = (0, 0),
) -> np.ndarray:
    """y[n, o, i, j] = b[o] + sum over the window of w[o, c, u, v] * x[n, c, row, col]."""
    n_, c_, h, w_ = x.shape
    o_, _, kh, kw = w.shape
    oh, ow = _out(h, kh, stride[0], padding[0]), _out(w_, kw, stride[1], padding[1])
    y = np.zeros((n_, o_, oh, ow))
    for n in range(n_):
        for o in range(o_):
            for i in range(oh):
                for j in range(ow):
                    total = 0.0 if b is None else b[o]
                    for u, v, row, col in _taps(h, w_, (kh, kw), stride, padding, i, j):
                        for c in range(c_):
                            total += w[o, c, u, v] * x[n, c, row, col]
                    y[n, o, i, j] = total
    return y


def conv_transpose2d_reference(
    g: np.ndarray, w: np.ndarray, stride: Pair = (1, 1), padding: Pair = (0, 0),
    output_size: Pair = (1, 1),
) -> np.ndarray:
    """dx[n, c, row, col] = sum of w[o, c, u, v] * g[n, o, i, j] over the windows using it."""
    n_, o_, oh, ow = g.shape
    c_, (h, w_) = w.shape[1], output_size
    dx = np.zeros((n_, c_, h, w_))
    for n in range(n_):
        for o in range(o_):
            for i in range(oh):
                for j in range(ow):
                    for u, v, row, col in _taps(h, w_, w.shape[2:], stride, padding, i, j):
                        for c in range(c_):
                            dx[n, c, row, col] += w[o, c, u, v] * g[n, o, i, j]
    return dx


def conv2d_weight_reference(
    x: np.ndarray, g: np.ndarray, kernel_size: Pair = (1, 1), stride: Pair = (1, 1),
    padding: Pair = (0, 0),
) -> np.ndarray:
    """dw[o, c, u, v] = sum over n, i, j of g[n, o, i, j] * x[n, c, row, col]."""
    n_, c_, h, w_ = x.shape
    o_, oh, ow = g.shape[1], g.shape[2], g.shape[3]
    dw = np.zeros((o_, c_, *kernel_size))
    for n in range(n_):
        for o in range(o_):
            for i in range(oh):
                for j in range(ow):
                    for u, v, row, col in _taps(h, w_, kernel_size, stride, padding, i, j):
                        for c in range(c_):
                            dw[o, c, u, v] += g[n, o, i, j] * x[n, c, row, col]
    return dw


def max_pool2d_reference(
    x: np.ndarray, kernel_size: Pair = (2, 2), stride: Pair = (2, 2), padding: Pair = (0, 0)
) -> np.ndarray:
    """y[n, c, i, j] = the largest in-bounds x[n, c, row, col] of the window."""
    n_, c_, h, w_ = x.shape
    oh, ow = (_out(h, kernel_size[0], stride[0], padding[0]),
              _out(w_, kernel_size[1], stride[1], padding[1]))
    y = np.zeros((n_, c_, oh, ow))
    for n in range(n_):
        for c in range(c_):
            for i in range(oh):
                for j in range(ow):
                    taps = _taps(h, w_, kernel_size, stride, padding, i, j)
                    y[n, c, i, j] = max(x[n, c, row, col] for _, _, row, col in taps)
    return y


def first_max_positions(x: np.ndarray, kernel_size: Pair, stride: Pair, padding: Pair):
    """(n, c, i, j, row, col) of the first maximum (row-major) of every window."""
    n_, c_, h, w_ = x.shape
    oh, ow = (_out(h, kernel_size[0], stride[0], padding[0]),
              _out(w_, kernel_size[1], stride[1], padding[1]))
    for n in range(n_):
        for c in range(c_):
            for i in range(oh):
                for j in range(ow):
                    best = None
                    for _, _, row, col in _taps(h, w_, kernel_size, stride, padding, i, j):
                        if best is None or x[n, c, row, col] > x[n, c, best[0], best[1]]:
                            best = (row, col)
                    yield n, c, i, j, *best


def _route_positions(routes: Routes):
    """(n, c, i, j, row, col) that ``routes`` points to, decoded from the window offsets."""
    kw = routes.kernel_size[1]
    for (n, c, i, j), offset in np.ndenumerate(routes.offsets):
        u, v = divmod(int(offset), kw)
        yield (n, c, i, j, routes.stride[0] * i + u - routes.padding[0],
               routes.stride[1] * j + v - routes.padding[1])


def pool_gather_reference(x: np.ndarray, routes: Routes) -> np.ndarray:
    y = np.zeros(routes.offsets.shape)
    for n, c, i, j, row, col in _route_positions(routes):
        y[n, c, i, j] = x[n, c, row, col]
    return y


def pool_scatter_reference(g: np.ndarray, routes: Routes) -> np.ndarray:
    dx = np.zeros(routes.input_shape)
    for n, c, i, j, row, col in _route_positions(routes):
        dx[n, c, row, col] += g[n, c, i, j]
    return dx


def cross_entropy_reference(
    x: np.ndarray, target: np.ndarray, reduction: str = "mean", ignore_index: int = -100
) -> np.ndarray:
    """loss_n = logaddexp over the classes of x_n, minus x_n[target_n]; ignored ones out."""
    losses, kept = [], []
    for n in range(x.shape[0]):
        if target[n] == ignore_index:
            losses.append(0.0)
            continue
        losses.append(np.logaddexp.reduce(x[n]) - x[n, target[n]])
        kept.append(losses[-1])
    if reduction == "none":
        return np.array(losses)
    return np.array(sum(kept) / len(kept) if reduction == "mean" else sum(kept))


def cross_entropy_grad_reference(
    x: np.ndarray, g: np.ndarray, index: tuple[np.ndarray, ...], weight: np.ndarray
) -> np.ndarray:
    """(softmax(x_n) - onehot(target_n)) * g_n * weight_n, row by row."""
    out = np.zeros(x.shape)
    g = np.broadcast_to(g, weight.shape)
    rows, target = index
    for n in range(x.shape[0]):
        out[n] = np.exp(x[n] - np.logaddexp.reduce(x[n]))
        out[n, target[rows == n][0]] -= 1.0
        out[n] *= g[n] * weight[n]
    return out


# ----- input strategies --------------------------------------------------------------

SHAPES = mts.shapes(min_dims=1, max_dims=3, max_side=3)


@st.composite
def _relu(draw: st.DrawFn) -> tuple:
    return (draw(cnn.relu_arrays(mts.shapes(max_dims=3, max_side=3))),), {}


@st.composite
def _log_softmax(draw: st.DrawFn) -> tuple:
    x = draw(mts.float_arrays(SHAPES, min_value=-5.0, max_value=5.0))
    return (x,), {"dim": draw(st.integers(0, x.ndim - 1))}


def _log_softmax_reference(x: np.ndarray, dim: int) -> np.ndarray:
    return x - np.logaddexp.reduce(x, axis=dim, keepdims=True)


@st.composite
def _conv2d(draw: st.DrawFn) -> tuple:
    geometry = draw(cnn.conv_geometries())
    x = draw(mts.float_arrays(geometry.input_shape))
    w = draw(mts.float_arrays(geometry.weight_shape))
    b = draw(st.none() | mts.float_arrays((geometry.out_channels,)))  # the bias is fused
    return (x, w, b), {"stride": geometry.stride, "padding": geometry.padding}


@st.composite
def _conv_transpose2d(draw: st.DrawFn) -> tuple:
    geometry = draw(cnn.conv_geometries())
    g = draw(mts.float_arrays(geometry.output_shape))
    w = draw(mts.float_arrays(geometry.weight_shape))
    kwargs = {"stride": geometry.stride, "padding": geometry.padding,
              "output_size": (geometry.height, geometry.width)}
    return (g, w), kwargs


@st.composite
def _conv2d_weight(draw: st.DrawFn) -> tuple:
    geometry = draw(cnn.conv_geometries())
    x = draw(mts.float_arrays(geometry.input_shape))
    g = draw(mts.float_arrays(geometry.output_shape))
    kwargs = {"kernel_size": geometry.kernel_size, "stride": geometry.stride,
              "padding": geometry.padding}
    return (x, g), kwargs


def _pool_kwargs(geometry: cnn.PoolGeometry) -> dict[str, Any]:
    return {"kernel_size": geometry.kernel_size, "stride": geometry.stride,
            "padding": geometry.padding}


@st.composite
def _max_pool2d(draw: st.DrawFn) -> tuple:
    geometry = draw(cnn.pool_geometries())
    return (draw(cnn.pool_arrays(geometry.input_shape)),), _pool_kwargs(geometry)


@st.composite
def _routes(draw: st.DrawFn) -> Routes:
    """The routes of max pooling a drawn tie-free input (so each points at a real pixel)."""
    geometry = draw(cnn.pool_geometries())
    x = draw(cnn.pool_arrays(geometry.input_shape))
    return max_pool2d_routes(x, geometry.kernel_size, geometry.stride, geometry.padding)[1]


@st.composite
def _pool_gather(draw: st.DrawFn) -> tuple:
    routes = draw(_routes())
    return (draw(mts.float_arrays(routes.input_shape)),), {"routes": routes}


@st.composite
def _pool_scatter(draw: st.DrawFn) -> tuple:
    routes = draw(_routes())
    return (draw(mts.float_arrays(routes.offsets.shape)),), {"routes": routes}


@st.composite
def _cross_entropy(draw: st.DrawFn) -> tuple:
    x, target = draw(cnn.logits(ignore_index=-100))
    reduction = draw(st.sampled_from(["mean", "sum", "none"]))
    return (x,), {"target": target, "reduction": reduction, "ignore_index": -100}


@st.composite
def _cross_entropy_grad(draw: st.DrawFn) -> tuple:
    x, target = draw(cnn.logits())
    weight = draw(mts.float_arrays(target.shape, min_value=0.0, max_value=1.0))
    g = draw(mts.float_arrays(st.sampled_from([(), target.shape])))
    return (x, g), {"index": target_index(target), "weight": weight}


SPECS = [
    PrimitiveSpec(elementwise.Relu, _relu(), lambda x: np.maximum(x, 0.0),
                  notes="inputs at least 0.1 away from the kink at 0"),
    PrimitiveSpec(softmax.LogSoftmax, _log_softmax(), _log_softmax_reference),
    PrimitiveSpec(conv.Conv2d, _conv2d(), conv2d_reference, differentiable=(0, 1, 2),
                  notes="with a bias (its gradient checked too) or without (None)"),
    PrimitiveSpec(conv.ConvTranspose2d, _conv_transpose2d(), conv_transpose2d_reference,
                  differentiable=(0, 1)),
    PrimitiveSpec(conv.Conv2dWeight, _conv2d_weight(), conv2d_weight_reference,
                  differentiable=(0, 1)),
    PrimitiveSpec(pool.MaxPool2d, _max_pool2d(), max_pool2d_reference,
                  notes="values pairwise 0.05 apart: no window has a tie"),
    PrimitiveSpec(pool.PoolGather, _pool_gather(), pool_gather_reference),
    PrimitiveSpec(pool.PoolScatter, _pool_scatter(), pool_scatter_reference),
    PrimitiveSpec(loss.CrossEntropy, _cross_entropy(), cross_entropy_reference),
    PrimitiveSpec(loss.CrossEntropyGrad, _cross_entropy_grad(), cross_entropy_grad_reference,
                  differentiable=(0, 1)),
]
