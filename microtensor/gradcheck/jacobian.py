"""The two sides of a gradient check: numerical and analytical Jacobians (or projections).

The numerical side is central differences, the one place microtensor writes them
(``check_module_gradients`` uses them too): for ``f`` of ``x`` and a step ``eps``::

    J[:, j] ~ (f(x + eps e_j) - f(x - eps e_j)) / (2 eps)        error O(eps**2)
    J v     ~ (f(x + eps v)   - f(x - eps v))   / (2 eps)

The analytical side is vector-Jacobian products: ``u^T J`` is ``autograd.grad`` of the
output with ``grad_outputs=u``; a one-hot ``u`` gives one row of ``J``.

Results are dicts keyed by ``(k, i)``: output ``k`` (float outputs only) against the
``i``-th input that requires grad, holding a ``(outputs[k].size, inputs[p].size)`` array
(full Jacobian) or a ``(1, 1)`` array (projection ``u_k^T J_ki v_i``).

The numerical side calls ``func`` on fresh float64 leaves that share one working copy
of each input, perturbed in place; the leaves require grad as the inputs do, so that
``func`` may itself differentiate (``gradgradcheck`` does).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from microtensor.core.engine import grad
from microtensor.core.tensor import Tensor

Pairs = dict[tuple[int, int], np.ndarray]


def central_differences(
    f: Callable[[], npt.ArrayLike], values: np.ndarray, eps: float
) -> np.ndarray:
    """The Jacobian of ``f`` with respect to ``values``, one central difference a column::

        J[:, j] = (f(x + eps e_j) - f(x - eps e_j)) / (2 eps)        error O(eps**2)

    Args:
        f: takes no argument and reads ``values``; returns an array (flattened here).
        values: ``x``, a float64 array perturbed in place, one element at a time (C
            order, so ``j`` is the flat index), and restored.
        eps: the step.

    Returns:
        float64 of shape ``(f().size, values.size)``: ``2 * values.size`` calls of ``f``.
    """
    jacobian: np.ndarray | None = None
    for j, index in enumerate(np.ndindex(values.shape)):
        column = _central(f, values, index, eps, eps)
        if jacobian is None:
            jacobian = np.empty((column.size, values.size))
        jacobian[:, j] = column
    return np.zeros((_flat(f()).size, 0)) if jacobian is None else jacobian


def directional_difference(
    f: Callable[[], npt.ArrayLike], values: np.ndarray, direction: np.ndarray, eps: float
) -> np.ndarray:
    """``J v`` for ``v = direction``, by one central difference of ``f`` along it::

        J v ~ (f(x + eps v) - f(x - eps v)) / (2 eps)

    ``f`` and ``values`` as for :func:`central_differences`; returns ``f().size`` floats.
    """
    return _central(f, values, ..., eps * direction, eps)


def _central(
    f: Callable[[], npt.ArrayLike], values: np.ndarray, where: Any, step: Any, eps: float
) -> np.ndarray:
    """``(f() at values[where] + step  -  f() at values[where] - step) / (2 eps)``."""
    original = np.copy(values[where])
    values[where] = original + step
    plus = _flat(f())
    values[where] = original - step
    minus = _flat(f())
    values[where] = original
    return (plus - minus) / (2 * eps)


def _flat(value: npt.ArrayLike) -> np.ndarray:
    """A flat float64 copy (an output may be a view of the input being perturbed)."""
    return np.array(value, dtype=np.float64).reshape(-1)


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


def numerical_jacobian(
    func: Callable[..., Any],
    inputs: Sequence[Any],
    positions: Sequence[int],
    outputs: Sequence[Tensor],
    eps: float,
) -> Pairs:
    """:func:`central_differences`, one column per element of each checked input."""
    return _numerical(func, inputs, positions, outputs,
                      lambda f, work, i: central_differences(f, work, eps))


def numerical_projection(
    func: Callable[..., Any],
    inputs: Sequence[Any],
    positions: Sequence[int],
    outputs: Sequence[Tensor],
    v: Sequence[np.ndarray],
    u: Sequence[np.ndarray],
    eps: float,
) -> Pairs:
    """``u_k . (f_k(x + eps v_i) - f_k(x - eps v_i)) / (2 eps)``: one difference per input."""
    columns = _numerical(func, inputs, positions, outputs,
                         lambda f, work, i: directional_difference(f, work, v[i], eps))
    return {
        (k, i): np.array([[column @ u[k].reshape(-1)]]) for (k, i), column in columns.items()
    }


def _numerical(
    func: Callable[..., Any],
    inputs: Sequence[Any],
    positions: Sequence[int],
    outputs: Sequence[Tensor],
    difference: Callable[[Callable[[], np.ndarray], np.ndarray, int], np.ndarray],
) -> Pairs:
    """``difference(f, x_i, i)`` for each checked input, its rows split per float output.

    ``f`` is ``func`` as a function of no argument: its float outputs, flattened and
    stacked into one vector, at the arguments whose checked inputs are fresh float64
    leaves over working copies ``x_i`` (which ``difference`` perturbs in place).
    """
    arguments = list(inputs)
    works = []
    for p in positions:
        work = np.array(inputs[p]._array, dtype=np.float64, order="C")
        leaf = Tensor._make(work, None)
        leaf.requires_grad = True
        arguments[p] = leaf
        works.append(work)
    floats = [k for k, out in enumerate(outputs) if is_float(out)]
    ends = np.cumsum([outputs[k]._array.size for k in floats])[:-1]

    def stacked() -> np.ndarray:
        values = evaluate(func, arguments)
        return np.concatenate([np.zeros(0), *(_flat(values[k]._array) for k in floats)])

    result: Pairs = {}
    for i, work in enumerate(works):
        blocks = np.split(difference(stacked, work, i), ends)
        result.update({(k, i): block for k, block in zip(floats, blocks, strict=True)})
    return result


def _vector_jacobian_product(
    out: Tensor, wrt: Sequence[Tensor], vector: np.ndarray
) -> Sequence[Tensor | None]:
    """``vector^T d out / d x`` for each ``x`` in ``wrt`` (None where ``out`` ignores it)."""
    if not out.requires_grad:  # does not depend on the inputs
        return [None] * len(wrt)
    return grad(out, wrt, grad_outputs=Tensor._make(vector.astype(out.dtype), None),
                retain_graph=True, allow_unused=True)


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
            result[k, i] = np.zeros((out._array.size, x._array.size))
        if not out.requires_grad:  # does not depend on the inputs: a zero Jacobian
            continue
        for m in range(out._array.size):
            one_hot = np.zeros(out.shape, dtype=out.dtype)
            one_hot.flat[m] = 1.0
            for i, g in enumerate(_vector_jacobian_product(out, wrt, one_hot)):
                if g is not None:
                    result[k, i][m, :] = g._array.reshape(-1)
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
        for i, g in enumerate(_vector_jacobian_product(out, wrt, u[k])):
            value = 0.0 if g is None else float(np.sum(g._array * v[i]))
            result[k, i] = np.array([[value]])
    return result
