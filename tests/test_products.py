"""``mm bmm mv dot outer addmm einsum`` against NumPy, their errors, property tests of
their gradients (first and second order), and against PyTorch when present."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import microtensor as mt
from microtensor.testing import assert_gradients
from microtensor.testing import strategies as mts

RNG = np.random.default_rng(0)


def t(*shape: int, dtype: object = mt.float64) -> mt.Tensor:
    return mt.tensor(RNG.standard_normal(shape), dtype=dtype, requires_grad=True)


def test_values_against_numpy() -> None:
    a, b, v, w = t(2, 3), t(3, 4), t(3), t(3)
    np.testing.assert_allclose(mt.mm(a, b).detach().numpy(),
                               a.detach().numpy() @ b.detach().numpy())
    np.testing.assert_allclose(a.mv(v).detach().numpy(), a.detach().numpy() @ v.detach().numpy())
    assert v.dot(w).shape == ()
    assert np.isclose(v.dot(w).item(), np.dot(v.detach().numpy(), w.detach().numpy()))
    np.testing.assert_allclose(mt.outer(v, w).detach().numpy(),
                               np.outer(v.detach().numpy(), w.detach().numpy()))
    x, y = t(4, 2, 3), t(4, 3, 5)
    np.testing.assert_allclose(x.bmm(y).detach().numpy(), x.detach().numpy() @ y.detach().numpy())
    c = t(2, 1)
    expected = 0.5 * c.detach().numpy() + 2 * (a.detach().numpy() @ b.detach().numpy())
    np.testing.assert_allclose(mt.addmm(c, a, b, beta=0.5, alpha=2).detach().numpy(), expected)
    nan = mt.tensor([[np.nan]])
    assert mt.addmm(nan, mt.tensor([[1.0]]), mt.tensor([[2.0]]), beta=0).item() == 2.0
    assert mt.outer(mt.tensor([1, 2]), mt.tensor([3, 4])).dtype == mt.int64
    assert mt.dot(mt.tensor([1, 2]), mt.tensor([3, 4])).item() == 11


def test_addmm_in_place() -> None:
    c = mt.zeros(2, 2)
    c.addmm_(mt.ones(2, 3), mt.ones(3, 2), alpha=0.5)
    assert c.tolist() == [[1.5, 1.5], [1.5, 1.5]]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: mt.mm(mt.ones(2, 3), mt.ones(2, 3)), r"cannot be multiplied \(2x3 and 2x3\)"),
        (lambda: mt.mm(mt.ones(3), mt.ones(3, 2)), "self must be a matrix"),
        (lambda: mt.mm(mt.ones(2, 3), mt.ones(3, 2, dtype=mt.float64)), "same dtype"),
        (lambda: mt.bmm(mt.ones(2, 2, 3), mt.ones(3, 3, 2)), "first two dimensions of batch2"),
        (lambda: mt.bmm(mt.ones(2, 3), mt.ones(3, 2)), "batch1 must be a 3D tensor"),
        (lambda: mt.mv(mt.ones(2, 3), mt.ones(2)), "size mismatch"),
        (lambda: mt.mv(mt.ones(2, 3), mt.ones(3, 1)), "vector \\+ matrix @ vector expected"),
        (lambda: mt.dot(mt.ones(3), mt.ones(2)), "inconsistent tensor size"),
        (lambda: mt.dot(mt.ones(1, 3), mt.ones(3)), "1D tensors expected, but got 2D and 1D"),
        (lambda: mt.outer(mt.ones(2, 2), mt.ones(3)), "Expected 1-D argument self"),
        (lambda: mt.addmm(mt.ones(3), mt.ones(2, 3), mt.ones(3, 2)), "does not broadcast"),
        (lambda: mt.einsum("ij,jk", mt.ones(2, 3), mt.ones(4, 2)), "subscript j has size 4"),
        (lambda: mt.einsum("ij", mt.ones(2, 3, 4)), "number of subscripts in the equation"),
        (lambda: mt.einsum("ij,jk", mt.ones(2, 3)), "fewer operands"),
        (lambda: mt.einsum("ij->ik", mt.ones(2, 3)), "output subscript k does not appear"),
        (lambda: mt.einsum("ii->i", mt.ones(2, 3)), "repeated for operand 0"),
        (lambda: mt.einsum("ij->jj", mt.ones(2, 2)), "more than once in the output"),
        (lambda: mt.einsum("i1", mt.ones(2, 2)), "invalid subscripts"),
        (lambda: mt.einsum("ij,jk", mt.ones(2, 3), mt.ones(3, 2, dtype=mt.float64)),
         "one dtype"),
    ],
)
def test_errors(call: object, message: str) -> None:
    with pytest.raises(RuntimeError, match=message):
        call()  # type: ignore[operator]


def test_einsum_forms() -> None:
    a, b = t(2, 3), t(3, 4)
    ref_a, ref_b = a.detach().numpy(), b.detach().numpy()
    np.testing.assert_allclose(mt.einsum("ij,jk", a, b).detach().numpy(), ref_a @ ref_b)
    np.testing.assert_allclose(mt.einsum("i j , j k -> i k", [a, b]).detach().numpy(),
                               ref_a @ ref_b)
    x = t(2, 3, 4)
    np.testing.assert_allclose(mt.einsum("...ij->...ji", x).detach().numpy(),
                               np.einsum("...ij->...ji", x.detach().numpy()))
    np.testing.assert_allclose(mt.einsum("...ij->i", x).detach().numpy(),  # PyTorch sums
                               x.detach().numpy().sum(axis=(0, 2)))
    np.testing.assert_allclose(mt.einsum("ba", a).detach().numpy(), ref_a.T)
    with pytest.raises(TypeError, match="sublist form"):
        mt.einsum(a, [0, 1])  # type: ignore[arg-type]


EINSUMS = [
    ("ij,jk->ik", [(2, 3), (3, 2)]), ("ii->", [(3, 3)]), ("ii", [(2, 2)]), ("ij->", [(2, 3)]),
    ("...ij,...jk->...ik", [(2, 2, 3), (3, 2)]), ("bij,bjk->bik", [(2, 2, 3), (2, 3, 1)]),
    ("i,i->", [(3,), (3,)]), ("i,j", [(2,), (3,)]), ("iij->j", [(2, 2, 3)]),
    ("ij,jk,kl->il", [(2, 3), (3, 2), (2, 2)]), ("...i,i->...", [(2, 3), (3,)]),
    ("ij,ij->ij", [(1, 3), (2, 3)]),
]


@pytest.mark.parametrize(("equation", "shapes"), EINSUMS)
@given(data=st.data())
def test_einsum_gradients(equation: str, shapes: list, data: st.DataObject) -> None:
    operands = [data.draw(mts.float_arrays(shape)) for shape in shapes]
    np.testing.assert_allclose(
        mt.einsum(equation, *[mt.tensor(o, dtype=mt.float64) for o in operands]).numpy(),
        np.einsum(equation.replace(" ", ""), *operands), rtol=1e-12, atol=1e-12,
    )
    assert_gradients(lambda *ts: mt.einsum(equation, *ts), *operands)


@given(data=st.data())
def test_product_gradients(data: st.DataObject) -> None:
    n, k, m, b = (data.draw(st.integers(1, 3)) for _ in range(4))

    def draw(*shape: int) -> np.ndarray:
        return data.draw(mts.float_arrays(shape))

    assert_gradients(mt.mm, draw(n, k), draw(k, m))
    assert_gradients(mt.bmm, draw(b, n, k), draw(b, k, m))
    assert_gradients(mt.mv, draw(n, k), draw(k))
    assert_gradients(mt.dot, draw(k), draw(k))
    assert_gradients(mt.outer, draw(n), draw(m))
    bias = draw(*data.draw(st.sampled_from([(n, m), (m,), (1, m), (n, 1), ()])))
    assert_gradients(lambda c, x, y: mt.addmm(c, x, y, beta=0.5, alpha=-2), bias,
                     draw(n, k), draw(k, m))


@pytest.mark.torch
@pytest.mark.parametrize(("equation", "shapes"), EINSUMS)
def test_einsum_against_torch(equation: str, shapes: list) -> None:
    torch = pytest.importorskip("torch")
    arrays = [RNG.standard_normal(shape) for shape in shapes]
    ours = [mt.tensor(a, dtype=mt.float32, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, dtype=torch.float32, requires_grad=True) for a in arrays]
    output, expected = mt.einsum(equation, *ours), torch.einsum(equation, *theirs)
    np.testing.assert_allclose(output.detach().numpy(), expected.detach().numpy(), rtol=1e-5,
                               atol=1e-6)
    output.sum().backward()
    expected.sum().backward()
    for mine, reference in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(mine.grad.numpy(), reference.grad.numpy(), rtol=1e-5,
                                   atol=1e-6)


@pytest.mark.torch
@pytest.mark.parametrize(
    ("name", "shapes", "kwargs"),
    [("mm", [(2, 3), (3, 4)], {}), ("bmm", [(2, 2, 3), (2, 3, 4)], {}),
     ("mv", [(2, 3), (3,)], {}), ("dot", [(3,), (3,)], {}), ("outer", [(2,), (3,)], {}),
     ("addmm", [(1, 4), (2, 3), (3, 4)], {"beta": 0.5, "alpha": 2.0})],
)
def test_products_against_torch(name: str, shapes: list, kwargs: dict) -> None:
    torch = pytest.importorskip("torch")
    arrays = [RNG.standard_normal(shape) for shape in shapes]
    ours = [mt.tensor(a, dtype=mt.float32, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, dtype=torch.float32, requires_grad=True) for a in arrays]
    output = getattr(mt, name)(*ours, **kwargs)
    expected = getattr(torch, name)(*theirs, **kwargs)
    assert output.shape == tuple(expected.shape)
    np.testing.assert_allclose(output.detach().numpy(), expected.detach().numpy(), rtol=1e-5,
                               atol=1e-6)
    assert output.dtype == mt.float32
    output.sum().backward()
    expected.sum().backward()
    for mine, reference in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(mine.grad.numpy(), reference.grad.numpy(), rtol=1e-5,
                                   atol=1e-6)
