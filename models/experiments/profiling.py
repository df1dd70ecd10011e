"""Measuring a network: its depth from the autograd graph, the median time of a step, and
the peak memory a step allocates. Used by ``scaling.py``; they work on any ``nn.Module``.
"""

from __future__ import annotations

import statistics
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import microtensor as mt
from microtensor import nn


def weight_layer_depth(model: nn.Module, probe: mt.Tensor) -> int:
    """The most ``Conv2d``/``Linear`` layers on one path of the graph of ``model(probe)``."""
    made_by_layer: set[int] = set()

    def mark(module: nn.Module, args: Any, output: mt.Tensor) -> None:
        made_by_layer.add(id(output.grad_fn))

    layers = [m for m in model.modules() if isinstance(m, nn.Conv2d | nn.Linear)]
    handles = [layer.register_forward_hook(mark) for layer in layers]
    try:
        with mt.enable_grad():
            output = model(probe)
    finally:
        for handle in handles:
            handle.remove()
    depth: dict[int, int] = {}  # id(node) -> weight layers on its longest path
    keep = []  # the nodes seen, so that no id is reused while we walk
    stack: list[tuple[Any, bool]] = [(output.grad_fn, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in depth:
            continue
        children = [child for child, _ in node.next_functions if child is not None]
        if children_done:
            below = max((depth.get(id(child), 0) for child in children), default=0)
            depth[id(node)] = below + (id(node) in made_by_layer)
            keep.append(node)
        else:
            stack.append((node, True))
            stack += [(child, False) for child in children if child.next_functions]
    return depth[id(output.grad_fn)]


def median_seconds(step: Callable[[], Any], budget: float = 3.0) -> tuple[float, int]:
    """The median time of ``step()`` over at least 3 rounds, more (up to 7) while the
    rounds so far took under ``budget`` seconds; and the number of rounds."""
    times: list[float] = []
    while len(times) < 3 or (sum(times) < budget and len(times) < 7):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times), len(times)


def peak_bytes(step: Callable[[], Any]) -> int:
    """The most memory ``step()`` held at once beyond what was allocated before it.

    ``tracemalloc`` sees every NumPy array (NumPy reports its buffers to it) and its peak
    can be reset per measurement; ``ru_maxrss`` is the whole process's high-water mark
    since it started, which cannot be reset between models measured in one process. Not
    seen: BLAS's own workspace and memory of other native libraries.
    """
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        step()
        return tracemalloc.get_traced_memory()[1] - before
    finally:
        if not was_tracing:
            tracemalloc.stop()
