"""Reductions, order and logical ops (issue 11, item 5): against NumPy always, against
PyTorch where installed (marked ``torch``), gradients of the compositions by property
tests (first and second order), and the conventions at ties and zeros exactly.

The primitives (Amax, Amin, Norm, Prod, ProdOthers, Cumsum, ElementwiseMax/Min) have
their specs in ``specs_reduce.py``; the compositions (var, std, logsumexp, sort, topk)
are checked here.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import microtensor as mt
from microtensor.testing import assert_gradients
from microtensor.testing import strategies as mts

SHAPES = mts.shapes(min_dims=1, max_dims=3, max_side=3)


def _dims(ndim: int) -> st.SearchStrategy:
    return st.none() | st.integers(-ndim, ndim - 1) | st.lists(
        st.integers(0, ndim - 1), min_size=1, unique=True).map(tuple)


# ----- compositions: NumPy forward, first and second order gradients ----------------------


@given(x=mts.float_arrays(SHAPES), data=st.data())
def test_var_and_std_match_numpy_and_their_gradients(x: np.ndarray, data: st.DataObject) -> None:
    dim = data.draw(_dims(x.ndim))
    count = x.size if dim is None else math.prod(
        x.shape[d] for d in ((dim,) if isinstance(dim, int) else dim))
    correction = data.draw(st.sampled_from([0, 1]).filter(lambda c: c < count))
    keepdim = data.draw(st.booleans())
    t = mt.tensor(x, dtype=mt.float64)
    expected = np.var(x, axis=dim, ddof=correction, keepdims=keepdim)
    np.testing.assert_allclose(mt.var(t, dim, correction=correction, keepdim=keepdim)._array,
                               expected, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(t.std(dim, correction=correction, keepdim=keepdim)._array,
                               np.sqrt(expected), rtol=1e-10, atol=1e-12)
    assert_gradients(lambda a: mt.var(a, dim, correction=correction, keepdim=keepdim), x)


@given(x=mts.distinct_arrays(SHAPES, gap=0.1), data=st.data())
def test_std_gradients_away_from_zero_spread(x: np.ndarray, data: st.DataObject) -> None:
    """Values pairwise apart: the spread is never 0, where std's derivative is infinite."""
    dim = data.draw(st.integers(0, x.ndim - 1).filter(lambda d: x.shape[d] > 1) | st.none())
    if x.size < 2:
        return
    assert_gradients(lambda a: mt.std(a, dim, unbiased=False), x)


@given(x=mts.float_arrays(SHAPES, min_value=-30, max_value=30), data=st.data())
def test_logsumexp_matches_numpy_and_its_gradients(x: np.ndarray, data: st.DataObject) -> None:
    dim = data.draw(st.integers(-x.ndim, x.ndim - 1) | st.lists(
        st.integers(0, x.ndim - 1), min_size=1, unique=True).map(tuple))
    keepdim = data.draw(st.booleans())
    m = np.max(x, axis=dim, keepdims=True)
    expected = np.log(np.sum(np.exp(x - m), axis=dim, keepdims=True)) + m
    if not keepdim:
        expected = np.squeeze(expected, axis=dim)
    actual = mt.logsumexp(mt.tensor(x, dtype=mt.float64), dim, keepdim=keepdim)
    np.testing.assert_allclose(actual._array, expected, rtol=1e-12, atol=1e-12)
    assert_gradients(lambda a: mt.logsumexp(a, dim, keepdim=keepdim), x)


