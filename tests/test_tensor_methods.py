"""The Tensor methods of API.md (and their ``mt.`` functions) against NumPy, with errors.

Their gradients are proven by the property tests of the primitives; here the values,
shapes, argument conventions (dim, keepdim, -1) and error messages are checked.
"""

from __future__ import annotations

import numpy as np
import pytest

import microtensor as mt

A = np.array([[1.0, -2.0, 3.0], [0.5, 4.0, -1.0]])


def t(values: np.ndarray = A, requires_grad: bool = True) -> mt.Tensor:
    return mt.tensor(values, dtype=mt.float64, requires_grad=requires_grad)


@pytest.mark.parametrize(
    ("dim", "keepdim"), [(None, False), (0, False), (1, True), (-1, False), ((0, 1), True)]
)
def test_sum_and_mean(dim: object, keepdim: bool) -> None:
    axis = tuple(dim) if isinstance(dim, tuple) else dim
    np.testing.assert_allclose(t().sum(dim, keepdim).detach().numpy(),
                               A.sum(axis=axis, keepdims=keepdim))
    np.testing.assert_allclose(t().mean(dim=dim, keepdim=keepdim).detach().numpy(),
                               A.mean(axis=axis, keepdims=keepdim))
    np.testing.assert_allclose(mt.sum(t(), dim, keepdim).detach().numpy(),
                               A.sum(axis=axis, keepdims=keepdim))


def test_mean_gradient() -> None:
    x = t()
    x.mean(dim=1).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.full(A.shape, 1 / 3))


def test_max_min_over_all_and_over_a_dim() -> None:
    assert t().max().item() == 4.0 and t().min().item() == -2.0
    values, indices = t().max(dim=1)
    assert values.tolist() == [3.0, 4.0] and indices.tolist() == [2, 1]
    assert indices.dtype == mt.int64 and not indices.requires_grad
    result = mt.min(t(), 0, keepdim=True)
    assert result.values.tolist() == [[0.5, -2.0, -1.0]] and result.indices.tolist() == [[1, 0, 1]]
    with pytest.raises(RuntimeError, match="non-empty"):
        mt.tensor([]).max()


def test_max_gradient_goes_to_the_first_maximum_or_is_shared_over_all() -> None:
    x = t(np.array([[1.0, 5.0, 5.0], [2.0, 2.0, 0.0]]))
    x.max(dim=1).values.sum().backward()  # ties along a dim: the index max() returns
    assert x.grad.tolist() == [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]
    y = t(np.array([1.0, 3.0, 3.0]))
    y.max().backward()  # over all elements: shared among tied maxima (as PyTorch)
    assert y.grad.tolist() == [0.0, 0.5, 0.5]


def test_argmax() -> None:
    assert t().argmax().item() == 4
    assert t().argmax(dim=0).tolist() == [0, 1, 0]
    assert mt.argmax(t(), 1, keepdim=True).tolist() == [[2], [1]]


@pytest.mark.parametrize(
    ("name", "reference"),
    [
        ("exp", np.exp),
        ("tanh", np.tanh),
        ("sigmoid", lambda a: 1 / (1 + np.exp(-a))),
        ("abs", np.abs),
        ("relu", lambda a: np.maximum(a, 0)),
    ],
)
def test_unary_functions(name: str, reference: object) -> None:
    expected = reference(A)  # type: ignore[operator]
    np.testing.assert_allclose(getattr(t(), name)().detach().numpy(), expected, rtol=1e-12)
    np.testing.assert_allclose(getattr(mt, name)(t()).detach().numpy(), expected, rtol=1e-12)


def test_log_and_sqrt() -> None:
    positive = np.abs(A)
    np.testing.assert_allclose(t(positive).log().detach().numpy(), np.log(positive))
    np.testing.assert_allclose(mt.sqrt(t(positive)).detach().numpy(), np.sqrt(positive))


def test_sigmoid_does_not_overflow() -> None:
    x = mt.tensor([-1000.0, 0.0, 1000.0])
    assert x.sigmoid().tolist() == [0.0, 0.5, 1.0]


