"""Layout: the primitives Expand, Flip, Roll, Contiguous and the ops expand, expand_as,
view_as, reshape_as, t, movedim, swapaxes, flip, roll, repeat, contiguous (narrow and
unbind, views too, are in ``masked.py``).

Views, as in PyTorch: ``expand``, ``expand_as``, ``view_as``, ``t``, ``movedim``,
``swapaxes``, ``narrow`` and each tensor of ``unbind`` share memory and the version counter
with their input (they are ``Reshape``, ``Permute``, ``Index`` or ``Expand``, primitives
with ``creates_view``), so an in-place change of either is seen by both, and a saved view
changed in place is caught at backward. ``flip``, ``roll`` and ``repeat`` make new memory.

Pairs closed under backward: ``Expand``'s gradient is ``SumTo`` (whose own is
``BroadcastTo``); ``Flip`` is its own adjoint; ``Roll``'s is ``Roll`` by the opposite
shifts; ``Contiguous`` (a copy) has the copy of the gradient as its gradient.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from microtensor.core.function import Context, Primitive
from microtensor.core.tensor import Tensor
from microtensor.ops.arguments import dim_index, shape_args
from microtensor.ops.shape import Permute, Reshape, SumTo, reshape
from microtensor.ops.table import public


class Expand(Primitive):
    """``x`` broadcast to ``shape`` without copying: a read-only view whose broadcast axes
    have stride 0 (PyTorch's ``expand``). Its adjoint is ``SumTo``: d/dx = sum_to(g, x.shape).

    Read-only, because several elements share one memory location: an in-place change of
    an expanded tensor is refused (PyTorch refuses it too; ``clone()`` it first).
    """

    creates_view = True

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
        ctx.input_shape = x.shape
        return np.broadcast_to(x, shape)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> tuple[Tensor, None]:
        return SumTo.apply(grad_output, ctx.input_shape), None


class Flip(Primitive):
    """``x`` reversed along ``dims`` (a copy, as PyTorch's ``flip``). Its own adjoint:
    d/dx = flip(g, dims)."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray, dims: tuple[int, ...]) -> np.ndarray:
        ctx.dims = dims
        return np.flip(x, dims).copy()  # a copy even where np.flip's view is contiguous

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> tuple[Tensor, None]:
        return Flip.apply(grad_output, ctx.dims), None


class Roll(Primitive):
    """``x`` shifted cyclically: ``y[..., (i + s) % n, ...] = x[..., i, ...]`` along each of
    ``dims`` (flattened first when ``dims`` is None, then reshaped back). The adjoint is the
    roll by ``-shifts``."""

    @staticmethod
    def forward(
        ctx: Context, x: np.ndarray, shifts: tuple[int, ...], dims: tuple[int, ...] | None
    ) -> np.ndarray:
        ctx.shifts, ctx.dims = shifts, dims
        if dims is None:
            return np.roll(x.reshape(-1), shifts[0]).reshape(x.shape)
        return np.roll(x, shifts, dims)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> tuple[Tensor, None, None]:
        return Roll.apply(grad_output, tuple(-s for s in ctx.shifts), ctx.dims), None, None


class Contiguous(Primitive):
    """A C-contiguous copy of ``x`` (``contiguous()`` of a transposed tensor). d/dx is the
    (contiguous copy of the) gradient itself."""

    @staticmethod
    def forward(ctx: Context, x: np.ndarray) -> np.ndarray:
        return np.array(x, order="C", copy=True)

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> Tensor:
        return Contiguous.apply(grad_output)


def _dims(dims: Any) -> tuple[int, ...]:
    """An int, a sequence of ints, or ``f(0, 1)``-style varargs as a tuple of ints."""
    if len(dims) == 1 and isinstance(dims[0], tuple | list):
        dims = dims[0]
    return tuple(int(d) for d in dims)


def _other(other: Any, op: str) -> Tensor:
    if not isinstance(other, Tensor):
        raise TypeError(f"{op}(): argument 'other' must be a Tensor, not {type(other).__name__}")
    return other


def _view(input: Tensor) -> Tensor:
    """A new Tensor over the same memory (version counter shared): PyTorch's ``view``."""
    return Reshape.apply(input, input.shape)


@public(function=False)
def expand(input: Tensor, *sizes: Any) -> Tensor:
    """A view of the tensor repeated along dimensions of size 1 (and new leading ones) to
    ``sizes``; -1 keeps a size. No copy: the view is read-only, as in PyTorch."""
    sizes = shape_args(sizes)
    lead = len(sizes) - input.ndim
    if lead < 0:
        raise RuntimeError(
            f"expand: the number of sizes provided ({len(sizes)}) must be greater or "
            f"equal to the number of dimensions in the tensor ({input.ndim})"
        )
    shape = tuple(
        input.shape[i - lead] if size == -1 and i >= lead else size for i, size in enumerate(sizes)
    )
    try:
        fits = min(shape, default=0) >= 0 and np.broadcast_shapes(input.shape, shape) == shape
    except ValueError:
        fits = False
    if not fits:
        raise RuntimeError(
            f"expand: the expanded size {list(sizes)} must match the existing size "
            f"{list(input.shape)} at every non-singleton dimension"
        )
    return Expand.apply(input, shape)


@public(function=False)
def expand_as(input: Tensor, other: Tensor) -> Tensor:
    """``input.expand(other.shape)``: a read-only view broadcast to ``other``'s shape."""
    return expand(input, _other(other, "expand_as").shape)


@public(function=False)
def view_as(input: Tensor, other: Tensor) -> Tensor:
    """``input.view(other.shape)``: a view with ``other``'s shape (same number of elements)."""
    shape = _other(other, "view_as").shape
    return _view(input) if shape == input.shape else reshape(input, shape)


@public(function=False)
def reshape_as(input: Tensor, other: Tensor) -> Tensor:
    """``input.reshape(other.shape)`` (a view when NumPy can make one, else a copy)."""
    return reshape(input, _other(other, "reshape_as").shape)


@public()
def t(input: Tensor) -> Tensor:
    """A 2-D tensor transposed (a view); a 0-D or 1-D tensor as it is (also a view)."""
    if input.ndim > 2:
        raise RuntimeError(
            f"t() expects a tensor with <= 2 dimensions, but self is {input.ndim}D "
            f"(shape {input.shape}); use transpose(dim0, dim1) or .mT"
        )
    return Permute.apply(input, (1, 0)) if input.ndim == 2 else _view(input)


def _swap(input: Tensor, dim0: int, dim1: int, op: str) -> Tensor:
    if input.ndim == 0:
        dim_index(dim0, 0, op), dim_index(dim1, 0, op)
        return _view(input)
    dims = list(range(input.ndim))
    d0, d1 = dim_index(dim0, input.ndim, op), dim_index(dim1, input.ndim, op)
    dims[d0], dims[d1] = dims[d1], dims[d0]
    return Permute.apply(input, tuple(dims))


@public()
def swapaxes(input: Tensor, axis0: int, axis1: int) -> Tensor:
    """Dimensions ``axis0`` and ``axis1`` swapped (a view): ``transpose``'s NumPy name."""
    return _swap(input, axis0, axis1, "swapaxes")


@public()
def swapdims(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """Dimensions ``dim0`` and ``dim1`` swapped (a view): ``transpose``'s other name."""
    return _swap(input, dim0, dim1, "swapdims")


@public()
def movedim(input: Tensor, source: Any, destination: Any) -> Tensor:
    """A view with dimension(s) ``source`` moved to position(s) ``destination``; the other
    dimensions keep their order."""
    src = (source,) if isinstance(source, int) else tuple(source)
    dst = (destination,) if isinstance(destination, int) else tuple(destination)
    if len(src) != len(dst):
        raise RuntimeError(
            f"movedim: Invalid source or destination dims: source ({list(src)} dims) should "
            f"contain the same number of dims as destination ({list(dst)} dims)"
        )
    src = tuple(dim_index(d, input.ndim, "movedim") for d in src)
    dst = tuple(dim_index(d, input.ndim, "movedim") for d in dst)
    for name, dims in (("source", src), ("destination", dst)):
        if len(set(dims)) != len(dims):
            raise RuntimeError(f"movedim: repeated dim in `{name}` ({list(dims)})")
    if input.ndim == 0:
        return _view(input)
    rest = iter(d for d in range(input.ndim) if d not in src)
    placed = dict(zip(dst, src, strict=True))
    order = tuple(placed[i] if i in placed else next(rest) for i in range(input.ndim))
    return Permute.apply(input, order)


@public()
def moveaxis(input: Tensor, source: Any, destination: Any) -> Tensor:
    """``movedim``'s NumPy name."""
    return movedim(input, source, destination)


@public()
def flip(input: Tensor, *dims: Any) -> Tensor:
    """A copy with the order of elements reversed along ``dims`` (an int, list or tuple):
    ``mt.flip(x, (0,))``, ``x.flip(0, 1)``."""
    if not dims:
        raise TypeError('flip() missing 1 required positional arguments: "dims"')
    axes = tuple(dim_index(d, input.ndim, "flip") for d in _dims(dims))
    if len(set(axes)) != len(axes):
        raise RuntimeError(f"flip: dim {axes[0]} appears multiple times in the list of dims")
    return Flip.apply(input, axes if input.ndim else ())


@public()
def roll(input: Tensor, shifts: Any, dims: Any = None) -> Tensor:
    """A copy with elements shifted cyclically by ``shifts`` along ``dims`` (over the
    flattened tensor when ``dims`` is None): ``y[(i + s) % n] = x[i]``."""
    shift = (shifts,) if isinstance(shifts, int) else tuple(int(s) for s in shifts)
    if not shift:
        raise RuntimeError("roll: `shifts` required")
    if dims is None:
        if len(shift) != 1:
            raise RuntimeError(
                f"roll: shifts and dimensions must align. shifts: {len(shift)}, dims: 0"
            )
        return Roll.apply(input, shift, None)
    axes = (dims,) if isinstance(dims, int) else tuple(dims)
    if len(shift) != len(axes):
        raise RuntimeError(
            f"roll: shifts and dimensions must align. shifts: {len(shift)}, dims: {len(axes)}"
        )
    axes = tuple(dim_index(d, input.ndim, "roll") for d in axes)
    if input.ndim == 0:
        return Roll.apply(input, shift[:1], None)
    return Roll.apply(input, shift, axes)


@public(function=False)
def repeat(input: Tensor, *sizes: Any) -> Tensor:
    """A copy tiled ``sizes[i]`` times along dimension i (NumPy's ``tile``); extra leading
    sizes add dimensions. Made of Reshape, Expand and a copying Reshape: input (a, b),
    sizes (r, s): reshape to (1, a, 1, b), expand to (r, a, s, b), reshape to (r*a, s*b)."""
    sizes = shape_args(sizes)
    if len(sizes) < input.ndim:
        raise RuntimeError(
            f"repeat: Number of dimensions of repeat dims ({len(sizes)}) can not be smaller "
            f"than number of dimensions of tensor ({input.ndim}, shape {input.shape})"
        )
    if min(sizes, default=0) < 0:
        raise RuntimeError(f"repeat: the repeat sizes must be non-negative, got {list(sizes)}")
    shape = (1,) * (len(sizes) - input.ndim) + input.shape
    interleaved = tuple(x for side in shape for x in (1, side))
    expanded = tuple(x for size, side in zip(sizes, shape, strict=True) for x in (size, side))
    result = (size * side for size, side in zip(sizes, shape, strict=True))
    tiled = Expand.apply(Reshape.apply(input, interleaved), expanded)
    return reshape(Contiguous.apply(tiled), tuple(result))


@public(function=False)
def contiguous(input: Tensor, memory_format: Any = None) -> Tensor:
    """The tensor itself when its memory is C-contiguous, else a contiguous copy (in the
    graph). ``memory_format`` is accepted and ignored (microtensor has one layout)."""
    return input if input._array.flags.c_contiguous else Contiguous.apply(input)


@public(function=False)
def is_contiguous(input: Tensor, memory_format: Any = None) -> bool:
    """Whether the tensor's memory is C-contiguous (a transposed view is not)."""
    return bool(input._array.flags.c_contiguous)
