"""Random generators: the one default generator, and how a ``generator=`` argument resolves.

As in PyTorch, a function that draws random numbers takes ``generator=``; without one it
draws from the default generator, which ``manual_seed`` re-seeds. Here a generator is a
``numpy.random.Generator``. This module is the only holder of random state in microtensor.
"""

from __future__ import annotations

import numpy as np

_default_generator = np.random.default_rng(0)


def manual_seed(seed: int) -> np.random.Generator:
    """Seed the default generator (used when no ``generator=`` is passed); returns it."""
    global _default_generator
    _default_generator = np.random.default_rng(seed)
    return _default_generator


def default_generator() -> np.random.Generator:
    """The generator used when a function is given no ``generator=``."""
    return _default_generator


def resolve(generator: np.random.Generator | None) -> np.random.Generator:
    """``generator`` itself, or the default generator when it is None."""
    return _default_generator if generator is None else generator
