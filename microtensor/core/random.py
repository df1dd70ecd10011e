"""Random generators: ``Generator``, the one default generator, and how ``generator=`` resolves.

As in PyTorch, a function that draws random numbers takes ``generator=``; without one it
draws from the default generator, which ``manual_seed`` re-seeds. ``generator=`` accepts
an ``mt.Generator`` (PyTorch's object: ``manual_seed``, ``seed``, ``initial_seed``,
``get_state``/``set_state``) or a ``numpy.random.Generator``; ``resolve`` turns either
into the NumPy generator that draws. This module is the only holder of random state in
microtensor. The streams are NumPy's (PCG64), so the numbers differ from PyTorch's for
the same seed; their distributions are the same.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

from microtensor.core import device as _device


class Generator:
    """A source of random numbers, as PyTorch's ``torch.Generator`` (a NumPy PCG64 inside).

    ``Generator()`` starts from seed 67280421310721 (PyTorch's default initial seed);
    ``Generator(device="cpu")`` is accepted, any other device refused.
    """

    __slots__ = ("_initial_seed", "_rng", "device")

    def __init__(self, device: Any = "cpu") -> None:
        self.device = _device.as_device(device, "Generator")
        self.manual_seed(67280421310721)

    def manual_seed(self, seed: int) -> Generator:
        """Restart the stream from ``seed`` (a non-negative int); returns the generator."""
        seed = int(seed)
        if seed < 0:  # PyTorch wraps negative seeds into uint64
            seed %= 2**64
        self._initial_seed = seed
        self._rng = np.random.default_rng(seed)
        return self

    def seed(self) -> int:
        """Seed from the operating system's entropy; returns the seed used."""
        seed = int(np.random.SeedSequence().entropy) % 2**64
        self.manual_seed(seed)
        return seed

    def initial_seed(self) -> int:
        """The seed the stream started from."""
        return self._initial_seed

    def get_state(self) -> dict[str, Any]:
        """A copy of the state (NumPy's bit-generator state dict; PyTorch gives bytes)."""
        return {"initial_seed": self._initial_seed,
                "bit_generator": copy.deepcopy(self._rng.bit_generator.state)}

    def set_state(self, state: dict[str, Any]) -> Generator:
        """Restore a state from ``get_state``; returns the generator."""
        if not isinstance(state, dict) or "bit_generator" not in state:
            raise TypeError(
                "Generator.set_state: expected a state from Generator.get_state(), got "
                f"{type(state).__name__}"
            )
        self._rng.bit_generator.state = copy.deepcopy(state["bit_generator"])
        self._initial_seed = state.get("initial_seed", self._initial_seed)
        return self

    def __repr__(self) -> str:
        return f"<microtensor.Generator seed={self._initial_seed}>"


_default_generator = Generator()
_default_generator.manual_seed(0)


def manual_seed(seed: int) -> Generator:
    """Seed the default generator (used when no ``generator=`` is passed); returns it."""
    return _default_generator.manual_seed(seed)


def seed() -> int:
    """Seed the default generator from the operating system's entropy; returns the seed."""
    return _default_generator.seed()


def initial_seed() -> int:
    """The seed the default generator started from."""
    return _default_generator.initial_seed()


def default_generator() -> Generator:
    """The generator used when a function is given no ``generator=``."""
    return _default_generator


def resolve(generator: Generator | np.random.Generator | None) -> np.random.Generator:
    """The NumPy generator that draws: the default one when ``generator`` is None, the one
    inside an ``mt.Generator``, or a ``numpy.random.Generator`` itself. TypeError otherwise."""
    if generator is None:
        return _default_generator._rng
    if isinstance(generator, Generator):
        return generator._rng
    if isinstance(generator, np.random.Generator):
        return generator
    raise TypeError(
        f"generator must be an mt.Generator or a numpy.random.Generator, got "
        f"{type(generator).__name__}"
    )
