"""Gather and scatter: the primitives Gather, GatherAdjoint, Scatter and the ops gather,
scatter (``scatter_``), scatter_add (``scatter_add_``), (the other indexing ops,
index_select, masked_fill, masked_select, nonzero: ``masked.py``).

Along ``dim``, with ``index`` of the input's number of dimensions (2-D, dim 0 shown)::

    gather:      out[i][j] = x[index[i][j]][j]
    scatter:     out = x, then out[index[i][j]][j] = src[i][j]
    scatter_add: out = x, then out[index[i][j]][j] += src[i][j]

``Gather`` and ``GatherAdjoint`` (scatter-add into zeros) are each other's gradient, as
``Index`` and ``IndexAdjoint`` are; ``scatter_add`` is ``x + GatherAdjoint(src)``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from microtensor.core.function import Context, Primitive
from microtensor.core.tensor import Tensor
from microtensor.ops.arguments import dim_index
from microtensor.ops.arithmetic import add
from microtensor.ops.shape import Index, IndexAdjoint
from microtensor.ops.table import public


def _positions(index: np.ndarray, dim: int) -> tuple[np.ndarray, ...]:
    """The integer-array key that puts ``index`` on axis ``dim`` and the positions
    ``0..index.shape[d]-1`` on every other axis d (broadcast against each other)."""
    grids = np.ogrid[tuple(slice(0, side) for side in index.shape)]
    return tuple(index if d == dim else grid for d, grid in enumerate(grids))


def _corner(shape: tuple[int, ...]) -> tuple[slice, ...]:
    """The key of the leading block of ``shape``: ``[:shape[0], :shape[1], ...]``."""
    return tuple(slice(0, side) for side in shape)


class Gather(Primitive):
    """``out[i][j] = x[index[i][j]][j]`` (dim 0; any dim alike); out has index's shape.

    The adjoint is ``GatherAdjoint``: d/dx = scatter-add of g at the gathered positions.
    """

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, index: np.ndarray, dim: int) -> np.ndarray:
        ctx.input_shape, ctx.index, ctx.dim = x.shape, index, dim
        return x.reshape(x.shape or (1,))[_positions(index.reshape(index.shape or (1,)), dim)] \
            .reshape(index.shape)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> tuple[Tensor, None, None]:
        return GatherAdjoint.apply(grad_output, ctx.index, ctx.dim, ctx.input_shape), None, None


class GatherAdjoint(Primitive):
    """Zeros of ``shape`` with ``g[i][j]`` added at ``[index[i][j]][j]`` (repeats add up):
    scatter_add into zeros, the adjoint of ``Gather``, whose gradient is ``Gather``."""

    @staticmethod
    def forward(
        ctx: Context, grad: np.ndarray, index: np.ndarray, dim: int, shape: tuple[int, ...]
    ) -> np.ndarray:
        ctx.index, ctx.dim = index, dim
        output = np.zeros(shape or (1,), dtype=grad.dtype)
        np.add.at(output, _positions(index.reshape(index.shape or (1,)), dim), grad)
        return output.reshape(shape)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> tuple[Tensor, None, None, None]:
        return Gather.apply(grad_output, ctx.index, ctx.dim), None, None, None


class Scatter(Primitive):
    """``x`` with ``src[i][j]`` written at ``[index[i][j]][j]`` (dim 0; ``src`` may be a
    number, or larger than ``index``: its leading block is used).

    d/dx = g with zeros where ``src`` was written; d/dsrc = gather(g, dim, index) in its
    leading block, zeros elsewhere (PyTorch's formula; where ``index`` repeats a position,
    as in PyTorch, every write of it receives the gradient).
    """

    @staticmethod
    def forward(
        ctx: Context, x: np.ndarray, src: Any, index: np.ndarray, dim: int
    ) -> np.ndarray:
        key = _positions(index.reshape(index.shape or (1,)), dim)
        values = np.reshape(src, np.shape(src) or (1,))[_corner(key[dim].shape)] \
            if isinstance(src, np.ndarray) else src
        output = x.reshape(x.shape or (1,)).copy()
        output[key] = values
        kept = np.ones(output.shape, dtype=x.dtype)
        kept[key] = 0
        ctx.kept, ctx.index, ctx.dim, ctx.src_shape = kept.reshape(x.shape), index, dim, \
            np.shape(src)
        return output.reshape(x.shape)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> tuple[Tensor | None, ...]:
        needs_x, needs_src, _, _ = ctx.needs_input_grad
        grad_src = None
        if needs_src:
            grad_src = Gather.apply(grad_output, ctx.index, ctx.dim)
            if grad_src.shape != ctx.src_shape:
                grad_src = IndexAdjoint.apply(grad_src, _corner(grad_src.shape), ctx.src_shape)
        return grad_output * ctx.kept if needs_x else None, grad_src, None, None


# ----- argument checks --------------------------------------------------------------


def _index_array(index: Any, op: str) -> np.ndarray:
    if not isinstance(index, Tensor):
        raise TypeError(f"{op}(): argument 'index' must be a Tensor, not {type(index).__name__}")
    if index.dtype not in (np.int64, np.int32):
        raise RuntimeError(f"{op}(): Expected dtype int32/int64 for index, got {index.dtype}")
    return index._array.astype(np.int64, copy=False)


def _checked_index(
    input: Tensor, dim: int, index: Any, op: str, src: Tensor | None = None
) -> tuple[int, np.ndarray]:
    """``dim`` as an axis and ``index`` as an int64 array, checked as PyTorch checks them:
    same number of dimensions, no larger than the input (and ``src``) apart from ``dim``,
    values in ``[0, input.shape[dim])``."""
    array = _index_array(index, op)
    d = dim_index(dim, input.ndim, op)
    shape = input.shape or (1,)
    if max(array.ndim, 1) != len(shape):
        raise RuntimeError(
            f"{op}(): Index tensor must have the same number of dimensions as input tensor "
            f"(index shape {array.shape}, input shape {input.shape})"
        )
    sides = array.shape or (1,)
    if src is not None and max(src.ndim, 1) != len(shape):
        raise RuntimeError(
            f"{op}(): Index tensor must have the same number of dimensions as src tensor "
            f"(index shape {array.shape}, src shape {src.shape})"
        )
    too_big = any(s > shape[i] for i, s in enumerate(sides) if i != d)
    if src is not None:
        too_big = too_big or any(s > t for s, t in zip(sides, src.shape or (1,), strict=True))
    if too_big and array.size:
        extra = f" and to be no larger size than src {list(src.shape)}" if src is not None else ""
        raise RuntimeError(
            f"{op}(): Expected index {list(array.shape)} to be no larger than self "
            f"{list(input.shape)} apart from dimension {d}{extra}"
        )
    outside = array[(array < 0) | (array >= shape[d])]
    if outside.size:
        raise RuntimeError(
            f"{op}(): index {outside.flat[0]} is out of bounds for dimension {d} with size "
            f"{shape[d]}"
        )
    return d, array


def _src(input: Tensor, src: Any, value: Any, op: str) -> Any:
    if (src is None) == (value is None):
        raise TypeError(f"{op}(): give exactly one of src (a Tensor) or value (a number)")
    if src is None:
        src = value
    if isinstance(src, Tensor):
        if src.dtype != input.dtype:
            raise RuntimeError(
                f"{op}(): Expected self.dtype to be equal to src.dtype, got {input.dtype} "
                f"and {src.dtype}"
            )
        return src
    if isinstance(src, bool | int | float | np.number):
        return src
    raise TypeError(f"{op}(): src must be a Tensor or a number, got {type(src).__name__}")


# ----- the public ops ---------------------------------------------------------------


@public()
def gather(input: Tensor, dim: int, index: Tensor, *, sparse_grad: bool = False) -> Tensor:
    """Values of ``input`` picked along ``dim`` by ``index`` (int64 or int32, as many
    dimensions as ``input``, no larger apart from ``dim``): ``out[i][j] = input[index[i][j]][j]``
    for dim 0; the result has ``index``'s shape. ``sparse_grad`` is accepted, the gradient is
    dense."""
    d, array = _checked_index(input, dim, index, "gather")
    return Gather.apply(input, array, d)


def _scatter(input: Tensor, dim: int, index: Tensor, src: Any, value: Any, op: str) -> Tensor:
    source = _src(input, src, value, op)
    d, array = _checked_index(
        input, dim, index, op, source if isinstance(source, Tensor) else None
    )
    return Scatter.apply(input, source, array, d)


@public(inplace=("scatter_",))
def scatter(
    input: Tensor, dim: int, index: Tensor, src: Any = None, value: Any = None, *,
    reduce: str | None = None,
) -> Tensor:
    """A copy of ``input`` with ``src`` (a Tensor of ``input``'s dtype, or a number ``value``)
    written where ``index`` points along ``dim``: ``out[index[i][j]][j] = src[i][j]`` for dim 0.

    ``reduce='add'`` adds instead of writing (``scatter_add``, differentiable here; PyTorch
    has no derivative for it); ``reduce='multiply'`` is not supported (NotImplementedError).
    Where ``index`` repeats a position, the last write wins (PyTorch leaves it unspecified).
    """
    if reduce is None:
        return _scatter(input, dim, index, src, value, "scatter")
    if reduce == "add":
        source = _src(input, src, value, "scatter")
        if not isinstance(source, Tensor):
            shape = _index_array(index, "scatter").shape
            source = Tensor._make(np.full(shape, source, dtype=input.dtype))
        return scatter_add(input, dim, index, source)
    if reduce == "multiply":
        raise NotImplementedError(
            "scatter(): reduce='multiply' is not supported by microtensor; multiply by a "
            "tensor made with scatter(ones, dim, index, src) instead"
        )
    raise RuntimeError(f"scatter(): reduce argument must be either add or multiply, got {reduce!r}")


@public(inplace=("scatter_add_",))
def scatter_add(input: Tensor, dim: int, index: Tensor, src: Tensor) -> Tensor:
    """A copy of ``input`` with ``src``'s values added where ``index`` points along ``dim``
    (repeated positions add up): ``out[index[i][j]][j] += src[i][j]`` for dim 0.

    Made of ``GatherAdjoint`` (scatter-add into zeros) and ``add``: d/dinput = g,
    d/dsrc = gather(g, dim, index) in ``src``'s leading block (zeros beyond it; PyTorch
    refuses a ``src`` larger than ``index`` at backward).
    """
    if not isinstance(src, Tensor):
        raise TypeError(f"scatter_add(): argument 'src' must be Tensor, not {type(src).__name__}")
    _src(input, src, None, "scatter_add")
    d, array = _checked_index(input, dim, index, "scatter_add", src)
    if src.shape != array.shape:
        src = Index.apply(src, _corner(array.shape or (1,)))
    return add(input, GatherAdjoint.apply(src, array, d, input.shape))
