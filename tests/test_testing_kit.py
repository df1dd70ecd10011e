"""The public kit, used as a user would: a Primitive of their own, tested inside @given."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import microtensor as mt
from microtensor.autograd import Primitive
from microtensor.testing import PrimitiveSpec, assert_gradients, check_spec
from microtensor.testing import strategies as mts


class Softplus(Primitive):
    """log(1 + exp(x)); d/dx = sigmoid(x), written with Tensor ops (differentiable again)."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return np.logaddexp(0.0, x)

    @staticmethod
    def backward(ctx: Any, grad_output: mt.Tensor) -> mt.Tensor:
        (x,) = ctx.saved_tensors
        return grad_output * x.sigmoid()


class SloppySoftplus(Softplus):
    """The same forward; backward uses the constant sigmoid: second derivative lost."""

    @staticmethod
    def backward(ctx: Any, grad_output: mt.Tensor) -> mt.Tensor:
        (x,) = ctx.saved_tensors
        return grad_output * x.detach().sigmoid()


class WrongSoftplus(Softplus):
    @staticmethod
    def backward(ctx: Any, grad_output: mt.Tensor) -> mt.Tensor:
        (x,) = ctx.saved_tensors
        return grad_output * x.tanh()


class Clamp(Primitive):
    """min(max(x, lo), hi): kinks at lo and hi."""

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, lo: float, hi: float) -> np.ndarray:
        mask = (x > lo) & (x < hi)
        ctx.save_for_backward(mask.astype(x.dtype))
        return np.clip(x, lo, hi)

    @staticmethod
    def backward(ctx: Any, grad_output: mt.Tensor) -> tuple[mt.Tensor, None, None]:
        (mask,) = ctx.saved_tensors
        return grad_output * mask, None, None


@given(mts.float_arrays(min_value=-10, max_value=10))
def test_softplus_gradients_first_and_second_order(x: np.ndarray) -> None:
    assert_gradients(Softplus.apply, x)


@given(mts.arrays_away_from((-1.0, 1.0), margin=0.05))
def test_clamp_away_from_its_kinks(x: np.ndarray) -> None:
    assert_gradients(Clamp.apply, x, -1.0, 1.0)


@given(mts.broadcastable_arrays(2))
def test_a_composition_of_two_inputs(arrays: tuple[np.ndarray, ...]) -> None:
    a, b = arrays
    assert_gradients(lambda s, t: Softplus.apply(s * t).sum(), a, b)


def _fails(test: Any) -> str:
    with pytest.raises(AssertionError) as caught:
        settings(max_examples=20, database=None, print_blob=False)(test)()
    return str(caught.value)


def test_a_wrong_function_fails_inside_given_with_the_report() -> None:
    @given(mts.float_arrays(shape=(3,), min_value=0.5, max_value=2.0))
    def check(x: np.ndarray) -> None:
        assert_gradients(WrongSoftplus.apply, x)

    message = _fails(check)
    assert "gradcheck failed" in message and "input 0 (shape (3,))" in message
    assert "analytical:" in message and "a bug in backward" in message


def test_a_lost_second_derivative_fails_only_at_second_order() -> None:
    @given(mts.float_arrays(shape=(2,)))
    def first_order_only(x: np.ndarray) -> None:
        assert_gradients(SloppySoftplus.apply, x, second_order=False)

    first_order_only()

    @given(mts.float_arrays(shape=(2,)))
    def both(x: np.ndarray) -> None:
        assert_gradients(SloppySoftplus.apply, x)

    assert "gradgradcheck (second order) failed" in _fails(both)


def test_assert_gradients_takes_tensors_and_plain_values() -> None:
    x = mt.tensor([0.5, -1.0], dtype=mt.float64, requires_grad=True)
    constant = mt.tensor([2.0, 3.0], dtype=mt.float64)
    assert_gradients(lambda a, c, k: (a * c + k).tanh(), x, constant, 0.5)
    with pytest.raises(AssertionError, match="fast_mode"):
        assert_gradients(WrongSoftplus.apply, x, fast_mode=True)


