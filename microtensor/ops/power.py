"""Powers: the primitive Power (a tensor exponent, or a number base) and the op ``pow``
(``**``, ``2 ** t``, ``pow_``, ``**=``).

``x ** p`` with a number ``p`` is the primitive ``arithmetic.Pow``; ``x ** t`` and
``2 ** t`` are ``Power``, whose value is ``numpy.power``'s (so a negative base with an
integer-valued exponent is exact, ``0 ** 0 = 1``, ``0 ** -1 = inf``, a negative base with
a fractional exponent is NaN), never ``exp(t * log(x))``. Its gradients follow PyTorch:

* d/dbase = exponent * base ** (exponent - 1), and 0 where exponent == 0 (also at
  base 0, where the formula would give 0 * inf);
* d/dexponent = base ** exponent * log(base), and 0 where base == 0 and exponent >= 0
  (by continuity from base > 0); -inf at base 0 with exponent < 0; NaN for a negative
  base (the real log of a negative number).

The masked positions are computed with base 1 and then multiplied by 0 (PyTorch's
``where``), so no NaN leaks from the branch not taken. Integer tensors follow
PyTorch's integer power (a negative exponent gives 0 unless the base is 1 or -1).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from microtensor.core.function import Context, Primitive
from microtensor.core.tensor import Tensor
from microtensor.ops.arithmetic import Mul, Pow
from microtensor.ops.dtype_rules import result_dtype
from microtensor.ops.elementwise import Log, to
from microtensor.ops.shape import sum_to
from microtensor.ops.table import public


def _values(value: Any) -> np.ndarray:
    return value._array if isinstance(value, Tensor) else np.asarray(value)


def _one_where_masked(value: Any, live: np.ndarray) -> Any:
    """``value`` where ``live``, 1 elsewhere (differentiable in ``value``; the masked
    positions get no gradient)."""
    if live.all():
        return value
    if isinstance(value, Tensor):
        return Mul.apply(value, live) + (~live)
    return np.where(live, value, 1.0)


def _masked(value: Tensor, live: np.ndarray) -> Tensor:
    """``value`` where ``live``, 0 elsewhere."""
    return value if live.all() else Mul.apply(value, live)


class Power(Primitive):
    """``base ** exponent`` with ``numpy.power``'s values; either may be a number.

    d/dbase = exponent * base ** (exponent - 1) (0 where exponent == 0);
    d/dexponent = base ** exponent * log(base) (0 where base == 0 <= exponent).
    """

    @staticmethod
    def forward(ctx: Context, base: Any, exponent: Any) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            try:
                output = np.power(base, exponent)
            except ValueError:
                raise RuntimeError(
                    f"pow: the shapes of base {np.shape(base)} and exponent "
                    f"{np.shape(exponent)} do not broadcast"
                ) from None
        ctx.save_for_backward(base, exponent, output)
        return output

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> tuple[Tensor | None, Tensor | None]:
        base, exponent, output = ctx.saved_tensors
        needs_base, needs_exponent = ctx.needs_input_grad
        grad_base = grad_exponent = None
        if needs_base:
            live = np.broadcast_to(_values(exponent) != 0, output.shape)
            safe = _one_where_masked(base, live)
            derivative = exponent * Power.apply(safe, exponent - 1)
            grad_base = sum_to(grad_output * _masked(derivative, live), base.shape)
        if needs_exponent:
            at_zero = (_values(base) == 0) & (_values(exponent) >= 0)
            live = np.broadcast_to(~at_zero, output.shape)
            safe = _one_where_masked(base, live)
            with np.errstate(divide="ignore", invalid="ignore"):  # log(0), log(-2): as torch
                log = Log.apply(safe) if isinstance(safe, Tensor) else np.log(safe)
            derivative = output * log
            grad_exponent = sum_to(grad_output * _masked(derivative, live), exponent.shape)
        return grad_base, grad_exponent


def _integer_power(base: Any, exponent: Any) -> np.ndarray:
    """PyTorch's integer power: ``b ** -n`` is 1 for b = 1, +-1 for b = -1, else 0."""
    base, exponent = np.asarray(base), np.asarray(exponent)
    negative = exponent < 0
    output = np.power(base, np.where(negative, 0, exponent))
    if negative.any():
        odd = exponent % 2 != 0
        inverse = np.where(base == 1, 1, np.where(base == -1, np.where(odd, -1, 1), 0))
        output = np.where(negative, inverse, output).astype(output.dtype)
    return output


# ----- the public op ----------------------------------------------------------------


@public(
    methods=("pow", "__pow__"), reflected="__rpow__", inplace=("pow_", "__ipow__"),
    tensor_first=False,
)
def pow(input: Any, exponent: Any) -> Tensor:
    """``input ** exponent``: either a Tensor, the other a Tensor or a number.

    Values as ``numpy.power`` (negative bases with integer exponents, ``0 ** 0 = 1``);
    gradients as PyTorch's (see ``microtensor/ops/power.py``). Integer tensors stay
    integers (a negative number exponent is an error, as in PyTorch).
    """
    if not isinstance(input, Tensor) and not isinstance(exponent, Tensor):
        raise TypeError(
            f"pow: input or exponent must be a Tensor, got {type(input).__name__} and "
            f"{type(exponent).__name__}"
        )
    for name, value in (("input", input), ("exponent", exponent)):
        if not isinstance(value, Tensor | int | float | np.number):
            raise TypeError(
                f"pow: {name} must be a Tensor or a number, got {type(value).__name__}"
            )
    dtype = result_dtype(input, exponent)
    base, power = (
        (to(value, dtype) if value.dtype != dtype else value) if isinstance(value, Tensor)
        else value
        for value in (input, exponent)
    )
    if dtype.kind != "f":
        if not isinstance(power, Tensor) and power < 0:
            raise RuntimeError(
                f"pow: Integers to negative integer powers are not allowed (exponent "
                f"{power} with a {input.dtype} tensor); use a float tensor"
            )
        return Tensor._make(_integer_power(_values(base), _values(power)).astype(dtype))
    if isinstance(base, Tensor) and not isinstance(power, Tensor):
        return Pow.apply(base, float(power))
    return Power.apply(float(base) if not isinstance(base, Tensor) else base, power)
