"""Autograd: ``Function`` and its context, the registry, the engine and gradient checks."""

from microtensor.autograd.engine import backward, grad
from microtensor.autograd.function import REGISTRY, Context, Function, registered_functions
from microtensor.autograd.grad_mode import (
    enable_grad,
    is_grad_enabled,
    no_grad,
    set_grad_enabled,
)
from microtensor.autograd.gradcheck import (
    GradcheckError,
    gradcheck,
    gradgradcheck,
    relative_error,
    verdict,
)

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
    "is_grad_enabled",
    "no_grad",
    "registered_functions",
    "relative_error",
    "set_grad_enabled",
    "verdict",
]
