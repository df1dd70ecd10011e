"""Matrix multiplication: the primitives MatMul and Linear, the ops ``matmul`` (``@``), ``linear``.

NumPy's rules: batch broadcasting and the 1-D cases.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from microtensor.core.function import Context, Primitive
from microtensor.core.tensor import Tensor
from microtensor.ops.shape import Permute, Reshape, sum_to
from microtensor.ops.table import public


def _swap_last(t: Tensor) -> Tensor:
    dims = list(range(t.ndim))
    dims[-1], dims[-2] = dims[-2], dims[-1]
    return Permute.apply(t, tuple(dims))


class MatMul(Primitive):
    """``a @ b`` as ``numpy.matmul``.

    For 2-D and batched operands C = A B gives dA = dC B^T and dB = A^T dC, summed over
    broadcast batch axes. A 1-D ``a`` is treated as a row (1, k) and a 1-D ``b`` as a
    column (k, 1); the added axis is removed again, exactly as NumPy does.
    """

    @staticmethod
    def forward(ctx: Context, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(a, b)
        return np.asarray(np.matmul(a, b))

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> tuple[Tensor | None, Tensor | None]:
        a, b = ctx.saved_tensors
        a2 = Reshape.apply(a, (1, a.shape[0])) if a.ndim == 1 else a
        b2 = Reshape.apply(b, (b.shape[0], 1)) if b.ndim == 1 else b
        grad = grad_output
        if a.ndim == 1:
            grad = Reshape.apply(grad, (*grad.shape[:-1], 1, grad.shape[-1]) if b.ndim > 1
                                 else (1, *grad.shape))
        if b.ndim == 1:
            grad = Reshape.apply(grad, (*grad.shape, 1))
        needs_a, needs_b = ctx.needs_input_grad
        grad_a = grad_b = None
        if needs_a:
            grad_a = sum_to(MatMul.apply(grad, _swap_last(b2)), a2.shape)
            if a.ndim == 1:
                grad_a = Reshape.apply(grad_a, a.shape)
        if needs_b:
            grad_b = sum_to(MatMul.apply(_swap_last(a2), grad), b2.shape)
            if b.ndim == 1:
                grad_b = Reshape.apply(grad_b, b.shape)
        return grad_a, grad_b


class Linear(Primitive):
    """``x @ weight.T + bias``: a fully connected layer as one node, as PyTorch's ``addmm``.

    Fused on purpose, for speed: one node instead of three (transpose, matmul, add), so a
    layer costs one ``apply`` forward and one node in backward. x (..., in), weight
    (out, in), bias broadcastable to (..., out) or None. With g = dL/d(output):

        dx = g @ weight,  dweight = sum over leading axes of g^T x,  dbias = g summed to
        bias's shape.

    The backward is made of MatMul, Permute, Reshape and SumTo, so it is differentiable.
    """

    @staticmethod
    def forward(
        ctx: Context, x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None = None
    ) -> np.ndarray:
        ctx.save_for_backward(x, weight)
        ctx.bias_shape = None if bias is None else bias.shape
        output = np.matmul(x, weight.T)
        return output if bias is None else output + bias

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> tuple[Tensor | None, ...]:
        x, weight = ctx.saved_tensors
        needs_x, needs_weight, needs_bias = ctx.needs_input_grad
        grad_x = grad_weight = grad_bias = None
        if needs_x:
            grad_x = MatMul.apply(grad_output, weight)
        if needs_weight:
            rows, columns = grad_output, x  # (N, out) and (N, in): leading axes flattened
            if grad_output.ndim != 2:
                rows = Reshape.apply(grad_output, (-1, weight.shape[0]))
                columns = Reshape.apply(x, (-1, weight.shape[1]))
            grad_weight = MatMul.apply(Permute.apply(rows, (1, 0)), columns)
        if needs_bias:
            grad_bias = sum_to(grad_output, ctx.bias_shape)
        return grad_x, grad_weight, grad_bias


# ----- the public ops ---------------------------------------------------------------


@public(methods=("matmul", "__matmul__"), reflected="__rmatmul__")
def matmul(input: Any, other: Any) -> Tensor:
    """``input @ other`` with NumPy's rules (batch broadcasting, 1-D operands)."""
    a = input if isinstance(input, Tensor) else Tensor(input)
    b = other if isinstance(other, Tensor) else Tensor(other)
    if a._array.ndim == 0 or b._array.ndim == 0:
        raise RuntimeError(
            f"matmul: both arguments need at least 1 dimension, got shapes {a._array.shape} "
            f"and {b._array.shape}; use * for scalars"
        )
    if a._array.dtype != b._array.dtype:
        raise RuntimeError(
            f"matmul: expected both operands to have the same dtype, but got {a._array.dtype} and "
            f"{b._array.dtype}; convert one with .to() (as in PyTorch, matmul does not promote)"
        )
    inner_a = a._array.shape[-1]
    inner_b = b._array.shape[0] if b._array.ndim == 1 else b._array.shape[-2]
    if inner_a != inner_b:
        raise RuntimeError(
            f"matmul: shapes {a._array.shape} and {b._array.shape} cannot be multiplied "
            f"({inner_a} columns against {inner_b} rows)"
        )
    try:
        return MatMul.apply(a, b)
    except ValueError:
        raise RuntimeError(
            f"matmul: batch dimensions of {a._array.shape} and {b._array.shape} do not broadcast"
        ) from None


@public(methods=(), function=False, functional=True)
def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``input @ weight.T + bias``, weight of shape (out_features, in_features).

    One node (the ``Linear`` primitive). As in PyTorch, the three must share one dtype.
    """
    for position, (name, value) in enumerate((("weight", weight), ("bias", bias)), start=2):
        if not isinstance(value, Tensor) and (name == "weight" or value is not None):
            raise TypeError(
                f"linear(): argument '{name}' (position {position}) must be Tensor, not "
                f"{type(value).__name__}"
            )
    if input._array.ndim == 0:
        raise RuntimeError("linear: input must have a feature dimension, got a 0-D tensor")
    if weight._array.ndim != 2:
        raise RuntimeError(
            f"linear: weight must be 2-D (out_features, in_features), got shape {weight.shape}"
        )
    if input._array.shape[-1] != weight._array.shape[-1]:
        raise RuntimeError(
            f"linear: input has {input.shape[-1]} features (shape {input.shape}) but "
            f"weight expects {weight._array.shape[-1]} (weight shape {weight._array.shape})"
        )
    for name, other in (("weight", weight), ("bias", bias)):
        if other is not None and other._array.dtype != input._array.dtype:
            raise RuntimeError(
                f"linear: expected input and {name} to have the same dtype, but got "
                f"{input.dtype} and {other.dtype}; convert one with .to()"
            )
    try:
        return Linear.apply(input, weight, bias)
    except ValueError:  # the only shape left unchecked: the bias against the output
        raise RuntimeError(
            f"linear: bias of shape {bias.shape} does not broadcast to the output shape "  # type: ignore[union-attr]
            f"{(*input.shape[:-1], weight.shape[0])}"
        ) from None
