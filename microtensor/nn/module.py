"""``Module``: the base class of layers and models, as ``torch.nn.Module``.

Assigning a ``Parameter`` or a ``Module`` to an attribute registers it (in
``_parameters`` / ``_modules``, in assignment order), which is how ``parameters()``,
``state_dict()``, ``train()``, ``to()`` and ``repr`` find everything. Names are dotted
paths, as PyTorch gives them: ``conv.weight``, ``0.bias``, ``encoder.1.weight``.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from microtensor.core import dtypes
from microtensor.core.tensor import Tensor, zero_grad
from microtensor.nn import hooks  # ForwardHooks: register_forward_(pre_)hook
from microtensor.nn.conversion import convert
from microtensor.nn.parameter import Parameter
from microtensor.nn.printing import module_repr
from microtensor.nn.state_dict import IncompatibleKeys, collect, load_state_dict


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


_REGISTRIES = (
    ("_parameters", "parameter", "nn.Parameter"),
    ("_buffers", "buffer", "Tensor"),
    ("_modules", "child module", "nn.Module"),
)


_HOOK_REGISTRIES = (
    "_forward_pre_hooks", "_forward_pre_hooks_with_kwargs", "_forward_hooks",
    "_forward_hooks_with_kwargs",
)  # fmt: skip


class Module(hooks.ForwardHooks):
    """Base class of every layer and model: subclass it, assign parameters and
    submodules in ``__init__`` (after ``super().__init__()``) and write ``forward``.

    Attributes:
        training: True in training mode (the default), False after ``eval()``.
    """

    training: bool

    def __init__(self) -> None:
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_buffers", {})
        object.__setattr__(self, "_non_persistent_buffers", set())
        object.__setattr__(self, "_modules", {})
        for registry in _HOOK_REGISTRIES:
            object.__setattr__(self, registry, OrderedDict())

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(
            f'Module [{type(self).__name__}] is missing the required "forward" function'
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self._forward_pre_hooks or self._forward_hooks:
            return hooks.call_with_hooks(self, args, kwargs)
        return self.forward(*args, **kwargs)  # no hooks: nothing else to do

    # ----- registration ---------------------------------------------------------------
    def _forget(self, name: str, keep: str = "") -> None:
        """Unregister ``name`` everywhere but in registry ``keep`` (where it keeps its place)."""
        if "_parameters" not in self.__dict__:
            raise AttributeError(f"cannot assign '{name}' before Module.__init__() call")
        self.__dict__.pop(name, None)
        for registry_name, _, _ in _REGISTRIES:
            if registry_name != keep:
                self.__dict__[registry_name].pop(name, None)

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, Parameter | Module):
            kind = "_parameters" if isinstance(value, Parameter) else "_modules"
            self._forget(name, keep=kind)
            self.__dict__[kind][name] = value
            return
        for registry_name, what, expected in _REGISTRIES:
            registry = self.__dict__.get(registry_name)
            if registry is not None and name in registry:
                if value is not None and not (what == "buffer" and isinstance(value, Tensor)):
                    raise TypeError(
                        f"cannot assign '{type(value).__name__}' as {what} "
                        f"'{name}' ({expected} or None expected)"
                    )
                registry[name] = value
                return
        object.__setattr__(self, name, value)

    def __getattr__(self, name: str) -> Any:
        # Only called when normal lookup fails: parameters, buffers and submodules.
        for registry_name, _, _ in _REGISTRIES:
            registry = self.__dict__.get(registry_name)
            if registry is not None and name in registry:
                return registry[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name: str) -> None:
        for registry in (self._parameters, self._buffers, self._modules):
            if name in registry:
                del registry[name]
                self._non_persistent_buffers.discard(name)
                return
        object.__delattr__(self, name)

    def __dir__(self) -> list[str]:
        names = [*super().__dir__(), *self._parameters, *self._buffers, *self._modules]
        return sorted(set(names))

    def _check_name(self, name: Any, registry: dict[str, Any]) -> None:
        if not isinstance(name, str):
            raise TypeError(f"name should be a string, got {type(name).__name__}")
        if name == "" or "." in name:
            raise KeyError(f'name can\'t be empty or contain ".", got: "{name}"')
        if hasattr(self, name) and name not in registry:
            raise KeyError(f"attribute '{name}' already exists")

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Register ``param`` (a Parameter, or None for an absent one) as ``name``."""
        self._check_name(name, self._parameters)
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"cannot assign '{type(param).__name__}' object to parameter '{name}' "
                "(nn.Parameter or None required)"
            )
        self._forget(name, keep="_parameters")
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Register a Tensor that is state but not a parameter (saved in state_dict
        unless ``persistent=False``; converted by ``to``; never trained)."""
        self._check_name(name, self._buffers)
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(
                f"cannot assign '{type(tensor).__name__}' object to buffer '{name}' "
                "(Tensor or None required)"
            )
        self._forget(name, keep="_buffers")
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers.discard(name)
        else:
            self._non_persistent_buffers.add(name)

    def add_module(self, name: str, module: Module | None) -> None:
        """Register ``module`` as the submodule ``name`` (what attribute assignment does)."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        self._check_name(name, self._modules)
        self._forget(name, keep="_modules")
        self._modules[name] = module

    register_module = add_module

    # ----- traversal --------------------------------------------------------------------
    def named_modules(
        self, memo: set[int] | None = None, prefix: str = "", remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Module]]:
        """This module and every submodule, depth first, with dotted names ('' for self)."""
        if memo is None:
            memo = set()
        if remove_duplicate:
            if id(self) in memo:
                return
            memo.add(id(self))
        yield prefix, self
        for name, module in self._modules.items():
            if module is not None:
                yield from module.named_modules(memo, _join(prefix, name), remove_duplicate)

    def modules(self) -> Iterator[Module]:
        for _, module in self.named_modules():
            yield module

    def named_children(self) -> Iterator[tuple[str, Module]]:
        seen: set[int] = set()
        for name, module in self._modules.items():
            if module is not None and id(module) not in seen:
                seen.add(id(module))
                yield name, module

    def children(self) -> Iterator[Module]:
        for _, module in self.named_children():
            yield module

    def _named_members(
        self, registry: str, prefix: str, recurse: bool, remove_duplicate: bool
    ) -> Iterator[tuple[str, Any]]:
        modules = self.named_modules(prefix=prefix) if recurse else iter([(prefix, self)])
        seen: set[int] = set()
        for module_prefix, module in modules:
            for name, member in getattr(module, registry).items():
                if member is None or (remove_duplicate and id(member) in seen):
                    continue
                seen.add(id(member))
                yield _join(module_prefix, name), member

    def named_parameters(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Parameter]]:
        """``(name, parameter)`` pairs in definition order; a shared one appears once."""
        return self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        for _, parameter in self.named_parameters(recurse=recurse):
            yield parameter

    def named_buffers(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Tensor]]:
        return self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        for _, buffer in self.named_buffers(recurse=recurse):
            yield buffer

    def get_submodule(self, target: str) -> Module:
        """The submodule at dotted path ``target`` (``""``: self), as PyTorch's."""
        module = self
        for item in target.split(".") if target else []:
            if not hasattr(module, item):
                raise AttributeError(f"{type(module).__name__} has no attribute `{item}`")
            module = getattr(module, item)
            if not isinstance(module, Module):
                raise AttributeError(f"`{item}` is not an nn.Module")
        return module

    def apply(self, fn: Callable[[Module], Any]) -> Module:
        """Call ``fn`` on every submodule (children first) and then on self."""
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    # ----- state --------------------------------------------------------------------------
    def state_dict(
        self, *, destination: Any = None, prefix: str = "", keep_vars: bool = False
    ) -> OrderedDict[str, Tensor]:
        """Parameters and persistent buffers by dotted name, in definition order.

        The values are detached Tensors sharing memory with the module (as PyTorch):
        save or copy them before training on if you need a snapshot.
        """
        return collect(self, OrderedDict() if destination is None else destination, prefix,
                       keep_vars)

    def load_state_dict(
        self, state_dict: Mapping[str, Any], strict: bool = True
    ) -> IncompatibleKeys:
        """Copy values from ``state_dict`` into the parameters and buffers (in place,
        cast to each one's dtype); see ``nn/state_dict.py``.

        Raises:
            RuntimeError: listing every missing key and unexpected key (when ``strict``)
                and every shape mismatch (always). Nothing is copied when it raises.
        """
        return load_state_dict(self, state_dict, strict)

    # ----- modes and conversion -------------------------------------------------------------
    def train(self, mode: bool = True) -> Module:
        """Set training mode on this module and every submodule; returns self."""
        if not isinstance(mode, bool):
            raise ValueError(f"training mode is expected to be boolean, got {mode!r}")
        for module in self.modules():
            object.__setattr__(module, "training", mode)
        return self

    def eval(self) -> Module:
        """Evaluation mode (``train(False)``); returns self."""
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        for parameter in self.parameters():
            parameter.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the parameters' gradients: ``grad = None`` (default) or zeros."""
        zero_grad(self.parameters(), set_to_none)

    def to(self, *args: Any, **kwargs: Any) -> Module:
        """Convert floating parameters, their gradients and floating buffers to a float
        dtype, in place (the Parameter objects stay the same): ``to(dtype)``,
        ``to(tensor)``, ``to(device, dtype)``; ``"cpu"`` is the only device."""
        return convert(self, args, kwargs)

    def float(self) -> Module:
        return self.to(dtypes.float32)

    def double(self) -> Module:
        return self.to(dtypes.float64)

    # ----- repr ---------------------------------------------------------------------------------
    def extra_repr(self) -> str:
        """The text inside the parentheses of this module's repr (override it)."""
        return ""

    def __repr__(self) -> str:
        return module_repr(self)
