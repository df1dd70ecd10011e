"""Gradient checking: analytical gradients against central finite differences.

``gradcheck`` and ``gradgradcheck`` (also reachable as ``mt.autograd.gradcheck``), the
relative-error scale of the seed (``relative_error``, ``verdict``) and the failure report.
"""

from microtensor.gradcheck.check import (
    GradcheckError,
    gradcheck,
    gradgradcheck,
    relative_error,
    verdict,
)

__all__ = ["GradcheckError", "gradcheck", "gradgradcheck", "relative_error", "verdict"]
