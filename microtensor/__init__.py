"""microtensor: a small autograd framework on NumPy that speaks PyTorch's dialect.

    import microtensor as mt
    x = mt.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    x.grad  # tensor([2., 4.])

The ``mt.`` functions (``mt.exp``, ``mt.zeros``, ...) come from the op table
(``microtensor/ops/table.py``); ``__init__.pyi`` lists them for editors.
"""

from microtensor import autograd, nn, ops, optim, viz
from microtensor.core.dtypes import (
    bool,
    float32,
    float64,
    get_default_dtype,
    int64,
    set_default_dtype,
)
from microtensor.core.grad_mode import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    no_grad,
    set_grad_enabled,
)
from microtensor.core.random import default_generator, manual_seed
from microtensor.core.tensor import Tensor
from microtensor.serialization import load, save

__version__ = "0.1.0"

_OPS = ops.table.functions("mt")
globals().update(_OPS)

__all__ = [
    "Tensor", "autograd", "bool", "default_generator", "enable_grad", "float32", "float64",
    "get_default_dtype", "inference_mode", "int64", "is_grad_enabled", "load", "manual_seed",
    "nn", "no_grad", "ops", "optim", "save", "set_default_dtype", "set_grad_enabled", "viz",
]  # fmt: skip
__all__ += sorted(_OPS)
