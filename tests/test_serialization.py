"""mt.save / mt.load: round trips, refusal of pickled data, atomic writes."""

from __future__ import annotations

import io
import os
import pathlib
import pickle
from collections import OrderedDict

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import microtensor as mt
from microtensor import nn, optim, serialization


def round_trip(obj):
    buffer = io.BytesIO()
    mt.save(obj, buffer)
    buffer.seek(0)
    return mt.load(buffer)


DTYPES = ["float16", "float32", "float64", "int8", "int32", "int64", "uint8", "uint64", "bool",
          ">f8", ">i4"]  # fmt: skip


@given(
    hnp.arrays(
        dtype=st.sampled_from(DTYPES).map(np.dtype),
        shape=hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=5),
    ),
    st.booleans(),
)
def test_arrays_and_tensors_keep_dtype_shape_and_values(array, as_tensor) -> None:
    value = mt.from_numpy(array) if as_tensor else array
    (back,) = round_trip([value])
    assert type(back) is (mt.Tensor if as_tensor else np.ndarray)
    data = back.data if as_tensor else back
    native = array.dtype.newbyteorder("=")  # a Tensor comes back in native byte order
    assert data.dtype == (native if as_tensor else array.dtype) and data.shape == array.shape
    np.testing.assert_array_equal(data, array)  # NaNs compare equal here


def test_nested_structure_and_plain_values_come_back_as_they_were() -> None:
    obj = {
        "int": 3, "float": 0.1, "bool": True, "none": None, "text": "päth/ü",
        "nan": float("nan"), "inf": -float("inf"), "big": 2**127 + 5,
        "tuple": (1, (2.5, "x")), "list": [[], {}, ()],
        "ordered": OrderedDict([("b", 1), ("a", 2)]),
        "int keys": {0: "zero", 7: [1]},
    }  # fmt: skip
    back = round_trip(obj)
    assert back.keys() == obj.keys()
    for key in ("int", "float", "bool", "none", "text", "inf", "big", "tuple", "list", "int keys"):
        assert back[key] == obj[key] and type(back[key]) is type(obj[key]), key
    assert np.isnan(back["nan"])
    assert type(back["ordered"]) is OrderedDict and list(back["ordered"]) == ["b", "a"]


def test_numpy_scalars_come_back_as_python_numbers() -> None:
    back = round_trip([np.float32(0.5), np.int64(7), np.bool_(True), np.float64(1e-300)])
    assert back == [0.5, 7, True, 1e-300]
    assert [type(v) for v in back] == [float, int, bool, float]


def test_requires_grad_and_sharing_survive() -> None:
    weight = mt.tensor([1.0, 2.0], requires_grad=True)
    back = round_trip({"a": weight, "b": weight, "c": weight.detach()})
    assert back["a"].requires_grad and back["a"].is_leaf and not back["c"].requires_grad
    assert back["a"] is back["b"]  # one entry in the file, one Tensor on load


def test_model_and_optimizer_checkpoint_through_a_path(tmp_path) -> None:
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    adam = optim.Adam(model.parameters(), lr=0.01)
    model(mt.randn(5, 3)).sum().backward()
    adam.step()
    rng = np.random.default_rng(5)
    checkpoint = {
        "model": model.state_dict(),
        "optimizer": adam.state_dict(),
        "rng": rng.bit_generator.state,
        "epoch": 4,
    }
    path = tmp_path / "checkpoint.pt"
    mt.save(checkpoint, path)
    assert os.listdir(tmp_path) == ["checkpoint.pt"]  # the name as given, no temporary left
    back = mt.load(str(path))
    assert list(back["model"]) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(back["model"][key].numpy(), value.numpy())
    assert back["optimizer"]["param_groups"][0]["betas"] == (0.9, 0.999)
    assert back["optimizer"]["state"][0]["step"] == 1
    restored = np.random.default_rng()
    restored.bit_generator.state = back["rng"]
    assert restored.random() == rng.random()
    assert back["epoch"] == 4


