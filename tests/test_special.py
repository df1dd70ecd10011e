"""erf, erfc, erfinv: accuracy of the vectorised kernels (``microtensor/ops/special.py``)
against ``math.erf``/``math.erfc`` on a dense grid with its tails, special values, dtypes,
the public forms (function, method, in place) and exact derivatives; tests marked
``torch`` compare values and gradients with PyTorch. First and second derivatives are
property-tested through tests/specs_special.py.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import microtensor as mt
import microtensor.nn.functional as F  # noqa: N812
from microtensor.ops.special import erf_array, erfc_array, erfinv_array

TINY = np.geomspace(5e-324, 1e-5, 2001)  # subnormal to small
LARGE = np.geomspace(1e-5, 1e300, 4001)
GRID = np.concatenate([
    np.linspace(-8, 8, 64001), np.linspace(-0.5, 0.5, 4001), np.linspace(-30, 30, 12001),
    TINY, -TINY, LARGE, -LARGE,
])
SPECIAL = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 5e-324, -5e-324, 2.2250738585072014e-308,
                    0.46875, -0.46875, 4.0, -4.0, 26.5, 27.3, -27.3, 1e300, -1e300])
SMALLEST_NORMAL = np.finfo(np.float64).tiny


def _ulps(got: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """|got - expected| in units of the last place of ``expected`` (normal results)."""
    return np.abs(got - expected) / np.spacing(np.abs(expected))


@pytest.mark.parametrize(("kernel", "reference"), [(erf_array, math.erf),
                                                   (erfc_array, math.erfc)])
def test_erf_and_erfc_are_within_a_few_ulp_of_math(kernel: object, reference: object) -> None:
    got = kernel(GRID)
    expected = np.array([reference(v) for v in GRID])
    normal = np.abs(expected) >= SMALLEST_NORMAL
    # measured: erf at most 6 ulp (near 0.47, where 1 - erfc halves the ulp), erfc 7 ulp
    # (near 1.75); mean 0.2 and 0.4 ulp
    assert _ulps(got[normal], expected[normal]).max() <= 8
    assert np.abs(got[~normal] - expected[~normal]).max() <= 5e-324  # one subnormal step


def test_special_values_are_maths() -> None:
    """inf, NaN, zeros, subnormals, the interval bounds and huge values."""
    for kernel, reference in ((erf_array, math.erf), (erfc_array, math.erfc)):
        got, expected = kernel(SPECIAL), np.array([reference(v) for v in SPECIAL])
        exact = ~np.isfinite(expected) | (np.abs(expected) < SMALLEST_NORMAL) | (
            np.abs(expected) == 1) | (expected == 2)
        np.testing.assert_array_equal(got[exact], expected[exact])
        np.testing.assert_array_max_ulp(got[~exact], expected[~exact], maxulp=2)
    assert np.signbit(erf_array(np.array(-0.0)))
    assert erf_array(np.array(1.5)).shape == ()


@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_lower_precision_is_the_float64_result_rounded(dtype: type) -> None:
    x = np.linspace(-5, 5, 4001).astype(dtype)
    for kernel in (erf_array, erfc_array):
        got = kernel(x)
        assert got.dtype == dtype
        np.testing.assert_array_equal(got, kernel(x.astype(np.float64)).astype(dtype))
    inside = x[np.abs(x) <= 1]
    np.testing.assert_array_equal(erfinv_array(inside),
                                  erfinv_array(inside.astype(np.float64)).astype(dtype))


def _inverse_erf(value: float) -> float:
    low, high = -6.0, 6.0
    while (middle := (low + high) / 2) not in (low, high):
        low, high = (middle, high) if math.erf(middle) < value else (low, middle)
    return middle


def test_erfinv_inverts_math_erf() -> None:
    x = np.concatenate([np.linspace(-0.9, 0.9, 1801), np.geomspace(1e-300, 0.1, 301)])
    expected = np.array([_inverse_erf(v) for v in x])
    assert _ulps(erfinv_array(x), expected).max() <= 4


def test_erfinv_near_plus_and_minus_one_inverts_erfc() -> None:
    """``1 - x`` down to 2**-53: erfc(erfinv(1 - q)) = q, to the conditioning of the
    round trip (a 1-ulp change of y ~ 6 changes erfc(y) by 2 y^2 ulp ~ 8e-15)."""
    x = 1 - np.geomspace(2.0**-53, 0.5, 2001)
    q = 1 - x  # exact: what is left of q once 1 - q is rounded
    for sign in (1.0, -1.0):
        y = erfinv_array(sign * x)
        assert np.all(np.sign(y) == sign)
        round_trip = np.array([math.erfc(v) for v in np.abs(y)])
        np.testing.assert_allclose(round_trip, q, rtol=2e-14)


def test_erfinv_edges_as_pytorch() -> None:
    x = np.array([1.0, -1.0, 1.5, -2.0, np.inf, np.nan, 0.0, -0.0, 5e-324, 1e-300])
    got = erfinv_array(x)
    np.testing.assert_array_equal(got[:6], [np.inf, -np.inf, np.nan, np.nan, np.nan, np.nan])
    np.testing.assert_array_equal(got[6:8], [0.0, -0.0])
    assert np.signbit(got[7])
    np.testing.assert_allclose(got[8:], x[8:] * math.sqrt(math.pi) / 2, rtol=1e-15)


@pytest.mark.parametrize("name", ["erf", "erfc", "erfinv"])
def test_function_method_and_in_place(name: str) -> None:
    values = np.array([[-0.9, -0.25, 0.0], [0.3, 0.6, 0.99]])
    expected = {"erf": erf_array, "erfc": erfc_array, "erfinv": erfinv_array}[name](values)
    np.testing.assert_array_equal(getattr(mt, name)(mt.tensor(values)).numpy(), expected)
    np.testing.assert_array_equal(getattr(mt.tensor(values), name)().numpy(), expected)
    x = mt.tensor(values)
    alias = x.view(-1)
    assert getattr(x, f"{name}_")() is x
    np.testing.assert_array_equal(alias.numpy().reshape(values.shape), expected)
    with pytest.raises(TypeError, match=f"{name}: input must be a Tensor"):
        getattr(mt, name)(values)


@pytest.mark.parametrize("name", ["erf", "erfc", "erfinv"])
def test_integer_and_bool_inputs_give_the_default_float_dtype(name: str) -> None:
    assert getattr(mt.tensor([0, 1, -1]), name)().dtype == mt.float32
    assert getattr(mt.tensor([True, False]), name)().dtype == mt.float32
    assert getattr(mt.tensor([0.5], dtype=mt.float64), name)().dtype == mt.float64
    mt.set_default_dtype(mt.float64)
    try:
        assert getattr(mt.tensor([0, 1]), name)().dtype == mt.float64
    finally:
        mt.set_default_dtype(mt.float32)


def test_derivatives_by_their_formulas() -> None:
    """erf' = 2/sqrt(pi) exp(-x^2), erf'' = -2x erf'; erfc' = -erf'; erfinv' at 0 is
    sqrt(pi)/2 and at erf(y) it is 1 / erf'(y); erfinv' at +-1 is inf."""
    values = np.array([-2.0, -0.3, 0.0, 0.7, 4.5])
    slope = 2 / math.sqrt(math.pi) * np.exp(-values**2)
    x = mt.tensor(values, dtype=mt.float64, requires_grad=True)
    (first,) = mt.autograd.grad(mt.erf(x).sum(), x, create_graph=True)
    np.testing.assert_allclose(first.detach().numpy(), slope, rtol=1e-15)
    (second,) = mt.autograd.grad(first.sum(), x)
    np.testing.assert_allclose(second.numpy(), -2 * values * slope, rtol=1e-14, atol=1e-300)
    (first,) = mt.autograd.grad(mt.erfc(x).sum(), x)
    np.testing.assert_allclose(first.numpy(), -slope, rtol=1e-15)
    y = mt.tensor([-1.0, 0.0, 0.5, 0.999999, 1.0], dtype=mt.float64, requires_grad=True)
    mt.erfinv(y).backward(mt.ones_like(y))
    inverse = erfinv_array(y.detach().numpy()[1:4])
    expected = math.sqrt(math.pi) / 2 * np.exp(inverse**2)
    np.testing.assert_allclose(y.grad.numpy()[1:4], expected, rtol=1e-15)
    assert y.grad.numpy()[1] == math.sqrt(math.pi) / 2
    np.testing.assert_array_equal(y.grad.numpy()[[0, 4]], [np.inf, np.inf])


def test_gelu_float32_is_unchanged_by_the_vectorised_erf() -> None:
    """gelu's normal CDF used ``math.erf`` element by element; with the vectorised erf
    the float32 gelu is the same to float32 rounding, on 100,000 normal draws. In the
    lower tail ``1 + erf(x / sqrt 2)`` cancels (as in PyTorch's formula): there the two
    agree to the absolute error of that sum, a few ulp of 1 (and a float32 rounding of
    Phi that flips costs up to two ulp of the product)."""
    x = (np.random.default_rng(0).standard_normal(100_000) * 3).astype(np.float32)
    erf = np.array([math.erf(v / math.sqrt(2)) for v in x.astype(np.float64)])
    expected = x * (0.5 * (1 + erf)).astype(np.float32)
    got = F.gelu(mt.tensor(x)).numpy()
    tolerance = 2 * np.spacing(np.abs(expected)) + np.abs(x) * 8 * np.finfo(np.float64).eps
    assert np.all(np.abs(got - expected) <= tolerance)
    upper = x > -3  # Phi(x) > 1e-3: no cancellation worth a float32 ulp
    assert np.mean(got[upper] == expected[upper]) > 0.9999


# ----- against PyTorch ----------------------------------------------------------------

COMPARED = {  # name: values
    "erf": np.concatenate([np.linspace(-7, 7, 2801), SPECIAL]),
    "erfc": np.concatenate([np.linspace(-7, 12, 3801), SPECIAL]),
    "erfinv": np.concatenate([np.linspace(-1, 1, 2001), 1 - np.geomspace(1e-15, 0.1, 200),
                              np.geomspace(1e-300, 0.1, 200), SPECIAL]),
}


@pytest.mark.torch
@pytest.mark.parametrize("name", sorted(COMPARED))
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_values_and_gradients_match_pytorch(name: str, dtype: str) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is not installed")
    with np.errstate(over="ignore"):
        values = COMPARED[name].astype(dtype)  # 1e300 is inf in float32
    ours = mt.tensor(values, requires_grad=True)
    theirs = torch.tensor(values, requires_grad=True)
    output, expected = getattr(mt, name)(ours), getattr(torch, name)(theirs)
    assert output.dtype == np.dtype(dtype)
    # float64: both within a few ulp of the truth; float32: ours is rounded from float64,
    # PyTorch's vectorised float32 kernels are within 1 ulp
    maxulp = 16 if dtype == "float64" else 2
    got, reference = output.detach().numpy(), expected.detach().numpy()
    np.testing.assert_array_equal(np.isnan(got), np.isnan(reference))
    finite = np.isfinite(reference)
    np.testing.assert_array_equal(got[~finite & ~np.isnan(got)],
                                  reference[~finite & ~np.isnan(reference)])
    np.testing.assert_array_max_ulp(got[finite], reference[finite], maxulp=maxulp)
    with np.errstate(over="ignore"):  # x * x of 1e300 in erf's backward
        output.backward(mt.ones_like(output))
    expected.backward(torch.ones_like(expected))
    tiny = np.finfo(dtype).tiny  # subnormal gradients keep fewer digits
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(),
                               rtol=1e-6 if dtype == "float32" else 1e-13, atol=tiny)
