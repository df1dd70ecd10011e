"""safetensors interchange (mt.save_safetensors / mt.load_safetensors), and mt.load's
PyTorch keyword arguments. Skipped without the safetensors package; the round trip
microtensor -> PyTorch -> microtensor is marked torch."""

from __future__ import annotations

import numpy as np
import pytest

import microtensor as mt
from microtensor import nn


def test_load_accepts_pytorch_s_keyword_arguments(tmp_path) -> None:
    mt.save({"w": mt.ones(2)}, tmp_path / "c.npz")
    for options in ({}, {"map_location": "cpu"}, {"map_location": None, "weights_only": True},
                    {"weights_only": False}, {"map_location": {"cuda:0": "cpu"}},
                    {"map_location": lambda storage, location: storage}):  # fmt: skip
        assert mt.load(tmp_path / "c.npz", **options)["w"].tolist() == [1.0, 1.0]
    with pytest.raises(RuntimeError, match="map_location='cuda' names a device"):
        mt.load(tmp_path / "c.npz", map_location="cuda")


def model() -> nn.Module:
    return nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.Flatten(), nn.Linear(8, 3))


def test_round_trip_keeps_names_dtypes_shapes_and_values(tmp_path) -> None:
    pytest.importorskip("safetensors", reason="the safetensors package is not installed")
    state = {**model().state_dict(), "steps": mt.tensor([3, 4]), "mask": mt.tensor([True]),
             "double": mt.zeros(2, 2, dtype=mt.float64), "array": np.arange(3, dtype=np.int32)}
    mt.save_safetensors(state, tmp_path / "m.safetensors", metadata={"epoch": 3})
    loaded = mt.load_safetensors(tmp_path / "m.safetensors")
    assert sorted(loaded) == sorted(state)
    for key, value in state.items():
        array = value.numpy() if isinstance(value, mt.Tensor) else value
        assert isinstance(loaded[key], mt.Tensor)
        assert loaded[key].dtype == mt.tensor(array).dtype and loaded[key].shape == array.shape
        np.testing.assert_array_equal(loaded[key].numpy(), array)
    fresh = model()
    fresh.load_state_dict({k: v for k, v in loaded.items() if "." in k})
    np.testing.assert_array_equal(fresh[3].weight.detach().numpy(), state["3.weight"].numpy())
    assert not list(tmp_path.glob(".*.tmp"))  # the temporary file was renamed


def test_a_missing_package_says_how_to_install_it(tmp_path, monkeypatch) -> None:
    monkeypatch.setitem(__import__("sys").modules, "safetensors.numpy", None)
    with pytest.raises(ImportError, match=r"pip install 'microtensor\[safetensors\]'"):
        mt.save_safetensors({"w": mt.ones(1)}, tmp_path / "x.safetensors")


def test_errors(tmp_path) -> None:
    pytest.importorskip("safetensors", reason="the safetensors package is not installed")
    with pytest.raises(TypeError, match="'opt' is dict"):
        mt.save_safetensors({"w": mt.ones(1), "opt": {}}, tmp_path / "x.safetensors")
    with pytest.raises(TypeError, match="key 3 is a int"):
        mt.save_safetensors({3: mt.ones(1)}, tmp_path / "x.safetensors")
    (tmp_path / "bad.safetensors").write_bytes(b"not a safetensors file")
    with pytest.raises(ValueError, match="is not a safetensors file microtensor can read"):
        mt.load_safetensors(tmp_path / "bad.safetensors")
    with pytest.raises(RuntimeError, match="only the CPU"):
        mt.load_safetensors(tmp_path / "bad.safetensors", device="cuda")


@pytest.mark.torch
def test_microtensor_to_pytorch_and_back(tmp_path) -> None:
    pytest.importorskip("safetensors", reason="the safetensors package is not installed")
    torch = pytest.importorskip("torch", reason="PyTorch is not installed")
    from safetensors.torch import load_file, save_file

    mt.manual_seed(1)
    ours = model()
    theirs = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.ReLU(), torch.nn.Flatten(),
                                 torch.nn.Linear(8, 3))  # fmt: skip
    mt.save_safetensors(ours.state_dict(), tmp_path / "ours.safetensors")
    theirs.load_state_dict(load_file(tmp_path / "ours.safetensors"))  # strict: names, shapes
    x = np.random.default_rng(0).standard_normal((5, 1, 4, 4)).astype(np.float32)
    expected = ours(mt.tensor(x)).detach().numpy()
    np.testing.assert_allclose(theirs(torch.tensor(x)).detach().numpy(), expected, atol=1e-6)
    with torch.no_grad():  # change PyTorch's weights, then bring them back
        for p in theirs.parameters():
            p.mul_(-0.5)
    save_file(theirs.state_dict(), tmp_path / "theirs.safetensors")
    back = model()
    back.load_state_dict(mt.load_safetensors(tmp_path / "theirs.safetensors"))
    np.testing.assert_allclose(back(mt.tensor(x)).detach().numpy(),
                               theirs(torch.tensor(x)).detach().numpy(), atol=1e-6)  # fmt: skip
    for (name, p), q in zip(back.state_dict().items(), theirs.state_dict().values(), strict=True):
        np.testing.assert_array_equal(p.numpy(), q.numpy(), err_msg=name)
