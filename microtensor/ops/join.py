"""Joining and splitting: the primitives Cat, Where, Triangle; ``cat``/``concat``,
``stack``, ``split``, ``chunk``, ``where``, ``tril``, ``triu``, ``meshgrid``.

``cat``'s gradient is its output gradient cut back into the inputs' pieces (basic
indexing, differentiable); ``where``'s routes the gradient to ``x`` where the condition
holds and to ``y`` elsewhere; ``tril``/``triu`` keep a triangle, so their gradient is the
same triangle of the output gradient. ``stack``, ``split``, ``chunk`` and ``meshgrid`` are
compositions (``unsqueeze`` + ``cat``, slices, ``reshape`` + ``expand``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from microtensor.core import dtypes
from microtensor.core.function import Context, Primitive
from microtensor.core.tensor import Tensor
from microtensor.ops.arguments import dim_index
from microtensor.ops.shape import sum_to
from microtensor.ops.table import public


class Cat(Primitive):
    """``concatenate(xs, dim)``. d/dx_i = the slice of g at x_i's place along ``dim``."""

    @staticmethod
    def forward(ctx: Context, *xs: np.ndarray, dim: int) -> np.ndarray:
        ctx.dim, ctx.sizes = dim, [x.shape[dim] for x in xs]
        return np.concatenate(xs, axis=dim)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> tuple[Tensor | None, ...]:
        grads, offset = [], 0
        for size, needs in zip(ctx.sizes, ctx.needs_input_grad, strict=True):
            key = (slice(None),) * ctx.dim + (slice(offset, offset + size),)
            grads.append(grad_output[key] if needs else None)  # type: ignore[index]
            offset += size
        return tuple(grads)


class Where(Primitive):
    """``condition ? x : y``, broadcast. d/dx = g where the condition holds (0 elsewhere),
    d/dy = g where it does not, each summed back to its input's shape."""

    @staticmethod
    def forward(ctx: Context, condition: np.ndarray, x: Any, y: Any) -> np.ndarray:
        ctx.condition, ctx.shapes = condition, (np.shape(x), np.shape(y))
        return np.where(condition, x, y)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> tuple[Tensor | None, ...]:
        _, needs_x, needs_y = ctx.needs_input_grad
        zero = np.zeros((), dtype=grad_output._array.dtype)
        shape_x, shape_y = ctx.shapes
        return (
            None,
            sum_to(Where.apply(ctx.condition, grad_output, zero), shape_x) if needs_x else None,
            sum_to(Where.apply(ctx.condition, zero, grad_output), shape_y) if needs_y else None,
        )


class Triangle(Primitive):
    """The lower (``upper=False``) or upper triangle of the last two dimensions, from
    ``diagonal`` on; zeros elsewhere. Linear and self-adjoint: d/dx = the same triangle of g."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, diagonal: int, upper: bool) -> np.ndarray:
        ctx.diagonal, ctx.upper = diagonal, upper
        return np.triu(x, diagonal) if upper else np.tril(x, diagonal)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> tuple[Tensor, None, None]:
        return Triangle.apply(grad_output, ctx.diagonal, ctx.upper), None, None


# ----- the public ops ---------------------------------------------------------------


def _tensors(tensors: Any, op: str) -> list[Tensor]:
    if isinstance(tensors, Tensor) or not isinstance(tensors, list | tuple):
        raise TypeError(
            f"{op}(): argument 'tensors' must be a tuple or list of Tensors, got "
            f"{type(tensors).__name__}"
        )
    if not tensors:
        raise RuntimeError(f"{op}(): expected a non-empty list of Tensors")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}(): expected Tensor as element {i}, got {type(t).__name__}")
    return list(tensors)


def common_dtype(values: list[Any]) -> np.dtype:
    """PyTorch's result dtype of tensors and Python numbers (``dtypes.result_type``)."""
    return dtypes.result_type(*[v._array if isinstance(v, Tensor) else v for v in values])


