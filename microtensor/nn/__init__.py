"""``microtensor.nn``: modules and layers (see ``functional`` for the ops)."""

from microtensor.nn import functional

__all__ = ["functional"]
