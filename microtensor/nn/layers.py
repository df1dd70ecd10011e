"""Layers: ``Linear``, ``MaxPool2d``, ``ReLU``, ``Flatten``, ``Sequential``,
with PyTorch's names, parameter layouts and default initialisation.

Each layer keeps its hyperparameters and parameters; the maths is ``nn.functional``'s.
Default initialisation (PyTorch's ``reset_parameters``): the weight gets
``kaiming_uniform_(a=sqrt(5))``, which is U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and the
bias U(-1/sqrt(fan_in), 1/sqrt(fan_in)). Draws come from ``generator`` when one is
given (a keyword microtensor adds), else from the default generator (``mt.manual_seed``).
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

import numpy as np

from microtensor.core import dtypes
from microtensor.core.tensor import Tensor
from microtensor.nn import functional as F  # noqa: N812 (PyTorch's spelling)
from microtensor.nn import init
from microtensor.nn.module import Module
from microtensor.nn.parameter import Parameter
from microtensor.ops.arguments import check_window


def _float_dtype(dtype: Any, layer: str) -> np.dtype:
    dtype = dtypes.get_default_dtype() if dtype is None else np.dtype(dtype)
    if not dtypes.is_floating(dtype):
        raise TypeError(f"{layer}: parameters need a float dtype, got {dtype}")
    return dtype


def _positive(value: Any, name: str, layer: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value <= 0:
        raise ValueError(f"{layer}: {name} must be a positive integer, got {value!r}")
    return int(value)


def _reset(weight: Parameter, bias: Parameter | None, generator: Any) -> None:
    """PyTorch's default: weight ~ kaiming_uniform(a=sqrt(5)), bias ~ U(+-1/sqrt(fan_in))."""
    init.kaiming_uniform_(weight, a=math.sqrt(5), generator=generator)
    if bias is not None:
        fan_in, _ = init._calculate_fan_in_and_fan_out(weight)
        bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
        init.uniform_(bias, -bound, bound, generator=generator)


class Linear(Module):
    """``y = x @ weight.T + bias``.

    Shapes: input ``(*, in_features)``, output ``(*, out_features)``; ``weight`` is
    ``(out_features, in_features)`` and ``bias`` ``(out_features,)``.
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        *,
        dtype: Any = None,
        generator: np.random.Generator | None = None,
    ) -> None:
        super().__init__()
        self.in_features = _positive(in_features, "in_features", "Linear")
        self.out_features = _positive(out_features, "out_features", "Linear")
        dtype = _float_dtype(dtype, "Linear")
        self.weight = Parameter(np.empty((self.out_features, self.in_features), dtype))
        self.bias = Parameter(np.empty(self.out_features, dtype)) if bias else None
        self.reset_parameters(generator)

    def reset_parameters(self, generator: np.random.Generator | None = None) -> None:
        _reset(self.weight, self.bias, generator)

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )


class MaxPool2d(Module):
    """Maximum over ``kernel_size`` windows (``F.max_pool2d``); ``stride`` defaults to
    ``kernel_size``. A tie sends the gradient to the first maximum (row-major)."""

    def __init__(
        self,
        kernel_size: int | tuple[int, int],
        stride: int | tuple[int, int] | None = None,
        padding: int | tuple[int, int] = 0,
    ) -> None:
        super().__init__()
        self.stride = check_window("MaxPool2d", kernel_size, stride, padding)
        self.kernel_size = kernel_size
        self.padding = padding

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        return F.max_pool2d(input, self.kernel_size, self.stride, self.padding)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class ReLU(Module):
    """``max(x, 0)`` elementwise. ``inplace=True`` is accepted for compatibility, but
    the result is always a new tensor (the input is never modified)."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        return F.relu(input)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class Flatten(Module):
    """Flattens dims ``start_dim..end_dim``: ``(N, C, H, W)`` -> ``(N, C*H*W)`` by default."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Sequential(Module):
    """Runs its modules in order: ``Sequential(a, b, c)(x) == c(b(a(x)))``.

    Built from modules (named ``0``, ``1``, ...) or from one ``OrderedDict`` of
    name -> module. Supports ``len``, iteration, ``seq[i]`` (negative too),
    ``seq[a:b]`` (a new Sequential keeping the names), ``seq[i] = m`` and ``append``.
    """

    def __init__(self, *args: Module) -> None:
        super().__init__()
        if len(args) == 1 and isinstance(args[0], OrderedDict):
            for name, module in args[0].items():
                self.add_module(name, module)
        else:
            for index, module in enumerate(args):
                self.add_module(str(index), module)

    def _key(self, index: int) -> str:
        size = len(self._modules)
        if not isinstance(index, int | np.integer) or isinstance(index, bool):
            raise TypeError(
                f"Sequential indices must be integers or slices, not {type(index).__name__}"
            )
        if not -size <= index < size:
            raise IndexError(f"index {index} is out of range for a Sequential of length {size}")
        return list(self._modules)[index % size]

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return Sequential(OrderedDict(list(self._modules.items())[index]))
        return self._modules[self._key(index)]

    def __setitem__(self, index: int, module: Module) -> None:
        self.add_module(self._key(index), module)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def append(self, module: Module) -> Sequential:
        self.add_module(str(len(self)), module)
        return self

    def forward(self, input: Any) -> Any:  # noqa: A002
        for module in self._modules.values():
            input = module(input)  # noqa: A001
        return input


__all__ = ["Flatten", "Linear", "MaxPool2d", "ReLU", "Sequential"]
