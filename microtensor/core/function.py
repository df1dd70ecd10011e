"""``Primitive``: one differentiable primitive, its context, and the registry of them all.

A primitive is a subclass of :class:`Primitive` with two static methods:

* ``forward(ctx, *arrays, **params)`` computes with NumPy. Tensor arguments arrive as
  their arrays; other arguments (numbers, shapes) arrive unchanged. It returns one array.
* ``backward(ctx, grad_output)`` receives the gradient of the output as a Tensor and
  returns one Tensor (or None) per positional argument, built from other primitives, so
  that the gradient is itself differentiable when the engine runs with ``create_graph``.

``MyFunction.apply(*args, **params)`` runs forward and, when grad mode is on and an
input requires grad, links the result into the graph through a context object: an
instance of ``MyFunctionBackward0``, which is what ``tensor.grad_fn`` shows.

Every subclass registers itself by name in :data:`REGISTRY`; the test suite enumerates
the registry, so a primitive cannot exist without a property-test spec.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from microtensor.core import grad_mode
from microtensor.core.tensor import Tensor

REGISTRY: dict[str, type[Primitive]] = {}
"""Every Primitive subclass, by class name, in the order they were defined."""


def registered_functions() -> dict[str, type[Primitive]]:
    """A copy of the registry: name -> Primitive subclass."""
    return dict(REGISTRY)


_FREED = (
    "Trying to backward through the graph a second time (or to read saved tensors "
    "after they were freed): {name} released its saved tensors after the first "
    "backward. Pass retain_graph=True to the first backward() (or autograd.grad()) "
    "if you need to go through the graph again."
)


_NO_GRAD_MODE = "it was computed while grad mode was off (in no_grad())"
_new = object.__new__



_MODIFIED = (
    "one of the variables needed for gradient computation has been modified by an inplace "
    "operation: [{dtype} tensor of shape {shape}], which is {what}, is at version {now}; "
    "expected version {then} instead. Hint: {node} saved it for backward and it was changed "
    "in place afterwards (by +=, an op ending in _, x[...] = ..., or an optimiser step); "
    "compute out of place (x = x + 1) or change a clone() instead."
)


class Context:
    """The node of the graph that one ``Primitive.apply`` call creates.

    Attributes:
        inputs: the positional arguments of ``apply`` (Tensors and others).
        parents: for each input that requires grad, the node that made it when ``apply``
            ran (None for a leaf): the edges of the graph. Taken then, not read later from
            the input, because an in-place op gives a Tensor a new ``grad_fn``.
        needs_input_grad: one bool per positional argument: is it a Tensor that
            requires grad?
    """

    function: type[Primitive]
    inputs: tuple[Any, ...] = ()
    parents: tuple[Context | None, ...] = ()
    needs_input_grad: tuple[bool, ...] = ()
    _saved: tuple[Any, ...] | None = ()
    _input_versions: tuple[int, ...] = ()
    _output_version: tuple[Any, int] | None = None
    _output: Any = None
    _released = False
    _hooks: list[Any] | None = None
    _retained: Tensor | None = None  # the output tensor whose .grad is kept (retain_grad)
    # False for primitives: backward returns arrays made for it, never a user's own tensor
    # (the engine may then hand them to leaves without a copy; see accumulate.Delivery).
    gradients_may_alias = False

    def _record(
        self, args: tuple[Any, ...], needs: tuple[bool, ...], output: np.ndarray,
        versions: Any,
    ) -> Tensor:
        """Link this node into the graph; return its output Tensor (``Primitive.apply``)."""
        self.inputs = args
        self.needs_input_grad = needs
        edges = zip(args, needs, strict=True)
        self.parents = tuple([arg.grad_fn if need else None for arg, need in edges])
        self._output = output
        result = _new(Tensor)._set(output, self, None, versions)
        saved = self._saved
        if saved:  # note the versions of what was saved, to catch in-place changes later
            self._input_versions = tuple([
                0 if (counter := getattr(arg, "_versions", None)) is None else counter.value
                for arg in args
            ])
            for value in saved:
                if value is output:  # the output itself is saved: note its version too
                    counter = result._version_counter()
                    self._output_version = (counter, counter.value)
                    break
        return result

    def name(self) -> str:
        """The node's name, ``MulBackward0`` (what ``grad_fn`` shows, as PyTorch names it)."""
        return type(self).__name__

    @property
    def next_functions(self) -> tuple[tuple[Any, int], ...]:
        """One ``(node, 0)`` per input: the node that made it, an ``AccumulateGrad`` for a
        leaf that requires grad, or ``(None, 0)`` for an input without gradient."""
        parents = self.parents or (None,) * len(self.inputs)
        edges = zip(self.inputs, parents, self.needs_input_grad or parents, strict=True)
        return tuple(
            (parent, 0) if parent is not None
            else ((AccumulateGrad(argument), 0) if needs else (None, 0))
            for argument, parent, needs in edges
        )

    def save_for_backward(self, *values: Any) -> None:
        """Keep arrays (or Tensors) for backward.

        An array that ``forward`` received as a Tensor argument comes back as that
        Tensor, and the array ``forward`` returns comes back as the output Tensor, so
        second derivatives flow through them. Other arrays come back as constants.
        """
        self._saved = values

    @property
    def saved_tensors(self) -> tuple[Any, ...]:
        """The saved values, as Tensors (None and plain numbers stay as they are)."""
        if self._released:
            raise RuntimeError(_FREED.format(name=type(self).__name__))
        return tuple([self._as_tensor(value) for value in self._saved])  # type: ignore[union-attr]

    def _as_tensor(self, value: Any) -> Any:
        if not isinstance(value, np.ndarray):
            return value
        for argument, version in zip(self.inputs, self._input_versions, strict=True):
            if isinstance(argument, Tensor) and argument._array is value:
                self._check_version(argument, argument._version, version)
                return argument
        if value is self._output and self._output is not None:
            if self._output_version is not None:
                counter, version = self._output_version
                self._check_version(self.output(), counter.value, version)
            return self.output()
        return Tensor._make(value)

    def _check_version(self, tensor: Tensor, now: int, then: int) -> None:
        """PyTorch's error when a saved tensor was changed in place after it was saved."""
        if now != then:
            node = tensor.grad_fn
            what = f"output of {type(node).__name__}" if node is not None else "a leaf"
            raise RuntimeError(_MODIFIED.format(
                dtype=tensor.dtype, shape=tensor.shape, what=what, now=now, then=then,
                node=type(self).__name__,
            ))

    def output(self) -> Tensor:
        """A Tensor of this node's output, on this node: gradients that reach it go where
        gradients of the output go (how ``viz`` asks what backward hands each node)."""
        return Tensor._make(self._output, self)

    def release(self) -> None:
        """Drop what was saved for backward (the engine calls this after backward)."""
        if self._saved:
            self._saved = None
            self._released = True

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"


