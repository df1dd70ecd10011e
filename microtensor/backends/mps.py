"""``mt.backends.mps``: Apple's Metal backend, which microtensor does not have."""


def is_available() -> bool:
    """False: microtensor runs on the CPU."""
    return False


def is_built() -> bool:
    """False: microtensor is not built with MPS."""
    return False


__all__ = ["is_available", "is_built"]
