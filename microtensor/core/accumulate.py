"""Where gradients end: a leaf's ``.grad`` (PyTorch's AccumulateGrad), and tensor hooks.

The engine (``engine.py``) walks the graph; when a gradient reaches a leaf it hands it
to a :class:`Delivery`, which runs the leaf's hooks and accumulates into ``.grad`` (or,
for ``autograd.grad``, collects it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from microtensor.core import grad_mode
from microtensor.core.tensor import Tensor


def run_hooks(hooks: list[Any], grad: Tensor) -> Tensor:
    """``register_hook`` hooks, in order: a Tensor one returns replaces the gradient."""
    for hook in list(hooks):
        replaced = hook(grad)
        if replaced is not None:
            grad = replaced
    return grad


class Delivery:
    """Where the gradients that reach leaves go, in one backward call.

    ``backward`` accumulates them into ``leaf.grad``; ``autograd.grad`` (``inputs``)
    collects them in ``results`` instead. A leaf's first gradient becomes its ``.grad``,
    which must own its array (optimisers and users change ``.grad`` in place), so it is
    copied unless it is safe to take as it is: an array NumPy made during this backward
    (it owns its memory and is writeable), not given to another leaf before, not the
    caller's, and no hook or ``retain_grad`` saw it. PyTorch's AccumulateGrad makes the
    same choice by reference count; taking saves a copy of every parameter's gradient.
    """

    def __init__(self, inputs: Sequence[Tensor] | None, keep_graph: bool) -> None:
        self.inputs = inputs
        self.results: dict[int, Tensor] = {}
        # ids of arrays a leaf must not take; None: take none (the graph stays alive)
        self.given: set[int] | None = None if keep_graph else set()

    def not_ours(self, gradient: Tensor) -> None:
        """``gradient`` belongs to the caller: copy it if it reaches a leaf."""
        if self.given is not None:
            self.given.add(id(gradient._array))

    def take_nothing(self) -> None:
        self.given = None

    def to_leaf(self, leaf: Tensor, grad: Tensor) -> None:
        if leaf._hooks:
            grad = run_hooks(leaf._hooks, grad)
            self.given = None
        if self.inputs is not None:  # autograd.grad: collect, leave .grad alone
            if any(leaf is t for t in self.inputs):
                previous = self.results.get(id(leaf))
                self.results[id(leaf)] = grad if previous is None else previous + grad
            return
        if not leaf.requires_grad:
            return
        if leaf.grad is not None:
            leaf.grad = leaf.grad + grad
        elif grad_mode.state.enabled:  # create_graph: the gradient is a graph of its own
            leaf.grad = grad
        else:
            leaf.grad = grad if self._may_take(grad._array) else Tensor._make(grad._array.copy())

    def _may_take(self, array: np.ndarray) -> bool:
        given = self.given
        if given is None or id(array) in given:
            return False
        given.add(id(array))
        return array.flags.owndata and array.flags.writeable
