"""Limits and blends: the primitives Clamp, Maximum, Minimum, Lerp and the ops
``clamp clip clamp_min clamp_max maximum minimum lerp``.

Gradient conventions are PyTorch's (checked against it in tests/test_math.py):

* ``clamp(x, min, max)`` is ``minimum(maximum(x, min), max)`` (so ``max`` wins when
  ``min > max``). ``x`` gets the gradient where ``min <= x <= max`` (bounds included);
  a tensor ``min`` where ``x < min`` and ``min < max``; a tensor ``max`` where
  ``x > max`` or ``max < min``.
* ``maximum(a, b)``/``minimum(a, b)`` send the gradient to the larger/smaller operand
  and split it in halves at a tie.

Masks and shares are constants made in forward, so second derivatives are 0, as they
are away from the kinks. Broadcast operands get their gradient through ``sum_to``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from microtensor.core.function import Context, Primitive
from microtensor.core.tensor import Tensor
from microtensor.ops.arithmetic import Mul, _broadcast_error
from microtensor.ops.dtype_rules import result_dtype
from microtensor.ops.elementwise import to
from microtensor.ops.shape import sum_to
from microtensor.ops.table import public


def _shape(value: Any) -> tuple[int, ...]:
    return getattr(value, "shape", ())


def _routed(grad_output: Tensor, share: np.ndarray | None, shape: tuple[int, ...]) -> Tensor:
    """``grad_output * share``, summed back to ``shape``."""
    return sum_to(Mul.apply(grad_output, share), shape)


class Clamp(Primitive):
    """``minimum(maximum(x, min), max)``; ``min``/``max`` are arrays, numbers or None.

    d/dx = 1 where min <= x <= max; d/dmin = 1 where x < min < max; d/dmax = 1 where
    x > max or max < min; 0 elsewhere (PyTorch's convention, bounds included for x).
    """

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, min: Any, max: Any) -> np.ndarray:
        ctx.shapes = (x.shape, _shape(min), _shape(max))
        try:
            output = x if min is None else np.maximum(x, min)
            output = output if max is None else np.minimum(output, max)
        except ValueError:
            raise _broadcast_error("clamp", x, min if max is None else max) from None
        with np.errstate(invalid="ignore"):
            if max is None:
                ctx.masks = (x >= min, x < min, None)
            elif min is None:
                ctx.masks = (x <= max, None, x > max)
            else:
                ctx.masks = ((x >= min) & (x <= max), (x < min) & (min < max),
                             (x > max) | (max < min))
        return np.asarray(output, dtype=output.dtype)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> tuple[Tensor | None, ...]:
        return tuple(
            _routed(grad_output, mask, shape) if needs else None
            for mask, shape, needs in zip(ctx.masks, ctx.shapes, ctx.needs_input_grad,
                                          strict=True)
        )


def _shares(larger: np.ndarray, ties: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """1 where an operand wins, 1/2 at a tie, 0 where it loses."""
    return np.where(ties, 0.5, larger).astype(dtype if dtype.kind == "f" else np.float64)


class Maximum(Primitive):
    """``max(a, b)`` elementwise (NaN propagates). d/da = 1 where a > b, 1/2 at a tie."""

    @staticmethod
    def forward(ctx: Context, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        try:
            output = np.maximum(a, b)
        except ValueError:
            raise _broadcast_error("maximum", a, b) from None
        ties = a == b
        ctx.shares = (_shares(a > b, ties, output.dtype), _shares(b > a, ties, output.dtype))
        ctx.shapes = (a.shape, b.shape)
        return output

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> tuple[Tensor | None, ...]:
        return tuple(
            _routed(grad_output, share, shape) if needs else None
            for share, shape, needs in zip(ctx.shares, ctx.shapes, ctx.needs_input_grad,
                                           strict=True)
        )


class Minimum(Primitive):
    """``min(a, b)`` elementwise (NaN propagates). d/da = 1 where a < b, 1/2 at a tie."""

    @staticmethod
    def forward(ctx: Context, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        try:
            output = np.minimum(a, b)
        except ValueError:
            raise _broadcast_error("minimum", a, b) from None
        ties = a == b
        ctx.shares = (_shares(a < b, ties, output.dtype), _shares(b < a, ties, output.dtype))
        ctx.shapes = (a.shape, b.shape)
        return output

    backward = staticmethod(Maximum.backward)


class Lerp(Primitive):
    """``start + weight * (end - start)``, computed as PyTorch does for accuracy near
    ``weight = 1`` (``end - (end - start) * (1 - weight)`` where ``|weight| >= 0.5``).

    d/dstart = 1 - weight, d/dend = weight, d/dweight = end - start.
    """

    @staticmethod
    def forward(ctx: Context, start: np.ndarray, end: np.ndarray, weight: Any) -> np.ndarray:
        ctx.save_for_backward(start, end, weight)
        try:
            difference = np.subtract(end, start)
            output = np.where(
                np.abs(weight) < 0.5, start + weight * difference,
                end - difference * (1 - np.asarray(weight, dtype=difference.dtype)),
            )
        except ValueError:
            raise _broadcast_error("lerp", start, end) from None
        return output.astype(difference.dtype, copy=False)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> tuple[Tensor | None, ...]:
        start, end, weight = ctx.saved_tensors
        needs_start, needs_end, needs_weight = ctx.needs_input_grad
        return (
            sum_to(grad_output * (1 - weight), start.shape) if needs_start else None,
            sum_to(grad_output * weight, end.shape) if needs_end else None,
            sum_to(grad_output * (end - start), weight.shape) if needs_weight else None,
        )


# ----- the public ops ---------------------------------------------------------------


def _bound(value: Any, name: str, dtype: np.dtype) -> Any:
    """A bound as the op needs it: a Tensor in ``dtype``, a number, or None."""
    if value is None or isinstance(value, int | float | np.number):
        return value
    if isinstance(value, Tensor):
        return value if value.dtype == dtype else to(value, dtype)
    raise TypeError(
        f"clamp: {name} must be a number, a Tensor or None, got {type(value).__name__}"
    )


@public(inplace=("clamp_",))
def clamp(input: Tensor, min: Any = None, max: Any = None) -> Tensor:
    """Each element limited to ``[min, max]``: both numbers or both Tensors that broadcast;
    either may be None. Where ``min > max`` every element is ``max``."""
    if min is None and max is None:
        raise RuntimeError("clamp: At least one of 'min' or 'max' must not be None")
    both = min is not None and max is not None
    if both and isinstance(min, Tensor) != isinstance(max, Tensor):
        raise TypeError(
            f"clamp: min and max must both be numbers or both be Tensors (PyTorch's rule), "
            f"got {type(min).__name__} and {type(max).__name__}"
        )
    dtype = result_dtype(input, min, max)
    lower, upper = _bound(min, "min", dtype), _bound(max, "max", dtype)
    return Clamp.apply(input if input.dtype == dtype else to(input, dtype), lower, upper)


@public(inplace=("clip_",))
def clip(input: Tensor, min: Any = None, max: Any = None) -> Tensor:
    """PyTorch's other name for ``clamp``."""
    return clamp(input, min, max)


@public(inplace=("clamp_min_",))
def clamp_min(input: Tensor, min: Any) -> Tensor:
    """``clamp(input, min=min)``."""
    return clamp(input, min=min)


@public(inplace=("clamp_max_",))
def clamp_max(input: Tensor, max: Any) -> Tensor:
    """``clamp(input, max=max)``."""
    return clamp(input, max=max)


def _pair(name: str, input: Tensor, other: Any) -> tuple[Tensor, Tensor]:
    if not isinstance(other, Tensor):
        raise TypeError(
            f"{name}(): argument 'other' must be Tensor, not {type(other).__name__}"
        )
    dtype = result_dtype(input, other)
    return tuple(t if t.dtype == dtype else to(t, dtype) for t in (input, other))  # type: ignore[return-value]


@public()
def maximum(input: Tensor, other: Tensor) -> Tensor:
    """The larger of ``input`` and ``other``, elementwise (a tie splits the gradient)."""
    return Maximum.apply(*_pair("maximum", input, other))


@public()
def minimum(input: Tensor, other: Tensor) -> Tensor:
    """The smaller of ``input`` and ``other``, elementwise (a tie splits the gradient)."""
    return Minimum.apply(*_pair("minimum", input, other))


@public(inplace=("lerp_",))
def lerp(input: Tensor, end: Tensor, weight: Any) -> Tensor:
    """``input + weight * (end - input)``; ``weight`` a number or a Tensor; all tensors of
    one float dtype (PyTorch's rule)."""
    tensors = [("end", end)] + ([("weight", weight)] if isinstance(weight, Tensor) else [])
    if input.dtype.kind != "f":
        raise NotImplementedError(f"lerp: not implemented for {input.dtype} tensors")
    for name, value in tensors:
        if not isinstance(value, Tensor):
            raise TypeError(f"lerp(): argument '{name}' must be Tensor, not "
                            f"{type(value).__name__}")
        if value.dtype != input.dtype:
            raise RuntimeError(
                f"lerp: expected dtype {input.dtype} for `{name}` but got dtype {value.dtype}"
            )
    if not isinstance(weight, Tensor | int | float):
        raise TypeError(f"lerp(): weight must be a number or a Tensor, got "
                        f"{type(weight).__name__}")
    return Lerp.apply(input, end, weight)
