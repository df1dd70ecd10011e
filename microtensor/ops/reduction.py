"""Reductions: the primitives Sum, Max, Min and the ops sum, mean, max, min, argmax.

A primitive's ``dim`` is None (all elements) or non-negative axes, normalised by the
public op (``arguments.normalize_dims``). ``mean`` is a sum times a constant.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np

from microtensor.core.function import Context, Primitive
from microtensor.core.tensor import Tensor
from microtensor.ops.arguments import dim_index, keepdim_arg, normalize_dims
from microtensor.ops.clamp import maximum, minimum
from microtensor.ops.shape import BroadcastTo, Reshape
from microtensor.ops.table import public


class MaxMin(NamedTuple):
    """``(values, indices)`` as returned by ``max``/``min`` with a ``dim``."""

    values: Tensor
    indices: Tensor


def _kept_shape(shape: tuple[int, ...], dim: tuple[int, ...] | None) -> tuple[int, ...]:
    """``shape`` with the reduced axes set to 1 (what keepdim=True gives)."""
    if dim is None:
        return (1,) * len(shape)
    return tuple(1 if i in dim else size for i, size in enumerate(shape))


class Sum(Primitive):
    """Sum over ``dim`` (all elements if None). d/dx = 1: the gradient is broadcast back."""

    @staticmethod
    def forward(
        ctx: Context, x: np.ndarray, dim: tuple[int, ...] | None = None, keepdim: bool = False
    ) -> np.ndarray:
        ctx.input_shape = x.shape
        ctx.dim = dim
        return np.asarray(x.sum(axis=dim, keepdims=keepdim))

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        if ctx.dim is not None:  # put back the summed axes as 1s, then broadcast
            kept = _kept_shape(ctx.input_shape, ctx.dim)
            if grad_output.shape != kept:
                grad_output = Reshape.apply(grad_output, kept)
        return BroadcastTo.apply(grad_output, ctx.input_shape)


class Max(Primitive):
    """Max over one ``dim``, or over all elements when ``dim`` is None.

    The gradient goes, as in PyTorch, to the index that ``max(dim)`` returns (the first
    maximum); over all elements it is shared equally among tied maxima. The routing mask
    is a constant, so the second derivative is 0 away from ties.
    """

    reduce = staticmethod(np.max)
    arg = staticmethod(np.argmax)

    @classmethod
    def forward(
        cls, ctx: Context, x: np.ndarray, dim: int | None = None, keepdim: bool = False
    ) -> np.ndarray:
        ctx.input_shape = x.shape
        ctx.dim = dim
        if dim is None:
            output = cls.reduce(x)
            mask = x == output
            ctx.save_for_backward((mask / mask.sum()).astype(x.dtype))
            return np.asarray(output)
        indices = np.expand_dims(cls.arg(x, axis=dim), dim)
        mask = np.zeros(x.shape, dtype=x.dtype)
        np.put_along_axis(mask, indices, 1, axis=dim)
        ctx.save_for_backward(mask)
        output = np.take_along_axis(x, indices, axis=dim)
        return output if keepdim else output.squeeze(dim)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        (mask,) = ctx.saved_tensors
        kept = _kept_shape(ctx.input_shape, None if ctx.dim is None else (ctx.dim,))
        if grad_output.shape != kept:
            grad_output = Reshape.apply(grad_output, kept)
        return grad_output * mask


class Min(Max):
    """Min over one ``dim`` or all elements; the gradient as for ``Max``."""

    reduce = staticmethod(np.min)
    arg = staticmethod(np.argmin)


# ----- the public ops ---------------------------------------------------------------


@public()
def sum(input: Tensor, dim: Any = None, keepdim: bool = False, *,
        keepdims: bool | None = None) -> Tensor:
    """The sum over ``dim`` (an int or several; all elements when None)."""
    keepdim = keepdim_arg(keepdim, keepdims, "sum")
    return Sum.apply(input, dim=normalize_dims(dim, input._array.ndim, "sum"), keepdim=keepdim)


@public()
def mean(input: Tensor, dim: Any = None, keepdim: bool = False, *,
         keepdims: bool | None = None) -> Tensor:
    """The mean over ``dim`` (an int or several; all elements when None): sum times 1/count.

    The mean of nothing (count 0) is NaN, as in PyTorch.
    """
    keepdim = keepdim_arg(keepdim, keepdims, "mean")
    dims = normalize_dims(dim, input._array.ndim, "mean")
    count = input._array.size if dims is None else math.prod(input._array.shape[d] for d in dims)
    return Sum.apply(input, dim=dims, keepdim=keepdim) * (1.0 / count if count else math.nan)


def _extremum(
    input: Tensor, function: type[Max], dim: Any, keepdim: bool, other: Any, keepdims: Any
) -> Any:
    """``max``/``min`` in PyTorch's three forms: over all elements (a Tensor), along
    ``dim`` (``(values, indices)``), or elementwise against a Tensor ``other``."""
    name = function.__name__.lower()
    keepdim = keepdim_arg(keepdim, keepdims, name)
    if isinstance(dim, Tensor) or other is not None:  # max(input, other)
        if isinstance(dim, Tensor) and other is not None:
            raise TypeError(f"{name}(): got other twice (as dim and as other=)")
        other = dim if other is None else other
        if not isinstance(other, Tensor):
            raise TypeError(
                f"{name}(): other must be a Tensor (or pass dim as an int), got "
                f"{type(other).__name__}; for a number use clamp"
            )
        return (maximum if function is Max else minimum)(input, other)
    if dim is not None and (isinstance(dim, bool) or not isinstance(dim, int | np.integer)):
        raise TypeError(f"{name}(): dim must be an int or other a Tensor, got {dim!r}")
    if dim is None:
        _check_not_empty(input, name)
        return function.apply(input)
    axis = dim_index(dim, input._array.ndim, name)
    if input._array.ndim == 0:  # a 0-d tensor along dim 0 or -1: itself, at index 0 (PyTorch)
        return MaxMin(function.apply(input), Tensor._make(np.zeros((), dtype=np.int64)))
    _check_not_empty(input, name, axis)
    values = function.apply(input, dim=axis, keepdim=keepdim)
    indices = function.arg(input._array, axis=axis)
    if keepdim:
        indices = np.expand_dims(indices, axis)
    return MaxMin(values, Tensor._make(indices.astype(np.int64)))


def _check_not_empty(input: Tensor, name: str, axis: int | None = None) -> None:
    """PyTorch's errors for an extremum over nothing: no dim given, or an empty dim."""
    if axis is None and input._array.size == 0:
        raise RuntimeError(
            f"{name}(): expected a non-empty tensor, got shape {input.shape}; over an empty "
            "input, specify the reduction dim with the 'dim' argument"
        )
    if axis is not None and input._array.shape[axis] == 0:
        raise IndexError(
            f"{name}(): expected reduction dim {axis} to have non-zero size (input shape "
            f"{input.shape})"
        )


