"""``Tensor``: a NumPy array, its gradient, and the graph node that made it.

Every differentiable method is one line that calls a primitive from ``microtensor.ops``
(or a composition of them); the maths lives there, not here.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from microtensor.core import dtypes


class Tensor:
    """An n-dimensional array that can record the operations applied to it.

    Attributes:
        data: the ``numpy.ndarray`` holding the values.
        grad: the accumulated gradient (a Tensor) after ``backward``, or None.
        requires_grad: whether operations on this tensor are recorded.
        grad_fn: the graph node that produced this tensor, or None for a leaf.
    """

    __slots__ = ("data", "grad", "requires_grad", "grad_fn", "_no_grad_reason", "__weakref__")
    __array_priority__ = 1000  # ndarray op Tensor defers to Tensor's reflected method

    def __init__(self, data: Any, dtype: Any = None, requires_grad: bool = False) -> None:
        self.data = dtypes.as_array(data, dtype)
        self.grad: Tensor | None = None
        self.grad_fn: Any = None
        self.requires_grad = False
        if requires_grad:
            self.requires_grad_(True)

    @classmethod
    def _make(cls, data: Any, grad_fn: Any) -> Tensor:
        """Wrap an array without copying (the engine's and primitives' constructor)."""
        tensor = object.__new__(Tensor)
        tensor.data = data if type(data) is np.ndarray else np.asarray(data)
        tensor.grad = None
        tensor.grad_fn = grad_fn
        tensor.requires_grad = grad_fn is not None
        return tensor

    # ----- attributes -------------------------------------------------------------
    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def T(self) -> Tensor:  # noqa: N802 (PyTorch's spelling)
        return self.permute(*reversed(range(self.ndim)))

    def size(self, dim: int | None = None) -> tuple[int, ...] | int:
        return self.data.shape if dim is None else self.data.shape[dim]

    def numel(self) -> int:
        return int(self.data.size)

    def dim(self) -> int:
        return self.data.ndim

    # ----- conversion --------------------------------------------------------------
    def numpy(self) -> npt.NDArray[Any]:
        """The array itself (shared memory). Refused when it requires grad, as in PyTorch."""
        if self.requires_grad:
            raise RuntimeError(
                "Can't call numpy() on a Tensor that requires grad: use "
                "tensor.detach().numpy() instead"
            )
        return self.data

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> npt.NDArray[Any]:
        array = self.numpy()
        return array if dtype is None else array.astype(dtype, copy=False)

    def item(self) -> Any:
        if self.data.size != 1:
            raise RuntimeError(
                f"item(): a Tensor with {self.data.size} elements (shape {self.shape}) "
                "cannot be converted to a Python scalar; it needs exactly one element"
            )
        return self.data.item()

    def tolist(self) -> Any:
        return self.data.tolist()

    def detach(self) -> Tensor:
        """The same data, cut from the graph (shares memory, as in PyTorch)."""
        result = Tensor._make(self.data, None)
        if self.requires_grad:
            result._no_grad_reason = "it was detached from the graph with detach()"
        return result

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        if not self.is_leaf:
            raise RuntimeError(
                "requires_grad_(): only leaf tensors can change requires_grad; use "
                "detach() to make a new leaf from a computed tensor"
            )
        if requires_grad and not dtypes.is_floating(self.data.dtype):
            raise RuntimeError(
                f"Only Tensors of floating point dtype can require gradients, but this "
                f"tensor has dtype {self.data.dtype}; convert it with .to(mt.float32) "
                "or .to(mt.float64) first"
            )
        self.requires_grad = bool(requires_grad)
        return self

    def clone(self) -> Tensor:
        if self.requires_grad:  # a copy that stays in the graph
            return _ops.Mul.apply(self, 1)
        return Tensor._make(self.data.copy(), None)

    def to(self, dtype: Any) -> Tensor:
        dtype = np.dtype(dtype)
        if not dtypes.is_floating(dtype):  # integers and bools carry no gradient (PyTorch)
            return Tensor._make(self.data.astype(dtype), None)
        return _ops.Cast.apply(self, dtype=dtype)

    def float(self) -> Tensor:
        return self.to(np.float32)

    def double(self) -> Tensor:
        return self.to(np.float64)

    # ----- arithmetic: thin calls into the primitives ------------------------------
    def __add__(self, other: Any) -> Tensor:
        return _ops.Add.apply(self, other)

    def __radd__(self, other: Any) -> Tensor:
        return _ops.Add.apply(other, self)

    def __sub__(self, other: Any) -> Tensor:
        return _ops.Add.apply(self, _ops.neg(other))

    def __rsub__(self, other: Any) -> Tensor:
        return _ops.Add.apply(other, _ops.Neg.apply(self))

    def __mul__(self, other: Any) -> Tensor:
        return _ops.Mul.apply(self, other)

    def __rmul__(self, other: Any) -> Tensor:
        return _ops.Mul.apply(other, self)

    def __truediv__(self, other: Any) -> Tensor:
        return _ops.Div.apply(self, other)

    def __rtruediv__(self, other: Any) -> Tensor:
        return _ops.Div.apply(other, self)

    def __neg__(self) -> Tensor:
        return _ops.Neg.apply(self)

    def __pos__(self) -> Tensor:
        return self

    def __pow__(self, exponent: Any) -> Tensor:
        return _ops.power(self, exponent)

    def __rpow__(self, base: Any) -> Tensor:
        return _ops.Exp.apply(self * float(np.log(base)))

    def __matmul__(self, other: Any) -> Tensor:
        return _ops.matmul(self, other)

    def __rmatmul__(self, other: Any) -> Tensor:
        return _ops.matmul(other, self)

    # comparisons give bool tensors and no graph
    def __eq__(self, other: Any) -> Tensor:  # type: ignore[override]
        return Tensor._make(self.data == _ops.array_of(other), None)

    def __ne__(self, other: Any) -> Tensor:  # type: ignore[override]
        return Tensor._make(self.data != _ops.array_of(other), None)

    def __lt__(self, other: Any) -> Tensor:
        return Tensor._make(self.data < _ops.array_of(other), None)

    def __le__(self, other: Any) -> Tensor:
        return Tensor._make(self.data <= _ops.array_of(other), None)

    def __gt__(self, other: Any) -> Tensor:
        return Tensor._make(self.data > _ops.array_of(other), None)

    def __ge__(self, other: Any) -> Tensor:
        return Tensor._make(self.data >= _ops.array_of(other), None)

    __hash__ = object.__hash__

    def __bool__(self) -> bool:
        if self.data.size != 1:
            raise RuntimeError(
                f"Boolean value of Tensor with more than one value is ambiguous "
                f"(shape {self.shape}); use .any() or .all() on the array"
            )
        return bool(self.data)

    def __len__(self) -> int:
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.data.shape[0]

    def __iter__(self) -> Iterator[Tensor]:
        return (self[i] for i in range(len(self)))

    def __getitem__(self, index: Any) -> Tensor:
        return _ops.index(self, index)

    # ----- methods -----------------------------------------------------------------
    def sum(self, dim: int | Sequence[int] | None = None, keepdim: bool = False) -> Tensor:
        return _ops.Sum.apply(self, dim=_ops.normalize_dims(dim, self.ndim), keepdim=keepdim)

    def mean(self, dim: int | Sequence[int] | None = None, keepdim: bool = False) -> Tensor:
        return _ops.mean(self, dim, keepdim)

    def max(self, dim: int | None = None, keepdim: bool = False) -> Any:
        return _ops.extremum(self, _ops.Max, dim, keepdim)

    def min(self, dim: int | None = None, keepdim: bool = False) -> Any:
        return _ops.extremum(self, _ops.Min, dim, keepdim)

    def argmax(self, dim: int | None = None, keepdim: bool = False) -> Tensor:
        return _ops.argmax(self, dim, keepdim)

    def exp(self) -> Tensor:
        return _ops.Exp.apply(self)

    def log(self) -> Tensor:
        return _ops.Log.apply(self)

    def sqrt(self) -> Tensor:
        return _ops.power(self, 0.5)

    def abs(self) -> Tensor:
        return _ops.Abs.apply(self)

    def tanh(self) -> Tensor:
        return _ops.Tanh.apply(self)

    def sigmoid(self) -> Tensor:
        return _ops.Sigmoid.apply(self)

    def relu(self) -> Tensor:
        return _ops.Relu.apply(self)

    def reshape(self, *shape: Any) -> Tensor:
        return _ops.reshape(self, shape)

    view = reshape

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        return _ops.flatten(self, start_dim, end_dim)

    def transpose(self, dim0: int, dim1: int) -> Tensor:
        return _ops.transpose(self, dim0, dim1)

    def permute(self, *dims: Any) -> Tensor:
        return _ops.permute(self, dims)

    def unsqueeze(self, dim: int) -> Tensor:
        return _ops.unsqueeze(self, dim)

    def squeeze(self, dim: int | None = None) -> Tensor:
        return _ops.squeeze(self, dim)

    def expand(self, *sizes: Any) -> Tensor:
        return _ops.expand(self, sizes)

    def softmax(self, dim: int) -> Tensor:
        return _ops.softmax(self, dim)

    def log_softmax(self, dim: int) -> Tensor:
        return _ops.log_softmax(self, dim)

    def matmul(self, other: Any) -> Tensor:
        return _ops.matmul(self, other)

    # ----- autograd ----------------------------------------------------------------
    def backward(
        self,
        gradient: Any = None,
        retain_graph: bool | None = None,
        create_graph: bool = False,
    ) -> None:
        """Accumulate d(self)/d(leaf) into every leaf's ``.grad`` (see ``autograd.engine``)."""
        _engine.backward(self, gradient, retain_graph, create_graph)

    def __repr__(self) -> str:
        body = np.array2string(self.data, separator=", ", prefix="tensor(")
        extras = []
        if self.data.dtype not in (dtypes.get_default_dtype(), np.int64, np.bool_):
            extras.append(f"dtype={self.data.dtype}")
        if self.grad_fn is not None:
            extras.append(f"grad_fn=<{type(self.grad_fn).__name__}>")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        return "tensor(" + ", ".join([body, *extras]) + ")"


class MaxMin(NamedTuple):
    """``(values, indices)`` as returned by ``max``/``min`` with a ``dim``."""

    values: Tensor
    indices: Tensor


# Imported last: the primitives and the engine need the Tensor class defined above.
from microtensor import ops as _ops  # noqa: E402
from microtensor.core import engine as _engine  # noqa: E402
