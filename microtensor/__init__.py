"""microtensor: a small autograd framework on NumPy that speaks PyTorch's dialect.

    import microtensor as mt
    x = mt.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    x.grad  # tensor([2., 4.])

The ``mt.`` functions (``mt.exp``, ``mt.zeros``, ...) come from the op table
(``microtensor/ops/table.py``); ``__init__.pyi`` lists them for editors.
"""

from microtensor import accelerator, autograd, backends, cuda, nn, ops, optim, utils, viz
from microtensor.core.device import device, get_default_device, set_default_device
from microtensor.core.dtypes import (
    bool,
    double,
    dtype,
    float,
    float16,
    float32,
    float64,
    get_default_dtype,
    half,
    int,
    int8,
    int16,
    int32,
    int64,
    long,
    set_default_dtype,
    short,
    uint8,
)
from microtensor.core.grad_mode import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    no_grad,
    set_grad_enabled,
)
from microtensor.core.random import (
    Generator,
    default_generator,
    initial_seed,
    manual_seed,
    seed,
)
from microtensor.core.tensor import Size, Tensor
from microtensor.ops.conversion import (
    BoolTensor,
    ByteTensor,
    DoubleTensor,
    FloatTensor,
    HalfTensor,
    IntTensor,
    LongTensor,
)
from microtensor.safetensors_io import load_safetensors, save_safetensors
from microtensor.serialization import load, save

__version__ = "0.1.0"

_OPS = ops.table.functions("mt")
globals().update(_OPS)

__all__ = [
    "BoolTensor", "ByteTensor", "DoubleTensor", "FloatTensor", "Generator", "HalfTensor",
    "IntTensor", "LongTensor", "Size", "Tensor", "accelerator", "autograd", "backends", "bool",
    "cuda", "default_generator", "device", "double", "dtype", "enable_grad", "float",
    "float16", "float32", "float64", "get_default_device", "get_default_dtype", "half",
    "inference_mode", "initial_seed", "int", "int8", "int16", "int32", "int64",
    "is_grad_enabled", "load", "load_safetensors", "long", "manual_seed", "nn", "no_grad",
    "ops", "optim", "save", "save_safetensors", "seed", "set_default_device",
    "set_default_dtype", "set_grad_enabled", "short", "uint8", "utils", "viz",
]  # fmt: skip
__all__ += sorted(_OPS)
