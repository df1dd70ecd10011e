"""Kink-aware Hypothesis strategies for the CNN primitives: geometries and valid inputs.

* ``conv_geometries`` / ``pool_geometries``: batch, channels, sizes, kernel, stride and
  padding that are valid together (the kernel fits the padded input; pooling padding is
  at most half the kernel).
* ``pool_arrays``: inputs whose values are pairwise a margin apart, so no pooling window
  has a tie (a tie is a kink of max: finite differences cannot check it).
* ``relu_arrays``: values at least a margin away from 0, relu's kink.
* ``logits``: class scores and integer targets (some ``ignore_index``) for cross-entropy.

Geometries are small on purpose: a full finite-difference Jacobian costs two forward
passes per input element.

Example::

    from hypothesis import given
    from microtensor.testing import cnn

    @given(cnn.conv_geometries())
    def test_output_size(geometry):
        ...  # geometry.input_shape, geometry.weight_shape, geometry.output_shape
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st

from microtensor.testing.strategies import (
    ShapeArg,
    arrays_away_from,
    distinct_arrays,
    float_arrays,
)

__all__ = [
    "ConvGeometry",
    "PoolGeometry",
    "conv_geometries",
    "logits",
    "pool_arrays",
    "pool_geometries",
    "relu_arrays",
]

Pair = tuple[int, int]


def output_size(size: int, kernel: int, stride: int, padding: int) -> int:
    """floor((size + 2 * padding - kernel) / stride) + 1, the seed's formula."""
    return (size + 2 * padding - kernel) // stride + 1


class _Window:
    """What a sliding window gives on a ``height`` x ``width`` input (shared by both)."""

    height: int
    width: int
    kernel_size: Pair
    stride: Pair
    padding: Pair

    @property
    def output_hw(self) -> Pair:
        """``output_size`` of each side: (out_height, out_width)."""
        return (
            output_size(self.height, self.kernel_size[0], self.stride[0], self.padding[0]),
            output_size(self.width, self.kernel_size[1], self.stride[1], self.padding[1]),
        )


@dataclass(frozen=True)
class ConvGeometry(_Window):
    """A valid 2-D convolution: input (N, C, H, W), weight (O, C, kh, kw), stride, padding."""

    batch: int
    in_channels: int
    out_channels: int
    height: int
    width: int
    kernel_size: Pair
    stride: Pair
    padding: Pair

    @property
    def input_shape(self) -> tuple[int, int, int, int]:
        return self.batch, self.in_channels, self.height, self.width

    @property
    def weight_shape(self) -> tuple[int, int, int, int]:
        return self.out_channels, self.in_channels, *self.kernel_size

    @property
    def output_shape(self) -> tuple[int, int, int, int]:
        return self.batch, self.out_channels, *self.output_hw


@dataclass(frozen=True)
class PoolGeometry(_Window):
    """A valid 2-D max pooling: input (N, C, H, W), kernel, stride, padding <= kernel // 2."""

    batch: int
    channels: int
    height: int
    width: int
    kernel_size: Pair
    stride: Pair
    padding: Pair

    @property
    def input_shape(self) -> tuple[int, int, int, int]:
        return self.batch, self.channels, self.height, self.width

    @property
    def output_shape(self) -> tuple[int, int, int, int]:
        return self.batch, self.channels, *self.output_hw


def _pairs(low: int, high: int) -> st.SearchStrategy[Pair]:
    """``(a, b)`` in ``[low, high]``, equal half of the time (the square case)."""
    one = st.integers(low, high)
    return st.one_of(one.map(lambda v: (v, v)), st.tuples(one, one))


@st.composite
def _side(draw: st.DrawFn, kernel: int, padding: int, max_size: int) -> int:
    """An input side that the kernel fits once padded: size + 2 * padding >= kernel."""
    return draw(st.integers(max(1, kernel - 2 * padding), max(max_size, kernel)))


@st.composite
def conv_geometries(
    draw: st.DrawFn,
    *,
    max_batch: int = 2,
    max_channels: int = 2,
    max_size: int = 6,
    max_kernel: int = 3,
    max_stride: int = 2,
    max_padding: int = 1,
) -> ConvGeometry:
    """Valid convolution geometries, square or not, with strides and paddings per side."""
    kernel = draw(_pairs(1, max_kernel))
    stride = draw(_pairs(1, max_stride))
    padding = draw(_pairs(0, max_padding))
    return ConvGeometry(
        batch=draw(st.integers(1, max_batch)),
        in_channels=draw(st.integers(1, max_channels)),
        out_channels=draw(st.integers(1, max_channels)),
        height=draw(_side(kernel[0], padding[0], max_size)),
        width=draw(_side(kernel[1], padding[1], max_size)),
        kernel_size=kernel,
        stride=stride,
        padding=padding,
    )


@st.composite
def pool_geometries(
    draw: st.DrawFn,
    *,
    max_batch: int = 2,
    max_channels: int = 2,
    max_size: int = 6,
    max_kernel: int = 3,
    max_stride: int = 3,
) -> PoolGeometry:
    """Valid max-pooling geometries: padding at most half the kernel, as PyTorch requires."""
    kernel = draw(_pairs(1, max_kernel))
    stride = draw(_pairs(1, max_stride))
    padding = (draw(st.integers(0, kernel[0] // 2)), draw(st.integers(0, kernel[1] // 2)))
    return PoolGeometry(
        batch=draw(st.integers(1, max_batch)),
        channels=draw(st.integers(1, max_channels)),
        height=draw(_side(kernel[0], padding[0], max_size)),
        width=draw(_side(kernel[1], padding[1], max_size)),
        kernel_size=kernel,
        stride=stride,
        padding=padding,
    )


def pool_arrays(shape: ShapeArg = None, *, margin: float = 0.05) -> st.SearchStrategy[np.ndarray]:
    """float64 arrays whose values are pairwise at least ``margin`` apart.

    Then every pooling window, whatever the geometry, has one strict maximum with a
    margin to the runner-up: a finite-difference step smaller than ``margin / 2``
    never changes which element is the maximum.
    """
    return distinct_arrays(shape, gap=margin)


def relu_arrays(
    shape: ShapeArg = None, *, margin: float = 0.1, max_value: float = 3.0
) -> st.SearchStrategy[np.ndarray]:
    """float64 arrays with ``margin <= |x| <= max_value``: away from relu's kink at 0."""
    return arrays_away_from((0.0,), shape, margin=margin, min_value=-max_value,
                            max_value=max_value)


@st.composite
def logits(
    draw: st.DrawFn,
    *,
    max_batch: int = 4,
    max_classes: int = 5,
    scale: float = 5.0,
    ignore_index: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """``(x, target)``: float64 logits (N, C) in ``[-scale, scale]``, int64 targets (N,).

    With ``ignore_index``, some targets may be that index, never the first one (so a
    ``'mean'`` over the others is defined).
    """
    batch = draw(st.integers(1, max_batch))
    classes = draw(st.integers(1, max_classes))
    scores = draw(float_arrays((batch, classes), min_value=-scale, max_value=scale))
    labels: st.SearchStrategy[int] = st.integers(0, classes - 1)
    if ignore_index is not None:
        labels = labels | st.just(ignore_index)
    first = draw(st.integers(0, classes - 1))
    target = [first, *draw(st.lists(labels, min_size=batch - 1, max_size=batch - 1))]
    return scores, np.array(target, dtype=np.int64)
