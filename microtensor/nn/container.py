"""Containers: ``ModuleList``, ``ModuleDict``, ``ParameterList``, ``ParameterDict``.

Each holds modules or parameters the way a Python list or dict would, and registers
them (under the names ``0``, ``1``, ... or the dict's keys), so that ``parameters()``,
``state_dict()``, ``to()`` and ``repr`` see them, with PyTorch's names and reprs. A
Tensor put into a ParameterList or ParameterDict becomes a ``Parameter``, as in PyTorch.
None of them has a ``forward``: they are called through their items.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from itertools import chain
from typing import Any

import numpy as np

from microtensor.core.tensor import Tensor
from microtensor.nn.module import Module
from microtensor.nn.parameter import Parameter
from microtensor.nn.printing import _addindent


def _position(index: Any, size: int, what: str) -> int:
    """``index`` (negative allowed) as a position in ``[0, size)``; IndexError otherwise."""
    if not isinstance(index, int | np.integer) or isinstance(index, bool):
        raise TypeError(f"{what} indices must be integers or slices, not {type(index).__name__}")
    if not -size <= index < size:
        raise IndexError(f"index {index} is out of range")
    return int(index) % size


def _pairs(values: Any) -> Iterable[tuple[str, Any]]:
    """The ``(key, value)`` pairs of a mapping or an iterable of pairs (``update``'s argument)."""
    if isinstance(values, Mapping):
        return list(values.items())
    pairs = []
    for number, pair in enumerate(values):
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            raise ValueError(
                f"update: element #{number} should be a (key, value) pair, got {pair!r}"
            )
        pairs.append((pair[0], pair[1]))
    return pairs


class ModuleList(Module):
    """A list of modules, registered as ``0``, ``1``, ...; indexing, slicing (a new
    ModuleList), ``append``, ``extend``, ``insert``, ``pop``, ``del``, ``+`` and ``+=``."""

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return type(self)(list(self._modules.values())[index])
        return self._modules[str(_position(index, len(self), "ModuleList"))]

    def __setitem__(self, index: int, module: Module) -> None:
        self.add_module(str(_position(index, len(self), "ModuleList")), module)

    def __delitem__(self, index: int | slice) -> None:
        kept = list(self._modules.values())
        if isinstance(index, slice):
            del kept[index]
        else:
            del kept[_position(index, len(self), "ModuleList")]
        self._modules.clear()
        for number, module in enumerate(kept):  # renumbered, as PyTorch does
            self._modules[str(number)] = module

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def __iadd__(self, modules: Iterable[Module]) -> ModuleList:
        return self.extend(modules)

    def __add__(self, other: Iterable[Module]) -> ModuleList:
        return ModuleList(chain(self, other))

    def append(self, module: Module) -> ModuleList:
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules: Iterable[Module]) -> ModuleList:
        if isinstance(modules, Module | Tensor) or not isinstance(modules, Iterable):
            raise TypeError(
                "ModuleList.extend should be called with an iterable, but got "
                + type(modules).__name__
            )
        for module in modules:
            self.append(module)
        return self

    def insert(self, index: int, module: Module) -> None:
        modules = list(self._modules.values())
        modules.insert(index, module)
        self._modules.clear()
        for number, item in enumerate(modules):
            self.add_module(str(number), item)

    def pop(self, index: int = -1) -> Module:
        module = self[index]
        del self[index]
        return module

    def __repr__(self) -> str:
        """PyTorch's: a run of equal reprs prints once, as ``(0-2): 3 x Linear(...)``."""
        reprs = [repr(module) for module in self]
        if not reprs:
            return f"{type(self).__name__}()"
        runs: list[list[Any]] = []  # [first, last, repr]
        for number, text in enumerate(reprs):
            if runs and runs[-1][2] == text:
                runs[-1][1] = number
            else:
                runs.append([number, number, text])
        lines = []
        for first, last, text in runs:
            line = f"({first}): {text}" if first == last else (
                f"({first}-{last}): {last - first + 1} x {text}")
            lines.append(_addindent(line, 2))
        return f"{type(self).__name__}(\n  " + "\n  ".join(lines) + "\n)"


