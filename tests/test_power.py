"""``pow`` (``**``, ``2 ** t``, ``pow_``, ``**=``): values as ``numpy.power``, dtypes and
gradient conventions as PyTorch's (negative bases, zeros), against PyTorch when present.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import microtensor as mt
from microtensor.testing import assert_gradients
from microtensor.testing import strategies as mts

BASES = [0.0, -0.0, -2.0, 2.0, -1.5]
EXPONENTS = [0.0, 1.0, 2.0, -1.0, -2.0, 0.5, 3.0, 2.5]
GRID = list(itertools.product(BASES, EXPONENTS))


def _pow_with_gradients(base: float, exponent: float) -> tuple[float, float, float]:
    b = mt.tensor(base, dtype=mt.float64, requires_grad=True)
    e = mt.tensor(exponent, dtype=mt.float64, requires_grad=True)
    output = b ** e
    grad_base, grad_exponent = mt.autograd.grad(output, [b, e])
    return output.item(), grad_base.item(), grad_exponent.item()


def test_values_are_numpys_for_negative_bases_and_zeros() -> None:
    base = np.array([b for b, _ in GRID])
    exponent = np.array([e for _, e in GRID])
    with np.errstate(all="ignore"):
        expected = np.power(base, exponent)
    output = mt.tensor(base, dtype=mt.float64) ** mt.tensor(exponent, dtype=mt.float64)
    np.testing.assert_array_equal(output.numpy(), expected)  # NaN where NumPy has NaN
    assert (mt.tensor(0.0) ** mt.tensor(0.0)).item() == 1.0
    assert (mt.tensor(-2.0) ** mt.tensor(3.0)).item() == -8.0


@pytest.mark.parametrize(
    ("base", "exponent", "expected"),
    [  # (value, d/dbase, d/dexponent), as PyTorch gives them
        (0.0, 0.0, (1.0, 0.0, 0.0)),
        (0.0, 1.0, (0.0, 1.0, 0.0)),
        (0.0, 2.0, (0.0, 0.0, 0.0)),
        (0.0, -1.0, (np.inf, -np.inf, -np.inf)),
        (0.0, 0.5, (0.0, np.inf, 0.0)),
        (-2.0, 0.0, (1.0, 0.0, np.nan)),
        (-2.0, 2.0, (4.0, -4.0, np.nan)),
        (-2.0, 3.0, (-8.0, 12.0, np.nan)),
        (-2.0, -1.0, (-0.5, -0.25, np.nan)),
        (-2.0, 0.5, (np.nan, np.nan, np.nan)),
        (2.0, 0.0, (1.0, 0.0, np.log(2.0))),
    ],
)
def test_gradient_conventions(base: float, exponent: float, expected: tuple) -> None:
    np.testing.assert_array_equal(_pow_with_gradients(base, exponent), expected)


def test_number_base_and_number_exponent() -> None:
    e = mt.tensor([0.0, 1.0, -1.0, 0.5], dtype=mt.float64, requires_grad=True)
    output = 2 ** e
    np.testing.assert_allclose(output.detach().numpy(), 2.0 ** np.array([0, 1, -1, 0.5]))
    assert output.dtype == mt.float64 and type(output.grad_fn).__name__ == "PowerBackward0"
    (grad,) = mt.autograd.grad(output.sum(), [e])
    np.testing.assert_allclose(grad.numpy(), output.detach().numpy() * np.log(2.0))
    zero = mt.pow(0.0, e)
    (grad,) = mt.autograd.grad(zero.sum(), [e])
    assert zero.tolist() == [1.0, 0.0, np.inf, 0.0] and grad.tolist() == [0, 0, -np.inf, 0]
    negative = mt.tensor([-2.0, 0.0], requires_grad=True)
    (grad,) = mt.autograd.grad((negative ** 0).sum(), [negative])
    assert grad.tolist() == [0.0, 0.0]  # d/dx x**0 = 0, also at 0


def test_dtypes_and_integer_powers() -> None:
    integers = mt.tensor([2, 3])
    assert (integers ** 2).dtype == mt.int64 and (integers ** 2).tolist() == [4, 9]
    assert (integers ** 2.0).dtype == mt.float32
    assert (integers ** mt.tensor([2, 3])).tolist() == [4, 27]
    assert (integers ** mt.tensor([2.0, 3.0])).dtype == mt.float32
    assert (2 ** integers).dtype == mt.int64 and (2.0 ** integers).dtype == mt.float32
    assert (mt.tensor([2.0]) ** mt.tensor([2.0], dtype=mt.float64)).dtype == mt.float64
    assert (mt.tensor([2, 1, -1, -1, 0]) ** mt.tensor([-1, -3, -3, -2, -1])).tolist() == [
        0, 1, -1, 1, 0
    ]
    assert (mt.tensor([True, False]) ** 2).tolist() == [1, 0]
    with pytest.raises(RuntimeError, match="Integers to negative integer powers"):
        integers ** -1
    with pytest.raises(TypeError, match="pow: input or exponent must be a Tensor"):
        mt.pow(2, 3)
    with pytest.raises(RuntimeError, match="do not broadcast"):
        mt.tensor([1.0, 2.0]) ** mt.tensor([1.0, 2.0, 3.0])


def test_in_place_pow() -> None:
    x = mt.tensor([1.0, -2.0, 3.0])
    alias = x
    x **= mt.tensor([2.0, 3.0, 0.0])
    assert alias.tolist() == [1.0, -8.0, 1.0]
    x.pow_(2)
    assert alias.tolist() == [1.0, 64.0, 1.0]


@given(data=st.data())
def test_public_pow_gradients(data: st.DataObject) -> None:
    """Through the op (casts, number bases): positive bases, exponents away from 0."""
    exponents = mts.floats_away_from((0.0,), min_value=-2.0, max_value=2.0)
    base, exponent = data.draw(mts.broadcastable_arrays(
        2, elements=(mts.floats(0.25, 3.0), exponents), max_side=3
    ))
    assert_gradients(mt.pow, base, exponent)
    number = data.draw(mts.floats(0.25, 3.0))
    assert_gradients(lambda e: number ** e, exponent)


@pytest.mark.torch
def test_pow_grid_against_torch() -> None:
    torch = pytest.importorskip("torch")
    for base, exponent in GRID:
        b = torch.tensor(base, dtype=torch.float64, requires_grad=True)
        e = torch.tensor(exponent, dtype=torch.float64, requires_grad=True)
        output = b ** e
        grads = torch.autograd.grad(output, [b, e])
        expected = (output.item(), *[g.item() for g in grads])
        np.testing.assert_array_equal(_pow_with_gradients(base, exponent), expected,
                                      err_msg=f"{base} ** {exponent}")
    for base in [0.0, 2.0, -2.0]:  # a number base
        e = torch.tensor(EXPONENTS, dtype=torch.float64, requires_grad=True)
        (expected,) = torch.autograd.grad((base ** e).sum(), [e])
        ours = mt.tensor(EXPONENTS, dtype=mt.float64, requires_grad=True)
        (grad,) = mt.autograd.grad((base ** ours).sum(), [ours])
        np.testing.assert_array_equal(grad.numpy(), expected.numpy())