def test_reshape_view_flatten() -> None:
    x = t()
    assert x.reshape(3, 2).shape == (3, 2) and x.reshape((6,)).shape == (6,)
    assert x.view(-1, 2).shape == (3, 2) and mt.reshape(x, (1, -1)).shape == (1, 6)
    np.testing.assert_array_equal(x.reshape(3, 2).detach().numpy(), A.reshape(3, 2))
    y = t(np.zeros((2, 3, 4)))
    assert y.flatten().shape == (24,) and y.flatten(1).shape == (2, 12)
    assert mt.flatten(y, 0, 1).shape == (6, 4) and mt.tensor(1.0).flatten().shape == (1,)
    with pytest.raises(RuntimeError, match=r"shape '\[4, 2\]' is invalid for input of size 6"):
        x.reshape(4, 2)
    with pytest.raises(RuntimeError, match="invalid"):
        x.view(-1, -1)
    with pytest.raises(RuntimeError, match="start_dim"):
        y.flatten(2, 1)


def test_transpose_permute() -> None:
    y = t(np.arange(24.0).reshape(2, 3, 4))
    assert y.transpose(0, 2).shape == (4, 3, 2) and mt.transpose(y, -1, 1).shape == (2, 4, 3)
    np.testing.assert_array_equal(y.permute(2, 0, 1).detach().numpy(),
                                  np.transpose(y.data, (2, 0, 1)))
    assert mt.permute(y, (1, 0, 2)).shape == (3, 2, 4)
    with pytest.raises(RuntimeError, match="each dimension exactly once"):
        y.permute(0, 0, 1)
    with pytest.raises(IndexError, match="out of range"):
        y.transpose(0, 3)


def test_unsqueeze_squeeze_expand() -> None:
    x = t(np.ones((3, 1)))
    assert x.unsqueeze(0).shape == (1, 3, 1) and mt.unsqueeze(x, -1).shape == (3, 1, 1)
    assert x.squeeze().shape == (3,) and x.squeeze(0).shape == (3, 1)
    assert mt.squeeze(x, 1).shape == (3,)
    e = x.expand(2, 3, 4)
    assert e.shape == (2, 3, 4) and x.expand(-1, 5).shape == (3, 5)
    e.sum().backward()
    assert x.grad.tolist() == [[8.0], [8.0], [8.0]]
    with pytest.raises(RuntimeError, match="expand"):
        x.expand(2, 2)
    with pytest.raises(IndexError, match="unsqueeze"):
        x.unsqueeze(4)


def test_softmax_and_log_softmax() -> None:
    exp = np.exp(A - A.max(axis=1, keepdims=True))
    expected = exp / exp.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(t().softmax(1).detach().numpy(), expected, rtol=1e-12)
    np.testing.assert_allclose(mt.softmax(t(), dim=-1).detach().numpy(), expected, rtol=1e-12)
    np.testing.assert_allclose(mt.log_softmax(t(), 1).detach().numpy(), np.log(expected),
                               rtol=1e-12)
    big = mt.tensor([[1000.0, 0.0]])  # no overflow in float32
    assert big.log_softmax(1).tolist() == [[0.0, -1000.0]]


def test_matmul() -> None:
    x = t()
    np.testing.assert_allclose(x.matmul(x.T).detach().numpy(), A @ A.T)
    np.testing.assert_allclose(mt.matmul(x, np.ones(3)).detach().numpy(), A.sum(axis=1))
    with pytest.raises(RuntimeError, match=r"\(2, 3\) and \(2, 3\) cannot be multiplied"):
        x @ x
    with pytest.raises(RuntimeError, match="at least 1 dimension"):
        x @ mt.tensor(2.0)


def test_dim_out_of_range_errors() -> None:
    with pytest.raises(IndexError, match=r"range of \[-2, 1\], but got 2"):
        t().sum(dim=2)
    with pytest.raises(IndexError, match="out of range"):
        t().max(dim=-3)
    with pytest.raises(IndexError, match="out of range"):
        t().softmax(dim=5)


def test_binary_shape_mismatch_is_a_runtime_error() -> None:
    with pytest.raises(RuntimeError, match=r"\(2, 3\) and \(2,\) do not broadcast"):
        t() + mt.ones(2, dtype=mt.float64)


def test_softmax_and_log_softmax_gradients() -> None:
    from microtensor.autograd import gradcheck, gradgradcheck

    for fn in (lambda x: x.softmax(1), lambda x: mt.log_softmax(x, dim=0)):
        assert gradcheck(fn, t()) and gradgradcheck(fn, t())
