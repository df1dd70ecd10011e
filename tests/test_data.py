"""microtensor.utils.data: datasets, samplers, DataLoader and default collation, by hand
and against PyTorch's (marked torch)."""

from __future__ import annotations

from collections import OrderedDict, namedtuple

import numpy as np
import pytest

import microtensor as mt
from microtensor.utils.data import (
    BatchSampler,
    ConcatDataset,
    DataLoader,
    Dataset,
    RandomSampler,
    SequentialSampler,
    Subset,
    SubsetRandomSampler,
    TensorDataset,
    default_collate,
    random_split,
)


class Squares(Dataset):
    def __init__(self, n: int) -> None:
        self.n = n

    def __getitem__(self, i: int):
        return {"x": np.full(2, i, dtype=np.float32), "y": i * i, "name": f"s{i}"}

    def __len__(self) -> int:
        return self.n


def test_tensor_dataset_and_loader_batches_in_order() -> None:
    x = mt.arange(10).reshape(5, 2).float()
    y = mt.arange(5)
    data = TensorDataset(x, y)
    assert len(data) == 5 and data[1][0].tolist() == [2.0, 3.0] and data[1][1].item() == 1
    batches = list(DataLoader(data, batch_size=2))
    assert [b[1].tolist() for b in batches] == [[0, 1], [2, 3], [4]]
    assert isinstance(batches[0], list) and batches[0][0].dtype == mt.float32
    assert len(DataLoader(data, batch_size=2)) == 3
    assert len(DataLoader(data, batch_size=2, drop_last=True)) == 2
    assert [b[1].tolist() for b in DataLoader(data, batch_size=2, drop_last=True)] == [[0, 1],
                                                                                        [2, 3]]
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        TensorDataset(x, mt.arange(4))


def test_fast_tensor_path_equals_default_collation() -> None:
    x = mt.randn(7, 3, generator=np.random.default_rng(0))
    y = mt.arange(7)
    data = TensorDataset(x, y)
    fast = list(DataLoader(data, batch_size=3, shuffle=True, generator=np.random.default_rng(1)))
    slow = list(DataLoader(data, batch_size=3, shuffle=True, generator=np.random.default_rng(1),
                           collate_fn=lambda b: default_collate(b)))  # fmt: skip
    for a, b in zip(fast, slow, strict=True):
        for u, v in zip(a, b, strict=True):
            assert u.dtype == v.dtype
            np.testing.assert_array_equal(u.numpy(), v.numpy())


def test_shuffle_is_a_permutation_per_epoch_and_follows_the_generator() -> None:
    data = TensorDataset(mt.arange(20))
    loader = DataLoader(data, batch_size=6, shuffle=True, generator=np.random.default_rng(3))
    first = np.concatenate([b[0].numpy() for b in loader])
    second = np.concatenate([b[0].numpy() for b in loader])
    assert sorted(first) == list(range(20)) and sorted(second) == list(range(20))
    assert first.tolist() != second.tolist()
    again = DataLoader(data, batch_size=6, shuffle=True, generator=np.random.default_rng(3))
    assert np.concatenate([b[0].numpy() for b in again]).tolist() == first.tolist()
    mt.manual_seed(5)
    a = [b[0].tolist() for b in DataLoader(data, batch_size=20, shuffle=True)]
    mt.manual_seed(5)
    assert a == [b[0].tolist() for b in DataLoader(data, batch_size=20, shuffle=True)]


def test_default_collate_of_dicts_numbers_strings_and_arrays() -> None:
    batch = next(iter(DataLoader(Squares(3), batch_size=3)))
    assert batch["x"].shape == (3, 2) and batch["x"].dtype == mt.float32
    assert batch["y"].tolist() == [0, 1, 4] and batch["y"].dtype == mt.int64
    assert batch["name"] == ["s0", "s1", "s2"]
    assert default_collate([1.5, 2.0]).dtype == mt.float64
    assert default_collate([True, False]).dtype == mt.bool
    assert default_collate([np.float32(1), np.float32(2)]).dtype == mt.float32
    pairs = default_collate([(1, np.zeros(2)), (2, np.ones(2))])
    assert isinstance(pairs, list) and pairs[0].tolist() == [1, 2] and pairs[1].shape == (2, 2)
    Point = namedtuple("Point", "x y")
    point = default_collate([Point(1, 2.0), Point(3, 4.0)])
    assert isinstance(point, Point) and point.x.tolist() == [1, 3]
    ordered = default_collate([OrderedDict(a=1), OrderedDict(a=2)])
    assert isinstance(ordered, OrderedDict)
    with pytest.raises(RuntimeError, match="stack expects each tensor to be equal size"):
        default_collate([mt.zeros(3), mt.zeros(2)])
    with pytest.raises(RuntimeError, match="equal size"):
        default_collate([[1, 2], [3]])
    with pytest.raises(TypeError, match="default_collate: batch must contain"):
        default_collate([object()])


