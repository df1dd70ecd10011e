"""microtensor: a small autograd framework on NumPy that speaks PyTorch's dialect.

    import microtensor as mt
    x = mt.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    x.grad  # tensor([2., 4.])
"""

from microtensor.core.tensor import Tensor  # first: everything below builds on it
from microtensor import autograd, ops
from microtensor.core.grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from microtensor.creation import (
    arange,
    default_generator,
    from_numpy,
    manual_seed,
    ones,
    ones_like,
    rand,
    randn,
    tensor,
    zeros,
    zeros_like,
)
from microtensor.core.dtypes import (
    bool,
    float32,
    float64,
    get_default_dtype,
    int64,
    set_default_dtype,
)
from microtensor.functions import (
    abs,
    argmax,
    exp,
    flatten,
    log,
    log_softmax,
    matmul,
    max,
    mean,
    min,
    permute,
    relu,
    reshape,
    sigmoid,
    softmax,
    sqrt,
    squeeze,
    sum,
    tanh,
    transpose,
    unsqueeze,
)
from microtensor import nn, optim, viz  # after the core they build on
from microtensor.serialization import load, save

__version__ = "0.1.0"

__all__ = [
    "Tensor", "abs", "arange", "argmax", "autograd", "bool", "default_generator",
    "enable_grad", "exp", "flatten", "float32", "float64", "from_numpy",
    "get_default_dtype", "int64", "is_grad_enabled", "log", "log_softmax",
    "manual_seed", "matmul", "max", "mean", "min", "no_grad", "ones", "ones_like",
    "ops", "permute", "rand", "randn", "relu", "reshape", "set_default_dtype",
    "set_grad_enabled", "sigmoid", "softmax", "sqrt", "squeeze", "sum", "tanh",
    "tensor", "transpose", "unsqueeze", "zeros", "zeros_like",
    "load", "nn", "optim", "save", "viz",
]  # fmt: skip
