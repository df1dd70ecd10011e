"""Whether operations record a graph: ``no_grad``, ``enable_grad``, ``inference_mode``, ...

The flag is per thread, as in PyTorch: a ``no_grad`` in one thread never changes what
another records. ``Primitive.apply`` reads ``state.enabled`` on every call. Each context
manager also works as a decorator, on plain functions and on generator functions (the
mode then holds while the generator's own code runs, not while its caller's does).
"""

from __future__ import annotations

import functools
import inspect
import threading
from collections.abc import Callable, Generator
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class _State(threading.local):
    """The grad mode of the current thread (a new thread starts with grad enabled)."""

    enabled = True


state = _State()


def is_grad_enabled() -> bool:
    """True when new operations record a graph for backward (in this thread)."""
    return state.enabled


class _GradMode:
    """Sets the grad mode on entry and restores the previous one on exit."""

    mode: bool

    def __enter__(self) -> None:
        self._previous = state.enabled
        state.enabled = self._mode_now()

    def _mode_now(self) -> bool:
        return self.mode

    def __exit__(self, *exc_info: object) -> None:
        state.enabled = self._previous

    def __call__(self, func: F) -> F:
        mode = self.mode
        if mode is None:  # inference_mode(False): leaves the mode as it is
            return func
        if inspect.isgeneratorfunction(func):
            return _generator_in_mode(func, mode)  # type: ignore[return-value]

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            previous, state.enabled = state.enabled, mode
            try:
                return func(*args, **kwargs)
            finally:
                state.enabled = previous

        return wrapper  # type: ignore[return-value]


def _generator_in_mode(func: Callable[..., Generator[Any, Any, Any]], mode: bool) -> Callable:
    """``func``'s generators, each step of them run with grad mode ``mode``."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Generator[Any, Any, Any]:
        def step(action: Callable[[], Any]) -> Any:
            previous, state.enabled = state.enabled, mode
            try:
                return action()
            finally:
                state.enabled = previous

        generator = step(lambda: func(*args, **kwargs))
        try:
            value = step(lambda: next(generator))
            while True:
                try:
                    sent = yield value
                except GeneratorExit:
                    step(generator.close)
                    raise
                except BaseException as error:  # thrown in by the caller: pass it on
                    value = step(lambda e=error: generator.throw(e))
                else:
                    value = step(lambda s=sent: generator.send(s))
        except StopIteration as stop:
            return stop.value

    return wrapper


class no_grad(_GradMode):  # noqa: N801 (PyTorch's spelling)
    """Context manager and decorator in which no graph is recorded."""

    mode = False


class enable_grad(_GradMode):  # noqa: N801
    """Context manager and decorator that turns graph recording back on."""

    mode = True


class set_grad_enabled(_GradMode):  # noqa: N801
    """Context manager (and decorator) that sets graph recording to ``mode``; called as a
    plain function, ``set_grad_enabled(False)`` also sets it at once, as in PyTorch."""

    def __init__(self, mode: bool) -> None:
        self.mode = bool(mode)
        self._previous = state.enabled
        state.enabled = self.mode

    def __enter__(self) -> None:
        pass  # already set by __init__; __exit__ restores what was before it

    def __call__(self, func: F) -> F:
        state.enabled = self._previous  # a decorator: the mode is set while func runs only
        return super().__call__(func)


class inference_mode(_GradMode):  # noqa: N801
    """``no_grad`` under PyTorch's other name (``mode=False`` leaves recording as it is)."""

    def __init__(self, mode: bool = True) -> None:
        self.mode = False if mode else None  # type: ignore[assignment]

    def _mode_now(self) -> bool:
        return state.enabled if self.mode is None else self.mode
