"""Look inside the graph: a text tree and Graphviz DOT text of what made a tensor.

    loss = model(x).sum()
    print(mt.viz.text_tree(loss, show_grad=True))   # op, shape and gradient per line
    dot = mt.viz.to_dot(loss)          # DOT text; no Graphviz needed to make it
    mt.viz.render_png(loss, "g.png")   # only where the ``dot`` program is installed

Each node of the graph is the context of one primitive (``MulBackward``); its inputs
are the tensors it was applied to: other nodes, or leaves (parameters and inputs).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from typing import Any

import numpy as np

from microtensor.core.engine import grad, topological_order
from microtensor.core.tensor import Tensor

__all__ = ["node_gradients", "render_png", "text_tree", "to_dot"]


def _describe_leaf(tensor: Tensor, names: dict[int, str]) -> str:
    name = names.get(id(tensor))
    kind = "leaf (requires grad)" if tensor.requires_grad else "input"
    return f"{name or kind} {list(tensor.shape)}"


def _grad_summary(grad: Any) -> str:
    if grad is None:
        return "grad=None"
    data = np.asarray(grad._array if isinstance(grad, Tensor) else grad)
    if data.size <= 4:
        return "grad=" + np.array2string(data.ravel(), precision=4, separator=", ")
    return f"grad: |max|={np.abs(data).max():.4g}"


def node_gradients(tensor: Tensor) -> dict[int, Tensor]:
    """The gradient of ``tensor`` with respect to every op's output, keyed by ``id(node)``.

    What backward hands to each node, for teaching: computed with ``autograd.grad`` on
    a second Tensor for each node's output, keeping the graph. Empty when ``tensor``
    has more than one element (no implicit gradient) or the graph was already released.
    """
    if tensor.grad_fn is None or tensor._array.size != 1:
        return {}
    nodes = topological_order([tensor.grad_fn])
    outputs = [node.output() for node in nodes]
    try:
        grads = grad(tensor, outputs, retain_graph=True, allow_unused=True)
    except RuntimeError:  # saved tensors already freed by a backward without retain_graph
        return {}
    return {id(node): g for node, g in zip(nodes, grads, strict=True) if g is not None}


def _children(node: Any) -> list[Any]:
    """What ``node`` was applied to: the node that made each input (as ``apply`` saw it),
    or the input Tensor itself for a leaf or a constant."""
    parents = node.parents or (None,) * len(node.inputs)
    return [
        parent if parent is not None else argument
        for argument, parent in zip(node.inputs, parents, strict=True)
        if isinstance(argument, Tensor)
    ]


def text_tree(
    tensor: Tensor,
    names: dict[str, Tensor] | None = None,
    show_grad: bool = False,
    max_depth: int = 50,
) -> str:
    """The graph behind ``tensor`` as an indented tree, one line per node or leaf.

    Args:
        tensor: the output whose history is shown.
        names: optional ``{name: tensor}`` (e.g. ``dict(model.named_parameters())``)
            used to label leaves.
        show_grad: also print each op's output gradient (see :func:`node_gradients`)
            and each leaf's ``.grad`` (after ``backward``).
        max_depth: deeper branches are cut with "...".

    A node that feeds several others is printed in full once and then referred to as
    "(shown above)".
    """
    leaf_names = {id(t): n for n, t in (names or {}).items()}
    op_grads = node_gradients(tensor) if show_grad else {}
    lines: list[str] = []
    seen: set[int] = set()
    # (item, depth) pairs; an explicit stack, so deep graphs cannot overflow.
    stack: list[tuple[Any, int]] = [(tensor, 0)]
    while stack:
        item, depth = stack.pop()
        indent = "  " * depth
        node = item.grad_fn if isinstance(item, Tensor) else item
        if node is None:
            line = indent + _describe_leaf(item, leaf_names)
            if show_grad and item.requires_grad:
                line += "  " + _grad_summary(item.grad)
            lines.append(line)
            continue
        shape = list(node.output().shape)
        if id(node) in seen:
            lines.append(f"{indent}{type(node).__name__} {shape} (shown above)")
            continue
        seen.add(id(node))
        line = f"{indent}{type(node).__name__} {shape}"
        if id(node) in op_grads:
            line += "  " + _grad_summary(op_grads[id(node)])
        lines.append(line)
        if depth >= max_depth:
            lines.append(indent + "  ...")
            continue
        for child in reversed(_children(node)):
            stack.append((child, depth + 1))
    return "\n".join(lines)


def to_dot(tensor: Tensor, names: dict[str, Tensor] | None = None, show_grad: bool = False) -> str:
    """The graph behind ``tensor`` as Graphviz DOT text (edges point from input to op)."""
    leaf_names = {id(t): n for n, t in (names or {}).items()}
    lines = [
        "digraph microtensor {",
        '  rankdir="BT";',
        '  node [fontname="Helvetica", fontsize=10];',
    ]
    op_grads = node_gradients(tensor) if show_grad else {}
    ids: dict[int, str] = {}  # short, stable names: n0, n1, ... for ops; t0, ... for leaves

    def name(item: Any, prefix: str) -> str:
        return ids.setdefault(id(item), f"{prefix}{len(ids)}")

    if tensor.grad_fn is None:
        label = _describe_leaf(tensor, leaf_names)
        lines.append(f'  {name(tensor, "t")} [shape=box, label="{label}"];')
        return "\n".join([*lines, "}"])
    leaves: list[Tensor] = []
    for node in topological_order([tensor.grad_fn]):
        shape = list(node.output().shape)
        label = f"{type(node).__name__}\\n{shape}"
        if id(node) in op_grads:
            label += "\\n" + _grad_summary(op_grads[id(node)])
        lines.append(f'  {name(node, "n")} [shape=ellipse, label="{label}"];')
        for argument in _children(node):
            if not isinstance(argument, Tensor):
                lines.append(f"  {name(argument, 'n')} -> {name(node, 'n')};")
            else:
                if id(argument) not in ids:
                    leaves.append(argument)
                lines.append(f"  {name(argument, 't')} -> {name(node, 'n')};")
    for leaf in leaves:
        label = _describe_leaf(leaf, leaf_names)
        if show_grad and leaf.requires_grad:
            label += "\\n" + _grad_summary(leaf.grad)
        style = ", style=filled, fillcolor=lightblue" if leaf.requires_grad else ""
        lines.append(f'  {name(leaf, "t")} [shape=box{style}, label="{label}"];')
    return "\n".join([*lines, "}"])


def render_png(tensor: Tensor, path: str | os.PathLike[str], **kwargs: Any) -> bool:
    """Write the graph as a PNG with Graphviz's ``dot``; False (and no file) if it is absent."""
    dot = shutil.which("dot")
    if dot is None:
        return False
    folder = os.path.dirname(os.path.abspath(path))
    with tempfile.NamedTemporaryFile("wb", dir=folder, suffix=".png", delete=False) as tmp:
        temporary = tmp.name
    try:
        subprocess.run(
            [dot, "-Tpng", "-o", temporary],
            input=to_dot(tensor, **kwargs).encode(),
            check=True,
            capture_output=True,
        )
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
    return True
