"""Whether operations record a graph: ``no_grad``, ``enable_grad``, ``is_grad_enabled``.

The flag lives in one module-level variable that ``Function.apply`` reads on every call.
Both context managers also work as decorators, as in PyTorch.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

enabled: bool = True


def is_grad_enabled() -> bool:
    """True when new operations record a graph for backward."""
    return enabled


class _GradMode:
    """Sets the grad mode on entry and restores the previous one on exit."""

    mode: bool

    def __enter__(self) -> None:
        global enabled
        self._previous = enabled
        enabled = self.mode

    def __exit__(self, *exc_info: object) -> None:
        global enabled
        enabled = self._previous

    def __call__(self, func: F) -> F:
        mode = self.mode

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            global enabled
            previous = enabled
            enabled = mode
            try:
                return func(*args, **kwargs)
            finally:
                enabled = previous

        return wrapper  # type: ignore[return-value]


class no_grad(_GradMode):  # noqa: N801 (PyTorch's spelling)
    """Context manager and decorator in which no graph is recorded."""

    mode = False


class enable_grad(_GradMode):  # noqa: N801
    """Context manager and decorator that turns graph recording back on."""

    mode = True


class set_grad_enabled(_GradMode):  # noqa: N801
    """Context manager that sets graph recording to ``mode``."""

    def __init__(self, mode: bool) -> None:
        self.mode = bool(mode)
