"""Embedding: the ``F.`` op ``embedding``, rows of a weight matrix picked by index.

``embedding(input, weight)[..., :] = weight[input[...], :]``: integer indexing, whose
gradient adds ``grad_output`` rows back into the rows of ``weight`` they came from
(``IndexAdjoint``). With ``padding_idx`` the output at that index is still its row, but
that row gets no gradient, as PyTorch's.
"""

from __future__ import annotations

import numpy as np

from microtensor.core.tensor import Tensor
from microtensor.ops.table import public


def _padding_index(padding_idx: int | None, rows: int) -> int | None:
    if padding_idx is None:
        return None
    if not -rows <= padding_idx < rows:
        raise AssertionError("Padding_idx must be within num_embeddings")
    return padding_idx % rows


def _renorm(weight: Tensor, indices: np.ndarray, max_norm: float, norm_type: float) -> None:
    """Rescale, in place, each referenced row whose norm exceeds ``max_norm`` to it."""
    rows = np.unique(indices)
    array = weight._array
    norms = np.linalg.norm(array[rows], ord=norm_type, axis=1)
    too_long = norms > max_norm
    scale = max_norm / (norms[too_long] + 1e-7)
    array[rows[too_long]] *= scale[:, None].astype(array.dtype)
    weight._bump_version()


@public(methods=(), function=False, functional=True)
def embedding(
    input: Tensor,
    weight: Tensor,
    padding_idx: int | None = None,
    max_norm: float | None = None,
    norm_type: float = 2.0,
    scale_grad_by_freq: bool = False,
    sparse: bool = False,
) -> Tensor:
    """``weight[input]``: input ``(*)`` of integer indices, weight ``(num_embeddings,
    embedding_dim)``, output ``(*, embedding_dim)``. ``max_norm`` rescales the referenced
    rows of ``weight`` in place first (as PyTorch's)."""
    indices = input._array
    if not np.issubdtype(indices.dtype, np.integer):
        raise RuntimeError(
            "Expected tensor for argument #1 'indices' to have one of the following scalar "
            f"types: Long, Int; but got {indices.dtype} instead (call .long() on the indices)"
        )
    if weight.ndim != 2:
        raise RuntimeError(f"'weight' must be 2-D, got a weight of shape {weight.shape}")
    rows = weight.shape[0]
    if indices.size and (indices.min() < 0 or indices.max() >= rows):
        raise IndexError(
            f"index out of range in self (embedding: indices must be in [0, {rows}), got "
            f"values from {indices.min()} to {indices.max()})"
        )
    if scale_grad_by_freq or sparse:
        raise NotImplementedError(
            "embedding: scale_grad_by_freq and sparse gradients are not supported"
        )
    padding = _padding_index(padding_idx, rows)
    if max_norm is not None:
        _renorm(weight, indices, float(max_norm), float(norm_type))
    if padding is None or not weight.requires_grad:
        return weight[indices]
    # The padding row's values, as a constant; every other row through the graph.
    keep = np.ones((rows, 1), dtype=weight._array.dtype)
    keep[padding] = 0
    padded = (indices == padding)[..., None].astype(weight._array.dtype)
    return (weight * keep)[indices] + weight._array[indices] * padded