@given(x=mts.distinct_arrays(SHAPES, gap=0.05), data=st.data())
def test_sort_and_topk_values_and_gradients(x: np.ndarray, data: st.DataObject) -> None:
    dim = data.draw(st.integers(-x.ndim, x.ndim - 1))
    descending = data.draw(st.booleans())
    t = mt.tensor(x, dtype=mt.float64)
    values, indices = mt.sort(t, dim, descending=descending)
    expected = np.sort(x, axis=dim)
    if descending:
        expected = np.flip(expected, axis=dim)
    np.testing.assert_array_equal(values._array, expected)
    np.testing.assert_array_equal(np.take_along_axis(x, indices._array, axis=dim), expected)
    assert indices.dtype == mt.int64
    np.testing.assert_array_equal(mt.argsort(t, dim, descending)._array, indices._array)
    k = data.draw(st.integers(0, x.shape[dim]))
    largest = data.draw(st.booleans())
    top = mt.topk(t, k, dim, largest=largest)
    order = np.flip(np.sort(x, axis=dim), axis=dim) if largest else np.sort(x, axis=dim)
    np.testing.assert_array_equal(top.values._array, np.take(order, range(k), axis=dim))
    assert_gradients(lambda a: mt.sort(a, dim, descending)[0], x)
    assert_gradients(lambda a: mt.topk(a, k, dim, largest)[0], x)


# ----- NumPy references of the ops without gradient ---------------------------------------


@given(x=mts.float_arrays(SHAPES, elements=st.sampled_from([0.0, 1.0, -2.0, np.nan, np.inf])),
       data=st.data())
def test_logical_ops_match_numpy(x: np.ndarray, data: st.DataObject) -> None:
    dim = data.draw(_dims(x.ndim))
    keepdim = data.draw(st.booleans())
    t = mt.tensor(x, dtype=mt.float64)
    for name in ("all", "any"):
        result = getattr(mt, name)(t, dim, keepdim=keepdim)
        assert result.dtype == mt.bool
        np.testing.assert_array_equal(result._array, getattr(np, name)(x != 0, axis=dim,
                                                                       keepdims=keepdim))
    counted = mt.count_nonzero(t, dim)
    assert counted.dtype == mt.int64
    np.testing.assert_array_equal(counted._array, np.count_nonzero(x, axis=dim))
    for name in ("isnan", "isinf", "isfinite"):
        np.testing.assert_array_equal(getattr(mt, name)(t)._array, getattr(np, name)(x))
    assert mt.equal(t, t) == (not np.isnan(x).any())
    assert mt.allclose(t, t, equal_nan=True)
    np.testing.assert_array_equal(mt.isclose(t, t)._array, np.isclose(x, x))


@given(x=mts.float_arrays(SHAPES, elements=st.sampled_from([0.0, 1.0, -2.0, 1.0])),
       data=st.data())
def test_argmin_argmax_and_max_min_forms_match_numpy(x: np.ndarray, data: st.DataObject) -> None:
    dim = data.draw(st.integers(-x.ndim, x.ndim - 1))
    t = mt.tensor(x)
    np.testing.assert_array_equal(mt.argmin(t, dim, keepdims=True)._array,
                                  np.argmin(x, axis=dim, keepdims=True))
    np.testing.assert_array_equal(t.argmin()._array, np.argmin(x))
    values, indices = t.max(dim, keepdims=True)
    np.testing.assert_array_equal(values._array, np.max(x, axis=dim, keepdims=True))
    np.testing.assert_array_equal(indices._array, np.argmax(x, axis=dim, keepdims=True))
    np.testing.assert_array_equal(mt.amin(t, dim)._array, np.min(x, axis=dim))
    other = mt.tensor(np.flip(x, axis=dim).copy())
    np.testing.assert_array_equal(mt.max(t, other)._array, np.maximum(x, other._array))
    np.testing.assert_array_equal(t.min(other=other)._array, np.minimum(x, other._array))


