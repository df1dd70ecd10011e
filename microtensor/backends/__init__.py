"""``mt.backends``: the backend queries PyTorch programs branch on, answered for the CPU.

``backends.mps.is_available()`` and ``is_built()`` are False; ``backends.cudnn`` has
``enabled``, ``deterministic`` and ``benchmark`` (settable, read by nothing: there is no
cuDNN) and ``is_available()`` False, as in a CPU-only PyTorch.
"""

from microtensor.backends import cudnn, mps

__all__ = ["cudnn", "mps"]
