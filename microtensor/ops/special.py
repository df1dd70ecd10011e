"""The error function and its kin: the primitives Erf, Erfc, Erfinv and the ops ``erf erfc
erfinv``, on vectorised NumPy kernels (NumPy has no erf): ``erf_float64`` ... on float64
arrays, and ``erf_array`` ... on any array, in blocks (``blockwise_float64``; the normal
CDF of gelu in ``activation.py`` is computed the same way).

The kernels are accurate to float64 rounding (a few ulp; ``tests/test_special.py``). They
follow W. J. Cody's method, "Rational Chebyshev approximations for the error function",
Math. Comp. 23 (1969) 631-637, as in his freely distributed SPECFUN package (ACM TOMS
Algorithm 715, netlib.org/specfun/erf), whose coefficients are used:

* ``|x| <= 0.46875``: ``erf(x) = x R1(x^2)``;
* ``0.46875 < |x| <= 4``: ``erfc(|x|) = exp(-x^2) R2(|x|)``;
* ``|x| > 4``: ``erfc(|x|) = exp(-x^2) / |x| (1/sqrt(pi) + R3(1/x^2) / x^2)``;

each ``R`` a ratio of polynomials; ``erf = sign(x) (1 - erfc(|x|))`` and ``erfc(-x) =
2 - erfc(x)`` outside the first interval. For ``erfc``, ``exp(-x^2)`` is taken as
``exp(-s^2) exp(-(x-s)(x+s))`` with ``s`` = ``|x|`` truncated to sixteenths (``s^2`` is
exact), so that its rounding does not grow with ``x^2``. A float32 or float16 input is
computed in float64 and rounded back.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from microtensor.core.function import Context, Primitive
from microtensor.core.tensor import Tensor
from microtensor.ops.dtype_rules import as_floating
from microtensor.ops.elementwise import Exp
from microtensor.ops.table import public

_TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)
_SQRT_PI_OVER_TWO = math.sqrt(math.pi) / 2
_INV_SQRT_PI = 1 / math.sqrt(math.pi)
_FIRST, _SECOND = 0.46875, 4.0  # Cody's interval bounds
_UNDERFLOW = 30.0  # erfc(30) ~ 2e-393 rounds to 0: larger |x| (and inf) are clipped here

# Cody's coefficients (SPECFUN's A, B; C, D; P, Q), highest power first, as
# numerator / denominator; each denominator is monic (its leading 1 is implied).
_R1 = (
    (1.85777706184603153e-1, 3.16112374387056560e00, 1.13864154151050156e02,
     3.77485237685302021e02, 3.20937758913846947e03),
    (2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03,
     2.84423683343917062e03),
)
_R2 = (
    (2.15311535474403846e-8, 5.64188496988670089e-1, 8.88314979438837594e00,
     6.61191906371416295e01, 2.98635138197400131e02, 8.81952221241769090e02,
     1.71204761263407058e03, 2.05107837782607147e03, 1.23033935479799725e03),
    (1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02,
     1.62138957456669019e03, 3.29079923573345963e03, 4.36261909014324716e03,
     3.43936767414372164e03, 1.23033935480374942e03),
)
_R3 = (  # in z = 1/x^2; the numerator has a factor z: z (P6 z^4 + ... + P4) + P5 z
    (1.63153871373020978e-2, 3.05326634961232344e-1, 3.60344899949804439e-1,
     1.25781726111229246e-1, 1.60837851487422766e-2, 6.58749161529837803e-4),
    (2.56852019228982242e00, 1.87295284992346047e00, 5.27905102951428412e-1,
     6.05183413124413191e-2, 2.33520497626869185e-3),
)


def _rational(t: np.ndarray, coefficients: tuple[tuple[float, ...], ...]) -> np.ndarray:
    """``N(t) / D(t)`` by Horner's rule (``coefficients``: N's, then monic D's without its 1)."""
    numerator, denominator = coefficients
    top = t * numerator[0]
    for c in numerator[1:-1]:
        top += c
        top *= t
    top += numerator[-1]
    bottom = t + denominator[0]
    for c in denominator[1:]:
        bottom *= t
        bottom += c
    top /= bottom
    return top


