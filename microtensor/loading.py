"""Reading a checkpoint for ``mt.load``: every byte validated before anything is built.

The checks, in order: the first bytes (a zip archive, not an empty file, a ``.npy`` file,
a pickle or anything else); the zip structure (``zipfile``; a damaged or truncated
archive is a ValueError); the ``__structure__`` entry (UTF-8 JSON, bracket depth counted
before parsing, so a hostile nesting cannot exhaust the stack); every node of the
structure (known types, [key, value] pairs, keys of JSON types); every array entry
(a ``.npy`` header of dtype bool, integer or floating point, a size that matches the
header and fits in what is left of ``max_bytes``, the zip CRC). A failure is one
ValueError naming the file and what is wrong with it; an OSError only comes from the
operating system refusing to read.
"""

from __future__ import annotations

import errno
import json
import math
import re
import struct
import sys
import zipfile
import zlib
from collections import OrderedDict
from typing import Any

import numpy as np

from microtensor.core.tensor import Tensor

FORMAT = "microtensor"
VERSION = 1
STRUCTURE = "__structure__"
KEY_TYPES = (str, int, float, bool, type(None))
KINDS = "biuf"  # the array dtypes stored and loaded: bool, integers, floating point
MAX_BYTES = 2**30  # load's default bound on the arrays' total size (1 GiB)
MAX_DEPTH = 100  # load's default bound on the nesting of containers


def read_checkpoint(file: Any, name: str, max_bytes: int, max_depth: int) -> Any:
    """The object in the checkpoint ``file`` (a seekable binary file), or a ValueError."""
    start = file.tell()
    _check_magic(file.read(8), name)
    file.seek(start)
    try:
        with zipfile.ZipFile(file) as archive:
            reader = _Reader(archive, name, max_bytes)
            header = reader.structure(max_depth)
            return _Decoder(reader, max_depth).decode(header["object"], 0)
    except RecursionError:
        raise ValueError(
            f"load: {name} nests its structure too deeply for Python's recursion limit "
            f"({sys.getrecursionlimit()}); lower max_depth"
        ) from None
    except RefusedError as error:
        raise ValueError(str(error)) from None
    except OSError as error:
        if error.errno not in (None, errno.EINVAL):
            raise  # an I/O error while reading: the operating system's refusal
        raise ValueError(f"load: {name} is a damaged zip archive ({error})") from None
    except (zipfile.BadZipFile, EOFError, zlib.error, struct.error, NotImplementedError,
            RuntimeError, OverflowError, ValueError, KeyError, IndexError) as error:  # fmt: skip
        raise ValueError(
            f"load: {name} is a damaged or truncated archive, not a readable microtensor "
            f"checkpoint ({type(error).__name__}: {error})"
        ) from None


def _check_magic(head: bytes, name: str) -> None:
    """Refuse, by its first bytes, a file that cannot be a checkpoint (a zip archive)."""
    hint = "not a microtensor checkpoint (an .npz archive written by mt.save)"
    if not head:
        raise ValueError(f"load: {name} is empty (0 bytes), {hint}")
    if head.startswith(b"\x93NUMPY"):
        raise ValueError(
            f"load: {name} holds a single NumPy array, {hint}; use numpy.load for it"
        )
    if head[0] == 0x80 and len(head) > 1 and 2 <= head[1] <= 5:
        raise ValueError(
            f"load: {name} is a pickle file, {hint}; it is refused unread, because "
            "unpickling can run code"
        )
    if not head.startswith(b"PK"):
        raise ValueError(f"load: {name} is {hint}: it does not start like a zip archive "
                         f"(first bytes {head!r})")


class RefusedError(Exception):
    """A complete message about the file, raised as ValueError by ``load``."""