def _promoted(tensors: list[Tensor]) -> list[Tensor]:
    """The tensors in their common dtype (``common_dtype``)."""
    common = common_dtype(list(tensors))
    return [t if t._array.dtype == common else t.to(common) for t in tensors]  # type: ignore[attr-defined]


@public(methods=(), tensor_first=False)
def cat(tensors: Any, dim: int = 0) -> Tensor:
    """The tensors joined along ``dim``; all other sizes must match (1-D empty tensors
    are skipped, as PyTorch's legacy rule)."""
    tensors = _tensors(tensors, "cat")
    kept = [t for t in tensors if not (t.ndim == 1 and t.shape[0] == 0)] or tensors[:1]
    ndim = kept[0].ndim
    if ndim == 0:
        raise RuntimeError("cat(): zero-dimensional tensor (at position 0) cannot be concatenated")
    axis = dim_index(dim, ndim, "cat")
    for i, t in enumerate(kept):
        if t.ndim != ndim:
            raise RuntimeError(
                f"cat(): Tensors must have same number of dimensions: got {ndim} and {t.ndim}"
            )
        for d in range(ndim):
            if d != axis and t.shape[d] != kept[0].shape[d]:
                raise RuntimeError(
                    f"cat(): Sizes of tensors must match except in dimension {axis}. Expected "
                    f"size {kept[0].shape[d]} but got size {t.shape[d]} for tensor number {i} "
                    "in the list."
                )
    return Cat.apply(*_promoted(kept), dim=axis)


@public(methods=(), tensor_first=False)
def concat(tensors: Any, dim: int = 0) -> Tensor:
    """``cat``'s other name."""
    return cat(tensors, dim)


@public(methods=(), tensor_first=False)
def stack(tensors: Any, dim: int = 0) -> Tensor:
    """The tensors (all of one shape) joined along a new dimension ``dim``."""
    tensors = _tensors(tensors, "stack")
    for i, t in enumerate(tensors):
        if t.shape != tensors[0].shape:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(tensors[0].shape)} "
                f"at entry 0 and {list(t.shape)} at entry {i}"
            )
    axis = dim_index(dim, tensors[0].ndim + 1, "stack")
    return cat([t.unsqueeze(axis) for t in tensors], axis)  # type: ignore[attr-defined]


def _pieces(input: Tensor, sizes: list[int], axis: int) -> tuple[Tensor, ...]:
    pieces, offset = [], 0
    for size in sizes:
        key = (slice(None),) * axis + (slice(offset, offset + size),)
        pieces.append(input[key])  # type: ignore[index]
        offset += size
    return tuple(pieces)


@public()
def split(input: Tensor, split_size_or_sections: Any, dim: int = 0) -> tuple[Tensor, ...]:
    """Views of ``input`` along ``dim``: pieces of ``split_size`` (the last may be smaller),
    or of the sizes in a list (which must add up to the size of ``dim``)."""
    axis = dim_index(dim, input.ndim, "split")
    length = input.shape[axis] if input.ndim else 0
    if isinstance(split_size_or_sections, int | np.integer):
        size = int(split_size_or_sections)
        if size < 0 or (size == 0 and length):
            raise RuntimeError(
                f"split expects split_size be non-negative, but got split_size={size}"
            )
        sizes = [min(size, length - start) for start in range(0, length, size)] if size else [0]
    else:
        sizes = [int(s) for s in split_size_or_sections]
        if sum(sizes) != length or min(sizes, default=0) < 0:
            raise RuntimeError(
                f"split_with_sizes expects split_sizes to sum exactly to {length} (input "
                f"tensor's size at dimension {axis}), but got split_sizes={sizes}"
            )
    return _pieces(input, sizes or [0], axis)


