"""``PrimitiveSpec``: how the property tests exercise one registered primitive."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class PrimitiveSpec:
    """Everything the registry-driven property tests need to check one ``Primitive``.

    Attributes:
        function: the Primitive subclass under test.
        inputs: a Hypothesis strategy drawing ``(args, kwargs)``: ``args`` is a tuple of
            float64 NumPy arrays (and plain values), ``kwargs`` the keyword parameters,
            all valid together and kept away from kinks.
        reference: a plain NumPy function of the same ``(*args, **kwargs)`` giving the
            expected forward output.
        differentiable: positions in ``args`` whose gradient is checked.
        atol, rtol: tolerances of the finite-difference comparison.
        second_order: also check second derivatives (gradgradcheck).
    """

    function: type
    inputs: Any
    reference: Callable[..., Any]
    differentiable: tuple[int, ...] = (0,)
    atol: float = 1e-5
    rtol: float = 1e-3
    second_order: bool = True
    notes: str = field(default="", compare=False)