def test_check_spec_on_a_user_primitive() -> None:
    spec = PrimitiveSpec(Softplus, st.tuples(mts.float_arrays()).map(lambda a: (a, {})),
                         lambda x: np.log1p(np.exp(x)))
    check_spec(spec, (np.array([0.0, 1.5, -2.0]),), {})
    wrong_reference = PrimitiveSpec(Softplus, spec.inputs, np.exp)
    with pytest.raises(AssertionError, match="Softplus forward differs"):
        check_spec(wrong_reference, (np.array([0.0, 1.5]),))
    with pytest.raises(AssertionError, match="Softplus: gradgradcheck"):
        check_spec(PrimitiveSpec(SloppySoftplus, spec.inputs, spec.reference),
                   (np.array([1.0]),))


# ----- the strategies make what they promise -------------------------------------------


@given(mts.float_arrays(min_value=-2, max_value=1))
def test_float_arrays(x: np.ndarray) -> None:
    assert x.dtype == np.float64 and x.ndim <= 3 and all(1 <= s <= 4 for s in x.shape)
    assert np.all((x >= -2) & (x <= 1))


@given(mts.positive_arrays(min_value=0.2), mts.arrays_away_from((0.0, 2.0), margin=0.3))
def test_positive_and_away_from_kinks(positive: np.ndarray, away: np.ndarray) -> None:
    assert np.all(positive >= 0.2)
    assert np.all(np.abs(away) >= 0.3 - 1e-12) and np.all(np.abs(away - 2.0) >= 0.3 - 1e-12)


@given(mts.distinct_arrays(gap=0.1))
def test_distinct_arrays_are_pairwise_apart(x: np.ndarray) -> None:
    values = np.sort(x.ravel())
    assert np.all(np.diff(values) >= 0.1 - 1e-12)


@given(mts.broadcastable_arrays(3))
def test_broadcastable_arrays(arrays: tuple[np.ndarray, ...]) -> None:
    assert len(arrays) == 3
    np.broadcast_shapes(*(a.shape for a in arrays))


@given(mts.matmul_arrays())
def test_matmul_arrays(pair: tuple[np.ndarray, np.ndarray]) -> None:
    a, b = pair
    assert a.ndim >= 1 and b.ndim >= 1
    np.matmul(a, b)  # raises if the shapes do not fit


@given(mts.tensors(shape=(2, 3)), mts.tensors(requires_grad=False))
def test_tensors(x: mt.Tensor, y: mt.Tensor) -> None:
    assert x.shape == (2, 3) and x.dtype == mt.float64 and x.requires_grad and x.is_leaf
    assert not y.requires_grad


def test_floats_away_from_an_impossible_request() -> None:
    with pytest.raises(ValueError, match="no number"):
        mts.floats_away_from((0.0,), margin=5.0)
    with pytest.raises(ValueError, match="min_value must be > 0"):
        mts.positive_arrays(min_value=0.0)


def test_importing_microtensor_does_not_import_hypothesis() -> None:
    code = "import sys, microtensor; assert 'hypothesis' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_check_module_gradients_works_without_importing_hypothesis() -> None:
    code = (
        "import sys; from microtensor.testing import check_module_gradients; "
        "assert 'hypothesis' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_check_module_gradients_works_without_hypothesis_installed() -> None:
    code = (
        "import sys; sys.modules['hypothesis'] = None\n"  # import hypothesis now fails
        "import microtensor as mt; from microtensor import nn\n"
        "from microtensor.testing import check_module_gradients\n"
        "mt.manual_seed(0)\n"
        "report = check_module_gradients(nn.Linear(3, 2), mt.randn(4, 3))\n"
        "assert report.passed, report\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
