"""The two sides of a gradient check: numerical and analytical Jacobians (or projections).

Results are dicts keyed by ``(k, i)``: output ``k`` (float outputs only) against the
``i``-th input that requires grad, holding a ``(outputs[k].size, inputs[p].size)`` array
(full Jacobian) or a ``(1, 1)`` array (projection ``u_k^T J_ki v_i``).

The numerical side calls ``func`` on fresh float64 leaves that share one working copy
of each input, perturbed in place; the leaves require grad as the inputs do, so that
``func`` may itself differentiate (``gradgradcheck`` does).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from microtensor.core.engine import grad
from microtensor.core.tensor import Tensor

Pairs = dict[tuple[int, int], np.ndarray]


@dataclass(frozen=True)
class Mismatch:
    """The worst element of a failed check and how to report it."""

    input: int
    input_shape: tuple[int, ...]
    output: int
    output_shape: tuple[int, ...]
    input_index: tuple[int, ...] | None  # None in fast mode (a projection, not an element)
    output_index: tuple[int, ...] | None
    analytical: float
    numerical: float
    relative_error: float
    verdict: str
    excess: float  # |a - n| / (atol + rtol * |n|): above 1 fails
    failed: int
    total: int

    def report(
        self, title: str, input_name: str, output_name: str, atol: float, rtol: float, hint: str
    ) -> str:
        """A message naming the input, output, worst element, values and verdict."""
        where = (
            f"{output_name} (shape {self.output_shape}) with respect to {input_name} "
            f"(shape {self.input_shape})"
        )
        lines = []
        if self.input_index is None:
            lines.append(
                f"{title} failed (fast_mode): the projection u^T J v of the Jacobian of "
                f"{where} disagrees with finite differences (u, v random unit vectors)."
            )
        else:
            lines.append(
                f"{title} failed: the Jacobian of {where} disagrees with finite differences."
            )
            lines.append(
                f"  worst element: {_at(self.output_index, output_name)} with respect to "
                f"{_at(self.input_index, input_name)}"
            )
        lines += [
            f"  analytical: {self.analytical:.10g}",
            f"  numerical:  {self.numerical:.10g}",
            f"  relative error |a - n| / max(|a|, |n|) = {self.relative_error:.3g}: "
            f"{self.verdict}",
            f"  {self.failed} of {self.total} failed |a - n| <= atol + rtol * |n| "
            f"(atol={atol:g}, rtol={rtol:g})",
        ]
        if self.input_index is None:
            lines.append("  Run with fast_mode=False to find the element.")
        if hint:
            lines.append(f"  {hint}")
        return "\n".join(lines)


def _at(index: tuple[int, ...], name: str) -> str:
    if not index:
        return f"{name} (a scalar)"
    return f"index [{', '.join(str(int(i)) for i in index)}] of {name}"


def as_tuple(value: Any) -> tuple[Any, ...]:
    return tuple(value) if isinstance(value, tuple | list) else (value,)


def evaluate(func: Callable[..., Any], args: Sequence[Any]) -> tuple[Tensor, ...]:
    """``func(*args)`` as a tuple of Tensors (a TypeError for anything else)."""
    outputs = as_tuple(func(*args))
    for k, out in enumerate(outputs):
        if not isinstance(out, Tensor):
            raise TypeError(
                f"gradcheck: func must return a Tensor or a tuple of Tensors, but output "
                f"{k} is a {type(out).__name__}"
            )
    return outputs


def is_float(out: Tensor) -> bool:
    """Float outputs are differentiated; integer and bool outputs are not."""
    return np.issubdtype(out.dtype, np.floating)


def unit(vector: np.ndarray) -> np.ndarray:
    """``vector`` scaled to norm 1 (a zero vector stays zero)."""
    norm = np.linalg.norm(vector)
    return vector / norm if norm > 0 else vector


def _working_copies(
    inputs: Sequence[Any], positions: Sequence[int]
) -> tuple[list[Any], list[np.ndarray]]:
    """Arguments for ``func`` whose checked inputs are fresh leaves over working copies."""
    arguments = list(inputs)
    works = []
    for p in positions:
        work = np.array(inputs[p].data, dtype=np.float64, order="C")
        leaf = Tensor._make(work, None)
        leaf.requires_grad = True
        arguments[p] = leaf
        works.append(work)
    return arguments, works


def _values(func: Callable[..., Any], arguments: Sequence[Any]) -> list[np.ndarray | None]:
    """Copies of the float outputs of ``func`` (outputs may be views of the inputs)."""
    return [
        np.array(out.data, dtype=np.float64) if is_float(out) else None
        for out in evaluate(func, arguments)
    ]


def _difference(plus: list[Any], minus: list[Any], eps: float) -> list[Any]:
    return [
        None if p is None else (p - m).reshape(-1) / (2 * eps)
        for p, m in zip(plus, minus, strict=True)
    ]


def numerical_jacobian(
    func: Callable[..., Any],
    inputs: Sequence[Any],
    positions: Sequence[int],
    outputs: Sequence[Tensor],
    eps: float,
) -> Pairs:
    """Central differences, one column per element of each checked input."""
    arguments, works = _working_copies(inputs, positions)
    result: Pairs = {}
    for i, work in enumerate(works):
        for k, out in enumerate(outputs):
            if is_float(out):
                result[k, i] = np.zeros((out.data.size, work.size))
        flat = work.reshape(-1)  # a view: perturbing it perturbs the leaf
        for j in range(flat.size):
            original = flat[j]
            flat[j] = original + eps
            plus = _values(func, arguments)
            flat[j] = original - eps
            minus = _values(func, arguments)
            flat[j] = original
            for k, column in enumerate(_difference(plus, minus, eps)):
                if column is not None:
                    result[k, i][:, j] = column
    return result


def analytical_jacobian(
    outputs: Sequence[Tensor], inputs: Sequence[Any], positions: Sequence[int]
) -> Pairs:
    """Rows from vector-Jacobian products with one-hot ``grad_outputs``."""
    wrt = [inputs[p] for p in positions]
    result: Pairs = {}
    for k, out in enumerate(outputs):
        if not is_float(out):
            continue
        for i, x in enumerate(wrt):
            result[k, i] = np.zeros((out.data.size, x.data.size))
        if not out.requires_grad:  # does not depend on the inputs: a zero Jacobian
            continue
        for m in range(out.data.size):
            one_hot = np.zeros(out.shape, dtype=out.dtype)
            one_hot.flat[m] = 1.0
            grads = grad(out, wrt, grad_outputs=Tensor._make(one_hot, None),
                         retain_graph=True, allow_unused=True)
            for i, g in enumerate(grads):
                if g is not None:
                    result[k, i][m, :] = g.data.reshape(-1)
    return result


def numerical_projection(
    func: Callable[..., Any],
    inputs: Sequence[Any],
    positions: Sequence[int],
    v: Sequence[np.ndarray],
    u: Sequence[np.ndarray],
    eps: float,
) -> Pairs:
    """``u_k . (f_k(x + eps v_i) - f_k(x - eps v_i)) / (2 eps)``: one difference per input."""
    arguments, works = _working_copies(inputs, positions)
    result: Pairs = {}
    for i, work in enumerate(works):
        original = work.copy()
        np.copyto(work, original + eps * v[i])
        plus = _values(func, arguments)
        np.copyto(work, original - eps * v[i])
        minus = _values(func, arguments)
        np.copyto(work, original)
        for k, column in enumerate(_difference(plus, minus, eps)):
            if column is not None:
                result[k, i] = np.array([[column @ u[k].reshape(-1)]])
    return result


def analytical_projection(
    outputs: Sequence[Tensor],
    inputs: Sequence[Any],
    positions: Sequence[int],
    v: Sequence[np.ndarray],
    u: Sequence[np.ndarray],
) -> Pairs:
    """``(u_k^T J_k) . v_i``: one vector-Jacobian product per output."""
    wrt = [inputs[p] for p in positions]
    result: Pairs = {}
    for k, out in enumerate(outputs):
        if not is_float(out):
            continue
        grads: Sequence[Tensor | None] = [None] * len(wrt)
        if out.requires_grad:
            grads = grad(out, wrt, grad_outputs=Tensor._make(u[k].astype(out.dtype), None),
                         retain_graph=True, allow_unused=True)
        for i, g in enumerate(grads):
            value = 0.0 if g is None else float(np.sum(g.data * v[i]))
            result[k, i] = np.array([[value]])
    return result
