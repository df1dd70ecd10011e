"""``mt.backends.cudnn``: the flags PyTorch programs set; there is no cuDNN to read them.

``enabled`` (True), ``deterministic`` (False) and ``benchmark`` (False) are PyTorch's
defaults and may be set, as programs do for reproducibility; ``is_available()`` is False.
"""

enabled = True
deterministic = False
benchmark = False
allow_tf32 = True


def is_available() -> bool:
    """False: there is no cuDNN (microtensor runs on the CPU)."""
    return False


def version() -> None:
    """None: there is no cuDNN."""
    return None


__all__ = ["allow_tf32", "benchmark", "deterministic", "enabled", "is_available", "version"]
