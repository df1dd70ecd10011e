"""Convolution layers: ``Conv1d``, ``Conv2d`` (dilation, groups, ``padding='same'/'valid'``)
and ``ConvTranspose2d``, with PyTorch's parameters, default initialisation and repr.

Shapes: ``Conv{1,2}d.weight`` is ``(out_channels, in_channels / groups, *kernel_size)``,
``ConvTranspose2d.weight`` ``(in_channels, out_channels / groups, *kernel_size)``; ``bias``
is ``(out_channels,)``. Initialisation as PyTorch's ``reset_parameters``: weight
``kaiming_uniform_(a=sqrt(5))``, bias U(+-1/sqrt(fan_in)), fan_in from the weight's shape.
Only ``padding_mode='zeros'`` is supported; the others are refused at construction.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from microtensor.core.tensor import Tensor
from microtensor.nn import functional as F  # noqa: N812 (PyTorch's spelling)
from microtensor.nn.layers import _float_dtype, _positive, _reset
from microtensor.nn.module import Module
from microtensor.nn.parameter import Parameter


def _tuple(value: Any, size: int, name: str, layer: str, minimum: int) -> tuple[int, ...]:
    """An int or a ``size``-tuple of ints, as a tuple (PyTorch's ``_single``/``_pair``)."""
    values = (value,) * size if isinstance(value, int | np.integer) else tuple(value)
    if (len(values) != size or any(isinstance(v, bool) or not isinstance(v, int | np.integer)
                                   for v in values)):
        raise TypeError(f"{layer}: {name} must be an int or a tuple of {size} ints, got {value!r}")
    if min(values) < minimum:
        raise ValueError(f"{layer}: {name} must be at least {minimum}, got {value!r}")
    return tuple(int(v) for v in values)


class _ConvNd(Module):
    _dims = 2
    _transposed = False

    def __init__(
        self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
        padding: Any = 0, dilation: Any = 1, groups: int = 1, bias: bool = True,
        padding_mode: str = "zeros", *, output_padding: Any = 0, dtype: Any = None,
        generator: np.random.Generator | None = None,
    ) -> None:
        super().__init__()
        layer, dims = type(self).__name__, self._dims
        self.in_channels = _positive(in_channels, "in_channels", layer)
        self.out_channels = _positive(out_channels, "out_channels", layer)
        self.groups = _positive(groups, "groups", layer)
        if self.in_channels % self.groups:
            raise ValueError("in_channels must be divisible by groups")
        if self.out_channels % self.groups:
            raise ValueError("out_channels must be divisible by groups")
        self.kernel_size = _tuple(kernel_size, dims, "kernel_size", layer, 1)
        self.stride = _tuple(stride, dims, "stride", layer, 1)
        if isinstance(padding, str):
            if padding not in ("same", "valid") or (padding == "same" and self._transposed):
                raise ValueError(f"{layer}: Invalid padding string {padding!r}, should be one "
                                 "of ['valid', 'same']" if not self._transposed else
                                 f"{layer}: padding must be an int or a tuple of ints")
            if padding == "same" and self.stride != (1,) * dims:
                raise ValueError("padding='same' is not supported for strided convolutions")
            self.padding: Any = padding
        else:
            self.padding = _tuple(padding, dims, "padding", layer, 0)
        self.dilation = _tuple(dilation, dims, "dilation", layer, 1)
        self.output_padding = _tuple(output_padding, dims, "output_padding", layer, 0)
        if padding_mode != "zeros":
            if padding_mode in ("reflect", "replicate", "circular"):
                raise NotImplementedError(f"{layer}: padding_mode={padding_mode!r} is not "
                                          "supported; only 'zeros' is")
            raise ValueError("padding_mode must be one of ['zeros', 'reflect', 'replicate', "
                             f"'circular'], but got padding_mode='{padding_mode}'")
        self.padding_mode = padding_mode
        dtype = _float_dtype(dtype, layer)
        first, second = ((self.in_channels, self.out_channels // self.groups) if self._transposed
                         else (self.out_channels, self.in_channels // self.groups))
        self.weight = Parameter(np.empty((first, second, *self.kernel_size), dtype))
        self.bias = Parameter(np.empty(self.out_channels, dtype)) if bias else None
        self.reset_parameters(generator)

    def reset_parameters(self, generator: np.random.Generator | None = None) -> None:
        _reset(self.weight, self.bias, generator)

    def extra_repr(self) -> str:
        dims = self._dims
        text = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}")
        if self.padding != (0,) * dims:
            text += f", padding={self.padding}"
        if self.dilation != (1,) * dims:
            text += f", dilation={self.dilation}"
        if self.output_padding != (0,) * dims:
            text += f", output_padding={self.output_padding}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        if self.padding_mode != "zeros":
            text += f", padding_mode={self.padding_mode}"
        return text


class Conv1d(_ConvNd):
    """1-D convolution over ``(N, C_in, L)`` (or ``(C_in, L)``) inputs (``F.conv1d``)."""

    _dims = 1

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, dilation: Any = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros", **kwargs: Any) -> None:
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, padding_mode, **kwargs)

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        padding = self.padding if isinstance(self.padding, str) else self.padding[0]
        return F.conv1d(input, self.weight, self.bias, self.stride[0], padding,
                        self.dilation[0], self.groups)


class Conv2d(_ConvNd):
    """2-D cross-correlation over ``(N, C_in, H, W)`` inputs (``F.conv2d``).

    Output ``(N, out_channels, H_out, W_out)``,
    ``H_out = (H + 2 * padding - dilation * (kH - 1) - 1) // stride + 1`` (W_out alike).
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, dilation: Any = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros", **kwargs: Any) -> None:
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, padding_mode, **kwargs)

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        return F.conv2d(input, self.weight, self.bias, self.stride, self.padding,
                        self.dilation, self.groups)


class ConvTranspose2d(_ConvNd):
    """Transposed 2-D convolution (``F.conv_transpose2d``): ``H_out = (H - 1) * stride -
    2 * padding + dilation * (kH - 1) + output_padding + 1``."""

    _transposed = True

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, output_padding: Any = 0, groups: int = 1, bias: bool = True,
                 dilation: Any = 1, padding_mode: str = "zeros", **kwargs: Any) -> None:
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, padding_mode, output_padding=output_padding, **kwargs)

    def forward(self, input: Tensor, output_size: Any = None) -> Tensor:  # noqa: A002
        if output_size is not None:
            raise NotImplementedError("ConvTranspose2d: output_size is not supported; use "
                                      "output_padding")
        return F.conv_transpose2d(input, self.weight, self.bias, self.stride, self.padding,
                                  self.output_padding, self.groups, self.dilation)


__all__ = ["Conv1d", "Conv2d", "ConvTranspose2d"]