@pytest.mark.parametrize(
    ("obj", "error", "message"),
    [
        ({"w": np.array([1, "a", None], dtype=object)}, TypeError, r"obj\['w'\] is an array of"),
        ([{1, 2}], TypeError, r"cannot store set at obj\[0\]"),
        ({(1, 2): 3}, TypeError, "dict key"),
        ([1 + 2j], TypeError, "cannot store complex"),
        ([np.ones(2, np.complex64)], TypeError, r"dtype complex64; only bool, integer"),
        ({"s": np.array(["a", "b"])}, TypeError, r"obj\['s'\] is an array of dtype <U1"),
        ([np.zeros(2, [("x", "f4")])], TypeError, "only bool, integer and floating-point"),
        ([mt.from_numpy(np.ones(2, np.complex128))], TypeError, "dtype complex128"),
    ],
)
def test_save_refuses_what_it_cannot_store_without_pickle(obj, error, message, tmp_path) -> None:
    with pytest.raises(error, match=message):
        mt.save(obj, tmp_path / "x.npz")
    assert os.listdir(tmp_path) == []


def test_save_refuses_a_cycle() -> None:
    cycle: list = []
    cycle.append(cycle)
    with pytest.raises(ValueError, match="contains itself"):
        round_trip(cycle)


class _Touch:
    """Unpickling this object creates ``marker``: the side effect a malicious file has."""

    def __init__(self, marker: pathlib.Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (pathlib.Path.touch, (self.marker,))


def test_a_pickled_object_array_is_refused_without_running_it(tmp_path) -> None:
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.npz"
    structure = (
        b'{"format": "microtensor", "version": 1, "object": {"type": "ndarray", "key": "a0"}}'
    )
    payload = np.empty(1, dtype=object)
    payload[0] = _Touch(marker)
    np.savez(path, a0=payload, __structure__=np.frombuffer(structure, dtype=np.uint8))
    before = path.read_bytes()
    with pytest.raises(ValueError, match="pickled object array"):
        mt.load(path)
    assert not marker.exists()  # nothing was unpickled
    assert path.read_bytes() == before and sorted(os.listdir(tmp_path)) == ["evil.npz"]
    # The file really is dangerous: NumPy with pickle allowed runs the payload.
    np.load(path, allow_pickle=True)["a0"]
    assert marker.exists()


def test_a_pickle_file_is_refused_without_running_it(tmp_path) -> None:
    marker = tmp_path / "pwned"
    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps({"weights": _Touch(marker)}))
    with pytest.raises(ValueError, match="not a microtensor checkpoint"):
        mt.load(path)
    assert not marker.exists()


def test_other_numpy_files_are_refused_with_a_hint(tmp_path) -> None:
    np.save(tmp_path / "one.npy", np.zeros(3))
    with pytest.raises(ValueError, match="single NumPy array"):
        mt.load(tmp_path / "one.npy")
    np.savez(tmp_path / "plain.npz", x=np.zeros(3))
    with pytest.raises(ValueError, match="without a '__structure__' entry"):
        mt.load(tmp_path / "plain.npz")
    broken = b'{"format": "microtensor", "version": 1, "object": {"type": "tensor", "key": "a9"}}'
    np.savez(tmp_path / "broken.npz", __structure__=np.frombuffer(broken, dtype=np.uint8))
    with pytest.raises(ValueError, match="malformed structure"):
        mt.load(tmp_path / "broken.npz")


def _fail_midway(file, **arrays):
    file.write(b"PK\x03\x04 half an archive")
    raise OSError("disk full")


def _fail_at_fsync(descriptor):
    raise OSError("I/O error")


@pytest.mark.parametrize(
    ("target", "name", "replacement"),
    [(serialization.np, "savez", _fail_midway), (serialization.os, "fsync", _fail_at_fsync)],
)
def test_a_failed_save_keeps_the_previous_file(tmp_path, monkeypatch, target, name, replacement):
    path = tmp_path / "checkpoint.npz"
    mt.save({"epoch": 1, "w": mt.ones(3)}, path)
    old = path.read_bytes()
    monkeypatch.setattr(target, name, replacement)
    with pytest.raises(OSError):
        mt.save({"epoch": 2, "w": mt.zeros(3)}, path)
    monkeypatch.undo()
    assert path.read_bytes() == old
    assert os.listdir(tmp_path) == ["checkpoint.npz"]  # the temporary file is gone
    assert mt.load(path)["epoch"] == 1
    new_path = tmp_path / "new.npz"
    monkeypatch.setattr(target, name, replacement)
    with pytest.raises(OSError):
        mt.save({"epoch": 2}, new_path)
    assert not new_path.exists()
