"""Shape: the primitives Reshape, Permute, BroadcastTo, SumTo, Index, IndexAdjoint, IndexPut
and the ops reshape, view, flatten, permute, transpose, unsqueeze, squeeze, ``x[index]``,
``x[index] = value``, fill_, zero_, copy_ (expand and the other layout ops: ``layout.py``).

Each pair is closed under backward: the gradient of ``reshape`` is a ``reshape``, of
``permute`` the inverse ``permute``, of ``broadcast_to`` a ``sum_to`` and back, of
``index`` an ``index_adjoint`` (scatter-add into zeros) and back.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from microtensor.core.function import Context, Primitive
from microtensor.core.inplace import modify_in_place
from microtensor.core.tensor import Tensor
from microtensor.ops.arguments import dim_index, shape_args
from microtensor.ops.table import public


class Reshape(Primitive):
    """``x.reshape(shape)``. The gradient is reshaped back. A view when NumPy can make one."""

    creates_view = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
        ctx.input_shape = x.shape
        return x.reshape(shape)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> tuple[Tensor, None]:
        return Reshape.apply(grad_output, ctx.input_shape), None


class Permute(Primitive):
    """``x.transpose(dims)``. The gradient is permuted by the inverse permutation. A view."""

    creates_view = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, dims: tuple[int, ...]) -> np.ndarray:
        ctx.dims = dims
        return x.transpose(dims)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> tuple[Tensor, None]:
        inverse = [0] * len(ctx.dims)
        for position, dim in enumerate(ctx.dims):
            inverse[dim] = position
        return Permute.apply(grad_output, tuple(inverse)), None


class BroadcastTo(Primitive):
    """``x`` repeated along broadcast axes up to ``shape``. Its adjoint is ``SumTo``.

    The result is a new array, not ``np.broadcast_to``'s read-only view: that view costs
    several microseconds to build, more than copying the small arrays this mostly sees.
    """

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
        ctx.input_shape = x.shape
        output = np.empty(shape, dtype=x.dtype)
        np.copyto(output, x)
        return output

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> tuple[Tensor, None]:
        return SumTo.apply(grad_output, ctx.input_shape), None


class SumTo(Primitive):
    """Sum ``x`` down to ``shape``, undoing NumPy broadcasting: the adjoint of ``BroadcastTo``.

    Leading axes that broadcasting added are summed away; axes where ``shape`` has 1
    are summed with keepdims. This is the only place where broadcasting is undone.
    """

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
        ctx.input_shape = x.shape
        lead = x.ndim - len(shape)
        axes = tuple(range(lead)) + tuple(
            lead + i for i, size in enumerate(shape) if size == 1 and x.shape[lead + i] != 1
        )
        summed = x.sum(axis=axes, keepdims=True) if axes else x
        return summed.reshape(shape)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> tuple[Tensor, None]:
        return BroadcastTo.apply(grad_output, ctx.input_shape), None


def sum_to(tensor: Tensor, shape: tuple[int, ...]) -> Tensor:
    """``tensor`` summed down to ``shape`` (itself when the shape already matches)."""
    return tensor if tensor._array.shape == shape else SumTo.apply(tensor, shape)


class Index(Primitive):
    """``x[index]`` for basic and integer-array indices. The adjoint is ``IndexAdjoint``.

    A view for basic indices (ints, slices, None, Ellipsis), a copy for arrays, as NumPy's.
    """

    creates_view = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, index: Any) -> np.ndarray:
        ctx.input_shape = x.shape
        ctx.index = index
        return np.asarray(x[index])

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> tuple[Tensor, None]:
        return IndexAdjoint.apply(grad_output, ctx.index, ctx.input_shape), None


class IndexAdjoint(Primitive):
    """Zeros of ``shape`` with ``g`` added at ``index`` (repeated indices add up).

    The adjoint of ``Index``: <x[index], g> = <x, index_adjoint(g)>. Its own gradient
    is ``Index`` with the same index.
    """

    @staticmethod
    def forward(
        ctx: Context, grad: np.ndarray, index: Any, shape: tuple[int, ...]
    ) -> np.ndarray:
        ctx.index = index
        output = np.zeros(shape, dtype=grad.dtype)
        np.add.at(output, index, grad)
        return output

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> tuple[Tensor, None, None]:
        return Index.apply(grad_output, ctx.index), None, None


class IndexPut(Primitive):
    """``x`` with ``value`` written at ``index`` (broadcast to ``x[index]``'s shape).

    The out-of-place form of ``x[index] = value``. d/dx = g with zeros at ``index`` (those
    entries were overwritten); d/dvalue = g[index], summed back to ``value``'s shape.
    """

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, value: Any, index: Any) -> np.ndarray:
        output = x.copy()
        output[index] = value
        kept = np.ones(x.shape, dtype=x.dtype)
        kept[index] = 0
        ctx.kept, ctx.index, ctx.value_shape = kept, index, np.shape(value)
        return output

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> tuple[Tensor | None, ...]:
        needs_x, needs_value, _ = ctx.needs_input_grad
        return (
            grad_output * ctx.kept if needs_x else None,
            sum_to(Index.apply(grad_output, ctx.index), ctx.value_shape) if needs_value else None,
            None,
        )


# ----- the public ops ---------------------------------------------------------------


@public(methods=("reshape", "view"))
def reshape(input: Tensor, *shape: Any) -> Tensor:
    """The same elements in ``shape`` (one size may be -1): ``x.reshape(2, 3)`` or ``(2, 3)``."""
    shape = shape_args(shape)
    size = input._array.size
    known = math.prod(s for s in shape if s != -1)
    if shape.count(-1) == 1 and known > 0 and size % known == 0:
        shape = tuple(size // known if s == -1 else s for s in shape)
    if -1 in shape or math.prod(shape) != size:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {size}")
    return input if shape == input._array.shape else Reshape.apply(input, shape)


@public()
def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Dimensions ``start_dim`` to ``end_dim`` merged into one."""
    sizes = input._array.shape
    if not sizes:
        return Reshape.apply(input, (1,))
    start = dim_index(start_dim, len(sizes), "flatten")
    end = dim_index(end_dim, len(sizes), "flatten")
    if start > end:
        raise RuntimeError(
            f"flatten(): start_dim {start_dim} cannot come after end_dim {end_dim}"
        )
    shape = (*sizes[:start], math.prod(sizes[start : end + 1]), *sizes[end + 1 :])
    return input if shape == sizes else Reshape.apply(input, shape)


@public()
def permute(input: Tensor, *dims: Any) -> Tensor:
    """The dimensions reordered: output dimension i is input dimension ``dims[i]``."""
    dims = tuple(dim_index(d, input._array.ndim, "permute") for d in shape_args(dims))
    if sorted(dims) != list(range(input._array.ndim)):
        raise RuntimeError(
            f"permute: got dims {dims} for a {input.ndim}-D tensor of shape {input.shape}; "
            "give each dimension exactly once"
        )
    return Permute.apply(input, dims)


@public()
def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """Dimensions ``dim0`` and ``dim1`` swapped."""
    if input._array.ndim < 2 and dim0 in (0, -1) and dim1 in (0, -1):
        return input
    ndim = input._array.ndim
    dims = list(range(ndim))
    d0, d1 = dim_index(dim0, ndim, "transpose"), dim_index(dim1, ndim, "transpose")
    dims[d0], dims[d1] = dims[d1], dims[d0]
    return Permute.apply(input, tuple(dims))


@public()
def unsqueeze(input: Tensor, dim: int) -> Tensor:
    """A dimension of size 1 inserted at ``dim``."""
    d = dim_index(dim, input._array.ndim + 1, "unsqueeze")
    return Reshape.apply(input, (*input._array.shape[:d], 1, *input._array.shape[d:]))


@public()
def squeeze(input: Tensor, dim: int | None = None) -> Tensor:
    """Dimensions of size 1 removed (only ``dim``, when given)."""
    if dim is None:
        shape = tuple(s for s in input._array.shape if s != 1)
    else:
        d = dim_index(dim, input._array.ndim, "squeeze")
        kept = input._array.ndim == 0 or input._array.shape[d] != 1
        shape = input._array.shape if kept else input._array.shape[:d] + input._array.shape[d + 1 :]
    return input if shape == input._array.shape else Reshape.apply(input, shape)


def _index_part(part: Any) -> Any:
    if isinstance(part, Tensor):
        if part.dtype.kind not in "iub":
            raise IndexError(
                f"tensors used as indices must be long, int or bool tensors, got {part.dtype}"
            )
        return part._array
    if isinstance(part, list):
        return np.asarray(part)
    return part


@public(methods=("__getitem__",), function=False)
def index(input: Tensor, key: Any) -> Tensor:
    """``input[key]``: ints, slices, None, Ellipsis, integer or bool arrays/tensors."""
    key = tuple(_index_part(p) for p in key) if isinstance(key, tuple) else _index_part(key)
    try:
        return Index.apply(input, key)
    except IndexError as error:
        raise IndexError(f"index {key!r} into a tensor of shape {input.shape}: {error}") from None


def _index_put(input: Tensor, key: Any, value: Any) -> Tensor:
    try:
        return IndexPut.apply(input, value, key)
    except IndexError as error:
        raise IndexError(f"index {key!r} into a tensor of shape {input.shape}: {error}") from None
    except ValueError:
        shape = np.shape(value._array if isinstance(value, Tensor) else value)
        raise RuntimeError(
            f"setitem: a value of shape {shape} cannot be broadcast to the indexed shape "
            f"{np.shape(input._array[key])}"
        ) from None


@public(methods=("__setitem__",), function=False)
def setitem(input: Tensor, key: Any, value: Any) -> None:
    """``input[key] = value``, in place: basic, integer-array and boolean-mask indices;
    recorded for backward (to ``input``'s old values and to ``value``) as in PyTorch."""
    key = tuple(_index_part(p) for p in key) if isinstance(key, tuple) else _index_part(key)
    modify_in_place(input, _index_put, key, value, name="__setitem__")


@public(methods=(), inplace=("fill_",), function=False)
def fill(input: Tensor, value: Any) -> Tensor:
    """Every element set to ``value`` (a number or a one-element tensor)."""
    return _index_put(input, Ellipsis, value)


@public(methods=(), inplace=("zero_",), function=False)
def zero(input: Tensor) -> Tensor:
    """Every element set to 0."""
    return _index_put(input, Ellipsis, 0)


@public(methods=(), inplace=("copy_",), function=False)
def copy(input: Tensor, src: Any) -> Tensor:
    """The values of ``src``, broadcast to this tensor's shape and cast to its dtype."""
    return _index_put(input, Ellipsis, src)