def test_prod_cumsum_and_norm_forms_match_numpy() -> None:
    x = np.array([[1.5, -2.0, 0.5], [3.0, 0.25, -1.0]])
    t = mt.tensor(x, dtype=mt.float64)
    np.testing.assert_allclose(mt.prod(t)._array, np.prod(x))
    np.testing.assert_allclose(t.prod(1, keepdims=True)._array, np.prod(x, 1, keepdims=True))
    np.testing.assert_allclose(mt.cumsum(t, -1)._array, np.cumsum(x, -1))
    for p, order in [(2, None), (1, 1), (math.inf, np.inf), (-math.inf, -np.inf), (3, 3)]:
        np.testing.assert_allclose(mt.norm(t, p, dim=1)._array,
                                   np.linalg.norm(x, ord=order, axis=1))
    np.testing.assert_allclose(mt.norm(t)._array, np.linalg.norm(x))
    np.testing.assert_allclose(mt.norm(t, "fro", dim=(0, 1), keepdim=True)._array,
                               np.linalg.norm(x, keepdims=True))
    assert mt.prod(mt.tensor([[1, 2], [3, 4]])).dtype == mt.int64
    assert mt.prod(mt.tensor([True, True])).item() == 1
    assert mt.cumsum(mt.tensor([True, True, False]), 0).tolist() == [1, 2, 2]
    assert mt.cumsum(mt.tensor([1.0, 2.0]), 0, dtype=mt.float64).dtype == mt.float64


# ----- conventions at ties and zeros, exactly ---------------------------------------------


def _grad(fn: object, values: list, dtype: object = mt.float64) -> list:
    x = mt.tensor(values, dtype=dtype, requires_grad=True)
    fn(x).sum().backward()  # type: ignore[operator]
    return x.grad.tolist()


def test_amax_shares_ties_max_dim_routes_to_the_first() -> None:
    assert _grad(lambda x: mt.amax(x, 0), [1.0, 3.0, 3.0, 2.0]) == [0, 0.5, 0.5, 0]
    assert _grad(lambda x: x.amin(), [1.0, 1.0, 1.0, 2.0]) == [1 / 3, 1 / 3, 1 / 3, 0]
    assert _grad(lambda x: x.max(0).values, [1.0, 3.0, 3.0, 2.0]) == [0, 1, 0, 0]
    assert _grad(lambda x: mt.max(x, mt.tensor([3.0, 0.0, 3.0, 2.0], dtype=mt.float64)),
                 [1.0, 3.0, 3.0, 2.0]) == [0, 1, 0.5, 0.5]


def test_std_gradient_at_zero_spread_is_zero() -> None:
    assert _grad(lambda x: x.std(), [2.0, 2.0, 2.0]) == [0, 0, 0]
    grad = _grad(lambda x: x.std(1), [[2.0, 2.0], [1.0, 3.0]])
    np.testing.assert_allclose(grad, [[0, 0], [-(0.5**0.5), 0.5**0.5]], rtol=1e-15)


def test_norm_gradients_at_zero() -> None:
    zeros = [0.0, 0.0, 0.0]
    for p in (2, 1, 3, 1.5, 0.5, 0, math.inf, -math.inf, "fro"):
        assert _grad(lambda x, p=p: mt.norm(x, p), zeros) == [0, 0, 0], p
    assert _grad(lambda x: mt.norm(x, 1), [-2.0, 0.0, 3.0]) == [-1, 0, 1]
    assert _grad(lambda x: mt.norm(x, math.inf), [-3.0, 1.0, 3.0]) == [-0.5, 0, 0.5]
    assert _grad(lambda x: mt.norm(x, 0.5), [4.0, 0.0]) == [1, 0]


def test_prod_gradient_with_zeros_is_exact() -> None:
    assert _grad(lambda x: x.prod(), [2.0, 0.0, 3.0]) == [0, 6, 0]
    assert _grad(lambda x: x.prod(), [2.0, 0.0, 0.0]) == [0, 0, 0]
    assert _grad(lambda x: x.prod(0), [[2.0, 0.0], [0.0, 5.0]]) == [[0, 5], [2, 0]]


@given(x=mts.float_arrays(SHAPES, elements=st.sampled_from([0.0, 0.0, 1.5, -2.0, 0.5])),
       data=st.data())
