"""``mt.cuda``: the CUDA queries that PyTorch programs branch on, answered for the CPU.

microtensor runs on the CPU only, so ``is_available()`` is False and ``device_count()`` is
0, as in a CPU-only PyTorch; ``manual_seed`` and ``manual_seed_all`` do nothing (there is
no CUDA generator to seed); ``synchronize`` and ``empty_cache`` do nothing; asking for a
CUDA device (``current_device``, ``set_device``, ``get_device_name``) raises an
AssertionError saying so, as a CPU-only PyTorch does.
"""

from __future__ import annotations

from typing import Any

from microtensor.core.device import check_name


def is_available() -> bool:
    """False: microtensor runs on the CPU."""
    return False


def device_count() -> int:
    """0: there is no CUDA device."""
    return 0


def is_initialized() -> bool:
    """False: CUDA is never initialised."""
    return False


def manual_seed(seed: int) -> None:
    """Nothing to seed (no CUDA generator); PyTorch also ignores it without CUDA."""


def manual_seed_all(seed: int) -> None:
    """Nothing to seed (no CUDA generator); PyTorch also ignores it without CUDA."""


def synchronize(device: Any = None) -> None:
    """Nothing to wait for."""


def empty_cache() -> None:
    """Nothing to free."""


def current_device() -> int:
    """Refused: no CUDA device (AssertionError)."""
    check_name("cuda", use=True)
    return 0


def set_device(device: Any) -> None:
    """Refused: no CUDA device (AssertionError)."""
    check_name("cuda", use=True)


def get_device_name(device: Any = None) -> str:
    """Refused: no CUDA device (AssertionError)."""
    check_name("cuda", use=True)
    return ""


__all__ = [
    "current_device", "device_count", "empty_cache", "get_device_name", "is_available",
    "is_initialized", "manual_seed", "manual_seed_all", "set_device", "synchronize",
]  # fmt: skip
