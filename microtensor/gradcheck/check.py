"""Gradient checks against finite differences: ``gradcheck`` and ``gradgradcheck``.

For a function f of float64 tensors, the analytical Jacobian (rows from vector-Jacobian
products, ``autograd.grad`` with one-hot ``grad_outputs``) is compared with the
numerical one, built column by column from central differences::

    J[:, j] ~ (f(x + eps e_j) - f(x - eps e_j)) / (2 eps)        error O(eps**2)

An element passes when ``|analytical - numerical| <= atol + rtol * |numerical|`` (as in
PyTorch). ``fast_mode=True`` compares random projections ``u^T J v`` instead: one
directional difference per input and one vector-Jacobian product per output.

``gradgradcheck`` runs ``gradcheck`` on the first derivative, computed with
``create_graph=True``: it checks the second derivatives, and thereby that every
backward is itself differentiable.

A failure reports the worst element: which input and output, the index, the analytical
and numerical values, the relative error ``|a - n| / max(|a|, |n|)`` and its verdict on
the scale of the seed (:func:`verdict`; both in report.py, re-exported here).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from microtensor.core import grad_mode, random
from microtensor.core.engine import grad
from microtensor.core.tensor import Tensor
from microtensor.gradcheck.jacobian import (
    analytical_jacobian,
    analytical_projection,
    as_tuple,
    evaluate,
    is_float,
    numerical_jacobian,
    numerical_projection,
    unit,
)
from microtensor.gradcheck.report import Mismatch, relative_error, verdict, worst_index

__all__ = ["GradcheckError", "gradcheck", "gradgradcheck", "relative_error", "verdict"]


class GradcheckError(RuntimeError):
    """Analytical and numerical derivatives disagree; the message says where and by how much.

    Attributes:
        mismatch: the worst element (input, output, indices, values, relative error).
    """

    def __init__(self, message: str, mismatch: Mismatch) -> None:
        super().__init__(message)
        self.mismatch = mismatch


def gradcheck(
    func: Callable[..., Any],
    inputs: Any,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    fast_mode: bool = False,
    generator: np.random.Generator | None = None,
) -> bool:
    """Check the gradients of ``func`` at ``inputs`` against central finite differences.

    Args:
        func: takes the ``inputs`` as positional arguments; returns a Tensor or a tuple of
            Tensors.
        inputs: a Tensor or a tuple of Tensors and plain values. The Tensors that require
            grad are checked; they must be float64.
        eps: the finite-difference step.
        atol, rtol: an element passes when ``|a - n| <= atol + rtol * |n|``.
        raise_exception: raise :class:`GradcheckError` on failure (else return False).
        fast_mode: compare random projections ``u^T J v`` instead of whole Jacobians.
        generator: the ``numpy.random.Generator`` for ``fast_mode`` (default: the one
            ``mt.manual_seed`` seeds).

    Returns:
        True when every element passes.

    Raises:
        GradcheckError: on a mismatch, when ``raise_exception``.
        TypeError: an input that requires grad is not float64.
        ValueError: no input requires grad.
    """
    inputs = as_tuple(inputs)
    return _check(
        func, inputs, _positions(inputs, "gradcheck"), eps=eps, atol=atol, rtol=rtol,
        raise_exception=raise_exception, fast_mode=fast_mode, generator=generator,
        title="gradcheck", input_name=lambda p: f"input {p}",
        output_name=lambda k: f"output {k}", hint="",
    )


def gradgradcheck(
    func: Callable[..., Any],
    inputs: Any,
    grad_outputs: Any = None,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    fast_mode: bool = False,
    generator: np.random.Generator | None = None,
) -> bool:
    """Check the second derivatives of ``func``: ``gradcheck`` of its vector-Jacobian product.

    The checked function maps ``(*inputs, *grad_outputs)`` to the gradients of
    ``func(*inputs)`` with respect to the inputs that require grad, computed with
    ``create_graph=True``. So both the derivative in ``inputs`` (the Hessian-vector
    product) and in ``grad_outputs`` (the Jacobian again) are checked.

    Args:
        func, inputs, eps, atol, rtol, raise_exception, fast_mode, generator: as for
            :func:`gradcheck`.
        grad_outputs: one Tensor (or None) per output of ``func``. By default random
            float64 tensors that require grad, drawn from ``generator``.

    Returns:
        True when every element passes.
    """
    inputs = as_tuple(inputs)
    positions = _positions(inputs, "gradgradcheck")
    rng = random.resolve(generator)
    with grad_mode.enable_grad():
        outputs = evaluate(func, inputs)
    if grad_outputs is None:
        grad_outputs = tuple(
            Tensor(rng.standard_normal(out.shape), requires_grad=True)
            if is_float(out) else None
            for out in outputs
        )
    grad_outputs = as_tuple(grad_outputs)
    if len(grad_outputs) != len(outputs):
        raise ValueError(
            f"gradgradcheck: got {len(grad_outputs)} grad_outputs for {len(outputs)} "
            "outputs of func; pass one Tensor (or None) per output"
        )
    count = len(inputs)

    def first_derivative(*args: Any) -> tuple[Tensor, ...]:
        arguments, vectors = args[:count], args[count:]
        pairs = [
            (out, vector)
            for out, vector in zip(evaluate(func, arguments), vectors, strict=True)
            if vector is not None and is_float(out) and out.requires_grad
        ]
        wrt = [arguments[p] for p in positions]
        grads: Sequence[Tensor | None] = [None] * len(wrt)
        if pairs:
            grads = grad(
                [out for out, _ in pairs], wrt, grad_outputs=[v for _, v in pairs],
                create_graph=True, allow_unused=True,
            )
        return tuple(
            Tensor._make(np.zeros(x.shape), None) if g is None else g
            for g, x in zip(grads, wrt, strict=True)
        )

    all_inputs = (*inputs, *grad_outputs)
    return _check(
        first_derivative, all_inputs, _positions(all_inputs, "gradgradcheck"), eps=eps,
        atol=atol, rtol=rtol, raise_exception=raise_exception, fast_mode=fast_mode,
        generator=rng, title="gradgradcheck (second order)",
        input_name=lambda p: f"input {p}" if p < count else f"grad_outputs[{p - count}]",
        output_name=lambda k: f"the gradient of input {positions[k]}",
        hint="If gradcheck passes, backward is not differentiable correctly: build it "
        "from differentiable Tensor operations (no .data, no detach(), no constant "
        "where an input belongs).",
    )


def _positions(inputs: tuple[Any, ...], name: str) -> list[int]:
    """Positions of the inputs that require grad; each must be float64."""
    positions = []
    for p, x in enumerate(inputs):
        if not (isinstance(x, Tensor) and x.requires_grad):
            continue
        if x.dtype != np.float64:
            raise TypeError(
                f"{name}: input {p} (shape {x.shape}) has dtype {x.dtype}, but gradients "
                "are checked in float64: finite differences in float32 are too coarse "
                "(rounding error ~1e-7 divided by eps ~1e-6 swamps the derivative). "
                "Convert it with .double(), or create it with dtype=mt.float64."
            )
        positions.append(p)
    if not positions:
        raise ValueError(
            f"{name}: no input requires grad, so there is nothing to check; create the "
            "inputs to check with requires_grad=True"
        )
    return positions


def _check(
    func: Callable[..., Any],
    inputs: tuple[Any, ...],
    positions: list[int],
    *,
    eps: float,
    atol: float,
    rtol: float,
    raise_exception: bool,
    fast_mode: bool,
    generator: np.random.Generator | None,
    title: str,
    input_name: Callable[[int], str],
    output_name: Callable[[int], str],
    hint: str,
) -> bool:
    with grad_mode.enable_grad():
        outputs = evaluate(func, inputs)
        if fast_mode:
            rng = random.resolve(generator)
            v = [unit(rng.standard_normal(inputs[p].shape)) for p in positions]
            u = [unit(rng.standard_normal(out.shape)) for out in outputs]
            numerical = numerical_projection(func, inputs, positions, outputs, v, u, eps)
            analytical = analytical_projection(outputs, inputs, positions, v, u)
        else:
            numerical = numerical_jacobian(func, inputs, positions, outputs, eps)
            analytical = analytical_jacobian(outputs, inputs, positions)
    worst: Mismatch | None = None
    for (k, i), n in numerical.items():
        a = analytical[k, i]
        difference, tolerance = np.abs(a - n), atol + rtol * np.abs(n)
        failing = ~(difference <= tolerance)  # NaN fails
        failed = int(np.count_nonzero(failing))
        if not failed:
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            excess = np.where(failing, difference / tolerance, 0.0)  # how many tolerances
        excess = np.where(np.isnan(excess), np.inf, excess)  # NaN: the worst of all
        row, column = worst_index(excess)
        if worst is None or excess[row, column] > worst.excess:
            p = positions[i]
            error = relative_error(a[row, column], n[row, column])
            worst = Mismatch(
                input=p, input_shape=inputs[p].shape, output=k, output_shape=outputs[k].shape,
                input_index=None if fast_mode else np.unravel_index(column, inputs[p].shape),
                output_index=None if fast_mode else np.unravel_index(row, outputs[k].shape),
                analytical=float(a[row, column]), numerical=float(n[row, column]),
                relative_error=error, verdict=verdict(error), excess=float(excess[row, column]),
                failed=failed, total=excess.size,
            )
    if worst is None:
        return True
    if not raise_exception:
        return False
    message = worst.report(
        title, input_name(worst.input), output_name(worst.output), atol, rtol, hint
    )
    raise GradcheckError(message, worst)