def test_prod_gradients_with_zeros_first_and_second_order(
    x: np.ndarray, data: st.DataObject
) -> None:
    """A product is a polynomial: finite differences are exact through zeros too."""
    dim = data.draw(st.none() | st.integers(-x.ndim, x.ndim - 1))
    assert_gradients(lambda a: mt.prod(a, dim), x)


def test_sort_is_stable_and_puts_nan_last_ascending() -> None:
    x = mt.tensor([2.0, 1.0, 2.0, float("nan"), 1.0])
    assert mt.sort(x).indices.tolist() == [1, 4, 0, 2, 3]
    assert mt.sort(x, descending=True).indices.tolist() == [3, 0, 2, 1, 4]
    assert mt.topk(mt.tensor([1.0, 3.0, 3.0]), 2).indices.tolist() == [1, 2]


# ----- dtypes, forms and errors -------------------------------------------------------


def test_dtypes_and_errors() -> None:
    ints = mt.tensor([[1, 2], [3, 4]])
    with pytest.raises(RuntimeError, match="floating point"):
        ints.std()
    with pytest.raises(RuntimeError, match="floating point"):
        mt.norm(ints)
    assert mt.logsumexp(ints, 0).dtype == mt.float32
    assert mt.argsort(ints).dtype == mt.int64 and mt.all(ints).dtype == mt.bool
    with pytest.raises(RuntimeError, match="k out of range"):
        mt.topk(ints, 3)
    with pytest.raises(RuntimeError, match="nuc"):
        mt.norm(ints.float(), "nuc")
    with pytest.raises(TypeError, match="other a Tensor"):
        mt.max(ints, 2.0)
    with pytest.raises(TypeError, match="keepdim"):
        ints.sum(0, keepdim=True, keepdims=True)
    with pytest.raises(RuntimeError, match="same dtype"):
        mt.isclose(ints.float(), ints.double())
    with pytest.raises(TypeError, match="Tensor"):
        mt.allclose(ints, 2)
    with pytest.raises(RuntimeError, match="must match the size"):
        _ = mt.ones(2, 3) == mt.ones(2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert math.isnan(mt.var(mt.tensor([1.0])).item())
    x = mt.tensor([[1.0, 2.0], [4.0, 8.0]])
    assert mt.var(x, False).item() == pytest.approx(np.var(x._array))
    assert mt.var(x, 0, False, True).shape == (1, 2)
    assert mt.std(x, unbiased=False).item() == pytest.approx(np.std(x._array))
    for name in ("sum", "mean", "amax", "amin", "var", "std", "prod", "all", "any", "argmax",
                 "argmin", "logsumexp"):
        assert getattr(mt, name)(x, 0, keepdims=True).shape == (1, 2), name


# ----- against PyTorch ----------------------------------------------------------------

CALLS = {
    "var": lambda m, x: m.var(x, 1, keepdim=True),
    "var_unbiased_false": lambda m, x: m.var(x, 0, False),
    "var_correction": lambda m, x: m.var(x, dim=(0, 1), correction=0),
    "std": lambda m, x: m.std(x),
    "std_dim": lambda m, x: m.std(x, 0, unbiased=True, keepdim=True),
    "std_rows": lambda m, x: m.std(x, 1, correction=0),
    "logsumexp": lambda m, x: m.logsumexp(x * 40, 1),
    "amax": lambda m, x: m.amax(x, (0, 1)),
    "amin": lambda m, x: m.amin(x, 0, keepdim=True),
    "norm": lambda m, x: m.norm(x),
    "norm_1": lambda m, x: m.norm(x, 1, 1),
    "norm_inf": lambda m, x: m.norm(x, float("inf"), 0),
    "norm_-inf": lambda m, x: m.norm(x, float("-inf")),
    "norm_3": lambda m, x: m.norm(x, 3, dim=1, keepdim=True),
    "norm_half": lambda m, x: m.norm(x, 0.5),
    "norm_fro": lambda m, x: m.norm(x, "fro", dim=0),
    "prod": lambda m, x: m.prod(x),
    "prod_dim": lambda m, x: m.prod(x, 1),
    "cumsum": lambda m, x: m.cumsum(x, 0) * x,
    "sort": lambda m, x: m.sort(x, 1, descending=True).values,
    "topk": lambda m, x: m.topk(x, 2, largest=False).values,
    "max_other": lambda m, x: m.max(x, x[[2, 1, 0]]),
    "min_dim": lambda m, x: m.min(x, 1).values,
    "max": lambda m, x: x.max(),
}


@pytest.mark.torch
@pytest.mark.parametrize("name", list(CALLS))
@pytest.mark.parametrize("zeros", [False, True])
def test_values_and_gradients_match_torch(name: str, zeros: bool) -> None:
    torch = pytest.importorskip("torch")
    if zeros and name == "topk":
        pytest.skip("PyTorch's topk picks among ties in an unspecified order (quickselect)")
    values = np.random.default_rng(len(name)).normal(size=(3, 4))
    if zeros:  # zeros and ties: the conventions have to agree as well
        values[0, 1] = values[2, 2] = 0.0
        values[1] = values[1, 0]
        values[2, 3] = -values[1, 0]
    x = mt.tensor(values, dtype=mt.float64, requires_grad=True)
    y = torch.tensor(values, dtype=torch.float64, requires_grad=True)
    ours, theirs = CALLS[name](mt, x), CALLS[name](torch, y)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-12,
                               atol=1e-12)
    weights = np.random.default_rng(1).normal(size=theirs.shape)
    (ours * mt.tensor(weights, dtype=mt.float64)).sum().backward()
    (theirs * torch.tensor(weights)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), y.grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.torch
