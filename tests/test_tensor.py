"""Tensor: construction and dtypes, attributes, repr, operators, indexing, methods, errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import microtensor as mt


def leaf(values: object) -> mt.Tensor:
    return mt.tensor(values, dtype=mt.float64, requires_grad=True)


# ----- construction and dtypes -------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "dtype"),
    [
        (1.5, mt.float32),
        ([1.0, 2.0], mt.float32),
        ([1, 2.5], mt.float32),
        (3, mt.int64),
        ([[1, 2], [3, 4]], mt.int64),
        (True, mt.bool),
        ([True, False], mt.bool),
        (np.array([1.0, 2.0]), mt.float64),
        (np.array([1, 2], dtype=np.int32), np.dtype(np.int32)),
        (np.array([1.0], dtype=np.float32), mt.float32),
    ],
)
def test_dtype_rules(data: object, dtype: np.dtype) -> None:
    assert mt.tensor(data).dtype == dtype


def test_explicit_dtype_and_default_dtype() -> None:
    assert mt.tensor([1, 2], dtype=mt.float64).dtype == mt.float64
    assert mt.get_default_dtype() == mt.float32
    mt.set_default_dtype(mt.float64)
    try:
        assert mt.tensor(1.5).dtype == mt.float64
        assert mt.zeros(2).dtype == mt.float64
    finally:
        mt.set_default_dtype(mt.float32)
    with pytest.raises(TypeError, match="float32 and float64"):
        mt.set_default_dtype(mt.int64)


def test_tensor_copies_and_from_numpy_shares() -> None:
    array = np.array([1.0, 2.0])
    copied, shared = mt.tensor(array), mt.from_numpy(array)
    array[0] = 9.0
    assert copied.tolist() == [1.0, 2.0] and shared.tolist() == [9.0, 2.0]
    with pytest.raises(TypeError, match="from_numpy"):
        mt.from_numpy([1.0])


@pytest.mark.parametrize("data", [3, [1, 2], True, np.array([1, 2], dtype=np.int32)])
def test_integer_and_bool_tensors_cannot_require_grad(data: object) -> None:
    with pytest.raises(RuntimeError, match="floating point dtype can require gradients"):
        mt.tensor(data, requires_grad=True)
    with pytest.raises(RuntimeError, match="floating point"):
        mt.tensor(data).requires_grad_()


@pytest.mark.parametrize(
    ("data", "error"),
    [("abc", TypeError), (None, TypeError), ([1, None], TypeError), ([[1, 2], [3]], ValueError)],
)
def test_bad_data_gives_a_clear_error(data: object, error: type) -> None:
    with pytest.raises(error, match="tensor()"):
        mt.tensor(data)


def test_creation_functions() -> None:
    assert mt.zeros(2, 3).shape == (2, 3) and mt.zeros((2, 3)).tolist() == [[0.0] * 3] * 2
    assert mt.ones(2, dtype=mt.float64).dtype == mt.float64
    assert mt.ones_like(mt.zeros(2, 2)).tolist() == [[1.0, 1.0], [1.0, 1.0]]
    assert mt.zeros_like(mt.tensor([1, 2])).dtype == mt.int64
    assert mt.arange(3).tolist() == [0, 1, 2] and mt.arange(3).dtype == mt.int64
    assert mt.arange(0.0, 1.0, 0.5).tolist() == [0.0, 0.5]
    assert mt.zeros(2, requires_grad=True).requires_grad


def test_random_creation_uses_the_given_or_the_seeded_generator() -> None:
    a = mt.randn(3, generator=np.random.default_rng(1))
    b = mt.randn(3, generator=np.random.default_rng(1))
    assert a.tolist() == b.tolist() and a.dtype == mt.float32
    mt.manual_seed(7)
    c = mt.rand(4)
    mt.manual_seed(7)
    assert mt.rand(4).tolist() == c.tolist()
    assert all(0 <= v < 1 for v in c.tolist())


# ----- attributes and conversion -----------------------------------------------------


def test_attributes() -> None:
    x = mt.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    assert x.shape == (2, 3) and x.ndim == 2 and x.dim() == 2
    assert x.size() == (2, 3) and x.size(1) == 3 and x.numel() == 6
    assert x.dtype == mt.float32 and x.requires_grad and x.is_leaf
    assert x.grad is None and x.grad_fn is None
    y = x * 2
    assert not y.is_leaf and y.grad_fn is not None
    assert x.T.shape == (3, 2) and x.T.tolist() == [[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]]
    assert len(x) == 2


def test_numpy_is_refused_when_requiring_grad() -> None:
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match=r"detach\(\)\.numpy\(\)"):
        x.numpy()
    with pytest.raises(RuntimeError, match="requires grad"):
        np.asarray(x)
    assert np.asarray(x.detach()).tolist() == [1.0, 2.0]
    assert np.shares_memory(x.detach().numpy(), x.data)


def test_item_and_its_errors() -> None:
    assert mt.tensor(2.5).item() == 2.5 and isinstance(mt.tensor(2.5).item(), float)
    assert mt.tensor([[3]]).item() == 3 and isinstance(mt.tensor([3]).item(), int)
    with pytest.raises(RuntimeError, match=r"2 elements \(shape \(2,\)\).*one element"):
        mt.tensor([1.0, 2.0]).item()
    with pytest.raises(RuntimeError, match="0 elements"):
        mt.tensor([]).item()


def test_bool_and_len_errors() -> None:
    assert bool(mt.tensor([1.0]))
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(mt.tensor([1.0, 2.0]))
    with pytest.raises(TypeError, match="0-d"):
        len(mt.tensor(1.0))


def test_detach_clone_requires_grad_() -> None:
    x = leaf([1.0, 2.0])
    c = x.clone()
    assert c.requires_grad and not np.shares_memory(c.data, x.data)
    c.sum().backward()
    assert x.grad.tolist() == [1.0, 1.0]
    y = mt.tensor([1.0]).requires_grad_()
    assert y.requires_grad and y.requires_grad_(False) is y and not y.requires_grad
    with pytest.raises(RuntimeError, match="only leaf tensors"):
        (x * 2).requires_grad_(False)


def test_to_float_double() -> None:
    x = mt.tensor([1.5, 2.5], requires_grad=True)
    d = x.double()
    assert d.dtype == mt.float64 and d.requires_grad
    d.sum().backward()
    assert x.grad.dtype == mt.float32  # the gradient comes back in the input's dtype
    assert d.float().dtype == mt.float32
    as_int = x.to(mt.int64)
    assert as_int.dtype == mt.int64 and as_int.tolist() == [1, 2] and not as_int.requires_grad


# ----- repr ----------------------------------------------------------------------------


def test_repr_like_pytorch() -> None:
    assert repr(mt.tensor([1.0, 2.0])) == "tensor([1., 2.])"
    assert repr(mt.tensor(3.0)) == "tensor(3.)"
    assert repr(mt.tensor([1, 2, 3])) == "tensor([1, 2, 3])"
    assert repr(mt.tensor([True, False])) == "tensor([ True, False])"
    assert repr(mt.tensor([1.0, 2.0], requires_grad=True)) == (
        "tensor([1., 2.], requires_grad=True)"
    )
    x = mt.tensor([1.0, 2.0], requires_grad=True)
    assert repr(x * 2) == "tensor([2., 4.], grad_fn=<MulBackward0>)"
    assert repr((x * 2).sum()) == "tensor(6., grad_fn=<SumBackward0>)"
    assert repr(mt.tensor([1.0, 2.0], dtype=mt.float64)) == (
        "tensor([1., 2.], dtype=microtensor.float64)"
    )
    assert repr(mt.zeros(2, 2)) == "tensor([[0., 0.],\n        [0., 0.]])"
    assert repr(x.detach()) == "tensor([1., 2.])"


def test_repr_of_subnormal_values_warns_nothing() -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # high / low overflowed here for a subnormal low
        text = repr(mt.tensor([1e-320, 1.0], dtype=mt.float64))
    assert text == "tensor([9.9999e-321,  1.0000e+00], dtype=microtensor.float64)"


# ----- operators -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "expected", "grad"),
    [
        (lambda x: x + 2, [3.0, 4.0], [1.0, 1.0]),
        (lambda x: 2 + x, [3.0, 4.0], [1.0, 1.0]),
        (lambda x: x - 2, [-1.0, 0.0], [1.0, 1.0]),
        (lambda x: 2 - x, [1.0, 0.0], [-1.0, -1.0]),
        (lambda x: x * 3, [3.0, 6.0], [3.0, 3.0]),
        (lambda x: 3 * x, [3.0, 6.0], [3.0, 3.0]),
        (lambda x: x / 2, [0.5, 1.0], [0.5, 0.5]),
        (lambda x: 2 / x, [2.0, 1.0], [-2.0, -0.5]),
        (lambda x: x**2, [1.0, 4.0], [2.0, 4.0]),
        (lambda x: 2**x, [2.0, 4.0], [2 * np.log(2), 4 * np.log(2)]),
        (lambda x: x**x, [1.0, 4.0], [1.0, 4 * (np.log(2) + 1)]),
        (lambda x: -x, [-1.0, -2.0], [-1.0, -1.0]),
        (lambda x: np.array([1.0, 1.0]) + x, [2.0, 3.0], [1.0, 1.0]),
        (lambda x: np.array([[1.0, 3.0]]) @ x, [7.0], [1.0, 3.0]),
        (lambda x: x @ np.array([1.0, 3.0]), 7.0, [1.0, 3.0]),
    ],
)
def test_operators_and_reflected_operators(expression: Any, expected: Any, grad: Any) -> None:
    x = leaf([1.0, 2.0])
    y = expression(x)
    assert isinstance(y, mt.Tensor)
    np.testing.assert_allclose(y.detach().numpy(), expected)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), grad)


def test_comparisons_give_bool_tensors_without_grad() -> None:
    x = leaf([1.0, 2.0, 3.0])
    for result, expected in [
        (x == 2, [False, True, False]),
        (x != 2, [True, False, True]),
        (x < 2, [True, False, False]),
        (x <= 2, [True, True, False]),
        (x > mt.tensor([0.0, 5.0, 1.0], dtype=mt.float64), [True, False, True]),
        (x >= 3, [False, False, True]),
    ]:
        assert result.dtype == mt.bool and result.tolist() == expected
        assert not result.requires_grad and result.grad_fn is None


def test_tensor_is_hashable_by_identity() -> None:
    a, b = mt.tensor([1.0]), mt.tensor([1.0])
    assert len({a, b}) == 2 and {a: 1}[a] == 1


# ----- indexing ------------------------------------------------------------------------


def test_basic_indexing_and_its_gradient() -> None:
    x = leaf(np.arange(12.0).reshape(3, 4))
    y = x[1:, ::2]
    assert y.tolist() == [[4.0, 6.0], [8.0, 10.0]]
    y.sum().backward()
    expected = np.zeros((3, 4))
    expected[1:, ::2] = 1
    np.testing.assert_array_equal(x.grad.numpy(), expected)
    assert x[0, -1].item() == 3.0 and x[None, 1].shape == (1, 4) and x[..., 1].shape == (3,)


def test_integer_array_indexing_accumulates_repeated_indices() -> None:
    x = leaf([10.0, 20.0, 30.0])
    y = x[[0, 2, 0, 0]]
    assert y.tolist() == [10.0, 30.0, 10.0, 10.0]
    (y * mt.tensor([1.0, 2.0, 3.0, 4.0], dtype=mt.float64)).sum().backward()
    assert x.grad.tolist() == [8.0, 0.0, 2.0]


def test_indexing_with_tensors_and_masks() -> None:
    x = leaf([[1.0, 2.0], [3.0, 4.0]])
    rows, cols = mt.tensor([1, 1]), mt.tensor([0, 0])
    x[rows, cols].sum().backward()
    assert x.grad.tolist() == [[0.0, 0.0], [2.0, 0.0]]
    assert x[x.detach() > 2].tolist() == [3.0, 4.0]
    assert x[mt.tensor([True, False])].tolist() == [[1.0, 2.0]]


def test_indexing_errors() -> None:
    x = mt.tensor([[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(IndexError, match=r"shape \(2, 2\).*out of bounds"):
        x[5]
    with pytest.raises(IndexError, match="out of bounds"):
        x[[0, 0, 5]]
    with pytest.raises(IndexError, match="long, int or bool"):
        x[mt.tensor([0.5])]


def test_iteration() -> None:
    x = leaf([[1.0, 2.0], [3.0, 4.0]])
    rows = list(x)
    assert [r.tolist() for r in rows] == [[1.0, 2.0], [3.0, 4.0]]
    (rows[0] * rows[1]).sum().backward()
    assert x.grad.tolist() == [[3.0, 4.0], [1.0, 2.0]]