class _Reader:
    """Reads and validates the archive's ``.npy`` entries, within ``max_bytes`` in all."""

    def __init__(self, archive: zipfile.ZipFile, name: str, max_bytes: int) -> None:
        self.archive, self.name, self.budget, self.max_bytes = archive, name, max_bytes, max_bytes
        self.entries = {info.filename: info for info in archive.infolist()}
        self.arrays: dict[str, np.ndarray] = {}

    def fail(self, what: str) -> RefusedError:
        return RefusedError(f"load: {self.name} {what}")

    def structure(self, max_depth: int) -> dict[str, Any]:
        if STRUCTURE + ".npy" not in self.entries:
            raise self.fail(f"is an .npz archive without a '{STRUCTURE}' entry, so it was not "
                            "written by mt.save; use numpy.load for it")
        data = self.array(STRUCTURE)
        if data.dtype != np.uint8 or data.ndim != 1:
            raise self.fail(f"has a malformed structure entry: an array {data.dtype} "
                            f"{data.shape}, not UTF-8 text")
        try:
            text = data.tobytes().decode("utf-8")
            _check_json_depth(text, 3 * max_depth + 3, self)
            header = json.loads(text)
        except ValueError as error:
            raise self.fail(f"has a malformed structure entry: {error}") from None
        if not isinstance(header, dict) or header.get("format") != FORMAT or "object" not in header:
            raise self.fail("has a malformed structure entry: not a microtensor header")
        if header.get("version") != VERSION:
            raise self.fail(f"is in format version {header.get('version')!r}; this microtensor "
                            f"reads version {VERSION}")
        return header

    def array(self, key: Any) -> np.ndarray:
        """The array of entry ``key``, read once, checked against its header and the budget."""
        if key in self.arrays:
            return self.arrays[key]
        info = self.entries.get(f"{key}.npy") if isinstance(key, str) else None
        if info is None:
            raise self.fail(f"has a malformed structure entry: it names array {key!r}, which "
                            "the archive does not hold")
        if info.file_size > self.budget:
            raise self.fail(
                f"holds more than max_bytes={self.max_bytes:,} bytes of arrays (entry {key!r} "
                f"alone inflates to {info.file_size:,}); if you trust the file, raise the "
                "bound: mt.load(f, max_bytes=...)"
            )
        self.budget -= info.file_size
        with self.archive.open(info) as entry:
            shape, fortran, dtype = _read_npy_header(entry)
            if dtype.hasobject:
                raise self.fail(f"holds a pickled object array (entry {key!r}); microtensor "
                                "never unpickles, because unpickling can run code. Save "
                                "numeric arrays only.")
            if dtype.kind not in KINDS or dtype.fields is not None:
                raise self.fail(f"holds an array of dtype {dtype} (entry {key!r}); only bool, "
                                "integer and floating-point arrays are loaded")
            size = math.prod(shape) * dtype.itemsize
            if info.file_size - entry.tell() != size:
                raise self.fail(f"has a damaged entry {key!r}: {info.file_size - entry.tell()}"
                                f" bytes of data for an array {dtype} {shape} ({size} bytes)")
            array = np.empty(shape, dtype, order="F" if fortran else "C")
            buffer = memoryview((array.T if fortran else array).reshape(-1).view(np.uint8))
            filled = 0
            while filled < size:
                count = entry.readinto(buffer[filled:])
                if not count:
                    raise self.fail(f"has a truncated entry {key!r}")
                filled += count
            if entry.read(1):  # also makes zipfile check the entry's CRC
                raise self.fail(f"has a damaged entry {key!r}: more data than its header says")
        self.arrays[key] = array
        return array


def _read_npy_header(entry: Any) -> tuple[tuple[int, ...], bool, np.dtype]:
    """The ``.npy`` header of an entry (ValueError when it is not one)."""
    version = np.lib.format.read_magic(entry)
    if version == (1, 0):
        return np.lib.format.read_array_header_1_0(entry)
    if version == (2, 0):
        return np.lib.format.read_array_header_2_0(entry)
    raise ValueError(f"unsupported .npy format version {version}")


def _check_json_depth(text: str, limit: int, reader: _Reader) -> None:
    """Refuse JSON nested more than ``limit`` brackets deep, before parsing it."""
    skeleton = re.sub(r'"(?:[^"\\]|\\.)*"', "", text).encode("utf-8")
    codes = np.frombuffer(skeleton, dtype=np.uint8)
    steps = np.isin(codes, (ord("["), ord("{"))).astype(np.int64)
    steps -= np.isin(codes, (ord("]"), ord("}")))
    if codes.size and int(np.cumsum(steps).max()) > limit:
        raise reader.fail(
            f"nests containers deeper than max_depth={(limit - 3) // 3}; if you trust the "
            "file, raise the bound: mt.load(f, max_depth=...)"
        )

class _Decoder:
    """Rebuilds the object from its JSON nodes, checking each, with arrays from ``reader``."""

    def __init__(self, reader: _Reader, max_depth: int) -> None:
        self.reader, self.max_depth = reader, max_depth
        self.tensors: dict[str, Tensor] = {}

    def malformed(self, what: str) -> RefusedError:
        return self.reader.fail(f"has a malformed structure entry: {what}")

    def decode(self, node: Any, depth: int) -> Any:
        if node is None or isinstance(node, bool | int | float | str):
            return node
        kind = node.get("type") if isinstance(node, dict) else None
        if kind == "ndarray":
            return self.reader.array(node.get("key"))
        if kind == "tensor":
            return self.tensor(node)
        if kind not in ("list", "tuple", "dict", "OrderedDict"):
            raise self.malformed(f"unknown node {_short(node)}")
        if depth >= self.max_depth:
            raise self.reader.fail(
                f"nests containers deeper than max_depth={self.max_depth}; if you trust the "
                "file, raise the bound: mt.load(f, max_depth=...)"
            )
        items = node.get("items")
        if not isinstance(items, list):
            raise self.malformed(f"a {kind} node without a list of items: {_short(node)}")
        if kind in ("list", "tuple"):
            values = [self.decode(item, depth + 1) for item in items]
            return values if kind == "list" else tuple(values)
        pairs = []
        for item in items:
            if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], KEY_TYPES)):
                raise self.malformed(f"a {kind} item is not a [key, value] pair: {_short(item)}")
            pairs.append((item[0], self.decode(item[1], depth + 1)))
        return OrderedDict(pairs) if kind == "OrderedDict" else dict(pairs)

    def tensor(self, node: dict[str, Any]) -> Tensor:
        key, requires_grad = node.get("key"), node.get("requires_grad", False)
        if not isinstance(key, str) or not isinstance(requires_grad, bool):
            raise self.malformed(f"a bad tensor node {_short(node)}")
        if key not in self.tensors:
            array = self.reader.array(key)
            if not array.dtype.isnative:
                array = array.astype(array.dtype.newbyteorder("="))
            if requires_grad and array.dtype.kind != "f":
                raise self.malformed(f"tensor {key!r} of dtype {array.dtype} requires grad")
            self.tensors[key] = Tensor._make(array, None)
            if requires_grad:
                self.tensors[key].requires_grad_(True)
        return self.tensors[key]


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
