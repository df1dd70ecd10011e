"""Forward hooks: what ``Module.register_forward_pre_hook`` / ``register_forward_hook``
store, the handle that removes one, and the call that runs them.

A module with no hooks never comes here: ``Module.__call__`` checks two dicts and calls
``forward`` (training's hot path pays nothing). With hooks, as PyTorch:

* a pre-hook ``hook(module, args)`` may return new args (a tuple, or one value, which is
  wrapped in a tuple); with ``with_kwargs=True`` it is ``hook(module, args, kwargs)`` and
  may return ``(args, kwargs)``;
* a forward hook ``hook(module, args, output)`` (``hook(module, args, kwargs, output)``
  with ``with_kwargs=True``) may return a new output.
"""

from __future__ import annotations

import itertools
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

_ids = itertools.count()


class RemovableHandle:
    """Returned by a ``register_*_hook``: ``handle.remove()`` unregisters the hook (also
    as a context manager, on exit). Removing twice is harmless."""

    def __init__(self, *registries: dict[int, Any]) -> None:
        self.id = next(_ids)
        self._registries = registries

    def remove(self) -> None:
        for registry in self._registries:
            registry.pop(self.id, None)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.remove()


def register(
    hooks: OrderedDict[int, Callable[..., Any]],
    with_kwargs_ids: dict[int, bool],
    hook: Callable[..., Any],
    prepend: bool,
    with_kwargs: bool,
) -> RemovableHandle:
    """Add ``hook`` to ``hooks`` (first if ``prepend``); its handle removes it from both."""
    if not callable(hook):
        raise TypeError(f"hook must be callable, got {type(hook).__name__}")
    handle = RemovableHandle(hooks, with_kwargs_ids)
    hooks[handle.id] = hook
    if with_kwargs:
        with_kwargs_ids[handle.id] = True
    if prepend:
        hooks.move_to_end(handle.id, last=False)
    return handle


def call_with_hooks(module: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """``module.forward(*args, **kwargs)`` between its pre-hooks and its forward hooks."""
    for hook_id, hook in list(module._forward_pre_hooks.items()):
        if hook_id in module._forward_pre_hooks_with_kwargs:
            result = hook(module, args, kwargs)
            if result is not None:
                if not (isinstance(result, tuple) and len(result) == 2):
                    raise RuntimeError(
                        "forward pre-hook must return None or a tuple of (new_args, "
                        f"new_kwargs), but got {result}."
                    )
                args, kwargs = result
        else:
            result = hook(module, args)
            if result is not None:
                args = result if isinstance(result, tuple) else (result,)
    output = module.forward(*args, **kwargs)
    for hook_id, hook in list(module._forward_hooks.items()):
        if hook_id in module._forward_hooks_with_kwargs:
            result = hook(module, args, kwargs, output)
        else:
            result = hook(module, args, output)
        if result is not None:
            output = result
    return output


class ForwardHooks:
    """The hook registration methods of ``Module`` (which holds the dicts they fill)."""

    _forward_pre_hooks: OrderedDict[int, Callable[..., Any]]
    _forward_pre_hooks_with_kwargs: dict[int, bool]
    _forward_hooks: OrderedDict[int, Callable[..., Any]]
    _forward_hooks_with_kwargs: dict[int, bool]

    def register_forward_pre_hook(
        self, hook: Callable[..., Any], *, prepend: bool = False, with_kwargs: bool = False
    ) -> RemovableHandle:
        """Call ``hook(module, args)`` before each ``forward`` (see ``nn/hooks.py``)."""
        return register(self._forward_pre_hooks, self._forward_pre_hooks_with_kwargs,
                              hook, prepend, with_kwargs)

    def register_forward_hook(
        self,
        hook: Callable[..., Any],
        *,
        prepend: bool = False,
        with_kwargs: bool = False,
        always_call: bool = False,
    ) -> RemovableHandle:
        """Call ``hook(module, args, output)`` after each ``forward`` (see ``nn/hooks.py``)."""
        return register(self._forward_hooks, self._forward_hooks_with_kwargs, hook,
                              prepend, with_kwargs)
