"""The op table: each public op declared once, and the namespaces made from it.

An op is a plain function whose first argument is the input Tensor, written next to
the primitives it is made of (``microtensor/ops/*.py``) and declared with ``@public``::

    @public(methods=("sum",), function=True)
    def sum(input, dim=None, keepdim=False):
        ...

The declaration says where PyTorch offers the op, and everything else is made from it,
never written a second time:

* ``Tensor`` methods and operators (``x.sum()``, ``x + y``) and in-place variants
  (``x.add_(1)``, ``x += 1``, through ``core/inplace.py``): ``bind_tensor_methods``;
* ``mt.`` functions (``mt.sum(x)``) and ``F.`` functions (``F.relu(x)``): ``functions``;
* ``docs/api.md`` and the editor stubs (``.pyi``): ``tools/generate.py`` reads ``TABLE``.

This is PyTorch's ``native_functions.yaml`` idea (one declaration, several bindings)
written as Python decorators, so that the declaration sits beside the code it declares.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from microtensor.core.inplace import modify_in_place
from microtensor.core.tensor import Tensor


@dataclass(frozen=True)
class Op:
    """One public op and where PyTorch offers it.

    Attributes:
        name: the op's name (``mt.name`` and ``F.name`` use it).
        implementation: the function; its first parameter is the input Tensor.
        methods: names under which it is a ``Tensor`` method (``("add", "__add__")``).
        reflected: the reflected operator (``"__radd__"``: ``2 + x`` is ``add(2, x)``).
        inplace: names of the in-place variants (``("add_", "__iadd__")``): the op's
            result written into the tensor's own memory (``core/inplace.py``).
        function: whether it is an ``mt.`` function.
        functional: whether it is an ``F.`` (``microtensor.nn.functional``) function.
        tensor_first: whether the first argument must be a Tensor in ``mt.``/``F.`` calls
            (creation ops such as ``zeros`` take sizes instead).
    """

    name: str
    implementation: Callable[..., Any]
    methods: tuple[str, ...]
    reflected: str | None
    inplace: tuple[str, ...]
    function: bool
    functional: bool
    tensor_first: bool


TABLE: dict[str, Op] = {}
"""Every public op, by name, in the order they were declared."""


def public(
    *,
    methods: tuple[str, ...] | None = None,
    reflected: str | None = None,
    inplace: tuple[str, ...] = (),
    function: bool = True,
    functional: bool = False,
    tensor_first: bool = True,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare the decorated function a public op (see the module docstring).

    ``methods`` defaults to the function's own name; pass ``()`` for an op that is not a
    Tensor method (``zeros``) and add operator names where PyTorch has them.
    """

    def declare(implementation: Callable[..., Any]) -> Callable[..., Any]:
        name = implementation.__name__
        if name in TABLE:
            raise RuntimeError(f"op table: {name!r} is declared twice")
        TABLE[name] = Op(
            name=name,
            implementation=implementation,
            methods=(name,) if methods is None else methods,
            reflected=reflected,
            inplace=inplace,
            function=function,
            functional=functional,
            tensor_first=tensor_first,
        )
        return implementation

    return declare


def _reflect(implementation: Callable[..., Any], name: str) -> Callable[[Tensor, Any], Tensor]:
    def reflected(self: Tensor, other: Any) -> Tensor:
        return implementation(other, self)

    reflected.__name__ = reflected.__qualname__ = name
    reflected.__doc__ = f"``other {name[3:-2]} self``: ``{implementation.__name__}(other, self)``."
    return reflected


def _in_place(implementation: Callable[..., Tensor], name: str) -> Callable[..., Tensor]:
    def method(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        return modify_in_place(self, implementation, *args, name=name, **kwargs)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = (
        f"In place: ``{implementation.__name__}`` written into this tensor's memory; returns it."
    )
    method.__wrapped__ = implementation  # type: ignore[attr-defined]  (its signature)
    return method


def bind_tensor_methods() -> None:
    """Make every op's methods, operators and in-place variants attributes of ``Tensor``."""
    for op in TABLE.values():
        for method in op.methods:
            setattr(Tensor, method, op.implementation)
        if op.reflected:
            setattr(Tensor, op.reflected, _reflect(op.implementation, op.reflected))
        for name in op.inplace:
            setattr(Tensor, name, _in_place(op.implementation, name))


def _checked(op: Op) -> Callable[..., Any]:
    """``op`` as an ``mt.``/``F.`` function: a non-Tensor input is a TypeError, as PyTorch's."""
    implementation, name = op.implementation, op.name

    @functools.wraps(implementation)
    def function(input: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: A002
        if not isinstance(input, Tensor):
            raise TypeError(
                f"{name}: input must be a Tensor, got {type(input).__name__}; make one "
                "with mt.tensor(...)"
            )
        return implementation(input, *args, **kwargs)

    return function


def functions(namespace: str) -> dict[str, Callable[..., Any]]:
    """The ops of ``namespace`` (``"mt"`` or ``"F"``), name -> function, for its module."""
    chosen = [op for op in TABLE.values() if (op.function if namespace == "mt" else op.functional)]
    return {op.name: _checked(op) if op.tensor_first else op.implementation for op in chosen}
