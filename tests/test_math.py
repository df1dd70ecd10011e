"""The math ops (trigonometry, logarithms, rounding, clamp, maximum/minimum, lerp, pow)
against NumPy, their dtypes, errors, in-place variants and gradient conventions.

The primitives' gradients are property-tested through tests/specs_math.py; here the
public ops (compositions included: ``square``, ``reciprocal``) get their own property
tests, and the conventions at kinks are exact unit tests. Tests marked ``torch`` compare
values and gradients with PyTorch.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import microtensor as mt
from microtensor.testing import assert_gradients
from microtensor.testing import strategies as mts

X = np.array([[-2.5, -0.5, 0.0], [0.3, 1.5, 2.0]])
POSITIVE = np.array([[0.25, 0.5, 1.0], [2.0, 3.0, 10.0]])

UNARY = {  # op: (NumPy reference, input)
    "sin": (np.sin, X), "cos": (np.cos, X), "tan": (np.tan, X),
    "log10": (np.log10, POSITIVE), "log2": (np.log2, POSITIVE), "log1p": (np.log1p, X + 3),
    "expm1": (np.expm1, X), "exp2": (np.exp2, X), "rsqrt": (lambda a: 1 / np.sqrt(a), POSITIVE),
    "square": (np.square, X), "reciprocal": (np.reciprocal, X + 3), "sign": (np.sign, X),
    "floor": (np.floor, X), "ceil": (np.ceil, X), "round": (np.round, X), "trunc": (np.trunc, X),
    "fix": (np.trunc, X),
}


def t(values: np.ndarray, requires_grad: bool = False, dtype: object = mt.float64) -> mt.Tensor:
    return mt.tensor(values, dtype=dtype, requires_grad=requires_grad)


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_values_method_function_and_in_place(name: str) -> None:
    reference, values = UNARY[name]
    expected = reference(values)
    np.testing.assert_allclose(getattr(t(values), name)().numpy(), expected, rtol=1e-15)
    np.testing.assert_allclose(getattr(mt, name)(t(values)).numpy(), expected, rtol=1e-15)
    x = t(values)
    alias = x.view(-1)
    assert getattr(x, f"{name}_")() is x
    np.testing.assert_allclose(alias.numpy().reshape(values.shape), expected, rtol=1e-15)
    assert getattr(t(values, dtype=mt.float32), name)().dtype == mt.float32


@pytest.mark.parametrize(
    ("name", "int_dtype", "bool_dtype"),
    [("sin", mt.float32, mt.float32), ("log2", mt.float32, mt.float32),
     ("rsqrt", mt.float32, mt.float32), ("reciprocal", mt.float32, mt.float32),
     ("square", mt.int64, mt.int64), ("sign", mt.int64, mt.bool),
     ("floor", mt.int64, None), ("round", mt.int64, None), ("trunc", mt.int64, None)],
)
def test_integer_and_bool_inputs_get_pytorchs_dtypes(
    name: str, int_dtype: object, bool_dtype: object
) -> None:
    integers = mt.tensor([1, -2, 3])
    assert getattr(integers, name)().dtype == int_dtype
    booleans = mt.tensor([True, False])
    if bool_dtype is None:
        with pytest.raises(NotImplementedError, match=f"{name}: not implemented for bool"):
            getattr(booleans, name)()
    else:
        assert getattr(booleans, name)().dtype == bool_dtype
    assert integers.floor().tolist() == [1, -2, 3]
    assert mt.tensor([True, False]).sign().tolist() == [True, False]
    with pytest.raises(RuntimeError, match="can't be cast"):
        mt.tensor([1, 2]).sin_()


def test_round_decimals_and_halves_to_even() -> None:
    assert t(np.array([0.5, 1.5, 2.5, -0.5])).round().tolist() == [0.0, 2.0, 2.0, -0.0]
    np.testing.assert_allclose(t(np.array([1.2345, 2.5])).round(decimals=2).numpy(), [1.23, 2.5])
    np.testing.assert_allclose(mt.round(t(np.array([25.0, 35.0])), decimals=-1).numpy(),
                               [20.0, 40.0])


@pytest.mark.parametrize("name", ["sign", "floor", "ceil", "round", "trunc"])
def test_piecewise_constant_ops_stay_in_the_graph_with_zero_gradient(name: str) -> None:
    x = t(np.array([-1.5, 0.0, 0.5, 2.0, 2.5]), requires_grad=True)
    y = getattr(x, name)()
    assert y.requires_grad and type(y.grad_fn).__name__ == f"{name.capitalize()}Backward0"
    y.sum().backward()
    assert x.grad.tolist() == [0.0] * 5


@pytest.mark.parametrize("name", ["square", "reciprocal"])
@given(x=mts.float_arrays(mts.shapes(max_dims=2, max_side=3),
                          elements=mts.floats_away_from((0.0,), margin=0.25)))
def test_compositions_gradients(name: str, x: np.ndarray) -> None:
    assert_gradients(getattr(mt, name), x)


def test_clamp_with_numbers_tensors_and_none() -> None:
    x = t(X)
    np.testing.assert_array_equal(x.clamp(-1, 1).numpy(), np.clip(X, -1, 1))
    np.testing.assert_array_equal(x.clamp(min=0.0).numpy(), np.maximum(X, 0))
    np.testing.assert_array_equal(mt.clamp(x, max=0.5).numpy(), np.minimum(X, 0.5))
    low = t(np.array([-1.0, 0.0, 1.0]))
    high = t(np.array([1.8]))
    np.testing.assert_array_equal(x.clip(low, high).numpy(),
                                  np.minimum(np.maximum(X, [-1, 0, 1]), 1.8))
    np.testing.assert_array_equal(x.clamp_min(0.4).numpy(), np.maximum(X, 0.4))
    np.testing.assert_array_equal(x.clamp_max(low).numpy(), np.minimum(X, [-1, 0, 1]))
    assert x.clamp(2, 1).tolist() == [[1.0] * 3] * 2  # min > max: max wins
    assert mt.tensor([1, 5]).clamp(min=2).dtype == mt.int64
    assert mt.tensor([1, 5]).clamp(min=2.5).dtype == mt.float32
    assert t(X, dtype=mt.float32).clamp(t(np.zeros(3))).dtype == mt.float64
    with pytest.raises(RuntimeError, match="At least one of 'min' or 'max'"):
        x.clamp()
    with pytest.raises(TypeError, match="clamp: min must be"):
        x.clamp("0")
    with pytest.raises(RuntimeError, match="clamp: the size"):
        x.clamp(t(np.zeros(2)))


def test_clamp_in_place_writes_into_memory() -> None:
    x = t(X)
    view = x[0]
    assert x.clamp_(-1, 1) is x and view.tolist() == [-1.0, -0.5, 0.0]
    x.clip_(max=0.2)
    assert x.max().item() == 0.2
    with pytest.raises(RuntimeError, match="can't be cast"):
        mt.tensor([1, 2]).clamp_(min=0.5)
    leaf = t(X, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        leaf.clamp_(0, 1)
    y = leaf * 1
    y.clamp_(0, 1)
    y.sum().backward()
    np.testing.assert_array_equal(leaf.grad.numpy(), (X >= 0) & (X <= 1))


def test_clamp_gradient_conventions_at_the_bounds() -> None:
    """PyTorch's: x gets the gradient where min <= x <= max (bounds included); a tensor
    min where x < min < max; a tensor max where x > max or max < min."""
    x = t(np.array([0.0, 1.0, 2.0, 3.0, 4.0, 0.0, 2.0, 5.0]), requires_grad=True)
    low = t(np.array([1.0, 1.0, 1.0, 3.5, 5.0, 1.0, 2.0, 3.0]), requires_grad=True)
    high = t(np.array([2.0, 2.0, 2.0, 3.0, 4.5, 1.0, 2.0, 3.0]), requires_grad=True)
    x.clamp(low, high).sum().backward()
    assert x.grad.tolist() == [0, 1, 1, 0, 0, 0, 1, 0]
    assert low.grad.tolist() == [1, 0, 0, 0, 0, 0, 0, 0]
    assert high.grad.tolist() == [0, 0, 0, 1, 1, 0, 0, 1]
    y = t(np.array([0.0, 1.0, 2.0, 3.0, np.nan]), requires_grad=True)
    y.clamp(1, 2).sum().backward()
    assert y.grad.tolist() == [0, 1, 1, 0, 0]


@given(data=st.data())
def test_clamp_public_op_gradients(data: st.DataObject) -> None:
    """The op with number bounds (PrimitiveSpec covers tensor bounds): x on a grid 0.1
    away from the bounds."""
    grid = st.integers(-10, 10).map(lambda m: 0.3 * m + 0.1)
    x = data.draw(mts.float_arrays(mts.shapes(max_dims=2, max_side=3), elements=grid))
    low = data.draw(st.none() | st.integers(-3, 0).map(lambda m: 0.3 * m))
    high = data.draw(st.integers(0, 3).map(lambda m: 0.3 * m) if low is None else
                     st.none() | st.integers(0, 3).map(lambda m: 0.3 * m))
    assert_gradients(lambda v: v.clamp(low, high), x)


def test_maximum_and_minimum_split_the_gradient_at_ties() -> None:
    a = t(np.array([1.0, 2.0, 3.0]), requires_grad=True)
    b = t(np.array([1.0, 3.0, 2.0]), requires_grad=True)
    mt.maximum(a, b).sum().backward()
    assert a.grad.tolist() == [0.5, 0.0, 1.0] and b.grad.tolist() == [0.5, 1.0, 0.0]
    a.grad = b.grad = None
    a.minimum(b).sum().backward()
    assert a.grad.tolist() == [0.5, 1.0, 0.0] and b.grad.tolist() == [0.5, 0.0, 1.0]
    np.testing.assert_array_equal(mt.maximum(t(X), t(X.T[0])[:, None]).numpy(),
                                  np.maximum(X, X.T[0][:, None]))
    assert np.isnan(mt.minimum(t(np.array([np.nan])), t(np.array([1.0]))).item())
    assert mt.maximum(mt.tensor([True, False]), mt.tensor([False, False])).dtype == mt.bool
    with pytest.raises(TypeError, match="argument 'other' must be Tensor"):
        mt.maximum(t(X), 1.0)


def test_lerp() -> None:
    start, end = t(np.array([1.0, 2.0])), t(np.array([3.0, 5.0]))
    assert start.lerp(end, 0.75).tolist() == [2.5, 4.25]
    np.testing.assert_allclose(mt.lerp(start, end, t(np.array([0.25, 0.9]))).numpy(),
                               [1.5, 4.7])
    assert start.lerp(end, 1.0).tolist() == [3.0, 5.0]  # exact at weight 1
    start.lerp_(end, 0.5)
    assert start.tolist() == [2.0, 3.5]
    with pytest.raises(RuntimeError, match="expected dtype float64 for `end`"):
        start.lerp(end.float(), 0.5)
    with pytest.raises(NotImplementedError, match="lerp"):
        mt.tensor([1, 2]).lerp(mt.tensor([3, 4]), 0.5)
