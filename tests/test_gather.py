"""gather, scatter(_), scatter_add(_), index_select, masked_fill(_), masked_select, nonzero.

Against NumPy references always, against PyTorch when installed (marked ``torch``);
gradients of the compositions (scatter_add, index_select, masked_fill, masked_select)
first and second order by property tests (Gather, GatherAdjoint and Scatter themselves
have specs in ``specs_shape.py``); PyTorch's errors.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import microtensor as mt
from microtensor.testing import assert_gradients
from microtensor.testing import strategies as mts

X = np.arange(12.0, dtype=np.float32).reshape(3, 4)
I = np.array([[0, 2, 1], [2, 0, 0]])  # noqa: E741 (an index)
ROWS = np.array([True, False, True, True])

# (name, call(x, mt or torch), NumPy reference of X).
CASES: list[tuple[str, Callable, Callable]] = [
    ("gather-0", lambda x, m: m.gather(x, 0, m.tensor(I)),
     lambda a: np.take_along_axis(a[:, :3], I, 0)),
    ("gather-1", lambda x, m: x.gather(1, m.tensor(I.T[:, :2])),
     lambda a: np.take_along_axis(a[:3, :], I.T[:, :2], 1)),
    ("gather-int32", lambda x, m: x.gather(-1, m.tensor(I.astype(np.int32))),
     lambda a: np.take_along_axis(a[:2], I, 1)),
    ("scatter", lambda x, m: m.scatter(x, 1, m.tensor([[3, 0], [1, 2]]), m.ones(2, 3)),
     lambda a: _put(a, [(0, 3), (0, 0), (1, 1), (1, 2)], 1.0)),
    ("scatter-value", lambda x, m: x.scatter(0, m.tensor([[2, 0]]), 7.0),
     lambda a: _put(a, [(2, 0), (0, 1)], 7.0)),
    ("scatter-add-reduce", lambda x, m: x.scatter(0, m.tensor([[2, 0]]), 7.0, reduce="add"),
     lambda a: _put(a, [(2, 0), (0, 1)], 7.0, add=True)),
    ("scatter_add", lambda x, m: m.scatter_add(x, 0, m.tensor(I), m.ones(3, 4)),
     lambda a: _put(a, [(i, j) for row in I for j, i in enumerate(row)], 1.0, add=True)),
    ("index_select", lambda x, m: m.index_select(x, 1, m.tensor([3, 0, 3])),
     lambda a: a[:, [3, 0, 3]]),
    ("index_select-0d", lambda x, m: x.index_select(0, m.tensor(1)), lambda a: a[[1]]),
    ("masked_fill", lambda x, m: m.masked_fill(x, m.tensor(ROWS), -1.0),
     lambda a: np.where(ROWS, -1.0, a)),
    ("masked_fill-broadcast", lambda x, m: x[0].masked_fill(m.tensor(ROWS[None].repeat(2, 0)), 5),
     lambda a: np.where(ROWS[None].repeat(2, 0), 5.0, a[0])),
    ("masked_fill-tensor", lambda x, m: x.masked_fill(m.tensor(ROWS), m.tensor(2.5)),
     lambda a: np.where(ROWS, 2.5, a)),
    ("masked_select", lambda x, m: m.masked_select(x, x > 6), lambda a: a[a > 6]),
    ("masked_select-broadcast", lambda x, m: x.masked_select(m.tensor(ROWS)),
     lambda a: a[:, ROWS].ravel()),
    ("nonzero", lambda x, m: m.nonzero(x - 5), lambda a: np.argwhere(a - 5)),
    ("argwhere", lambda x, m: m.argwhere(x > 9), lambda a: np.argwhere(a > 9)),
    ("nonzero-0d", lambda x, m: m.nonzero(x[1, 1]), lambda a: np.zeros((1, 0), np.int64)),
]


def _put(a: np.ndarray, where: list, value: float, add: bool = False) -> np.ndarray:
    out = a.copy()
    for position in where:
        out[position] = out[position] + value if add else value
    return out


@pytest.mark.parametrize(("name", "call", "reference"), CASES, ids=[c[0] for c in CASES])
def test_against_numpy(name: str, call: Callable, reference: Callable) -> None:
    got = call(mt.tensor(X), mt)
    expected = reference(X)
    np.testing.assert_array_equal(got.numpy(), expected)
    assert got.dtype == (np.int64 if name.startswith(("nonzero", "argwhere")) else X.dtype)


@pytest.mark.torch
@pytest.mark.parametrize(("name", "call", "reference"), CASES, ids=[c[0] for c in CASES])
def test_against_torch(name: str, call: Callable, reference: Callable) -> None:
    torch = pytest.importorskip("torch")
    ours = call(mt.tensor(X, dtype=mt.float32), mt)
    theirs = call(torch.tensor(X, dtype=torch.float32), torch)
    assert ours.shape == tuple(theirs.shape)
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "microtensor.")
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@pytest.mark.torch
def test_nonzero_as_tuple_and_integer_masked_fill_against_torch() -> None:
    torch = pytest.importorskip("torch")
    for lib in (mt, torch):
        assert [t.tolist() for t in lib.nonzero(lib.tensor(X) > 8, as_tuple=True)] == \
            [[2, 2, 2], [1, 2, 3]]
        assert [t.tolist() for t in lib.tensor(0.0).nonzero(as_tuple=True)] == [[]]
        assert lib.arange(3).masked_fill(lib.tensor([True, False, True]), 2.7).tolist() == \
            [2, 1, 2]


def test_in_place_variants_change_the_tensor_and_its_version() -> None:
    x = mt.tensor(X)
    assert x.scatter_(0, mt.tensor([[1]]), -1.0) is x and x[1, 0].item() == -1.0
    x.scatter_add_(1, mt.tensor([[0]]), mt.tensor([[10.0]]))
    x.masked_fill_(mt.tensor(ROWS), 0.0)
    assert x._version == 3
    assert x.tolist()[0] == [0.0, 1.0, 0.0, 0.0] and x.tolist()[1] == [0.0, 5.0, 0.0, 0.0]
    with pytest.raises(RuntimeError, match="doesn't match the broadcast shape"):
        mt.zeros(4).masked_fill_(mt.tensor(ROWS[:, None]), 1.0)


ERRORS = [
    (lambda x: x.gather(0, mt.tensor(I, dtype=mt.float32)), RuntimeError, "int32/int64"),
    (lambda x: x.gather(0, [[0]]), TypeError, "index"),
    (lambda x: x.gather(1, mt.tensor([[0, 4]])), RuntimeError, "index 4 is out of bounds"),
    (lambda x: x.gather(1, mt.tensor([[0, -1]])), RuntimeError, "index -1 is out of bounds"),
    (lambda x: x.gather(1, mt.tensor([0, 1])), RuntimeError, "same number of dimensions"),
    (lambda x: x.gather(0, mt.tensor([[0] * 5])), RuntimeError, "no larger than self"),
    (lambda x: x.gather(2, mt.tensor(I)), IndexError, "Dimension out of range"),
    (lambda x: x.scatter(0, mt.tensor(I), mt.ones(1, 1)), RuntimeError, "no larger size than src"),
    (lambda x: x.scatter(0, mt.tensor(I), mt.tensor(1.0)), RuntimeError, "src tensor"),
    (lambda x: x.scatter(0, mt.tensor(I), mt.ones(3, 4, dtype=mt.float64)), RuntimeError,
     "self.dtype to be equal to src.dtype"),
    (lambda x: x.scatter(0, mt.tensor(I)), TypeError, "exactly one of src"),
    (lambda x: x.scatter(0, mt.tensor(I), 1.0, reduce="mean"), RuntimeError, "add or multiply"),
    (lambda x: x.scatter(0, mt.tensor(I), 1.0, reduce="multiply"), NotImplementedError,
     "multiply"),
    (lambda x: x.scatter_add(0, mt.tensor(I), 5), TypeError, "src"),
    (lambda x: x.index_select(1, mt.tensor([[0]])), IndexError, "supposed to be a vector"),
    (lambda x: x.index_select(1, mt.tensor([4])), RuntimeError, "out of range"),
    (lambda x: x.index_select(1, mt.tensor([1.0])), RuntimeError, "int32/int64"),
    (lambda x: x.masked_fill(mt.tensor([1, 0, 1, 1]), 1.0), RuntimeError, "boolean masks"),
    (lambda x: x.masked_fill(mt.tensor(ROWS), mt.tensor([1.0])), RuntimeError, "0-dimensional"),
    (lambda x: x.masked_fill(mt.tensor([True, False]), 1.0), RuntimeError, "does not broadcast"),
    (lambda x: x.masked_select(mt.tensor([1, 0, 1, 1])), RuntimeError, "boolean masks"),
]


@pytest.mark.parametrize(("call", "error", "match"), ERRORS)
def test_errors(call: Callable, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        call(mt.tensor(X))


# ----- gradients of the compositions, first and second order --------------------------

MATRICES = mts.float_arrays(mts.shapes(min_dims=2, max_dims=2, max_side=3))


@given(x=MATRICES, data=st.data())
def test_scatter_add_gradients(x: np.ndarray, data: st.DataObject) -> None:
    dim = data.draw(st.integers(0, 1))
    sides = [data.draw(st.integers(1, s)) for s in x.shape]
    sides[dim] = data.draw(st.integers(1, 4))
    index = data.draw(hnp.arrays(np.int64, tuple(sides), elements=st.integers(0, x.shape[dim] - 1)))
    src = data.draw(mts.float_arrays(tuple(sides)))
    expected = x.copy()
    np.add.at(expected, tuple(index if d == dim else np.indices(sides)[d] for d in range(2)), src)
    got = mt.tensor(x).scatter_add(dim, mt.tensor(index), mt.tensor(src))
    np.testing.assert_allclose(got.numpy(), expected)
    assert_gradients(lambda a, s: a.scatter_add(dim, mt.tensor(index), s), x, src)


@given(x=MATRICES, data=st.data())
def test_index_select_and_mask_gradients(x: np.ndarray, data: st.DataObject) -> None:
    dim = data.draw(st.integers(-2, 1))
    index = data.draw(st.lists(st.integers(0, x.shape[dim] - 1), max_size=4))
    mask = data.draw(hnp.arrays(np.bool_, data.draw(st.sampled_from([x.shape, x.shape[1:]]))))
    value = data.draw(mts.float_arrays(()))
    assert_gradients(lambda a: a.index_select(dim, mt.tensor(index, dtype=mt.int64)), x)
    assert_gradients(lambda a, v: a.masked_fill(mt.tensor(mask), v), x, value)
    assert_gradients(lambda a: a.masked_select(mt.tensor(mask)), x)
    assert_gradients(lambda a: a[0].masked_select(mt.tensor(mask)), x)  # input broadcast


def test_gather_backward_adds_up_repeated_positions() -> None:
    x = mt.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x.gather(0, mt.tensor([2, 2, 0])).sum().backward()
    assert x.grad.tolist() == [1.0, 0.0, 2.0]


def test_scatter_src_larger_than_index_gets_zeros_beyond_it() -> None:
    x = mt.zeros(2, 3, requires_grad=True)
    src = mt.ones(2, 3, requires_grad=True)
    (x.scatter(0, mt.tensor([[1, 0]]), src) * mt.arange(6.0).reshape(2, 3)).sum().backward()
    assert src.grad.tolist() == [[3.0, 1.0, 0.0], [0.0, 0.0, 0.0]]
    assert x.grad.tolist() == [[0.0, 0.0, 2.0], [0.0, 4.0, 5.0]]
