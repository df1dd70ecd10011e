"""Matrix and vector products: ``mm bmm mv dot outer addmm``, compositions of MatMul.

Each checks the ranks, sizes and dtypes PyTorch checks, with PyTorch's messages (no
broadcasting, unlike ``matmul``), then calls the ``MatMul`` primitive, whose backward
gives every gradient (``dot`` and ``mv`` of 1-D operands included). ``outer`` is a
broadcast product. ``einsum`` is in ``einsum.py``.
"""

from __future__ import annotations

from typing import Any

from microtensor.core.tensor import Tensor
from microtensor.ops.arithmetic import Mul
from microtensor.ops.linalg import MatMul
from microtensor.ops.shape import reshape
from microtensor.ops.table import public


def _tensors(op: str, **operands: Any) -> None:
    for name, value in operands.items():
        if not isinstance(value, Tensor):
            raise TypeError(f"{op}(): argument '{name}' must be Tensor, not {type(value).__name__}")


def _same_dtype(op: str, a: Tensor, b: Tensor, names: str = "m1 and m2") -> None:
    if a.dtype != b.dtype:
        raise RuntimeError(
            f"{op}: expected {names} to have the same dtype, but got: {a.dtype} != {b.dtype}"
        )


def _sizes(shape: tuple[int, ...]) -> str:
    return "x".join(str(side) for side in shape)


@public()
def mm(input: Tensor, mat2: Tensor) -> Tensor:
    """The matrix product of ``input`` (n, k) and ``mat2`` (k, m): (n, m), no broadcasting."""
    _tensors("mm", mat2=mat2)
    if input.ndim != 2:
        raise RuntimeError(f"mm: self must be a matrix, got a {input.ndim}-D tensor")
    if mat2.ndim != 2:
        raise RuntimeError(f"mm: mat2 must be a matrix, got a {mat2.ndim}-D tensor")
    if input.shape[1] != mat2.shape[0]:
        raise RuntimeError(
            f"mm: mat1 and mat2 shapes cannot be multiplied ({_sizes(input.shape)} and "
            f"{_sizes(mat2.shape)})"
        )
    _same_dtype("mm", input, mat2)
    return MatMul.apply(input, mat2)


@public()
def bmm(input: Tensor, mat2: Tensor) -> Tensor:
    """Batched matrix product: (b, n, k) and (b, k, m) give (b, n, m), no broadcasting."""
    _tensors("bmm", mat2=mat2)
    for name, value in (("batch1", input), ("batch2", mat2)):
        if value.ndim != 3:
            raise RuntimeError(f"bmm: {name} must be a 3D tensor, got {value.ndim}-D")
    expected = [input.shape[0], input.shape[2]]
    if list(mat2.shape[:2]) != expected:
        raise RuntimeError(
            "bmm: Expected size for first two dimensions of batch2 tensor to be: "
            f"{expected} but got: {list(mat2.shape[:2])}."
        )
    _same_dtype("bmm", input, mat2, "batch1 and batch2")
    return MatMul.apply(input, mat2)


@public()
def mv(input: Tensor, vec: Tensor) -> Tensor:
    """Matrix-vector product: (n, k) and (k,) give (n,)."""
    _tensors("mv", vec=vec)
    if input.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(
            f"mv: vector + matrix @ vector expected, got {input.ndim}-D matrix and "
            f"{vec.ndim}-D vector"
        )
    if input.shape[1] != vec.shape[0]:
        raise RuntimeError(
            f"mv: size mismatch, got mat ({_sizes(input.shape)}), vec ({vec.shape[0]})"
        )
    _same_dtype("mv", input, vec, "mat and vec")
    return MatMul.apply(input, vec)


@public()
def dot(input: Tensor, tensor: Tensor) -> Tensor:
    """The inner product of two 1-D tensors of the same size (a 0-d tensor)."""
    _tensors("dot", tensor=tensor)
    if input.ndim != 1 or tensor.ndim != 1:
        raise RuntimeError(
            f"dot: 1D tensors expected, but got {input.ndim}D and {tensor.ndim}D tensors"
        )
    if input.shape != tensor.shape:
        raise RuntimeError(
            f"dot: inconsistent tensor size, expected tensor [{input.shape[0]}] and src "
            f"[{tensor.shape[0]}] to have the same number of elements"
        )
    _same_dtype("dot", input, tensor, "both vectors")
    return MatMul.apply(input, tensor)


@public(methods=("outer", "ger"))
def outer(input: Tensor, vec2: Tensor) -> Tensor:
    """The outer product of 1-D tensors: (n,) and (m,) give (n, m), ``input[i] * vec2[j]``."""
    _tensors("outer", vec2=vec2)
    for name, value in (("self", input), ("vec2", vec2)):
        if value.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {value.ndim}-D")
    return Mul.apply(reshape(input, (-1, 1)), vec2)


@public(inplace=("addmm_",))
def addmm(
    input: Tensor, mat1: Tensor, mat2: Tensor, *, beta: float = 1, alpha: float = 1
) -> Tensor:
    """``beta * input + alpha * (mat1 @ mat2)``; ``input`` broadcasts to (n, m) and is
    ignored when ``beta == 0`` (its NaNs too, as PyTorch)."""
    product = mm(mat1, mat2)
    target = product.shape
    shape = input.shape
    fits = len(shape) <= 2 and all(
        side in (1, full) for side, full in zip(shape[::-1], target[::-1], strict=False)
    )
    if not fits:
        raise RuntimeError(
            f"addmm: input of shape {shape} does not broadcast to the product's shape "
            f"{target} (mat1 {mat1.shape} @ mat2 {mat2.shape})"
        )
    if alpha != 1:
        product = product * alpha
    if beta == 0:  # input is not read (PyTorch's rule), so it gets no gradient
        return product
    return product + (input if beta == 1 else input * beta)