def _scaled_erfc(y: np.ndarray) -> np.ndarray:
    """``exp(y^2) erfc(y)`` for ``y = |x| > 0.46875`` (0 at inf, NaN at NaN); below 0.46875
    a finite value that the callers discard.

    The second interval's formula is evaluated on every element (cheaper than gathering
    them), the third's only on the elements beyond 4, when there are any.
    """
    result = _rational(y, _R2)
    far = y > _SECOND
    if far.any():
        large = y[far]
        z = 1 / (large * large)
        result[far] = (_INV_SQRT_PI - z * _rational(z, _R3)) / large
    return result


def _erfc_of_magnitude(y: np.ndarray) -> np.ndarray:
    """``erfc(y)`` for ``y = |x| > 0.46875``, with ``exp(-y^2)`` in two exact-argument
    factors, so that it keeps its relative accuracy in the tail."""
    y = np.minimum(y, _UNDERFLOW)  # NaN stays NaN
    result = _scaled_erfc(y)
    sixteenths = np.trunc(y * 16) / 16
    result *= np.exp(-sixteenths * sixteenths)
    result *= np.exp(-(y - sixteenths) * (y + sixteenths))
    return result


def erf_float64(x: np.ndarray) -> np.ndarray:
    """``erf(x) = 2/sqrt(pi) int_0^x exp(-t^2) dt`` of a float64 array (Cody's method, see
    the module docstring); ``erf(+-inf) = +-1``, ``erf(-0.0) = -0.0``.

    Here ``exp(-x^2)`` is one ``exp``: its rounding, ``x^2 eps`` relative, changes
    ``erf = 1 - erfc`` by ``erfc(x) x^2 eps``, below ``0.1 eps``.
    """
    magnitude = np.abs(x)
    near = magnitude <= _FIRST
    inner = x * _rational(x * x, _R1)
    if near.all():
        return inner
    tail = _scaled_erfc(magnitude)
    tail *= np.exp(-(magnitude * magnitude))
    return np.where(near, inner, np.copysign(0.5 - tail + 0.5, x))


def erfc_float64(x: np.ndarray) -> np.ndarray:
    """``erfc(x) = 1 - erf(x)`` of a float64 array, accurate relative to itself for large
    ``x`` (where ``1 - erf(x)`` would round to 0); it underflows to 0 beyond ``x ~ 27.2``."""
    magnitude = np.abs(x)
    inner = 1 - x * _rational(x * x, _R1)
    tail = _erfc_of_magnitude(magnitude)
    return np.where(magnitude <= _FIRST, inner, np.where(x < 0, 2 - tail, tail))


_BLOCK = 16384  # elements per block: a block's float64 temporaries stay in the CPU's cache


Kernel = Callable[[np.ndarray], np.ndarray]


def blockwise_float64(kernel: Kernel) -> Kernel:
    """``kernel`` (float64 array -> float64 array, elementwise) made a function of any
    array: run in float64 on blocks of ``x``, without warnings (inf and NaN are results
    here), and returned in ``x``'s dtype (float64 for an integer ``x``).

    Blocks because a kernel is some forty NumPy passes over its input: on blocks that stay
    in the CPU's cache they run two to three times faster than on a 1e6-element array.
    """

    def run(x: np.ndarray) -> np.ndarray:
        x = np.asarray(x)
        flat = x.reshape(-1)
        result = np.empty(flat.shape, x.dtype if x.dtype.kind == "f" else np.float64)
        with np.errstate(under="ignore", over="ignore", invalid="ignore", divide="ignore"):
            for start in range(0, flat.size, _BLOCK):
                block = flat[start:start + _BLOCK]
                result[start:start + _BLOCK] = kernel(block.astype(np.float64, copy=False))
        return result.reshape(x.shape)

    run.__name__, run.__doc__ = kernel.__name__, kernel.__doc__
    return run


_WINITZKI = 0.147  # erf(x)^2 ~ 1 - exp(-x^2 (4/pi + a x^2) / (1 + a x^2)), inverted below


