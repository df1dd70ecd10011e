"""Hypothesis strategies for gradient tests: float64 arrays and tensors that are valid inputs.

Built on ``hypothesis.extra.numpy`` (``arrays``, ``array_shapes``,
``mutually_broadcastable_shapes``). Inputs are made valid by construction, never by
filtering or shifting inside a test: bounded values, positive values (for ``log`` or a
fractional power), values a margin away from a kink (``|x| > margin`` for ``abs`` or
``relu``), values pairwise apart (for ``max``, where a tie is a kink).

Shapes default to small ones (up to 3 dimensions of size 1 to 4): a full finite-difference
Jacobian costs two evaluations per input element.

Example::

    from hypothesis import given
    from microtensor.testing import strategies as mts

    @given(mts.float_arrays(shape=mts.shapes(min_dims=1)))
    def test_something(x): ...
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import microtensor as mt

__all__ = [
    "arrays_away_from",
    "broadcastable_arrays",
    "distinct_arrays",
    "float_arrays",
    "floats",
    "floats_away_from",
    "matmul_arrays",
    "one_dim",
    "positive_arrays",
    "shapes",
    "sum_dims",
    "tensors",
]

Shape = tuple[int, ...]
ShapeArg = Shape | st.SearchStrategy[Shape] | None


def shapes(
    *, min_dims: int = 0, max_dims: int = 3, min_side: int = 1, max_side: int = 4
) -> st.SearchStrategy[Shape]:
    """Array shapes (``hnp.array_shapes``); 0 dims is a scalar tensor."""
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side,
                            max_side=max_side)


def floats(min_value: float = -3.0, max_value: float = 3.0) -> st.SearchStrategy[float]:
    """Finite float64 numbers in ``[min_value, max_value]`` (no subnormals, no -0.0)."""
    return st.floats(min_value, max_value, allow_subnormal=False).map(lambda v: v + 0.0)


def floats_away_from(
    kinks: tuple[float, ...] = (0.0,),
    *,
    margin: float = 0.1,
    min_value: float = -3.0,
    max_value: float = 3.0,
) -> st.SearchStrategy[float]:
    """Numbers in ``[min_value, max_value]`` at least ``margin`` away from every kink.

    The admissible set is a union of intervals between the kinks; one is chosen, then a
    number inside it. A finite difference with step ``eps < margin`` never crosses a kink.
    """
    edges = [min_value]
    for kink in sorted(kinks):
        edges += [kink - margin, kink + margin]
    edges.append(max_value)
    intervals = [(lo, hi) for lo, hi in zip(edges[::2], edges[1::2], strict=True) if lo <= hi]
    if not intervals:
        raise ValueError(
            f"floats_away_from: no number in [{min_value}, {max_value}] is {margin} away "
            f"from the kinks {kinks}"
        )
    return st.one_of([floats(lo, hi) for lo, hi in intervals])


def _shape(shape: ShapeArg) -> Shape | st.SearchStrategy[Shape]:
    return shapes() if shape is None else shape


def float_arrays(
    shape: ShapeArg = None,
    *,
    elements: st.SearchStrategy[float] | None = None,
    min_value: float = -3.0,
    max_value: float = 3.0,
) -> st.SearchStrategy[np.ndarray]:
    """float64 arrays of ``shape`` (a tuple, a strategy of tuples, or None: ``shapes()``).

    Values come from ``elements`` if given, else from ``[min_value, max_value]``.
    """
    elements = floats(min_value, max_value) if elements is None else elements
    return hnp.arrays(np.float64, _shape(shape), elements=elements)


def positive_arrays(
    shape: ShapeArg = None, *, min_value: float = 0.1, max_value: float = 3.0
) -> st.SearchStrategy[np.ndarray]:
    """Arrays with values in ``[min_value, max_value]``, ``min_value > 0`` (log, x ** 0.5)."""
    if min_value <= 0:
        raise ValueError(f"positive_arrays: min_value must be > 0, got {min_value}")
    return float_arrays(shape, min_value=min_value, max_value=max_value)


def arrays_away_from(
    kinks: tuple[float, ...] = (0.0,),
    shape: ShapeArg = None,
    *,
    margin: float = 0.1,
    min_value: float = -3.0,
    max_value: float = 3.0,
) -> st.SearchStrategy[np.ndarray]:
    """Arrays whose every value is at least ``margin`` away from each kink (|x| > margin)."""
    elements = floats_away_from(kinks, margin=margin, min_value=min_value, max_value=max_value)
    return float_arrays(shape, elements=elements)


@st.composite
def distinct_arrays(
    draw: st.DrawFn, shape: ShapeArg = None, *, gap: float = 0.1, center: float = 0.0
) -> np.ndarray:
    """Arrays whose values are pairwise at least ``gap`` apart (no ties for max/min).

    A random permutation of the ranks ``0 .. n-1`` spaced ``2 * gap`` apart, each moved by a
    drawn offset in ``[0, gap]``, centred on ``center``.
    """
    if not isinstance(shape, tuple):
        shape = draw(_shape(shape))
    size = int(np.prod(shape))
    ranks = np.array(draw(st.permutations(range(size))), dtype=np.float64)
    offsets = draw(float_arrays((size,), min_value=0.0, max_value=gap))
    values = center + (ranks - (size - 1) / 2) * 2 * gap + offsets
    return values.reshape(shape)


def tensors(
    shape: ShapeArg = None,
    *,
    requires_grad: bool = True,
    elements: st.SearchStrategy[float] | None = None,
    min_value: float = -3.0,
    max_value: float = 3.0,
) -> st.SearchStrategy[mt.Tensor]:
    """float64 leaf Tensors (``requires_grad=True`` by default) over ``float_arrays``."""
    arrays = float_arrays(shape, elements=elements, min_value=min_value, max_value=max_value)
    return arrays.map(lambda a: mt.tensor(a, dtype=mt.float64, requires_grad=requires_grad))


@st.composite
def broadcastable_arrays(
    draw: st.DrawFn,
    num_arrays: int = 2,
    *,
    elements: st.SearchStrategy[float] | tuple[st.SearchStrategy[float] | None, ...] | None = None,
    min_dims: int = 0,
    max_dims: int = 3,
    max_side: int = 4,
) -> tuple[np.ndarray, ...]:
    """``num_arrays`` float64 arrays whose shapes broadcast together (NumPy's rules).

    ``elements`` is one strategy for all arrays or one per array (None: ``floats()``).
    """
    drawn = draw(hnp.mutually_broadcastable_shapes(
        num_shapes=num_arrays, min_dims=min_dims, max_dims=max_dims, max_side=max_side
    ))
    per_array = elements if isinstance(elements, tuple) else (elements,) * num_arrays
    return tuple(
        draw(float_arrays(shape, elements=each))
        for shape, each in zip(drawn.input_shapes, per_array, strict=True)
    )


@st.composite
def matmul_arrays(
    draw: st.DrawFn,
    *,
    elements: st.SearchStrategy[float] | None = None,
    max_batch_dims: int = 2,
    max_side: int = 4,
) -> tuple[np.ndarray, np.ndarray]:
    """``(a, b)`` valid for ``a @ b``: 1-D and 2-D operands, and broadcast batch dimensions.

    Shapes follow NumPy's matmul signature ``(n?,k),(k,m?)->(n?,m?)``.
    """
    drawn = draw(hnp.mutually_broadcastable_shapes(
        signature=np.matmul.signature, max_dims=max_batch_dims, max_side=max_side
    ))
    shape_a, shape_b = drawn.input_shapes
    return draw(float_arrays(shape_a, elements=elements)), draw(
        float_arrays(shape_b, elements=elements)
    )


def sum_dims(ndim: int) -> st.SearchStrategy[tuple[int, ...] | None]:
    """None (all axes) or a sorted tuple of distinct axes of an ``ndim``-D array."""
    axes = st.lists(st.integers(0, ndim - 1), unique=True).map(lambda d: tuple(sorted(d)))
    return st.none() | axes if ndim else st.none() | st.just(())


def one_dim(ndim: int) -> st.SearchStrategy[int | None]:
    """None (all elements) or one axis of an ``ndim``-D array."""
    return st.none() | st.integers(0, ndim - 1) if ndim else st.none()