def test_samplers_and_batch_sampler() -> None:
    assert list(SequentialSampler(range(4))) == [0, 1, 2, 3]
    drawn = list(RandomSampler(range(5), generator=np.random.default_rng(0)))
    assert sorted(drawn) == [0, 1, 2, 3, 4]
    more = list(RandomSampler(range(3), num_samples=7, generator=np.random.default_rng(0)))
    assert len(more) == 7 and sorted(more[:3]) == [0, 1, 2]
    with_replacement = RandomSampler(range(3), replacement=True, num_samples=50,
                                     generator=np.random.default_rng(0))  # fmt: skip
    assert len(list(with_replacement)) == 50 and set(with_replacement) <= {0, 1, 2}
    assert sorted(SubsetRandomSampler([5, 7, 9], np.random.default_rng(0))) == [5, 7, 9]
    assert list(BatchSampler(range(5), 2, drop_last=False)) == [[0, 1], [2, 3], [4]]
    assert len(BatchSampler(range(5), 2, drop_last=True)) == 2
    with pytest.raises(ValueError, match="batch_size should be a positive integer value"):
        BatchSampler(range(5), 0, False)
    with pytest.raises(ValueError, match="num_samples should be a positive integer"):
        RandomSampler(range(3), num_samples=0)
    loader = DataLoader(TensorDataset(mt.arange(6)), batch_sampler=[[5, 0], [1]])
    assert [b[0].tolist() for b in loader] == [[5, 0], [1]]
    loader = DataLoader(TensorDataset(mt.arange(6)), sampler=[3, 2, 1], batch_size=2)
    assert [b[0].tolist() for b in loader] == [[3, 2], [1]]


def test_no_batching_and_loader_errors() -> None:
    unbatched = list(DataLoader(Squares(2), batch_size=None))
    assert isinstance(unbatched[1]["x"], mt.Tensor) and unbatched[1]["y"] == 1
    data = TensorDataset(mt.arange(4))
    with pytest.raises(ValueError, match="sampler option is mutually exclusive with shuffle"):
        DataLoader(data, sampler=[0], shuffle=True)
    with pytest.raises(ValueError, match="batch_sampler option is mutually exclusive"):
        DataLoader(data, batch_sampler=[[0]], batch_size=2)
    with pytest.raises(ValueError, match="mutually exclusive with drop_last"):
        DataLoader(data, batch_size=None, drop_last=True)
    with pytest.raises(ValueError, match="num_workers option should be non-negative"):
        DataLoader(data, num_workers=-1)
    loader = DataLoader(data, num_workers=2)
    with pytest.raises(ValueError, match="batch_size attribute should not be set"):
        loader.batch_size = 3


def test_subset_concat_and_random_split() -> None:
    data = TensorDataset(mt.arange(10))
    sub = Subset(data, [9, 3])
    assert len(sub) == 2 and sub[0][0].item() == 9
    both = data + Squares(3)
    assert isinstance(both, ConcatDataset) and len(both) == 13 and both.cumulative_sizes == [10, 13]
    assert both[11]["y"] == 1 and both[-1]["y"] == 4
    with pytest.raises(ValueError, match="absolute value of index"):
        both[-14]
    with pytest.raises(AssertionError, match="should not be an empty iterable"):
        ConcatDataset([])
    parts = random_split(data, [3, 7], generator=np.random.default_rng(0))
    indices = sorted(parts[0].indices + parts[1].indices)
    assert [len(p) for p in parts] == [3, 7] and indices == list(range(10))
    assert [len(p) for p in random_split(range(10), [0.34, 0.33, 0.33])] == [4, 3, 3]
    with pytest.raises(ValueError, match="Sum of input lengths does not equal"):
        random_split(data, [3, 3])
    with pytest.warns(UserWarning, match="Length of split at index 1 is 0"):
        random_split(range(2), [1.0, 0.0])


@pytest.mark.torch
def test_collation_and_splits_match_pytorch() -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is not installed")
    from torch.utils import data as tdata

    samples = [Squares(4)[i] for i in range(4)]
    ours, theirs = default_collate(samples), tdata.default_collate(samples)
    for key in ("x", "y"):
        np.testing.assert_array_equal(ours[key].numpy(), theirs[key].numpy())
        assert str(ours[key].dtype).split(".")[-1] == str(theirs[key].dtype).split(".")[-1]
    assert ours["name"] == theirs["name"]
    mixed = [(1.5, True, np.int32(3)), (2.5, False, np.int32(4))]
    for a, b in zip(default_collate(mixed), tdata.default_collate(mixed), strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
        assert str(a.dtype).split(".")[-1] == str(b.dtype).split(".")[-1]
    for lengths in ([0.3, 0.3, 0.4], [0.5, 0.5], [0.1, 0.2, 0.7], [0.25] * 4):
        mine = [len(p) for p in random_split(range(31), lengths)]
        assert mine == [len(p) for p in tdata.random_split(range(31), lengths)]
    x, y = np.arange(14.0).reshape(7, 2), np.arange(7)
    ours_loader = DataLoader(TensorDataset(mt.tensor(x), mt.tensor(y)), batch_size=3,
                             drop_last=True)  # fmt: skip
    theirs_loader = tdata.DataLoader(tdata.TensorDataset(torch.tensor(x), torch.tensor(y)),
                                     batch_size=3, drop_last=True)  # fmt: skip
    assert len(ours_loader) == len(theirs_loader)
    for a, b in zip(ours_loader, theirs_loader, strict=True):
        for u, v in zip(a, b, strict=True):
            np.testing.assert_array_equal(u.numpy(), v.numpy())
