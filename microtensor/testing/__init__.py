"""Public property-testing kit: Hypothesis strategies and gradient assertions.

The only module of microtensor that imports Hypothesis, and only when it is imported.
"""

from microtensor.testing.spec import PrimitiveSpec

__all__ = ["PrimitiveSpec"]
