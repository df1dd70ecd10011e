"""In-place changes: ``x += 1``, ``x.add_(1)``, ``x[0] = 5``, ``p.data.zero_()``.

Every in-place op is its out-of-place op, computed first, then written into the
tensor's own memory, so that every alias (views, ``.data``, the caller's other names)
sees the new values::

    modify_in_place(x, add, 1)      # x.add_(1), x += 1

It bumps the memory's version counter, so a node that saved the old values for backward
refuses to run (``Context.saved_tensors``: PyTorch's "modified by an inplace operation").
When the change is recorded (grad mode on, and the tensor or an argument requires grad),
the tensor takes the new node as its ``grad_fn``, with the old values (a copy) as that
node's input: the graph stays exact, as in PyTorch. The rules PyTorch enforces:

* a leaf that requires grad cannot change in place while grad mode is on (do it in
  ``no_grad()``, as an optimiser does);
* the result must fit: same shape (after broadcasting the arguments into it) and a dtype
  that casts to the tensor's within its kind (an int tensor cannot take floats).

microtensor also refuses a recorded in-place change of a *view* of a tensor that requires
grad (PyTorch rewrites the base's history; microtensor says so instead of computing a
wrong gradient): ``clone()`` the view, or compute out of place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from microtensor.core import grad_mode
from microtensor.core.tensor import Tensor


def _records(tensor: Tensor, args: tuple[Any, ...]) -> bool:
    """Whether the change goes into the graph: grad mode on and something requires grad."""
    if not grad_mode.state.enabled:
        return False
    return tensor.requires_grad or any(isinstance(a, Tensor) and a.requires_grad for a in args)


def modify_in_place(
    tensor: Tensor, compute: Callable[..., Tensor], *args: Any, name: str = "", **kwargs: Any
) -> Tensor:
    """``tensor`` with ``compute(tensor, *args, **kwargs)`` written into its memory.

    ``name`` is the op as the user wrote it (``add_``), for errors. Returns ``tensor``.
    """
    name = name or f"{compute.__name__}_"
    if tensor.requires_grad and tensor.grad_fn is None and grad_mode.state.enabled:
        raise RuntimeError(
            f"{name}: a leaf Variable that requires grad is being used in an in-place "
            "operation. Change it inside `with mt.no_grad():` (as an optimiser step does), "
            "or change its .data"
        )
    if not tensor._array.flags.writeable:
        raise RuntimeError(
            f"{name}: this tensor's memory is read-only (it came from a read-only NumPy "
            "array); clone() it first"
        )
    records = _records(tensor, args)
    source = tensor
    if records:
        if tensor._is_view():
            raise RuntimeError(
                f"{name}: an in-place change of a view (shape {tensor.shape}) recorded for "
                "backward is not supported: clone() the view first, or compute out of place"
            )
        # The node reads the old values: a copy, since the memory is about to change.
        source = Tensor._make(tensor._array.copy(), tensor.grad_fn, None)
        source.requires_grad = tensor.requires_grad
    result = compute(source, *args, **kwargs)
    if result.shape != tensor.shape:
        raise RuntimeError(
            f"{name}: output with shape {tensor.shape} doesn't match the broadcast shape "
            f"{result.shape}"
        )
    if not np.can_cast(result.dtype, tensor.dtype, casting="same_kind"):
        raise RuntimeError(
            f"{name}: result type {result.dtype} can't be cast to the desired output type "
            f"{tensor.dtype} (the tensor's own dtype, which an in-place op keeps)"
        )
    np.copyto(tensor._array, result._array, casting="same_kind")
    tensor._bump_version()
    if records and result.grad_fn is not None:
        tensor.grad_fn = result.grad_fn
        tensor.requires_grad = True
    return tensor