def test_results_and_dtypes_match_torch() -> None:
    torch = pytest.importorskip("torch")
    data = [[1.0, float("nan"), 0.0, 2.0], [float("inf"), -1.0, 2.0, 2.0]]
    for dtype in ("float32", "float64", "int64", "bool"):
        values = np.nan_to_num(np.array(data), nan=3, posinf=4) if dtype[0] != "f" else data
        x = mt.tensor(np.array(values).astype(dtype))
        y = torch.tensor(np.array(values).astype(dtype))
        for name, call in {
            "all": lambda m, t: m.all(t, 1), "any": lambda m, t: m.any(t, (0, 1)),
            "count_nonzero": lambda m, t: m.count_nonzero(t, 0),
            "isnan": lambda m, t: m.isnan(t), "isinf": lambda m, t: m.isinf(t),
            "isfinite": lambda m, t: m.isfinite(t), "argsort": lambda m, t: m.argsort(t, 1),
            "sort": lambda m, t: m.sort(t, dim=1, descending=True, stable=True).indices,
            "argmin": lambda m, t: m.argmin(t, 0), "eq": lambda m, t: t == t[0],
            "lt_float": lambda m, t: t < 1.5, "ge_row": lambda m, t: t >= t[1:].float(),
            "prod": lambda m, t: m.prod(t, 1), "cumsum": lambda m, t: m.cumsum(t, 1),
            "amax": lambda m, t: m.amax(t, 1), "max": lambda m, t: m.max(t, 0).indices,
        }.items():
            if dtype == "bool" and name in ("cumsum", "amax", "max", "argmin", "argsort", "sort"):
                continue
            ours, theirs = call(mt, x), call(torch, y)
            expected = str(theirs.dtype).replace("torch.", "microtensor.")
            assert str(ours.dtype) == expected, (name, dtype)
            np.testing.assert_array_equal(ours.numpy(), theirs.numpy(), err_msg=f"{name} {dtype}")
        assert mt.equal(x, x) == torch.equal(y, y)
    a, b = mt.tensor([1.0, 2.0]), mt.tensor([1.0 + 1e-6, 2.1])
    assert mt.allclose(a, b) == torch.allclose(torch.tensor(a.numpy()), torch.tensor(b.numpy()))
    assert mt.isclose(a, b, atol=0.2).tolist() == [True, True]
