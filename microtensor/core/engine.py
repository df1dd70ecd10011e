"""The reverse-mode engine: ``backward`` and ``grad``.

The graph is made of nodes (``Context`` objects, one per ``Primitive.apply``); each node
has one output Tensor and points to its input Tensors. To differentiate:

1. Order the nodes reachable from the roots so that a node comes before every node it
   depends on (an iterative depth-first search: a chain 100,000 nodes deep is fine).
2. Walk that order once. Each node receives the sum of the gradients of its output,
   calls its Primitive's ``backward`` and hands one gradient to each input: to the input's
   node, or, for a leaf, into ``leaf.grad`` (``backward``) or the result (``grad``).
3. Unless ``retain_graph``, each node then releases what it saved.

Backward runs under ``no_grad`` unless ``create_graph=True``; then every gradient is a
graph of its own and can be differentiated again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from microtensor.core import grad_mode
from microtensor.core.accumulate import Delivery, run_hooks
from microtensor.core.function import Context
from microtensor.core.tensor import Tensor


def topological_order(roots: Sequence[Context]) -> list[Context]:
    """Nodes reachable from ``roots``, each before the nodes it depends on."""
    finished: list[Context] = []
    visited: set[Context] = set()
    stack: list[tuple[Context, bool]] = [(root, False) for root in reversed(roots)]
    while stack:
        node, children_done = stack.pop()
        if children_done:
            finished.append(node)
            continue
        if node in visited:
            continue
        visited.add(node)
        stack.append((node, True))
        for parent in node.parents:
            if parent is not None and parent not in visited:
                stack.append((parent, False))
    finished.reverse()
    return finished


def _why_no_grad(tensor: Tensor) -> str:
    reason = tensor._no_grad_reason
    if reason is None:
        reason = (
            "it is a leaf created with requires_grad=False, or none of the tensors it "
            "was computed from requires grad"
        )
    return (
        f"element of shape {tensor.shape} does not require grad and has no grad_fn: "
        f"{reason}. Create the inputs with requires_grad=True (or call "
        ".requires_grad_()) before computing it."
    )


def _initial_gradient(output: Tensor, gradient: Any, index: int) -> Tensor:
    if gradient is None:
        if output._array.size != 1:
            raise RuntimeError(
                f"grad can be implicitly created only for outputs with one element, "
                f"but output {index} has shape {output.shape}: pass gradient= (a tensor "
                "of that shape) to backward(), or grad_outputs= to autograd.grad()"
            )
        return Tensor._make(np.array(1, dtype=output.dtype).reshape(output.shape))
    if not isinstance(gradient, Tensor):
        gradient = Tensor._make(np.asarray(gradient, dtype=output._array.dtype))
    if gradient.shape != output.shape:
        raise RuntimeError(
            f"Mismatch in shape: gradient has shape {gradient.shape} but output {index} "
            f"has shape {output.shape}; they must be equal"
        )
    return gradient


def run_backward(
    outputs: Sequence[Tensor],
    gradients: Sequence[Any],
    retain_graph: bool,
    create_graph: bool,
    inputs: Sequence[Tensor] | None = None,
) -> list[Tensor | None] | None:
    """Differentiate ``outputs``; accumulate into leaves' ``.grad`` or return for ``inputs``.

    With ``inputs`` (``autograd.grad``), the gradients of those tensors are returned
    and no ``.grad`` is touched; otherwise leaves that require grad accumulate.
    """
    if len(gradients) != len(outputs):
        raise RuntimeError(
            f"backward: got {len(gradients)} gradients for {len(outputs)} outputs; pass one "
            "gradient per output (None for a one-element output)"
        )
    roots: list[Context] = []
    node_grads: dict[Context, Tensor] = {}
    captured: dict[int, Tensor] = {}
    delivery = Delivery(inputs, retain_graph or create_graph)
    for index, (output, gradient) in enumerate(zip(outputs, gradients, strict=True)):
        if not output.requires_grad:
            raise RuntimeError(f"backward: output {index}: " + _why_no_grad(output))
        gradient = _initial_gradient(output, gradient, index)
        delivery.not_ours(gradient)
        if output.grad_fn is None:  # a leaf differentiated with respect to itself
            delivery.to_leaf(output, gradient)
            continue
        roots.append(output.grad_fn)
        previous = node_grads.get(output.grad_fn)
        node_grads[output.grad_fn] = gradient if previous is None else previous + gradient

    wanted_nodes: dict[Context, Tensor] = {}
    if inputs is not None:
        wanted_nodes = {t.grad_fn: t for t in inputs if t.grad_fn is not None}

    with grad_mode.set_grad_enabled(create_graph):
        for node in topological_order(roots):
            grad_output = node_grads.pop(node, None)
            if grad_output is None:
                continue
            if node._hooks:
                grad_output = run_hooks(node._hooks, grad_output)
                delivery.take_nothing()  # a hook may have kept a reference
            if node._retained is not None and inputs is None:  # retain_grad(), after hooks
                delivery.take_nothing()  # the retained .grad shares its array
                kept = node._retained
                grad = grad_output if create_graph else grad_output.detach()
                kept.grad = grad if kept.grad is None else kept.grad + grad
            if wanted_nodes and node in wanted_nodes:
                captured[id(node)] = grad_output
            input_grads = node.function.backward(node, grad_output)
            if node.gradients_may_alias:  # a user's Function may return its own tensors
                delivery.take_nothing()
            if type(input_grads) is not tuple:
                input_grads = (input_grads,)
            arguments = node.inputs
            if len(input_grads) != len(arguments):
                raise RuntimeError(
                    f"{node.function.__name__}.backward returned {len(input_grads)} "
                    f"gradients but apply() got {len(arguments)} positional arguments"
                )
            edges = zip(arguments, node.parents, node.needs_input_grad, input_grads, strict=True)
            for argument, parent, needs, grad in edges:
                if grad is None or not needs:
                    continue
                if grad._array.shape != argument._array.shape:
                    raise RuntimeError(
                        f"{node.function.__name__}.backward returned a gradient of shape "
                        f"{grad.shape} for an input of shape {argument.shape}"
                    )
                if grad._array.dtype != argument._array.dtype:  # .grad has its tensor's dtype
                    grad = grad.to(argument.dtype)
                if parent is None:
                    delivery.to_leaf(argument, grad)
                else:
                    previous = node_grads.get(parent)
                    node_grads[parent] = grad if previous is None else previous + grad
            if not retain_graph:
                node.release()

    if inputs is None:
        return None
    results: list[Tensor | None] = []
    for tensor in inputs:
        if tensor.grad_fn is None:
            results.append(delivery.results.get(id(tensor)))
        else:
            results.append(captured.get(id(tensor.grad_fn)))
    return results


def backward(
    tensors: Tensor | Sequence[Tensor],
    grad_tensors: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
) -> None:
    """Accumulate the gradients of ``tensors`` into the ``.grad`` of the leaves."""
    outputs = [tensors] if isinstance(tensors, Tensor) else list(tensors)
    if grad_tensors is None or isinstance(grad_tensors, Tensor | np.ndarray):
        grad_tensors = [grad_tensors] * (1 if grad_tensors is not None else len(outputs))
    if retain_graph is None:
        retain_graph = create_graph
    run_backward(outputs, list(grad_tensors), retain_graph, create_graph)


def grad(
    outputs: Tensor | Sequence[Tensor],
    inputs: Tensor | Sequence[Tensor],
    grad_outputs: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool = False,
    is_grads_batched: bool = False,
    materialize_grads: bool = False,
) -> tuple[Tensor | None, ...]:
    """The gradients of ``outputs`` with respect to ``inputs``, as a tuple.

    Leaves' ``.grad`` are not touched. An input that the outputs do not depend on is an
    error unless ``allow_unused=True``, when its gradient is None (as in PyTorch), or
    zeros with ``materialize_grads=True``. ``is_grads_batched=True`` (vmap over the
    first dimension of grad_outputs) is not supported.
    """
    if is_grads_batched:
        raise NotImplementedError(
            "autograd.grad: is_grads_batched=True is not supported; call grad once per "
            "row of grad_outputs"
        )
    allow_unused = allow_unused or materialize_grads
    output_list = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    input_list = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    for index, tensor in enumerate(input_list):
        if not isinstance(tensor, Tensor) or not tensor.requires_grad:
            raise RuntimeError(
                f"autograd.grad: input {index} does not require grad; every input must "
                "be a Tensor with requires_grad=True that the outputs were computed from"
            )
    if grad_outputs is None or isinstance(grad_outputs, Tensor | np.ndarray):
        grad_outputs = [grad_outputs] * len(output_list)
    if len(grad_outputs) != len(output_list):
        raise RuntimeError(
            f"autograd.grad: got {len(grad_outputs)} grad_outputs for "
            f"{len(output_list)} outputs; pass one per output"
        )
    if retain_graph is None:
        retain_graph = create_graph
    results = run_backward(
        output_list, list(grad_outputs), retain_graph, create_graph, inputs=input_list
    )
    assert results is not None
    for index, result in enumerate(results):
        if result is None and not allow_unused:
            raise RuntimeError(
                f"autograd.grad: input {index} (shape {input_list[index].shape}) was not "
                "used to compute the outputs; pass allow_unused=True to get None for it"
            )
    if materialize_grads:
        results = [
            Tensor._make(np.zeros_like(tensor._array)) if result is None else result
            for tensor, result in zip(input_list, results, strict=True)
        ]
    return tuple(results)


def _tensor_backward(
    self: Tensor,
    gradient: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
) -> None:
    """Accumulate d(self)/d(leaf) into every leaf's ``.grad`` (see ``backward`` above).

    Args:
        gradient: d(loss)/d(self), of self's shape; may be omitted for one element.
        retain_graph: keep saved tensors for another backward (default: create_graph).
        create_graph: record the backward pass, for higher derivatives.
    """
    backward(self, gradient, retain_graph, create_graph)


# The engine sits above tensor.py, so it is the engine that gives Tensor its backward().
Tensor.backward = _tensor_backward  # type: ignore[attr-defined]