@public()
def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    """``input`` split along ``dim`` into at most ``chunks`` pieces of ``ceil(size/chunks)``."""
    if not isinstance(chunks, int | np.integer) or chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    axis = dim_index(dim, input.ndim, "chunk")
    length = input.shape[axis]
    return split(input, max(1, -(-length // int(chunks))), axis)


@public(methods=())
def where(condition: Tensor, input: Any = None, other: Any = None) -> Any:
    """``input`` where ``condition`` holds, ``other`` elsewhere (broadcast together); with
    the condition alone, the indices of its non-zero elements (a tuple, one per dimension)."""
    if input is None and other is None:
        return tuple(Tensor._make(i.astype(np.int64)) for i in np.nonzero(condition._array))
    if condition._array.dtype != np.bool_:
        raise RuntimeError(
            f"where expected condition to be a boolean tensor, but got a tensor with dtype "
            f"{condition.dtype}"
        )
    common = common_dtype([input, other])
    x, y = (
        (v if v._array.dtype == common else v.to(common)) if isinstance(v, Tensor)  # type: ignore[attr-defined]
        else np.asarray(v, dtype=common)
        for v in (input, other)
    )
    try:
        np.broadcast_shapes(condition.shape, np.shape(x), np.shape(y))
    except ValueError:
        raise RuntimeError(
            f"where: shapes of condition {tuple(condition.shape)}, input {np.shape(x)} and "
            f"other {np.shape(y)} do not broadcast"
        ) from None
    return Where.apply(condition, x, y)


@public(methods=("where",), function=False)
def where_self(input: Tensor, condition: Tensor, other: Any) -> Tensor:
    """``x.where(condition, y)``: ``where(condition, x, y)`` (PyTorch's method order)."""
    return where(condition, input, other)


def _triangle(input: Tensor, diagonal: int, upper: bool) -> Tensor:
    if input.ndim < 2:
        name = "triu" if upper else "tril"
        raise RuntimeError(
            f"{name}: input tensor must have at least 2 dimensions, got {input.ndim}"
        )
    return Triangle.apply(input, int(diagonal), upper)


@public(inplace=("tril_",))
def tril(input: Tensor, diagonal: int = 0) -> Tensor:
    """The lower triangle of the last two dimensions (from ``diagonal`` down), zeros above."""
    return _triangle(input, diagonal, False)


@public(inplace=("triu_",))
def triu(input: Tensor, diagonal: int = 0) -> Tensor:
    """The upper triangle of the last two dimensions (from ``diagonal`` up), zeros below."""
    return _triangle(input, diagonal, True)


@public(methods=(), tensor_first=False)
def meshgrid(*tensors: Any, indexing: str = "ij") -> tuple[Tensor, ...]:
    """Coordinate grids of 1-D (or 0-d) tensors: output ``i`` holds ``tensors[i]`` along
    dimension ``i`` (``indexing="ij"``) or with the first two swapped (``"xy"``)."""
    if len(tensors) == 1 and isinstance(tensors[0], list | tuple):
        tensors = tuple(tensors[0])
    tensors = tuple(_tensors(list(tensors), "meshgrid"))
    if indexing not in ("ij", "xy"):
        raise RuntimeError(
            f"meshgrid: indexing must be one of 'xy' or 'ij', but received: {indexing}"
        )
    for t in tensors:
        if t.ndim > 1:
            raise RuntimeError(
                f"meshgrid: Expected 0D or 1D tensor in the tensor list but got: {t.ndim}D"
            )
    flat = [t.reshape(-1) for t in tensors]  # type: ignore[attr-defined]
    swap = indexing == "xy" and len(flat) >= 2
    if swap:
        flat[0], flat[1] = flat[1], flat[0]
    shape = [t.shape[0] for t in flat]
    grids = []
    for i, t in enumerate(flat):
        view = [1] * len(flat)
        view[i] = shape[i]
        grids.append(t.reshape(view).expand(*shape))  # type: ignore[attr-defined]
    if swap:
        grids[0], grids[1] = grids[1], grids[0]
    return tuple(grids)
