"""How modules print themselves, as PyTorch's: ``Name(extra)`` or one indented line per child.

    Sequential(
      (0): Conv2d(1, 3, kernel_size=(3, 3), stride=(1, 1))
      (1): ReLU()
    )
"""

from __future__ import annotations

from typing import Any


def _addindent(text: str, spaces: int) -> str:
    """Indent every line of ``text`` but the first (for nested reprs)."""
    return ("\n" + " " * spaces).join(text.split("\n"))


def module_repr(module: Any) -> str:
    """``module``'s repr: its ``extra_repr()`` and its children's reprs, nested."""
    extra = module.extra_repr()
    extra_lines = extra.split("\n") if extra else []
    child_lines = [
        f"({name}): {_addindent(repr(child), 2)}" for name, child in module._modules.items()
    ]
    lines = extra_lines + child_lines
    body = ""
    if len(extra_lines) == 1 and not child_lines:
        body = extra_lines[0]
    elif lines:
        body = "\n  " + "\n  ".join(lines) + "\n"
    return f"{type(module).__name__}({body})"
