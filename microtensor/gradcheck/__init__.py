"""Gradient checking: analytical gradients against central finite differences.

``gradcheck`` and ``gradgradcheck`` (also reachable as ``mt.autograd.gradcheck``), the
relative-error scale of the seed (``relative_error``, ``verdict``) and the failure report.

* check.py: ``gradcheck``, ``gradgradcheck``, ``GradcheckError``.
* jacobian.py: both sides of a check: central differences (microtensor's only ones;
  ``check_module_gradients`` uses them too) and vector-Jacobian products.
* report.py: the error scale, the worst element, the failure message.
"""

from microtensor.gradcheck.check import (
    GradcheckError,
    gradcheck,
    gradgradcheck,
    relative_error,
    verdict,
)

__all__ = ["GradcheckError", "gradcheck", "gradgradcheck", "relative_error", "verdict"]
