"""Log-softmax, fused for numerical stability; softmax is its exponential.

Fused on purpose: computing ``log(exp(x) / sum(exp(x)))`` step by step overflows for
logits of magnitude ~100 in float32. Shifting by the maximum keeps every exponent <= 0.
"""

from __future__ import annotations

import numpy as np

from microtensor.core.function import Context, Function
from microtensor.ops.elementwise import Exp
from microtensor.core.tensor import Tensor


class LogSoftmax(Function):
    """y = x - max(x) - log(sum(exp(x - max(x)))) along ``dim``.

    dy/dx applied to g: g - softmax(x) * sum(g), with softmax(x) = exp(y) taken from the
    output, so the backward is itself differentiable.
    """

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, dim: int) -> np.ndarray:
        ctx.dim = dim
        shifted = x - x.max(axis=dim, keepdims=True)
        output = shifted - np.log(np.exp(shifted).sum(axis=dim, keepdims=True))
        ctx.save_for_backward(output)
        return output

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        (output,) = ctx.saved_tensors
        total = grad_output.sum(dim=ctx.dim, keepdim=True)
        return grad_output - Exp.apply(output) * total  # one positional input (dim is a keyword)
