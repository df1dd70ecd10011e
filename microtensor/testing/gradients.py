"""Gradient assertions for tests: first and second order against finite differences.

``assert_gradients`` turns ``gradcheck`` / ``gradgradcheck`` into an assertion that
Hypothesis understands (an ``AssertionError`` carrying the gradcheck report), so it can
be used inside ``@given``. ``check_spec`` runs one ``PrimitiveSpec`` on drawn inputs:
forward against its NumPy reference, then both gradient orders.

Random ``grad_outputs`` of the second-order check (and fast_mode's random vectors) come
from a fresh generator seeded 0 for each check unless one is passed (:func:`_replayable`),
not from the shared default generator (``microtensor.core.random``): a failing example
then draws the same numbers when Hypothesis replays it, whatever ran before.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

import microtensor as mt
from microtensor.gradcheck.check import GradcheckError, gradcheck, gradgradcheck
from microtensor.testing.spec import PrimitiveSpec

__all__ = ["assert_gradients", "check_spec", "spec_arguments"]


def _as_input(value: Any) -> Any:
    """Float arrays become float64 leaves that require grad; anything else is unchanged."""
    if isinstance(value, np.ndarray) and np.issubdtype(value.dtype, np.floating):
        return mt.tensor(value, dtype=mt.float64, requires_grad=True)
    return value


def assert_gradients(
    fn: Callable[..., Any],
    *inputs: Any,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    eps: float = 1e-6,
    second_order: bool = True,
    fast_mode: bool = False,
    generator: np.random.Generator | None = None,
) -> None:
    """Assert that ``fn``'s first (and second) derivatives match finite differences.

    Args:
        fn: a function of Tensors returning a Tensor or a tuple of Tensors.
        *inputs: float arrays (checked: made float64 Tensors that require grad), Tensors
            (checked when they require grad; must then be float64), or plain values.
        atol, rtol, eps, fast_mode: passed to ``gradcheck`` and ``gradgradcheck``.
        second_order: also check second derivatives with ``gradgradcheck``.
        generator: for random ``grad_outputs`` and ``fast_mode`` (default: a fresh
            generator seeded 0 for each of the two checks).

    Raises:
        AssertionError: with the gradcheck report (input, index, values, verdict).
    """
    arguments = tuple(_as_input(value) for value in inputs)
    options = {"eps": eps, "atol": atol, "rtol": rtol, "fast_mode": fast_mode}
    try:
        gradcheck(fn, arguments, generator=_replayable(generator), **options)
        if second_order:
            gradgradcheck(fn, arguments, generator=_replayable(generator), **options)
    except GradcheckError as error:
        raise AssertionError(str(error)) from error


def _replayable(generator: np.random.Generator | None = None) -> np.random.Generator:
    """``generator`` if given, else a fresh generator seeded 0 (never the default one).

    Unlike ``microtensor.core.random.resolve`` (given or the shared default generator,
    whose state depends on what ran before), every call without a generator draws the
    same numbers, so a Hypothesis replay of an example reproduces it exactly.
    """
    return np.random.default_rng(0) if generator is None else generator


def spec_arguments(spec: PrimitiveSpec, args: Sequence[Any]) -> tuple[Any, ...]:
    """``args`` with the arrays at ``spec.differentiable`` made float64 Tensors with grad."""
    return tuple(
        _as_input(value) if position in spec.differentiable else value
        for position, value in enumerate(args)
    )


def check_spec(
    spec: PrimitiveSpec,
    args: Sequence[Any],
    kwargs: dict[str, Any] | None = None,
    *,
    forward: bool = True,
    first_order: bool = True,
    second_order: bool | None = None,
) -> None:
    """Check one primitive on one drawn input: forward, gradcheck, gradgradcheck.

    Args:
        spec: the primitive's ``PrimitiveSpec``.
        args, kwargs: a draw from ``spec.inputs``.
        forward: compare the output with ``spec.reference`` (shape, dtype, values to
            float rounding).
        first_order: run ``gradcheck`` with the spec's tolerances.
        second_order: run ``gradgradcheck`` (default: ``spec.second_order``).

    Raises:
        AssertionError: naming the primitive, with the report of the failed check.
    """
    kwargs = kwargs or {}
    name = spec.function.__name__
    arguments = spec_arguments(spec, args)
    if forward:
        output = spec.function.apply(*arguments, **kwargs)
        expected = np.asarray(spec.reference(*args, **kwargs))
        assert output.shape == expected.shape, (
            f"{name} forward: shape {output.shape}, the reference gives {expected.shape}"
        )
        assert output.dtype == expected.dtype, (
            f"{name} forward: dtype {output.dtype}, the reference gives {expected.dtype}"
        )
        np.testing.assert_allclose(
            output._array, expected, rtol=1e-10, atol=1e-12,
            err_msg=f"{name} forward differs from its NumPy reference",
        )

    def apply(*tensors: Any) -> mt.Tensor:
        return spec.function.apply(*tensors, **kwargs)

    second_order = spec.second_order if second_order is None else second_order
    if first_order or second_order:
        try:
            if first_order:
                gradcheck(apply, arguments, atol=spec.atol, rtol=spec.rtol)
            if second_order:
                gradgradcheck(
                    apply, arguments, atol=spec.atol, rtol=spec.rtol, generator=_replayable()
                )
        except GradcheckError as error:
            raise AssertionError(f"{name}: {error}") from error