def erfinv_float64(x: np.ndarray) -> np.ndarray:
    """The inverse of ``erf`` on ``[-1, 1]``, elementwise: ``+-inf`` at ``+-1``, NaN outside.

    S. Winitzki's closed-form approximation ("A handy approximation for the error function
    and its inverse", 2008; relative error below 2e-3) refined by three Halley steps on
    ``erf(y) = |x|`` (``erfc(y) = 1 - |x|`` where ``|x| > 1/2``, so that the residual keeps
    its relative accuracy as ``|x| -> 1``). Halley's step for ``f(y) = erf(y) - a`` is
    ``y - f / (f' + y f)`` (``f'' = -2 y f'``); it triples the number of correct digits, but
    near ``|x| = 1`` (``y ~ 6``) its constant is large, and the third step is needed there.
    """
    magnitude = np.abs(x)
    inside = magnitude < 1
    a = np.where(inside, magnitude, 0.0)  # solved for |x| (0 stands in outside [-1, 1])
    log_term = np.log1p(-a) + np.log1p(a)  # log(1 - a^2), accurate near both ends
    middle = 2 / (math.pi * _WINITZKI) + log_term / 2
    y = np.sqrt(np.sqrt(middle * middle - log_term / _WINITZKI) - middle)
    upper = a > 0.5
    complement = 1 - a  # exact where a > 1/2 (Sterbenz)
    for _ in range(3):
        near, inner, tail = y <= _FIRST, y * _rational(y * y, _R1), _erfc_of_magnitude(y)
        erf_y = np.where(near, inner, 0.5 - tail + 0.5)
        erfc_y = np.where(near, 1 - inner, tail)
        residual = np.where(upper, complement - erfc_y, erf_y - a)  # -(erfc(y) - (1 - a))
        y -= residual / (_TWO_OVER_SQRT_PI * np.exp(-y * y) + y * residual)
    edges = np.where(magnitude == 1, np.copysign(np.inf, x), np.nan)
    return np.where(inside, np.copysign(y, x), edges)


erf_array = blockwise_float64(erf_float64)
erfc_array = blockwise_float64(erfc_float64)
erfinv_array = blockwise_float64(erfinv_float64)


def _gaussian(x: Tensor) -> Tensor:
    """``exp(-x^2)`` as a differentiable Tensor."""
    return Exp.apply(-(x * x))


class Erf(Primitive):
    """``erf(x)``. d/dx = 2/sqrt(pi) exp(-x^2)."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return erf_array(x)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad_output * (_gaussian(x) * _TWO_OVER_SQRT_PI)


class Erfc(Primitive):
    """``erfc(x) = 1 - erf(x)``. d/dx = -2/sqrt(pi) exp(-x^2).

    A primitive (not ``1 - erf``) because it keeps its relative accuracy where ``erf(x)``
    rounds to 1: ``erfc(10) = 2.1e-45``.
    """

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return erfc_array(x)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        (x,) = ctx.saved_tensors
        return grad_output * (_gaussian(x) * -_TWO_OVER_SQRT_PI)


class Erfinv(Primitive):
    """``y = erfinv(x)``, ``erf(y) = x``. d/dx = sqrt(pi)/2 exp(y^2), from the output.

    That is ``1 / erf'(y)``; it is ``inf`` at ``x = +-1``, as PyTorch's.
    """

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        output = erfinv_array(x)
        ctx.save_for_backward(output)
        return output

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        (output,) = ctx.saved_tensors
        return grad_output * (Exp.apply(output * output) * _SQRT_PI_OVER_TWO)


# ----- the public ops ---------------------------------------------------------------


@public(inplace=("erf_",))
def erf(input: Tensor) -> Tensor:
    """The error function ``erf(x) = 2/sqrt(pi) int_0^x exp(-t^2) dt``, elementwise."""
    return Erf.apply(as_floating(input))


@public(inplace=("erfc_",))
def erfc(input: Tensor) -> Tensor:
    """``erfc(x) = 1 - erf(x)``, elementwise, accurate where ``erf(x)`` is near 1."""
    return Erfc.apply(as_floating(input))


@public(inplace=("erfinv_",))
def erfinv(input: Tensor) -> Tensor:
    """The inverse error function, elementwise: ``+-inf`` at ``+-1``, NaN outside ``[-1, 1]``."""
    return Erfinv.apply(as_floating(input))
