"""``microtensor.utils.data``: PyTorch's datasets, samplers and ``DataLoader``.

    from microtensor.utils.data import DataLoader, TensorDataset
    loader = DataLoader(TensorDataset(x, y), batch_size=32, shuffle=True)
    for xb, yb in loader:
        ...

Randomness (shuffling, ``random_split``) comes from ``generator=`` (a
``numpy.random.Generator``) or, without one, from the default generator that
``mt.manual_seed`` seeds. Loading runs in the calling process: ``num_workers`` is
accepted for PyTorch's signature and gives the same batches.
"""

from microtensor.utils.data.collate import default_collate, default_convert
from microtensor.utils.data.dataloader import DataLoader
from microtensor.utils.data.dataset import (
    ConcatDataset,
    Dataset,
    Subset,
    TensorDataset,
    random_split,
)
from microtensor.utils.data.sampler import (
    BatchSampler,
    RandomSampler,
    Sampler,
    SequentialSampler,
    SubsetRandomSampler,
)

__all__ = [
    "BatchSampler", "ConcatDataset", "DataLoader", "Dataset", "RandomSampler", "Sampler",
    "SequentialSampler", "Subset", "SubsetRandomSampler", "TensorDataset", "default_collate",
    "default_convert", "random_split",
]  # fmt: skip
