"""Softmax: the primitive LogSoftmax and the ops ``log_softmax`` and ``softmax``.

Fused on purpose: computing ``log(exp(x) / sum(exp(x)))`` step by step overflows for
logits of magnitude ~100 in float32. Shifting by the maximum keeps every exponent <= 0;
``shifted_exp`` is that one computation, shared with the cross-entropy loss.
"""

from __future__ import annotations

import numpy as np

from microtensor.core.function import Context, Primitive
from microtensor.core.tensor import Tensor
from microtensor.ops.arguments import dim_index
from microtensor.ops.elementwise import Exp
from microtensor.ops.table import public


def shifted_exp(x: np.ndarray, dim: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``s = x - max(x)``, ``exp(s)`` and its sum along ``dim`` (kept as size 1).

    Then ``log_softmax(x) = s - log(sum)`` and ``softmax(x) = exp(s) / sum``, with every
    exponent <= 0: nothing overflows.
    """
    shifted = x - x.max(axis=dim, keepdims=True)
    exp = np.exp(shifted)
    return shifted, exp, exp.sum(axis=dim, keepdims=True)


class LogSoftmax(Primitive):
    """y = x - max(x) - log(sum(exp(x - max(x)))) along ``dim``.

    dy/dx applied to g: g - softmax(x) * sum(g), with softmax(x) = exp(y) taken from the
    output, so the backward is itself differentiable.
    """

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, dim: int) -> np.ndarray:
        ctx.dim = dim
        if x.shape[dim] == 0:  # over an empty dim: an empty result, as in PyTorch
            output = np.empty_like(x)
            ctx.save_for_backward(output)
            return output
        shifted, _, total = shifted_exp(x, dim)
        output = shifted - np.log(total)
        ctx.save_for_backward(output)
        return output

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        (output,) = ctx.saved_tensors
        total = grad_output.sum(dim=ctx.dim, keepdim=True)
        return grad_output - Exp.apply(output) * total  # one positional input (dim is a keyword)


# ----- the public ops ---------------------------------------------------------------


@public(functional=True)
def log_softmax(input: Tensor, dim: int) -> Tensor:
    """``log(softmax(input))`` along ``dim``, computed stably."""
    return LogSoftmax.apply(input, dim=dim_index(dim, input._array.ndim, "log_softmax"))


@public(functional=True)
def softmax(input: Tensor, dim: int) -> Tensor:
    """``exp(input) / sum(exp(input))`` along ``dim``: the exponential of ``log_softmax``."""
    return Exp.apply(log_softmax(input, dim))
