"""Bookkeeping beside a tensor's values: the version counter of its memory (shared with
its views) and the handle that removes a gradient hook."""

from __future__ import annotations

from typing import Any


class RemovableHandle:
    """What ``register_hook`` returns: ``remove()`` takes the hook away again."""

    def __init__(self, hooks: list[Any], hook: Any) -> None:
        self._hooks, self._hook = hooks, hook

    def remove(self) -> None:
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)


class VersionCounter:
    """How many times some memory was changed in place; shared by a tensor and its views.

    ``save_for_backward`` notes the version of what it saves, and ``saved_tensors``
    refuses a value whose version moved on since: backward would read changed numbers.
    """

    __slots__ = ("owner", "value")

    def __init__(self, owner: int) -> None:
        self.owner = owner  # id() of the tensor that owns the memory; its views share this
        self.value = 0
