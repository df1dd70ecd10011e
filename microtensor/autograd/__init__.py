"""``mt.autograd``: ``Function``, ``grad``, ``backward``, grad mode and gradient checks.

The public face of pieces that live elsewhere: the engine and the array-level
``Primitive`` base class on the ground floor (``microtensor/core/``), gradient checking in
its own room (``microtensor/gradcheck/``). ``Function`` (``function.py``) is PyTorch's
contract for an op of your own: forward and backward on Tensors.
"""

from microtensor.autograd.function import Function, FunctionCtx, once_differentiable
from microtensor.autograd.variable import Variable
from microtensor.core.engine import backward, grad
from microtensor.core.function import REGISTRY, Context, Primitive, registered_functions
from microtensor.core.grad_mode import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    no_grad,
    set_grad_enabled,
)
from microtensor.gradcheck import GradcheckError, gradcheck, gradgradcheck, relative_error, verdict

__all__ = [
    "REGISTRY",
    "Variable",
    "Context",
    "Function",
    "FunctionCtx",
    "GradcheckError",
    "Primitive",
    "backward",
    "enable_grad",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "inference_mode",
    "is_grad_enabled",
    "no_grad",
    "once_differentiable",
    "registered_functions",
    "relative_error",
    "set_grad_enabled",
    "verdict",
]