class AccumulateGrad:
    """The end of a path in ``next_functions``: where a leaf's gradient is accumulated."""

    def __init__(self, variable: Tensor) -> None:
        self.variable = variable
        self.next_functions: tuple[Any, ...] = ()

    def name(self) -> str:
        return "AccumulateGrad"

    def __repr__(self) -> str:
        return "<AccumulateGrad>"


class Primitive:
    """Base class of the primitives; see the module docstring for the contract.

    ``creates_view = True`` marks a primitive whose output may be a view of its first
    input's memory (reshape, permute, basic indexing): when NumPy made it one, the output
    shares the input's version counter, so an in-place change of either is seen by both.
    """

    _node_class: type[Context] = Context
    creates_view = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        name = cls.__name__
        cls._node_class = type(f"{name}Backward0", (Context,), {"function": cls})
        if name in REGISTRY:  # a user's class of the same name must not hide ours
            name = f"{cls.__module__}.{cls.__qualname__}"
        REGISTRY[name] = cls

    @staticmethod
    def forward(ctx: Context, *args: Any, **kwargs: Any) -> np.ndarray:
        raise NotImplementedError

    @staticmethod
    def backward(ctx: Context, *grad_outputs: Tensor) -> Any:
        raise NotImplementedError

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Tensor:
        """Run ``forward`` on the arrays of ``args`` and record the node if needed."""
        ctx = cls._node_class()
        output = cls.forward(
            ctx, *[arg._array if isinstance(arg, Tensor) else arg for arg in args], **kwargs
        )
        if type(output) is not np.ndarray:  # e.g. np.exp of a 0-d array gives a scalar
            scalar, output = output, np.asarray(output)
            if ctx._saved:  # the saved output must stay the output (second derivatives)
                ctx._saved = tuple(output if v is scalar else v for v in ctx._saved)
        versions = None
        if cls.creates_view and np.may_share_memory(output, args[0]._array):
            versions = args[0]._version_counter()
        if not grad_mode.state.enabled:
            return _new(Tensor)._set(output, None, _NO_GRAD_MODE, versions)
        needs = tuple([isinstance(arg, Tensor) and arg.requires_grad for arg in args])
        if True not in needs:
            return _new(Tensor)._set(output, None, None, versions)
        return ctx._record(args, needs, output, versions)
