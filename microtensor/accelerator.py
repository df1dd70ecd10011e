"""``mt.accelerator``: PyTorch's device-agnostic accelerator queries, answered for the CPU.

There is no accelerator: ``is_available()`` is False, ``current_accelerator()`` is None and
``device_count()`` is 0, as in a CPU-only PyTorch.
"""

from __future__ import annotations


def is_available() -> bool:
    """False: microtensor runs on the CPU."""
    return False


def current_accelerator(check_available: bool = False) -> None:
    """None: there is no accelerator."""
    return None


def device_count() -> int:
    """0: there is no accelerator."""
    return 0


__all__ = ["current_accelerator", "device_count", "is_available"]
