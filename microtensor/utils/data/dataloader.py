"""``DataLoader``: batches of a dataset, drawn by a sampler and collated, as PyTorch's.

Without ``sampler`` it uses ``RandomSampler(dataset, generator=generator)`` when
``shuffle`` and ``SequentialSampler`` otherwise; without ``batch_sampler`` it groups
those indices with ``BatchSampler(sampler, batch_size, drop_last)``. Each batch is
``collate_fn([dataset[i] for i in indices])`` (``default_collate`` by default).
``batch_size=None`` turns batching off: each sample goes through ``default_convert``.

A ``TensorDataset`` with the default collation is batched by indexing each tensor once
with the whole index list, which gives the same Tensors as stacking the samples, without
a Python loop per sample.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np

from microtensor.core.tensor import Tensor
from microtensor.utils.data.collate import default_collate, default_convert
from microtensor.utils.data.dataset import TensorDataset
from microtensor.utils.data.sampler import BatchSampler, RandomSampler, SequentialSampler

_FIXED = ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset")


class DataLoader:
    """Iterate over ``dataset`` in batches (see the module docstring).

    Args:
        dataset: a map-style dataset (``__getitem__`` and ``__len__``).
        batch_size: samples per batch (None: no batching).
        shuffle: a new random order every epoch.
        sampler: an iterable of indices (exclusive with ``shuffle``).
        batch_sampler: an iterable of index lists (exclusive with batch_size, shuffle,
            sampler and drop_last).
        num_workers: accepted for PyTorch's signature; loading happens in this process.
        collate_fn: list of samples -> batch (``default_collate``).
        drop_last: drop the last, incomplete batch.
        generator: the ``numpy.random.Generator`` the default random sampler draws from.
    """

    def __init__(
        self,
        dataset: Any,
        batch_size: int | None = 1,
        shuffle: bool | None = None,
        sampler: Iterable[int] | None = None,
        batch_sampler: Iterable[list[int]] | None = None,
        num_workers: int = 0,
        collate_fn: Callable[[list[Any]], Any] | None = None,
        pin_memory: bool = False,
        drop_last: bool = False,
        timeout: float = 0,
        worker_init_fn: Callable[[int], None] | None = None,
        multiprocessing_context: Any = None,
        generator: np.random.Generator | None = None,
        *,
        prefetch_factor: int | None = None,
        persistent_workers: bool = False,
    ) -> None:
        if num_workers < 0:
            raise ValueError(
                "num_workers option should be non-negative; use num_workers=0 to disable "
                "multiprocessing."
            )
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError(
                    "batch_sampler option is mutually exclusive with batch_size, shuffle, "
                    "sampler, and drop_last"
                )
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError(
                "batch_size=None option disables auto-batching and is mutually exclusive "
                "with drop_last"
            )
        if sampler is None:
            sampler = (RandomSampler(dataset, generator=generator) if shuffle
                       else SequentialSampler(dataset))  # fmt: skip
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.dataset = dataset
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.num_workers = num_workers
        self.generator = generator
        self.pin_memory = pin_memory
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.prefetch_factor = prefetch_factor
        self.persistent_workers = persistent_workers
        self.multiprocessing_context = multiprocessing_context
        auto = batch_sampler is not None
        self.collate_fn = collate_fn or (default_collate if auto else default_convert)
        self._initialized = True

    def __setattr__(self, name: str, value: Any) -> None:
        if getattr(self, "_initialized", False) and name in _FIXED:
            raise ValueError(
                f"{name} attribute should not be set after {type(self).__name__} is initialized"
            )
        super().__setattr__(name, value)

    def __iter__(self) -> Iterator[Any]:
        if self.batch_sampler is None:
            for index in self.sampler:
                yield self.collate_fn(self.dataset[index])
            return
        fast = (isinstance(self.dataset, TensorDataset) and self.collate_fn is default_collate
                and all(isinstance(t, Tensor) for t in self.dataset.tensors))  # fmt: skip
        for indices in self.batch_sampler:
            if fast:
                rows = np.asarray(indices, dtype=np.int64)
                yield [Tensor._make(t._array[rows], None) for t in self.dataset.tensors]
            else:
                yield self.collate_fn(self._fetch(indices))

    def _fetch(self, indices: list[int]) -> list[Any]:
        getitems = getattr(self.dataset, "__getitems__", None)
        if callable(getitems):
            return getitems(indices)
        return [self.dataset[i] for i in indices]

    def __len__(self) -> int:
        if self.batch_sampler is not None:
            return len(self.batch_sampler)  # type: ignore[arg-type]
        return len(self.sampler)  # type: ignore[arg-type]
