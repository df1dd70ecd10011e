"""Property-test specs of the joining primitives (``microtensor/ops/join.py``): Cat,
Where, Triangle. ``test_primitives.py`` collects ``SPECS``; references are plain NumPy."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from microtensor.ops import join
from microtensor.testing import PrimitiveSpec
from microtensor.testing import strategies as mts


@st.composite
def _cat(draw: st.DrawFn) -> tuple:
    """Three arrays equal in every dimension but ``dim`` (sizes 1 to 3 there)."""
    shape = draw(mts.shapes(min_dims=1, max_dims=3, max_side=3))
    dim = draw(st.integers(0, len(shape) - 1))
    arrays = []
    for _ in range(3):
        own = list(shape)
        own[dim] = draw(st.integers(1, 3))
        arrays.append(draw(mts.float_arrays(tuple(own))))
    return tuple(arrays), {"dim": dim}


@st.composite
def _where(draw: st.DrawFn) -> tuple:
    """A boolean condition and two float arrays, all three broadcasting together."""
    drawn = draw(hnp.mutually_broadcastable_shapes(num_shapes=3, max_dims=3, max_side=3))
    condition = draw(hnp.arrays(np.bool_, drawn.input_shapes[0]))
    x = draw(mts.float_arrays(drawn.input_shapes[1]))
    y = draw(mts.float_arrays(drawn.input_shapes[2]))
    return (condition, x, y), {}


@st.composite
def _triangle(draw: st.DrawFn) -> tuple:
    x = draw(mts.float_arrays(mts.shapes(min_dims=2, max_dims=3, max_side=3)))
    return (x, draw(st.integers(-3, 3)), draw(st.booleans())), {}


def _cat_reference(*xs: np.ndarray, dim: int) -> np.ndarray:
    return np.concatenate(xs, axis=dim)


def _triangle_reference(x: np.ndarray, diagonal: int, upper: bool) -> np.ndarray:
    rows, cols = np.indices(x.shape[-2:])
    keep = (cols - rows >= diagonal) if upper else (cols - rows <= diagonal)
    return np.where(keep, x, 0.0)


SPECS = [
    PrimitiveSpec(join.Cat, _cat(), _cat_reference, differentiable=(0, 1, 2)),
    PrimitiveSpec(join.Where, _where(), np.where, differentiable=(1, 2)),
    PrimitiveSpec(join.Triangle, _triangle(), _triangle_reference),
]
