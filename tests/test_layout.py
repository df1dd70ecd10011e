"""The layout ops (``ops/layout.py``): t, T, mT, view_as, reshape_as, expand(_as), repeat,
flip, roll, narrow, unbind, movedim, swapaxes/swapdims, contiguous, clone.

Against NumPy always, against PyTorch when it is installed (marked ``torch``); gradients
of the compositions (first and second order) by property tests; views share memory and
the version counter with their base, as in PyTorch.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import microtensor as mt
from microtensor.testing import assert_gradients
from microtensor.testing import strategies as mts

A = np.arange(24.0).reshape(2, 3, 4)
M = np.arange(6.0).reshape(2, 3)

# (name, call(x, mt or torch), NumPy reference) on A (M for t).
CASES: list[tuple[str, Callable, Callable]] = [
    ("t", lambda x, m: m.t(x), lambda a: a.T),
    ("T", lambda x, m: x.T, lambda a: a.T),
    ("mT", lambda x, m: x.mT, lambda a: np.swapaxes(a, -2, -1)),
    ("view_as", lambda x, m: x.view_as(m.zeros(4, 6)), lambda a: a.reshape(4, 6)),
    ("reshape_as", lambda x, m: x.reshape_as(m.zeros(6, 4)), lambda a: a.reshape(6, 4)),
    ("expand_as", lambda x, m: x[:1].expand_as(m.zeros(5, 3, 4)),
     lambda a: np.broadcast_to(a[:1], (5, 3, 4))),
    ("repeat", lambda x, m: x.repeat(2, 1, 3), lambda a: np.tile(a, (2, 1, 3))),
    ("repeat-more-dims", lambda x, m: x.repeat(2, 1, 1, 2), lambda a: np.tile(a, (2, 1, 1, 2))),
    ("flip", lambda x, m: m.flip(x, (0, 2)), lambda a: np.flip(a, (0, 2))),
    ("flip-varargs", lambda x, m: x.flip(-1), lambda a: np.flip(a, -1)),
    ("roll", lambda x, m: m.roll(x, (1, -2), (2, 0)), lambda a: np.roll(a, (1, -2), (2, 0))),
    ("roll-flat", lambda x, m: x.roll(5), lambda a: np.roll(a, 5)),
    ("narrow", lambda x, m: m.narrow(x, 2, 1, 2), lambda a: a[:, :, 1:3]),
    ("narrow-negative", lambda x, m: x.narrow(-2, -2, 2), lambda a: a[:, 1:3]),
    ("narrow-tensor-start", lambda x, m: x.narrow(1, m.tensor(1), 1), lambda a: a[:, 1:2]),
    ("unbind", lambda x, m: list(x.unbind(1)), lambda a: [a[:, i] for i in range(3)]),
    ("movedim", lambda x, m: m.movedim(x, 0, -1), lambda a: np.moveaxis(a, 0, -1)),
    ("movedim-tuple", lambda x, m: x.movedim((0, 1), (2, 0)),
     lambda a: np.moveaxis(a, (0, 1), (2, 0))),
    ("moveaxis", lambda x, m: m.moveaxis(x, 2, 0), lambda a: np.moveaxis(a, 2, 0)),
    ("swapaxes", lambda x, m: m.swapaxes(x, 0, 2), lambda a: np.swapaxes(a, 0, 2)),
    ("swapdims", lambda x, m: x.swapdims(-1, 1), lambda a: np.swapaxes(a, -1, 1)),
    ("contiguous", lambda x, m: x.transpose(0, 2).contiguous(), lambda a: a.transpose(2, 1, 0)),
    ("clone", lambda x, m: x.clone(), lambda a: a),
]


def _numpy(result: object) -> object:
    if isinstance(result, list):
        return [r.detach().numpy() for r in result]
    return result.detach().numpy()  # type: ignore[attr-defined]


def _input(name: str) -> np.ndarray:
    return M if name == "t" else A


@pytest.mark.parametrize(("name", "call", "reference"), CASES, ids=[c[0] for c in CASES])
def test_against_numpy(name: str, call: Callable, reference: Callable) -> None:
    x = mt.tensor(_input(name))
    got, expected = _numpy(call(x, mt)), reference(_input(name))
    if isinstance(expected, list):
        assert len(got) == len(expected)  # type: ignore[arg-type]
        for g, e in zip(got, expected, strict=True):  # type: ignore[call-overload]
            np.testing.assert_array_equal(g, e)
    else:
        np.testing.assert_array_equal(got, expected)
        assert got.dtype == x.dtype  # type: ignore[union-attr]


@pytest.mark.torch
@pytest.mark.parametrize(("name", "call", "reference"), CASES, ids=[c[0] for c in CASES])
def test_against_torch(name: str, call: Callable, reference: Callable) -> None:
    torch = pytest.importorskip("torch")
    ours = call(mt.tensor(_input(name)), mt)
    theirs = call(torch.tensor(_input(name), dtype=torch.float32), torch)
    ours = list(ours) if isinstance(ours, tuple | list) else [ours]
    theirs = list(theirs) if isinstance(theirs, tuple | list) else [theirs]
    for o, t in zip(ours, theirs, strict=True):
        assert o.shape == tuple(t.shape)
        np.testing.assert_array_equal(o.detach().numpy(), t.detach().numpy())


def test_small_and_zero_dimensional_inputs() -> None:
    v, s = mt.tensor([1.0, 2.0]), mt.tensor(3.0)
    assert v.t().tolist() == [1.0, 2.0] and s.t().item() == 3.0
    assert s.flip(0).item() == 3.0 and s.roll(1).item() == 3.0
    assert s.repeat(()).shape == () and s.repeat(3).tolist() == [3.0] * 3
    assert s.swapaxes(0, -1).item() == 3.0 and s.movedim(0, 0).item() == 3.0
    assert v.narrow(0, 2, 0).shape == (0,)
    assert mt.zeros(2, 0).repeat(2, 3).shape == (4, 0)


# ----- errors: PyTorch's types, messages naming the op --------------------------------

ERRORS = [
    (lambda: mt.tensor(A).t(), RuntimeError, "t\\(\\) expects a tensor with <= 2 dimensions"),
    (lambda: mt.tensor([1.0]).mT, RuntimeError, "only supported on matrices"),
    (lambda: mt.tensor(A).view_as(3), TypeError, "view_as"),
    (lambda: mt.tensor(A).view_as(mt.zeros(5)), RuntimeError, "invalid for input of size 24"),
    (lambda: mt.tensor(A).expand_as(mt.zeros(3)), RuntimeError, "number of sizes"),
    (lambda: mt.tensor([1.0, 2.0]).expand(1), RuntimeError, "must match the existing size"),
    (lambda: mt.tensor(A).repeat(2), RuntimeError, "can not be smaller"),
    (lambda: mt.tensor(M).repeat(2, -1), RuntimeError, "non-negative"),
    (lambda: mt.tensor(A).flip(), TypeError, "dims"),
    (lambda: mt.tensor(A).flip(0, 0), RuntimeError, "multiple times"),
    (lambda: mt.tensor(A).flip(3), IndexError, "Dimension out of range"),
    (lambda: mt.tensor(A).roll((1, 2), (0,)), RuntimeError, "must align"),
    (lambda: mt.tensor(A).roll(()), RuntimeError, "shifts"),
    (lambda: mt.tensor(A).roll(1, 5), IndexError, "Dimension out of range"),
    (lambda: mt.tensor(A).narrow(1, 2, 2), RuntimeError, "exceeds dimension size"),
    (lambda: mt.tensor(A).narrow(1, 4, 0), IndexError, "start out of range"),
    (lambda: mt.tensor(A).narrow(1, 0, -1), RuntimeError, "non-negative"),
    (lambda: mt.tensor(1.0).narrow(0, 0, 1), RuntimeError, "0-dim"),
    (lambda: mt.tensor(1.0).unbind(), IndexError, "no dimensions"),
    (lambda: mt.tensor(A).unbind(3), IndexError, "Dimension out of range"),
    (lambda: mt.tensor(A).movedim((0, 0), (1, 2)), RuntimeError, "repeated dim in `source`"),
    (lambda: mt.tensor(A).movedim((0, 1), 1), RuntimeError, "same number of dims"),
    (lambda: mt.tensor(A).swapaxes(0, 3), IndexError, "Dimension out of range"),
]


@pytest.mark.parametrize(("call", "error", "match"), ERRORS)
def test_errors(call: Callable, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        call()


# ----- gradients of the compositions, first and second order --------------------------


@given(x=mts.float_arrays(mts.shapes(max_dims=3, max_side=3)), data=st.data())
def test_repeat_gradients(x: np.ndarray, data: st.DataObject) -> None:
    extra = data.draw(st.integers(0, 1))
    sizes = tuple(data.draw(st.integers(1, 3)) for _ in range(x.ndim + extra))
    np.testing.assert_array_equal(mt.tensor(x).repeat(*sizes).numpy(), np.tile(x, sizes))
    assert_gradients(lambda t: t.repeat(*sizes), x)


@given(x=mts.float_arrays(mts.shapes(min_dims=1, max_dims=3, max_side=3)), data=st.data())
def test_view_op_gradients(x: np.ndarray, data: st.DataObject) -> None:
    """narrow, unbind, movedim, swapaxes, t/mT, view_as, expand_as: composed of Index,
    Permute, Reshape and Expand, checked as compositions."""
    dim = data.draw(st.integers(-x.ndim, x.ndim - 1))
    side = x.shape[dim]
    start = data.draw(st.integers(-side, side - 1))
    length = data.draw(st.integers(0, side - start % side))
    target = data.draw(st.integers(0, x.ndim - 1))
    assert_gradients(lambda t: t.narrow(dim, start, length), x)
    assert_gradients(lambda t: t.unbind(dim), x)
    assert_gradients(lambda t: mt.movedim(t, dim, target), x)
    assert_gradients(lambda t: t.swapaxes(dim, target), x)
    assert_gradients(lambda t: t.mT if t.ndim >= 2 else t.t(), x)
    assert_gradients(lambda t: t.view_as(mt.zeros(x.size)), x)
    assert_gradients(lambda t: t.expand_as(mt.zeros((2, *x.shape))), x)


# ----- views: shared memory and version counter ---------------------------------------

VIEWS: list[tuple[str, Callable]] = [
    ("t", lambda x: x.t()),
    ("T", lambda x: x.T),
    ("mT", lambda x: x.mT),
    ("narrow", lambda x: x.narrow(1, 1, 2)),
    ("unbind", lambda x: x.unbind(1)[2]),
    ("movedim", lambda x: x.movedim(0, 1)),
    ("swapaxes", lambda x: x.swapaxes(0, 1)),
    ("swapdims", lambda x: x.swapdims(1, 0)),
    ("view_as", lambda x: x.view_as(mt.zeros(3, 2))),
    ("view_as-same-shape", lambda x: x.view_as(x)),
    ("expand_as", lambda x: x.expand_as(mt.zeros(4, 2, 3))),
]


@pytest.mark.parametrize(("name", "make"), VIEWS, ids=[v[0] for v in VIEWS])
def test_a_view_and_its_base_see_each_others_changes(name: str, make: Callable) -> None:
    x = mt.tensor(M, requires_grad=True)
    with mt.no_grad():
        view = make(x)
        before = view.numpy().copy()
        x.mul_(2)  # the base changed in place: the view sees it
        np.testing.assert_array_equal(view.numpy(), 2 * before)
        assert view._version == x._version == 1
        if name != "expand_as":  # an expanded view is read-only, as in PyTorch
            view.add_(1)  # the view changed in place: the base sees it
            assert x._version == 2
            assert float(x.sum()) == pytest.approx(2 * M.sum() + view.numel())


def test_an_expanded_view_refuses_in_place_changes() -> None:
    with pytest.raises(RuntimeError, match="read-only"):
        mt.tensor([1.0, 2.0]).expand(3, 2).add_(1)


@pytest.mark.parametrize(("name", "make"), VIEWS, ids=[v[0] for v in VIEWS])
def test_backward_refuses_a_saved_view_changed_in_place(name: str, make: Callable) -> None:
    base = mt.tensor(M, requires_grad=True) * 1  # a non-leaf: it may change in place
    view = make(base)
    loss = (view * view).sum()  # Mul saves the view
    with mt.no_grad():
        base.add_(1)  # changes the saved view's memory and version
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        loss.backward()


@pytest.mark.parametrize(
    "make", [lambda x: x.flip(0), lambda x: x.roll(1), lambda x: x.repeat(1, 1),
             lambda x: x.t().contiguous(), lambda x: x.clone()],
)
def test_copies_do_not_share_memory(make: Callable) -> None:
    x = mt.tensor(M)
    y = make(x)
    y.add_(1)
    np.testing.assert_array_equal(x.numpy(), M)
    assert x._version == 0


def test_contiguous_is_the_tensor_itself_when_contiguous() -> None:
    x = mt.tensor(M)
    assert x.contiguous() is x and x.is_contiguous()
    assert not x.t().is_contiguous() and x.t().contiguous().is_contiguous()


def test_clone_and_contiguous_accept_and_ignore_memory_format() -> None:
    x = mt.tensor(M, requires_grad=True)
    y = x.clone(memory_format="preserve")
    np.testing.assert_array_equal(y.detach().numpy(), M)
    assert y.requires_grad and y.grad_fn is not None
    assert x.t().contiguous(memory_format="contiguous").is_contiguous()
