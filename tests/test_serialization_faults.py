"""Faults and hostile files for ``mt.save`` / ``mt.load`` (issue 13).

``mt.load`` raises only ValueError (what is wrong with the file) or OSError (what the
operating system refuses), never a raw EOFError, BadZipFile, RecursionError or KeyError:
property tests feed it random bytes and truncated and bit-flipped copies of a real
checkpoint; crafted archives test each check (dtypes, sizes, depth, nodes). ``mt.save``
removes the temporaries of killed saves and writes through symbolic links.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import signal
import struct
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import microtensor as mt


def _checkpoint() -> tuple[bytes, dict[str, Any]]:
    """A real checkpoint (a model's and an optimiser's state, a generator state), as bytes."""
    mt.manual_seed(0)
    model = mt.nn.Sequential(mt.nn.Linear(3, 4), mt.nn.ReLU(), mt.nn.Linear(4, 2))
    optimizer = mt.optim.Adam(model.parameters())
    model(mt.randn(5, 3)).sum().backward()
    optimizer.step()
    obj = {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": 3,
           "rng": np.random.default_rng(1).bit_generator.state,
           "tags": ("a", None, 1.5)}  # fmt: skip
    buffer = io.BytesIO()
    mt.save(obj, buffer)
    return buffer.getvalue(), obj


CHECKPOINT, OBJECT = _checkpoint()
TENSOR_STRUCTURE = (
    b'{"format": "microtensor", "version": 1, "object": {"type": "tensor", "key": "a0"}}'
)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _load_bytes(data: bytes, **bounds: Any) -> Any:
    return mt.load(io.BytesIO(data), **bounds)


def _same(a: Any, b: Any) -> bool:
    """Deep equality for what a checkpoint holds (Tensors and arrays by value and dtype)."""
    if isinstance(a, mt.Tensor | np.ndarray):
        x, y = (v.detach().numpy() if isinstance(v, mt.Tensor) else v for v in (a, b))
        return type(a) is type(b) and x.dtype == y.dtype and np.array_equal(x, y)
    if isinstance(a, dict):
        return type(a) is type(b) and list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return type(a) is type(b) and len(a) == len(b) and all(map(_same, a, b))
    return type(a) is type(b) and a == b


def _load_or_refuse(data: bytes) -> None:
    """A correct load of the original, or a ValueError whose message names the file."""
    try:
        back = _load_bytes(data)
    except ValueError as error:
        assert str(error).startswith("load: ") and "\n" not in str(error)
    else:
        assert _same(back, OBJECT)


def test_the_checkpoint_loads() -> None:
    assert _same(_load_bytes(CHECKPOINT), OBJECT)


# ----- property tests: random bytes, truncations, bit flips ---------------------------


@FAST
@given(st.binary(max_size=2000))
def test_random_bytes_are_refused_with_a_value_error(data: bytes) -> None:
    with pytest.raises(ValueError, match="^load: "):
        _load_bytes(data)


@FAST
@given(st.binary(min_size=1, max_size=400))
def test_random_bytes_after_a_zip_signature_are_refused(data: bytes) -> None:
    with pytest.raises(ValueError, match="^load: "):
        _load_bytes(b"PK\x03\x04" + data)


@FAST
@given(st.integers(0, len(CHECKPOINT) - 1))
def test_every_truncation_of_a_checkpoint_is_refused(length: int) -> None:
    with pytest.raises(ValueError, match="^load: "):
        _load_bytes(CHECKPOINT[:length])


@FAST
@given(st.lists(st.integers(0, 8 * len(CHECKPOINT) - 1), min_size=1, max_size=3))
def test_bit_flips_in_a_checkpoint_are_refused_or_harmless(bits: list[int]) -> None:
    data = bytearray(CHECKPOINT)
    for bit in bits:
        data[bit // 8] ^= 1 << (bit % 8)
    _load_or_refuse(bytes(data))


@FAST
@given(st.integers(0, len(CHECKPOINT) - 1), st.binary(min_size=1, max_size=8))
def test_overwritten_bytes_are_refused_or_harmless(position: int, junk: bytes) -> None:
    data = bytearray(CHECKPOINT)
    data[position : position + len(junk)] = junk
    _load_or_refuse(bytes(data))


def test_every_byte_truncation_on_disk_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "checkpoint.npz"
    for length in range(0, len(CHECKPOINT), max(1, len(CHECKPOINT) // 97)):
        path.write_bytes(CHECKPOINT[:length])
        with pytest.raises(ValueError, match=f"^load: {path}"):
            mt.load(path)


# ----- what the first bytes say --------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", r"is empty \(0 bytes\)"),
        (b"hello, world\n" * 50, "does not start like a zip archive"),
        (bytes(range(256)) * 4, "does not start like a zip archive"),
        (pickle.dumps({"w": [1.0, 2.0]}), "is a pickle file"),
        (b"PK\x05\x06" + bytes(18), "without a '__structure__' entry"),  # an empty zip
        (b"PK\x03\x04", "damaged or truncated archive"),
    ],
)
def test_files_that_are_not_checkpoints(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "file.npz"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=message) as error:
        mt.load(path)
    assert "pickled" not in str(error.value) or content.startswith(b"\x80")


def test_what_the_operating_system_refuses_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        mt.load(tmp_path / "missing.npz")
    with pytest.raises(IsADirectoryError):
        mt.load(tmp_path)


# ----- crafted archives ----------------------------------------------------------------


def _archive(obj_node: Any, header: Any = None, **arrays: np.ndarray) -> bytes:
    """An .npz with a hand-written structure (``header`` replaces the whole JSON)."""
    text = json.dumps({"format": "microtensor", "version": 1, "object": obj_node}
                      if header is None else header)  # fmt: skip
    buffer = io.BytesIO()
    np.savez(buffer, __structure__=np.frombuffer(text.encode(), np.uint8), **arrays)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("array", "message"),
    [
        (np.array(["ab", "c"]), "dtype <U2"),
        (np.array([b"ab"]), "dtype |S2"),
        (np.ones(3, np.complex128), "dtype complex128"),
        (np.zeros(2, [("x", "<f4"), ("y", "<i4")]), "only bool, integer and floating-point"),
        (np.array(["2020-01-01"], "datetime64[D]"), "datetime64"),
    ],
)
@pytest.mark.parametrize("kind", ["tensor", "ndarray"])
def test_only_bool_integer_and_float_arrays_load(
    array: np.ndarray, message: str, kind: str
) -> None:
    data = _archive({"type": kind, "key": "a0"}, a0=array)
    with pytest.raises(ValueError, match=message):
        _load_bytes(data)


@pytest.mark.parametrize(
    ("node", "message"),
    [
        ({"type": "tensor", "key": "a9"}, "names array 'a9'"),
        ({"type": "tensor", "key": ["a0"]}, "bad tensor node"),
        ({"type": "tensor", "key": "a0", "requires_grad": "yes"}, "bad tensor node"),
        ({"type": "set", "items": []}, "unknown node"),
        ({"items": []}, "unknown node"),
        ([1, 2], "unknown node"),
        ({"type": "dict", "items": [["k"]]}, r"not a \[key, value\] pair"),
        ({"type": "dict", "items": [[[1], 2]]}, r"not a \[key, value\] pair"),
        ({"type": "list", "items": {"a": 1}}, "without a list of items"),
        ({"type": "list"}, "without a list of items"),
    ],
)
def test_malformed_structures_are_refused(node: Any, message: str) -> None:
    with pytest.raises(ValueError, match=f"malformed structure entry: .*{message}"):
        _load_bytes(_archive(node, a0=np.zeros(2, np.int64)))


def test_an_integer_tensor_that_requires_grad_is_refused() -> None:
    data = _archive({"type": "tensor", "key": "a0", "requires_grad": True}, a0=np.zeros(2, int))
    with pytest.raises(ValueError, match="requires grad"):
        _load_bytes(data)


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ({"format": "microtensor", "version": 2, "object": 1}, "format version 2"),
        ({"format": "other", "version": 1, "object": 1}, "not a microtensor header"),
        ([1, 2, 3], "not a microtensor header"),
        ({"format": "microtensor", "version": 1}, "not a microtensor header"),
    ],
)
def test_foreign_headers_are_refused(header: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        _load_bytes(_archive(None, header=header))


def test_a_structure_entry_that_is_not_json_text() -> None:
    for structure in (np.frombuffer(b"\xff\xfe{", np.uint8), np.frombuffer(b"{[", np.uint8),
                      np.zeros(3, np.float32), np.array([b"1"] * 9, np.uint8)):  # fmt: skip
        buffer = io.BytesIO()
        np.savez(buffer, __structure__=structure)
        with pytest.raises(ValueError, match="malformed structure entry"):
            _load_bytes(buffer.getvalue())
    huge_number = '{"format": "microtensor", "version": 1, "object": ' + "9" * 10_000 + "}"
    with pytest.raises(ValueError, match="malformed structure entry"):
        _load_bytes(_raw_structure(huge_number))


def _raw_structure(text: str, **arrays: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, __structure__=np.frombuffer(text.encode(), np.uint8), **arrays)
    return buffer.getvalue()


def _nested(depth: int) -> Any:
    node: Any = 1
    for _ in range(depth):
        node = {"type": "list", "items": [node]}
    return node


def _nested_dicts(depth: int) -> Any:
    node: Any = 1
    for _ in range(depth):
        node = {"type": "dict", "items": [["k", node]]}
    return node


@pytest.mark.parametrize("make", [_nested, _nested_dicts])
def test_nesting_depth_is_bounded_and_the_bound_can_be_raised(make: Any) -> None:
    assert _load_bytes(_archive(make(100))) is not None  # the default bound: 100
    with pytest.raises(ValueError, match=r"deeper than max_depth=100.*max_depth=\.\.\."):
        _load_bytes(_archive(make(101)))
    with pytest.raises(ValueError, match="max_depth=5"):
        _load_bytes(_archive(make(6)), max_depth=5)
    back = _load_bytes(_archive(make(150)), max_depth=150)
    for _ in range(150):
        back = back[0] if isinstance(back, list) else back["k"]
    assert back == 1


def test_hostile_nesting_never_reaches_a_recursion_error() -> None:
    text = '{"format": "microtensor", "version": 1, "object": ' + "[" * 200_000 + "]" * 200_000
    with pytest.raises(ValueError, match="deeper than max_depth"):
        _load_bytes(_raw_structure(text + "}"))
    nested = '{"type": "list", "items": [' * 5000 + "1" + "]}" * 5000
    text = '{"format": "microtensor", "version": 1, "object": ' + nested + "}"
    with pytest.raises(ValueError, match="^load: "):  # past Python's recursion limit
        _load_bytes(_raw_structure(text), max_depth=10**6)
    deep = [1]
    for _ in range(5000):
        deep = [deep]
    with pytest.raises(ValueError, match="save: .*nested too deeply"):
        mt.save(deep, io.BytesIO())


def test_the_total_size_is_bounded_and_the_bound_can_be_raised() -> None:
    buffer = io.BytesIO()
    mt.save({"w": mt.zeros(1000), "v": mt.zeros(1000)}, buffer)  # 2 x 4,000 bytes of data
    data = buffer.getvalue()
    with pytest.raises(ValueError, match=r"more than max_bytes=6,000 bytes.*max_bytes=\.\.\."):
        _load_bytes(data, max_bytes=6000)
    assert _load_bytes(data, max_bytes=10_000)["w"].shape == (1000,)


def test_a_zip_bomb_is_refused_before_it_inflates() -> None:
    # 16 MB of zeros deflate to about 16 KB; the bound stops them unread.
    structure = TENSOR_STRUCTURE
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("__structure__.npy", _npy(np.frombuffer(structure, np.uint8)))
        with archive.open("a0.npy", "w") as entry:
            entry.write(_npy_header(np.dtype("f8"), (2 * 2**20,)))
            chunk = bytes(2**20)
            for _ in range(16):
                entry.write(chunk)
    data = buffer.getvalue()
    assert len(data) < 2**20
    with pytest.raises(ValueError, match="more than max_bytes=4,194,304"):
        _load_bytes(data, max_bytes=2**22)
    assert _load_bytes(data, max_bytes=2**25).shape == (2 * 2**20,)


def test_the_default_bound_refuses_a_file_claiming_2_gib() -> None:
    data = bytearray(_archive({"type": "tensor", "key": "a0"}, a0=np.zeros(4)))
    # Rewrite the uncompressed size of a0.npy in the central directory to 2 GiB.
    name_at = data.index(b"a0.npy", data.index(b"PK\x01\x02"))
    header = data.rindex(b"PK\x01\x02", 0, name_at)
    data[header + 24 : header + 28] = struct.pack("<I", 2**31)
    with pytest.raises(ValueError, match=r"more than max_bytes=1,073,741,824 .*2,147,483,648"):
        _load_bytes(bytes(data))


def test_an_entry_whose_header_disagrees_with_its_size() -> None:
    lying = _npy_header(np.dtype("f8"), (2**28,)) + bytes(16)  # claims 2 GiB, holds 16 bytes
    structure = TENSOR_STRUCTURE
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("__structure__.npy", _npy(np.frombuffer(structure, np.uint8)))
        archive.writestr("a0.npy", lying)
    with pytest.raises(ValueError, match="damaged entry 'a0'"):
        _load_bytes(buffer.getvalue())


def _npy_header(dtype: np.dtype, shape: tuple[int, ...]) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        buffer, {"descr": np.lib.format.dtype_to_descr(dtype), "fortran_order": False,
                 "shape": shape})  # fmt: skip
    return buffer.getvalue()


def _npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def test_fortran_order_and_big_endian_arrays_load() -> None:
    array = np.asfortranarray(np.arange(12.0).reshape(3, 4))
    data = _archive({"type": "list", "items": [{"type": "ndarray", "key": "a0"},
                                              {"type": "tensor", "key": "a1"}]},
                    a0=array, a1=np.arange(5, dtype=">i4"))  # fmt: skip
    back_array, back_tensor = _load_bytes(data)
    np.testing.assert_array_equal(back_array, array)
    assert back_tensor.numpy().dtype == np.int32 and back_tensor.tolist() == [0, 1, 2, 3, 4]


# ----- save: temporaries of killed saves, symbolic links -------------------------------


def test_the_next_save_removes_temporaries_of_dead_processes_only(tmp_path: Path) -> None:
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)  # fmt: skip
    dead = int(child.stdout)
    stale = tmp_path / f".model.npz.{dead}.0badf00d.tmp"
    live = tmp_path / f".model.npz.{os.getppid()}.12345678.tmp"  # our parent is alive
    other = tmp_path / f".other.npz.{dead}.0badf00d.tmp"
    for path in (stale, live, other):
        path.write_bytes(b"partial")
    mt.save({"w": mt.ones(2)}, tmp_path / "model.npz")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["model.npz", live.name, other.name]
    )


def test_a_save_killed_midway_leaves_a_temporary_that_the_next_save_removes(
    tmp_path: Path,
) -> None:
    path = tmp_path / "checkpoint.npz"
    mt.save({"epoch": 1}, path)
    script = textwrap.dedent(f"""
        import sys, time
        import numpy as np
        import microtensor as mt
        from microtensor import serialization

        def slow_savez(file, **arrays):
            file.write(b"PK\\x03\\x04 part of an archive")
            file.flush()
            print("writing", flush=True)
            time.sleep(60)

        serialization.np.savez = slow_savez
        mt.save({{"epoch": 2}}, {str(path)!r})
    """)
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                               cwd=Path(__file__).resolve().parents[1], text=True)  # fmt: skip
    try:
        assert process.stdout is not None and process.stdout.readline() == "writing\n"
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert len(leftovers) == 1 and mt.load(path) == {"epoch": 1}
    mt.save({"epoch": 3}, path)
    assert [p.name for p in tmp_path.iterdir()] == ["checkpoint.npz"]
    assert mt.load(path) == {"epoch": 3}


def test_saving_onto_a_symbolic_link_writes_through_it(tmp_path: Path) -> None:
    target = tmp_path / "store" / "real.npz"
    target.parent.mkdir()
    mt.save({"epoch": 1}, target)
    link = tmp_path / "latest.npz"
    link.symlink_to(target)
    mt.save({"epoch": 2}, link)
    assert link.is_symlink() and link.resolve() == target.resolve()
    assert mt.load(target) == {"epoch": 2} and mt.load(link) == {"epoch": 2}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["latest.npz", "store"]
    assert [p.name for p in target.parent.iterdir()] == ["real.npz"]
    dangling = tmp_path / "dangling.npz"
    dangling.symlink_to(tmp_path / "store" / "new.npz")
    mt.save({"epoch": 3}, dangling)
    assert dangling.is_symlink() and mt.load(tmp_path / "store" / "new.npz") == {"epoch": 3}