@public()
def max(input: Tensor, dim: Any = None, keepdim: bool = False, *, other: Any = None,
        keepdims: bool | None = None) -> Any:
    """The maximum of all elements; ``(values, indices)`` along ``dim``; or, with a Tensor
    ``other`` (``max(input, other)``), the elementwise maximum, ties sharing the gradient."""
    return _extremum(input, Max, dim, keepdim, other, keepdims)


@public()
def min(input: Tensor, dim: Any = None, keepdim: bool = False, *, other: Any = None,
        keepdims: bool | None = None) -> Any:
    """The minimum of all elements; ``(values, indices)`` along ``dim``; or, with a Tensor
    ``other`` (``min(input, other)``), the elementwise minimum, ties sharing the gradient."""
    return _extremum(input, Min, dim, keepdim, other, keepdims)


@public()
def argmax(input: Tensor, dim: int | None = None, keepdim: bool = False, *,
           keepdims: bool | None = None) -> Tensor:
    """Index of the first maximum (of the flattened tensor when ``dim`` is None)."""
    keepdim = keepdim_arg(keepdim, keepdims, "argmax")
    if dim is None:
        if input._array.size == 0:
            raise IndexError(
                f"argmax(): expected reduction dim to be specified for an empty input (shape "
                f"{input.shape}); specify the reduction dim with the 'dim' argument"
            )
        return Tensor._make(np.asarray(np.argmax(input._array), dtype=np.int64))
    axis = dim_index(dim, input._array.ndim, "argmax")
    if input._array.ndim:
        _check_not_empty(input, "argmax", axis)
    return Tensor._make(np.argmax(input._array, axis=axis, keepdims=keepdim).astype(np.int64))
