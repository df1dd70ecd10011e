"""``parameters_to_vector`` / ``vector_to_parameters``: all parameters as one flat vector
and back, in iteration order, as PyTorch's."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from microtensor.core.tensor import Tensor


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    """One 1-D Tensor holding every parameter's elements in turn (row-major).

    Differentiable: each parameter's ``reshape(-1)`` is written into its slice of the
    vector, so a gradient of the vector flows back to the parameters.
    """
    tensors = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    sizes = [t.numel() for t in tensors]
    dtype = np.result_type(*[t._array.dtype for t in tensors]) if tensors else np.float32
    vector = Tensor._make(np.zeros(sum(sizes), dtype=dtype), None)
    offset = 0
    for t, size in zip(tensors, sizes, strict=True):
        vector[offset : offset + size] = t.reshape(-1)
        offset += size
    return vector


def vector_to_parameters(vec: Tensor, parameters: Iterable[Tensor]) -> None:
    """Copy consecutive slices of ``vec`` into the parameters (their data; no graph)."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    tensors = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    needed = sum(t.numel() for t in tensors)
    if vec.ndim != 1 or vec.numel() != needed:
        raise RuntimeError(
            f"vector_to_parameters: vec has shape {vec.shape}, but the parameters hold "
            f"{needed} elements (expected shape ({needed},))"
        )
    offset = 0
    for t in tensors:
        size = t.numel()
        t._array[...] = vec._array[offset : offset + size].reshape(t.shape)
        t._bump_version()
        offset += size
