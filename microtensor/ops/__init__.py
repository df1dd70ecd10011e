"""The primitives, one ``Function`` subclass each, and the functions composed from them.

Where each op lives:

* ``elementwise.py``: Add, Mul, Div, Neg, Pow, Exp, Log, Abs, Tanh, Sigmoid, Relu, Cast
* ``reduction.py``:   Sum, Max, Min (and mean, argmax)
* ``shape.py``:       Reshape, Permute, BroadcastTo, SumTo, Index, IndexAdjoint
* ``linalg.py``:      MatMul
* ``softmax.py``:     LogSoftmax (softmax is its exponential)
* ``conv.py``:        Conv2d, ConvTranspose2d, Conv2dWeight (and conv2d with its checks)
* ``pool.py``:        MaxPool2d, PoolGather, PoolScatter (and max_pool2d)
* ``loss.py``:        CrossEntropy, CrossEntropyGrad (and cross_entropy)
"""

from __future__ import annotations

from typing import Any

from microtensor.ops.conv import Conv2d, Conv2dWeight, ConvTranspose2d, conv2d
from microtensor.ops.elementwise import (
    Abs,
    Add,
    Cast,
    Div,
    Exp,
    Log,
    Mul,
    Neg,
    Pow,
    Relu,
    Sigmoid,
    Tanh,
)
from microtensor.ops.linalg import MatMul
from microtensor.ops.loss import CrossEntropy, CrossEntropyGrad, cross_entropy
from microtensor.ops.pool import MaxPool2d, PoolGather, PoolScatter, max_pool2d
from microtensor.ops.reduction import Max, Min, Sum, argmax, extremum, mean, normalize_dims
from microtensor.ops.shape import (
    BroadcastTo,
    Index,
    IndexAdjoint,
    Permute,
    Reshape,
    SumTo,
    expand,
    flatten,
    index,
    permute,
    reshape,
    squeeze,
    sum_to,
    transpose,
    unsqueeze,
)
from microtensor.ops.softmax import LogSoftmax
from microtensor.core.tensor import Tensor

__all__ = [
    "Conv2d", "Conv2dWeight", "ConvTranspose2d", "CrossEntropy", "CrossEntropyGrad",
    "MaxPool2d", "PoolGather", "PoolScatter", "conv2d", "cross_entropy", "max_pool2d",
    "Abs", "Add", "BroadcastTo", "Cast", "Div", "Exp", "Index", "IndexAdjoint", "Log",
    "LogSoftmax", "MatMul", "Max", "Min", "Mul", "Neg", "Permute", "Pow", "Relu",
    "Reshape", "Sigmoid", "Sum", "SumTo", "Tanh", "argmax", "array_of", "expand",
    "extremum", "flatten", "index", "log_softmax", "matmul", "mean", "neg",
    "normalize_dims", "permute", "power", "reshape", "softmax", "squeeze", "sum_to",
    "transpose", "unsqueeze",
]  # fmt: skip


def array_of(value: Any) -> Any:
    """The array of a Tensor; anything else unchanged (for comparisons)."""
    return value.data if isinstance(value, Tensor) else value


def neg(value: Any) -> Any:
    return Neg.apply(value) if isinstance(value, Tensor) else -value


def power(x: Tensor, exponent: Any) -> Tensor:
    """``x ** exponent``; a Tensor exponent is exp(exponent * log(x))."""
    if isinstance(exponent, Tensor):
        return Exp.apply(Mul.apply(exponent, Log.apply(x)))
    return Pow.apply(x, float(exponent))


def matmul(a: Any, b: Any) -> Tensor:
    """``a @ b`` with NumPy's rules; shape mismatches raise a RuntimeError naming both."""
    a = a if isinstance(a, Tensor) else Tensor(a)
    b = b if isinstance(b, Tensor) else Tensor(b)
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError(
            f"matmul: both arguments need at least 1 dimension, got shapes {a.shape} "
            f"and {b.shape}; use * for scalars"
        )
    inner_a = a.shape[-1]
    inner_b = b.shape[0] if b.ndim == 1 else b.shape[-2]
    if inner_a != inner_b:
        raise RuntimeError(
            f"matmul: shapes {a.shape} and {b.shape} cannot be multiplied "
            f"({inner_a} columns against {inner_b} rows)"
        )
    try:
        return MatMul.apply(a, b)
    except ValueError:
        raise RuntimeError(
            f"matmul: batch dimensions of {a.shape} and {b.shape} do not broadcast"
        ) from None


def log_softmax(x: Tensor, dim: int) -> Tensor:
    (axis,) = normalize_dims(dim, x.ndim) or (0,)
    return LogSoftmax.apply(x, dim=axis)


def softmax(x: Tensor, dim: int) -> Tensor:
    return Exp.apply(log_softmax(x, dim))
