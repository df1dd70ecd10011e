"""``microtensor.nn.functional``: the ops PyTorch offers as ``F.`` functions.

Each is declared once in the op table, next to its primitive (``microtensor/ops/``):
``F.conv2d`` lives in ``ops/conv.py``, ``F.relu`` in ``ops/elementwise.py``, and so on.
``functional.pyi`` lists them for editors.
"""

from microtensor.ops import table

_OPS = table.functions("F")
globals().update(_OPS)

__all__ = sorted(_OPS)
