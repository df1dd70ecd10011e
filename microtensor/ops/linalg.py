"""Matrix multiplication with NumPy's rules: batch broadcasting and the 1-D cases."""

from __future__ import annotations

import numpy as np

from microtensor.core.function import Context, Function
from microtensor.ops.shape import Permute, Reshape, sum_to
from microtensor.core.tensor import Tensor


def _swap_last(t: Tensor) -> Tensor:
    dims = list(range(t.ndim))
    dims[-1], dims[-2] = dims[-2], dims[-1]
    return Permute.apply(t, tuple(dims))


class MatMul(Function):
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
