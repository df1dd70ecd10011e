"""``default_collate``: a list of samples -> one batch, as PyTorch's.

- Tensors are stacked along a new first dimension (shapes must agree);
- NumPy arrays become Tensors, then are stacked (dtype kept); NumPy scalars become a
  1-d Tensor of their dtype;
- Python floats become float64, ints int64, bools bool (1-d Tensors);
- strings stay a list;
- dicts collate per key, namedtuples per field, and other sequences are transposed and
  collated per position (a tuple of samples gives a *list* of batches, as PyTorch's).

``default_convert`` (used when ``batch_size=None`` turns batching off) only turns NumPy
arrays and scalars into Tensors, inside the same containers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from microtensor.core.tensor import Tensor

_UNSUPPORTED = (
    "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; "
    "found {}"
)


def _stack(arrays: list[np.ndarray]) -> Tensor:
    first = arrays[0].shape
    for i, array in enumerate(arrays):
        if array.shape != first:
            raise RuntimeError(
                "stack expects each tensor to be equal size, but got "
                f"{list(first)} at entry 0 and {list(array.shape)} at entry {i}"
            )
    return Tensor._make(np.stack(arrays), None)


def default_collate(batch: Sequence[Any]) -> Any:
    """Collate ``batch`` (a list of samples of one structure) into a batch (see above)."""
    elem = batch[0]
    if isinstance(elem, Tensor):
        return _stack([t._array for t in batch])
    if isinstance(elem, np.ndarray):
        if elem.dtype.kind in "SaUO":
            raise TypeError(_UNSUPPORTED.format(elem.dtype))
        return _stack([np.asarray(a) for a in batch])
    if isinstance(elem, np.generic):
        return Tensor._make(np.array(batch), None)
    if isinstance(elem, bool):
        return Tensor._make(np.array(batch, dtype=np.bool_), None)
    if isinstance(elem, float):
        return Tensor._make(np.array(batch, dtype=np.float64), None)
    if isinstance(elem, int):
        return Tensor._make(np.array(batch, dtype=np.int64), None)
    if isinstance(elem, str | bytes):
        return list(batch)
    if isinstance(elem, Mapping):
        collated = {key: default_collate([sample[key] for sample in batch]) for key in elem}
        try:
            return type(elem)(collated)  # keeps an OrderedDict, etc.
        except TypeError:
            return collated
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # a namedtuple
        return type(elem)(*(default_collate(list(field)) for field in zip(*batch, strict=True)))
    if isinstance(elem, Sequence):
        size = len(elem)
        if any(len(sample) != size for sample in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        transposed = [default_collate(list(position)) for position in zip(*batch, strict=True)]
        if isinstance(elem, tuple):
            return transposed
        try:
            return type(elem)(transposed)
        except TypeError:
            return transposed
    raise TypeError(_UNSUPPORTED.format(type(elem)))


def default_convert(data: Any) -> Any:
    """NumPy arrays and scalars -> Tensors, recursively inside dicts, lists and tuples."""
    if isinstance(data, Tensor):
        return data
    if isinstance(data, np.ndarray | np.generic) and data.dtype.kind not in "SaUO":
        return Tensor._make(np.asarray(data), None)
    if isinstance(data, Mapping):
        return type(data)({key: default_convert(value) for key, value in data.items()})  # type: ignore[call-arg]
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(value) for value in data))
    if isinstance(data, tuple):
        return tuple(default_convert(value) for value in data)
    if isinstance(data, list):
        return [default_convert(value) for value in data]
    return data
