"""gradcheck / gradgradcheck: pass on right gradients, fail loudly and precisely on wrong ones."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import microtensor as mt
from microtensor.autograd import GradcheckError, Primitive, gradcheck, gradgradcheck
from microtensor.gradcheck.check import relative_error, verdict
from microtensor.gradcheck.jacobian import central_differences, directional_difference
from microtensor.gradcheck.report import worst_index


def leaf(values: Any) -> mt.Tensor:
    return mt.tensor(values, dtype=mt.float64, requires_grad=True)


class WrongCube(Primitive):
    """x**3 whose backward says 2 x**2 instead of 3 x**2."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return x**3

    @staticmethod
    def backward(ctx: Any, grad_output: mt.Tensor) -> mt.Tensor:
        (x,) = ctx.saved_tensors
        return grad_output * 2 * x * x


class DetachedCube(Primitive):
    """x**3 with the right first derivative, but built from a detached x: d2 is lost."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return x**3

    @staticmethod
    def backward(ctx: Any, grad_output: mt.Tensor) -> mt.Tensor:
        (x,) = ctx.saved_tensors
        return grad_output * 3 * (x * x).detach()


class WrongSecondInput(Primitive):
    """a * b whose gradient for b is a + 1 instead of a."""

    @staticmethod
    def forward(ctx: Any, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(a, b)
        return a * b

    @staticmethod
    def backward(ctx: Any, grad_output: mt.Tensor) -> tuple[mt.Tensor, mt.Tensor]:
        a, b = ctx.saved_tensors
        return grad_output * b, grad_output * (a + 1)


X = np.array([[1.0, 2.0], [3.0, 0.5]])


@pytest.mark.parametrize(
    "func",
    [
        lambda x: x * x,
        lambda x: (x.exp() * x.tanh()).sum(),
        lambda x: x.softmax(1),
        lambda x: x @ x.T,
        lambda x: x[[0, 0, 1]].sigmoid(),
        lambda x: x,  # the output is the input itself
        lambda x: x.reshape(4),  # the output is a view of the input
    ],
)
def test_gradcheck_passes_on_correct_functions(func: Any) -> None:
    assert gradcheck(func, leaf(X))
    assert gradcheck(func, (leaf(X),), fast_mode=True, generator=np.random.default_rng(0))
    assert gradgradcheck(func, leaf(X))


def test_several_inputs_outputs_and_plain_values() -> None:
    a, b = leaf([1.0, 2.0]), leaf([[3.0], [4.0]])
    constant = mt.tensor([5.0, 6.0], dtype=mt.float64)  # does not require grad: not checked

    def func(a: mt.Tensor, b: mt.Tensor, c: mt.Tensor, scale: float) -> tuple[mt.Tensor, ...]:
        return a * b * scale, (a + c).sum(), c * 2, a.argmax()

    assert gradcheck(func, (a, b, constant, 0.5))
    assert gradgradcheck(func, (a, b, constant, 0.5))


def test_a_wrong_backward_fails_with_a_precise_report() -> None:
    with pytest.raises(GradcheckError) as caught:
        gradcheck(WrongCube.apply, leaf(X))
    message = str(caught.value)
    assert "output 0 (shape (2, 2)) with respect to input 0 (shape (2, 2))" in message
    assert "worst element: index [1, 0] of output 0 with respect to index [1, 0] of input 0" in (
        message
    )
    assert "analytical: 18\n" in message and "numerical:  27\n" in message
    assert "relative error |a - n| / max(|a|, |n|) = 0.333: a bug in backward" in message
    assert "4 of 16 failed" in message
    assert isinstance(caught.value, RuntimeError)
    mismatch = caught.value.mismatch
    assert (mismatch.input, mismatch.input_index, mismatch.output_index) == (0, (1, 0), (1, 0))
    assert mismatch.analytical == pytest.approx(18) and mismatch.numerical == pytest.approx(27)


def test_the_report_names_the_wrong_input() -> None:
    with pytest.raises(GradcheckError, match=r"with respect to input 1 \(shape \(3,\)\)"):
        gradcheck(WrongSecondInput.apply, (leaf([1.0, 2.0, 3.0]), leaf([4.0, 5.0, 6.0])))


def test_raise_exception_false_returns_false() -> None:
    assert gradcheck(WrongCube.apply, leaf(X), raise_exception=False) is False
    assert gradgradcheck(DetachedCube.apply, leaf(X), raise_exception=False) is False


def test_a_slightly_wrong_gradient_is_suspicious() -> None:
    def func(x: mt.Tensor) -> mt.Tensor:
        return x * 2 + (x * 1e-4).detach() * 2  # value right, gradient 1e-4 too small

    with pytest.raises(GradcheckError, match=r"= 0.0001: suspicious"):
        gradcheck(func, leaf([1.0]), atol=0, rtol=1e-5)
    assert gradcheck(func, leaf([1.0]))  # within the default rtol=1e-3


def test_float32_inputs_are_refused_with_the_reason_and_the_fix() -> None:
    x = mt.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(TypeError) as caught:
        gradcheck(lambda t: t * t, x)
    message = str(caught.value)
    assert "input 0" in message and "float32" in message and "too coarse" in message
    assert ".double()" in message and "dtype=mt.float64" in message
    with pytest.raises(TypeError, match="too coarse"):
        gradgradcheck(lambda t: t * t, x)


def test_no_input_requiring_grad_is_an_error() -> None:
    with pytest.raises(ValueError, match="no input requires grad"):
        gradcheck(lambda t: t * t, mt.tensor([1.0], dtype=mt.float64))


def test_func_must_return_tensors() -> None:
    with pytest.raises(TypeError, match="output 0 is a float"):
        gradcheck(lambda t: 1.0, leaf([1.0]))


def test_fast_mode_catches_the_bug_too() -> None:
    with pytest.raises(GradcheckError) as caught:
        gradcheck(WrongCube.apply, leaf(X), fast_mode=True, generator=np.random.default_rng(3))
    message = str(caught.value)
    assert "fast_mode" in message and "u^T J v" in message and "fast_mode=False" in message
    assert "a bug in backward" in message
    with pytest.raises(GradcheckError, match="input 1"):
        gradcheck(WrongSecondInput.apply, (leaf([1.0, 2.0]), leaf([3.0, 4.0])), fast_mode=True)


def test_fast_mode_is_cheap_on_a_large_input() -> None:
    calls = []

    def func(x: mt.Tensor) -> mt.Tensor:
        calls.append(1)
        return (x * x).sum(dim=1)

    big = leaf(np.random.default_rng(0).standard_normal((50, 40)))
    assert gradcheck(func, big, fast_mode=True)
    assert len(calls) == 3  # one analytical evaluation, two directional differences


def test_gradgradcheck_catches_a_wrong_second_derivative() -> None:
    assert gradcheck(DetachedCube.apply, leaf(X))  # the first derivative is right
    with pytest.raises(GradcheckError) as caught:
        gradgradcheck(DetachedCube.apply, leaf(X))
    message = str(caught.value)
    assert message.startswith("gradgradcheck (second order) failed")
    assert "the gradient of input 0" in message and "with respect to input 0" in message
    assert "analytical: 0\n" in message and "a bug in backward" in message
    with pytest.raises(GradcheckError, match="fast_mode"):
        gradgradcheck(DetachedCube.apply, leaf(X), fast_mode=True)


def test_gradgradcheck_with_given_grad_outputs() -> None:
    x = leaf([1.0, -2.0])
    assert gradgradcheck(lambda t: t**3, x, mt.tensor([1.0, 2.0], dtype=mt.float64))
    assert gradgradcheck(lambda t: t**3, x, (leaf([0.5, 3.0]),))
    with pytest.raises(ValueError, match="2 grad_outputs for 1 outputs"):
        gradgradcheck(lambda t: t**3, x, (leaf([1.0, 1.0]), leaf([1.0, 1.0])))


def test_gradcheck_inside_no_grad_still_checks() -> None:
    with mt.no_grad():
        assert gradcheck(lambda t: t.exp(), leaf([0.5]))
        assert gradgradcheck(lambda t: t.exp(), leaf([0.5]))


def test_inputs_are_left_untouched() -> None:
    x = leaf(X)
    gradgradcheck(lambda t: (t * t).sum(), x)
    np.testing.assert_array_equal(x.data, X)
    assert x.grad is None


@pytest.mark.parametrize(
    ("error", "expected"),
    [(0.0, "perfect"), (5e-8, "perfect"), (1e-7, "acceptable"), (1e-5, "acceptable"),
     (2e-5, "suspicious"), (1e-3, "suspicious"), (2e-3, "a bug in backward"),
     (float("nan"), "a bug in backward")],
)
def test_verdict_follows_the_seed_scale(error: float, expected: str) -> None:
    assert verdict(error) == expected


def test_relative_error() -> None:
    assert relative_error(3.0, 2.0) == pytest.approx(1 / 3)
    assert relative_error(0.0, 0.0) == 0.0
    assert relative_error(-1.0, 1.0) == 2.0
    np.testing.assert_allclose(relative_error([1.0, 0.0], [1.0, 2.0]), [0.0, 1.0])
    assert np.isnan(relative_error(float("nan"), 1.0))


# ----- the shared pieces: central differences and the worst element -----------------


def test_central_differences_follow_the_formula_and_restore_the_input() -> None:
    values = np.array([[0.5, -1.0], [2.0, 0.25]])
    before = values.copy()
    eps = 1e-6

    def f() -> np.ndarray:  # reads values: f(x) = (sum x^2, x[0, 1] ** 3)
        return np.array([np.sum(values**2), values[0, 1] ** 3])

    jacobian = central_differences(f, values, eps)
    assert jacobian.shape == (2, 4) and jacobian.dtype == np.float64
    np.testing.assert_array_equal(values, before)
    for j in range(4):
        plus, minus = before.copy(), before.copy()
        plus.flat[j] += eps
        minus.flat[j] -= eps
        expected = (
            np.array([np.sum(plus**2), plus[0, 1] ** 3])
            - np.array([np.sum(minus**2), minus[0, 1] ** 3])
        ) / (2 * eps)
        np.testing.assert_array_equal(jacobian[:, j], expected)
    np.testing.assert_allclose(jacobian[0], 2 * before.ravel(), rtol=1e-8)
    direction = np.array([[1.0, 0.0], [0.0, -1.0]])
    np.testing.assert_allclose(
        directional_difference(f, values, direction, eps), jacobian @ direction.ravel(),
        rtol=1e-6,
    )
    np.testing.assert_array_equal(values, before)
    assert central_differences(lambda: np.zeros(3), np.zeros((0, 2)), eps).shape == (3, 0)


def test_worst_index_counts_nan_as_the_worst() -> None:
    assert worst_index([[0.1, 0.3], [0.3, 0.2]]) == (0, 1)  # the first of equal errors
    assert worst_index([0.1, float("nan"), float("inf")]) == (1,)
    assert worst_index(0.5) == ()
