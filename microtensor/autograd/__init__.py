"""``mt.autograd``: ``Function``, ``grad``, ``backward``, grad mode and gradient checks.

The public face of pieces that live elsewhere: the engine and ``Function`` on the ground
floor (``microtensor/core/``), gradient checking in its own room (``microtensor/gradcheck/``).
"""

from microtensor.core.engine import backward, grad
from microtensor.core.function import REGISTRY, Context, Function, registered_functions
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
    "Context",
    "Function",
    "GradcheckError",
    "backward",
    "enable_grad",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "inference_mode",
    "is_grad_enabled",
    "no_grad",
    "registered_functions",
    "relative_error",
    "set_grad_enabled",
    "verdict",
]
