"""``& | ^ ~`` and the logical ops, as PyTorch's."""

import numpy as np
import pytest

import microtensor as mt


def test_masks_combine() -> None:
    x = mt.tensor([-2.0, 0.5, 3.0])
    inside = (x > -1) & (x < 1)
    assert inside.tolist() == [False, True, False] and inside.dtype == mt.bool
    assert ((x < 0) | (x > 2)).tolist() == [True, False, True]
    assert (~inside).tolist() == [True, False, True]
    assert ((x > 0) ^ (x > 1)).tolist() == [False, True, False]
    mask = x > 0
    mask &= x < 1
    assert mask.tolist() == [False, True, False]
    assert (mt.tensor([6, 3]) & 5).tolist() == [4, 1] and (~mt.tensor([0])).tolist() == [-1]
    assert mt.logical_and(x, mt.tensor([1.0, 0.0, 2.0])).tolist() == [True, False, True]
    assert mt.logical_not(x).tolist() == [False, False, False]
    with pytest.raises(TypeError, match="bitwise_and: only integer and bool"):
        x & x


@pytest.mark.torch
def test_as_pytorch() -> None:
    torch = pytest.importorskip("torch")
    a, b = np.array([0, 1, 5, -3]), np.array([1, 1, 4, 2])
    for op in ["__and__", "__or__", "__xor__"]:
        ours = getattr(mt.tensor(a), op)(mt.tensor(b)).tolist()
        assert ours == getattr(torch.tensor(a), op)(torch.tensor(b)).tolist(), op
    assert (~mt.tensor(a)).tolist() == (~torch.tensor(a)).tolist()
    for op in ["logical_and", "logical_or", "logical_xor"]:
        ours = getattr(mt, op)(mt.tensor(a), mt.tensor(b)).tolist()
        assert ours == getattr(torch, op)(torch.tensor(a), torch.tensor(b)).tolist(), op