class ModuleDict(Module):
    """A dict of modules, in insertion order: ``md[key]``, ``md[key] = m``, ``del``,
    ``in``, ``keys/values/items``, ``update``, ``pop``, ``clear``."""

    def __init__(self, modules: Mapping[str, Module] | Iterable[Any] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key: str) -> Module:
        return self._modules[key]

    def __setitem__(self, key: str, module: Module) -> None:
        self.add_module(key, module)

    def __delitem__(self, key: str) -> None:
        del self._modules[key]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __contains__(self, key: object) -> bool:
        return key in self._modules

    def clear(self) -> None:
        self._modules.clear()

    def pop(self, key: str) -> Module:
        module = self[key]
        del self[key]
        return module

    def keys(self) -> Iterable[str]:
        return self._modules.keys()

    def items(self) -> Iterable[tuple[str, Module]]:
        return self._modules.items()

    def values(self) -> Iterable[Module]:
        return self._modules.values()

    def update(self, modules: Mapping[str, Module] | Iterable[Any]) -> None:
        for key, module in _pairs(modules):
            self[key] = module


def _parameter_line(key: Any, value: Any, type_name: bool) -> str:
    """One line of a ParameterList/ParameterDict repr, as PyTorch writes it."""
    if not isinstance(value, Tensor):
        return f"  ({key}): Object of type: {type(value).__name__}"
    size = "x".join(str(side) for side in value.shape)
    kind = "Parameter" if isinstance(value, Parameter) else "Tensor"
    dtype = str(value.dtype)
    if type_name:  # torch.typename: FloatTensor, DoubleTensor, LongTensor, ...
        dtype = {"float32": "FloatTensor", "float64": "DoubleTensor", "int64": "LongTensor",
                 "int32": "IntTensor", "bool": "BoolTensor"}.get(dtype, dtype)  # fmt: skip
    return f"  ({key}): {kind} containing: [{dtype} of size {size}]"


def _as_parameter(value: Any) -> Any:
    if isinstance(value, Tensor) and not isinstance(value, Parameter):
        return Parameter(value)
    return value


class ParameterList(Module):
    """A list of parameters, registered as ``0``, ``1``, ...; a Tensor becomes a Parameter."""

    def __init__(self, values: Iterable[Any] | None = None) -> None:
        super().__init__()
        object.__setattr__(self, "_size", 0)
        if values is not None:
            self.extend(values)

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return ParameterList([self[i] for i in range(len(self))[index]])
        return getattr(self, str(_position(index, len(self), "ParameterList")))

    def __setitem__(self, index: int, value: Any) -> None:
        setattr(self, str(_position(index, len(self), "ParameterList")), _as_parameter(value))

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[Any]:
        return (self[i] for i in range(len(self)))

    def __iadd__(self, values: Iterable[Any]) -> ParameterList:
        return self.extend(values)

    def append(self, value: Any) -> ParameterList:
        object.__setattr__(self, "_size", self._size + 1)
        self[self._size - 1] = value
        return self

    def extend(self, values: Iterable[Any]) -> ParameterList:
        if isinstance(values, Tensor) or not isinstance(values, Iterable):
            raise TypeError(
                "ParameterList.extend should be called with an iterable, but got "
                + type(values).__name__
            )
        for value in values:
            self.append(value)
        return self

    def extra_repr(self) -> str:
        return "\n".join(_parameter_line(i, value, False) for i, value in enumerate(self))


class ParameterDict(Module):
    """A dict of parameters, in insertion order; a Tensor becomes a Parameter."""

    def __init__(self, parameters: Mapping[str, Any] | Iterable[Any] | None = None) -> None:
        super().__init__()
        object.__setattr__(self, "_keys", {})
        if parameters is not None:
            self.update(parameters)

    def __getitem__(self, key: str) -> Any:
        return getattr(self, key)

    def __setitem__(self, key: str, value: Any) -> None:
        if not isinstance(key, str):
            raise TypeError(f"ParameterDict keys must be strings, got {type(key).__name__}")
        self._keys[key] = None
        setattr(self, key, _as_parameter(value))

    def __delitem__(self, key: str) -> None:
        del self._keys[key]
        delattr(self, key)

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def keys(self) -> Iterable[str]:
        return self._keys.keys()

    def items(self) -> Iterable[tuple[str, Any]]:
        return [(key, self[key]) for key in self._keys]

    def values(self) -> Iterable[Any]:
        return [self[key] for key in self._keys]

    def get(self, key: str, default: Any = None) -> Any:
        return self[key] if key in self._keys else default

    def pop(self, key: str) -> Any:
        value = self[key]
        del self[key]
        return value

    def clear(self) -> None:
        for key in list(self._keys):
            del self[key]

    def update(self, parameters: Mapping[str, Any] | Iterable[Any]) -> None:
        for key, value in _pairs(parameters):
            self[key] = value

    def extra_repr(self) -> str:
        return "\n".join(_parameter_line(key, value, True) for key, value in self.items())


__all__ = ["ModuleDict", "ModuleList", "ParameterDict", "ParameterList"]
