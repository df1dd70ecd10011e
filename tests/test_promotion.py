"""Type promotion as PyTorch's: the dtype of ``a op b`` for tensors of each dtype and rank,
and for Python numbers (core/dtypes.result_type, ops/arithmetic.promoted)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import microtensor as mt

DTYPES = ["bool", "int64", "float32", "float64"]
NUMBERS = [True, 2, 1.5]


def _tensor(lib, dtype: str, zero_dim: bool):
    value = np.array(1 if zero_dim else [1, 1], dtype=dtype)
    return lib.tensor(value) if lib is mt else lib.from_numpy(value)


def test_the_rules_in_words() -> None:
    i, f, d = mt.tensor([1, 2]), mt.tensor([1.0]), mt.tensor([1.0], dtype=mt.float64)
    assert (i + 1.5).dtype == mt.float32  # a Python float with an integer tensor
    assert (i + f).dtype == mt.float32  # float32 + int64 tensor
    assert (f + d).dtype == mt.float64  # float32 with float64 tensors
    assert (f + mt.tensor(2.0, dtype=mt.float64)).dtype == mt.float32  # a 0-d tensor defers
    assert (i / i).dtype == mt.float32 and (i * 2).dtype == mt.int64
    assert (f * np.float64(2.0)).dtype == mt.float32  # a NumPy number is a number
    with pytest.raises(RuntimeError, match="matmul: expected both operands to have the same dtype"):
        mt.ones(2, 2) @ mt.ones(2, 2, dtype=mt.float64)


def test_the_gradient_has_its_tensors_dtype() -> None:
    x = mt.tensor([1.0, 2.0], requires_grad=True)
    y = mt.tensor([3.0, 4.0], dtype=mt.float64, requires_grad=True)
    (x * y).sum().backward()
    assert x.grad.dtype == mt.float32 and y.grad.dtype == mt.float64


@pytest.mark.torch
@pytest.mark.parametrize("op", ["add", "sub", "mul", "div"])
def test_tensor_with_tensor_as_pytorch(op: str) -> None:
    torch = pytest.importorskip("torch")
    for (da, za), (db, zb) in itertools.product(
        itertools.product(DTYPES, [False, True]), repeat=2
    ):
        if op == "sub" and "bool" in (da, db):
            continue  # PyTorch refuses - on bools
        ours = getattr(_tensor(mt, da, za), op)(_tensor(mt, db, zb)).dtype
        theirs = getattr(_tensor(torch, da, za), op)(_tensor(torch, db, zb)).dtype
        assert str(ours) == str(theirs).removeprefix("torch."), (op, da, za, db, zb)


@pytest.mark.torch
@pytest.mark.parametrize("op", ["add", "mul", "div"])
def test_tensor_with_number_as_pytorch(op: str) -> None:
    torch = pytest.importorskip("torch")
    for dtype, zero_dim, number in itertools.product(DTYPES, [False, True], NUMBERS):
        ours = getattr(_tensor(mt, dtype, zero_dim), op)(number).dtype
        theirs = getattr(_tensor(torch, dtype, zero_dim), op)(number).dtype
        assert str(ours) == str(theirs).removeprefix("torch."), (op, dtype, zero_dim, number)
