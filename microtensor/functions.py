"""The ``mt.`` functions that mirror Tensor methods (``mt.exp(x)`` is ``x.exp()``)."""

from __future__ import annotations

from typing import Any

from microtensor.core.tensor import Tensor


def _as_tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


def exp(x: Any) -> Tensor:
    return _as_tensor(x).exp()


def log(x: Any) -> Tensor:
    return _as_tensor(x).log()


def sqrt(x: Any) -> Tensor:
    return _as_tensor(x).sqrt()


def abs(x: Any) -> Tensor:  # noqa: A001
    return _as_tensor(x).abs()


def tanh(x: Any) -> Tensor:
    return _as_tensor(x).tanh()


def sigmoid(x: Any) -> Tensor:
    return _as_tensor(x).sigmoid()


def relu(x: Any) -> Tensor:
    return _as_tensor(x).relu()


def sum(x: Any, dim: Any = None, keepdim: bool = False) -> Tensor:  # noqa: A001
    return _as_tensor(x).sum(dim, keepdim)


def mean(x: Any, dim: Any = None, keepdim: bool = False) -> Tensor:
    return _as_tensor(x).mean(dim, keepdim)


def max(x: Any, dim: int | None = None, keepdim: bool = False) -> Any:  # noqa: A001
    return _as_tensor(x).max(dim, keepdim)


def min(x: Any, dim: int | None = None, keepdim: bool = False) -> Any:  # noqa: A001
    return _as_tensor(x).min(dim, keepdim)


def argmax(x: Any, dim: int | None = None, keepdim: bool = False) -> Tensor:
    return _as_tensor(x).argmax(dim, keepdim)


def reshape(x: Any, shape: Any) -> Tensor:
    return _as_tensor(x).reshape(shape)


def flatten(x: Any, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    return _as_tensor(x).flatten(start_dim, end_dim)


def transpose(x: Any, dim0: int, dim1: int) -> Tensor:
    return _as_tensor(x).transpose(dim0, dim1)


def permute(x: Any, dims: Any) -> Tensor:
    return _as_tensor(x).permute(*dims)


def unsqueeze(x: Any, dim: int) -> Tensor:
    return _as_tensor(x).unsqueeze(dim)


def squeeze(x: Any, dim: int | None = None) -> Tensor:
    return _as_tensor(x).squeeze(dim)


def softmax(x: Any, dim: int) -> Tensor:
    return _as_tensor(x).softmax(dim)


def log_softmax(x: Any, dim: int) -> Tensor:
    return _as_tensor(x).log_softmax(dim)


def matmul(a: Any, b: Any) -> Tensor:
    return _as_tensor(a).matmul(b)
