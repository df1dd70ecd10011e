"""Normalisation layers: ``BatchNorm1d``, ``BatchNorm2d``, ``LayerNorm``, ``GroupNorm``,
with PyTorch's parameters (``weight`` ones, ``bias`` zeros), buffers (``running_mean``
zeros, ``running_var`` ones, ``num_batches_tracked`` an int64 0), arguments and reprs.

BatchNorm in training normalises with the batch's statistics and updates the running
ones (``momentum``; ``momentum=None`` is the cumulative average ``1 / num_batches``); in
eval mode it normalises with the running ones, unless ``track_running_stats=False``, when
there are none and the batch's statistics are always used.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from microtensor.core import dtypes
from microtensor.core.tensor import Tensor
from microtensor.nn import functional as F  # noqa: N812 (PyTorch's spelling)
from microtensor.nn.module import Module
from microtensor.nn.parameter import Parameter


def _dtype(dtype: Any) -> np.dtype:
    return dtypes.get_default_dtype() if dtype is None else np.dtype(dtype)


def _affine_parameters(
    module: Module, shape: tuple[int, ...], dtype: Any, affine: bool, bias: bool
) -> None:
    """``weight`` (ones) and ``bias`` (zeros) of ``shape``, or None where absent."""
    dtype = _dtype(dtype)
    if affine:
        module.weight = Parameter(np.ones(shape, dtype))
    else:
        module.register_parameter("weight", None)
    if affine and bias:
        module.bias = Parameter(np.zeros(shape, dtype))
    else:
        module.register_parameter("bias", None)


class _BatchNorm(Module):
    _expected_dims: tuple[int, ...] = ()

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        device: Any = None,
        dtype: Any = None,
        *,
        bias: bool = True,
    ) -> None:
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        _affine_parameters(self, (num_features,), dtype, affine, bias)
        dtype = _dtype(dtype)
        if track_running_stats:
            self.register_buffer("running_mean", Tensor._make(np.zeros(num_features, dtype)))
            self.register_buffer("running_var", Tensor._make(np.ones(num_features, dtype)))
            self.register_buffer("num_batches_tracked", Tensor._make(np.array(0, np.int64)))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            for name, value in (("running_mean", 0), ("running_var", 1),
                                ("num_batches_tracked", 0)):  # fmt: skip
                buffer = self._buffers[name]
                buffer._array[...] = value
                buffer._bump_version()

    def reset_parameters(self) -> None:
        self.reset_running_stats()
        for parameter, value in ((self.weight, 1), (self.bias, 0)):
            if parameter is not None:
                parameter._array[...] = value
                parameter._bump_version()

    def _check_input_dim(self, input: Tensor) -> None:  # noqa: A002
        if input.ndim not in self._expected_dims:
            expected = " or ".join(f"{d}D" for d in self._expected_dims)
            raise ValueError(f"expected {expected} input (got {input.ndim}D input)")

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        self._check_input_dim(input)
        momentum = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            tracked = self.num_batches_tracked
            tracked._array += 1
            tracked._bump_version()
            if self.momentum is None:  # the cumulative average
                momentum = 1.0 / float(tracked._array)
        # Batch statistics in training, and always when there are no running ones.
        use_batch = self.training or self.running_mean is None
        track = not self.training or self.track_running_stats
        return F.batch_norm(
            input,
            self.running_mean if track else None,
            self.running_var if track else None,
            self.weight,
            self.bias,
            use_batch,
            momentum,
            self.eps,
        )

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
            f"affine={self.affine}, bias={self.bias is not None}, "
            f"track_running_stats={self.track_running_stats}"
        )


class BatchNorm1d(_BatchNorm):
    """Batch normalisation of ``(N, C)`` or ``(N, C, L)`` inputs, per channel."""

    _expected_dims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch normalisation of ``(N, C, H, W)`` inputs, per channel."""

    _expected_dims = (4,)


class LayerNorm(Module):
    """Normalises over the last dims (shape ``normalized_shape``), then ``* weight + bias``
    elementwise (parameters of shape ``normalized_shape``) when ``elementwise_affine``."""

    def __init__(
        self,
        normalized_shape: int | Sequence[int],
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        if isinstance(normalized_shape, int | np.integer):
            normalized_shape = (int(normalized_shape),)
        self.normalized_shape = tuple(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        _affine_parameters(self, self.normalized_shape, dtype, elementwise_affine, bias)

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, "
            f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}"
        )


class GroupNorm(Module):
    """Normalises each of ``num_groups`` groups of channels per sample, then ``* weight +
    bias`` per channel (parameters of shape ``(num_channels,)``) when ``affine``."""

    def __init__(
        self,
        num_groups: int,
        num_channels: int,
        eps: float = 1e-5,
        affine: bool = True,
        device: Any = None,
        dtype: Any = None,
        *,
        bias: bool = True,
    ) -> None:
        super().__init__()
        if num_channels % num_groups != 0:
            raise ValueError(
                f"num_channels ({num_channels}) must be divisible by num_groups ({num_groups})"
            )
        self.num_groups = num_groups
        self.num_channels = num_channels
        self.eps = eps
        self.affine = affine
        _affine_parameters(self, (num_channels,), dtype, affine, bias)

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
            f"bias={self.bias is not None}"
        )


__all__ = ["BatchNorm1d", "BatchNorm2d", "GroupNorm", "LayerNorm"]
