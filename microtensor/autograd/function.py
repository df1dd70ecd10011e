"""``mt.autograd.Function``: a differentiable op of your own, with PyTorch's contract.

    class MyReLU(mt.autograd.Function):
        @staticmethod
        def forward(ctx, input):
            ctx.save_for_backward(input)
            return input.clamp(min=0)

        @staticmethod
        def backward(ctx, grad_output):
            (input,) = ctx.saved_tensors
            grad_input = grad_output.clone()
            grad_input[input < 0] = 0
            return grad_input

    y = MyReLU.apply(x)

``forward`` receives the arguments as given (Tensors stay Tensors) and runs under
``no_grad``; it returns one Tensor. ``backward`` receives the gradient of that output
and returns one gradient per argument of ``forward`` (None for non-tensors). A backward
written with Tensor ops is itself differentiable (``create_graph=True``), unless it is
wrapped in ``once_differentiable``.

The library's own primitives use the array-level base class of
``microtensor/core/function.py`` (forward on NumPy arrays); this class adapts the
PyTorch contract onto the same engine: its nodes are ``Context`` objects like theirs.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from microtensor.core import grad_mode
from microtensor.core.function import Context
from microtensor.core.tensor import Tensor


class FunctionCtx(Context):
    """The ``ctx`` of a ``Function``: PyTorch's methods, on a node of the graph."""

    materialize_grads = True
    gradients_may_alias = True  # backward may return the user's own tensors
    _dirty: tuple[Tensor, ...] = ()
    _non_differentiable: tuple[Tensor, ...] = ()
    _saved_pairs: tuple[tuple[Any, int], ...] = ()

    def save_for_backward(self, *tensors: Any) -> None:
        """Keep Tensors (or None) for backward; a change in place afterwards is caught."""
        for tensor in tensors:
            if tensor is not None and not isinstance(tensor, Tensor):
                raise TypeError(
                    f"save_for_backward can only save Tensors or None, got {type(tensor).__name__}"
                )
        self._saved_pairs = tuple((t, 0 if t is None else t._version) for t in tensors)

    @property
    def saved_tensors(self) -> tuple[Any, ...]:
        """The saved Tensors, as they were when saved (an error if one changed in place)."""
        if self._released:
            return super().saved_tensors  # raises the "freed" error
        for tensor, version in self._saved_pairs:
            if tensor is not None:
                self._check_version(tensor, tensor._version, version)
        return tuple(tensor for tensor, _ in self._saved_pairs)

    def release(self) -> None:
        if self._saved_pairs:
            self._saved_pairs = ()
            self._released = True

    def mark_dirty(self, *tensors: Tensor) -> None:
        """Say that ``forward`` changed these inputs in place (and returns them)."""
        self._dirty = tensors

    def mark_non_differentiable(self, *tensors: Tensor) -> None:
        """Say that these outputs have no gradient (indices, masks)."""
        self._non_differentiable = tensors

    def set_materialize_grads(self, value: bool) -> None:
        """Kept for PyTorch's API: a node here has one output, whose gradient is never None."""
        self.materialize_grads = bool(value)


class Function:
    """Base class of user-defined differentiable ops (see the module docstring)."""

    _node_class: type[FunctionCtx] = FunctionCtx

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        adapter = _Adapter(cls)
        cls._node_class = type(f"{cls.__name__}Backward0", (FunctionCtx,), {"function": adapter})

    @staticmethod
    def forward(ctx: FunctionCtx, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("a Function subclass must define forward(ctx, *args)")

    @staticmethod
    def backward(ctx: FunctionCtx, *grad_outputs: Tensor) -> Any:
        raise NotImplementedError("a Function subclass must define backward(ctx, *grads)")

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        """Run ``forward`` under no_grad and, if an input requires grad, record the node."""
        ctx = cls._node_class()
        needs = [isinstance(a, Tensor) and a.requires_grad for a in args]
        ctx.needs_input_grad = tuple(needs)
        with grad_mode.no_grad():
            output = cls.forward(ctx, *args, **kwargs)
        if not isinstance(output, Tensor):
            raise TypeError(
                f"{cls.__name__}.forward must return one Tensor, got {type(output).__name__} "
                "(several outputs are not supported by microtensor's Function)"
            )
        if not grad_mode.state.enabled or True not in needs:
            return output
        if any(output is t for t in ctx._non_differentiable):
            return output
        ctx.inputs = args
        ctx.parents = tuple(
            a.grad_fn if need else None for a, need in zip(args, needs, strict=True)
        )
        ctx._output = output._array
        if any(output is t for t in ctx._dirty):  # changed in place: it takes the new node
            if output.grad_fn is None and output.requires_grad:
                raise RuntimeError(
                    f"{cls.__name__}: a leaf Variable that requires grad is being used in an "
                    "in-place operation (mark_dirty)"
                )
        elif any(output is t for t in args):
            output = output.detach()  # an input returned as it is: a new Tensor for it
        output.grad_fn = ctx
        output.requires_grad = True
        return output


class _Adapter:
    """What the engine calls as ``node.function``: the user's backward, checked."""

    def __init__(self, function: type[Function]) -> None:
        self.function = function
        self.__name__ = function.__name__

    def backward(self, ctx: FunctionCtx, grad_output: Tensor) -> tuple[Any, ...]:
        grads = self.function.backward(ctx, grad_output)
        grads = grads if isinstance(grads, tuple) else (grads,)
        if len(grads) != len(ctx.inputs):
            raise RuntimeError(
                f"function {self.__name__}Backward returned an incorrect number of gradients "
                f"(expected {len(ctx.inputs)}, got {len(grads)})"
            )
        return tuple(
            g if g is None or isinstance(g, Tensor) else Tensor(g) for g in grads
        )


class _Refused(Function):
    """Stands for a once-differentiable gradient in a graph: differentiating it raises."""

    @staticmethod
    def forward(ctx: FunctionCtx, gradient: Tensor, *sources: Tensor) -> Tensor:
        return gradient.detach()

    @staticmethod
    def backward(ctx: FunctionCtx, grad_output: Tensor) -> Any:
        raise RuntimeError(
            "trying to differentiate twice a function that was marked with "
            "@once_differentiable"
        )


def once_differentiable(backward: Callable[..., Any]) -> Callable[..., Any]:
    """Run ``backward`` under no_grad: its result cannot be differentiated again (asking
    for that, with ``create_graph=True``, raises instead of giving a wrong zero)."""

    @functools.wraps(backward)
    def wrapper(ctx: Any, *grad_outputs: Any) -> Any:
        recording = grad_mode.state.enabled  # True under backward(create_graph=True)
        with grad_mode.no_grad():
            grads = backward(ctx, *grad_outputs)
        sources = [
            t for t in (*ctx.inputs, *grad_outputs) if isinstance(t, Tensor) and t.requires_grad
        ]
        if not recording or not sources:
            return grads
        if isinstance(grads, tuple):
            return tuple(
                _Refused.apply(g, *sources) if isinstance(g, Tensor) else g for g in grads
            )
        return _Refused.apply(grads, *sources) if isinstance(grads, Tensor) else grads

    return wrapper
