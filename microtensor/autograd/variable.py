"""``Variable``: PyTorch's old name for a tensor that records operations, kept for old code.

Since PyTorch 0.4 a Variable is a Tensor; ``Variable(t, requires_grad=True)`` gives a
tensor sharing ``t``'s memory that requires grad. The same here.
"""

from __future__ import annotations

from microtensor.core.tensor import Tensor


def Variable(data: Tensor, requires_grad: bool = False, volatile: bool = False) -> Tensor:  # noqa: N802
    """A leaf Tensor sharing ``data``'s memory; ``requires_grad=`` honoured."""
    if not isinstance(data, Tensor):
        raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
    result = data.detach()
    if requires_grad:
        result.requires_grad_(True)
    return result
