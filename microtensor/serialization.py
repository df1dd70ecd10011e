"""``save`` / ``load``: checkpoints as NumPy ``.npz`` archives that never run code.

A saved object may nest dicts (and OrderedDicts), lists and tuples of Tensors, NumPy
arrays, numbers (int, float, bool, NumPy scalars), strings and None: enough for a
model's and an optimiser's state dict, a ``Generator``'s ``bit_generator.state`` and an
epoch counter. The archive holds one entry per array (``a0``, ``a1``, ...) and one entry,
``__structure__``, with the nesting as JSON text (UTF-8 bytes in a uint8 array), e.g.::

    {"format": "microtensor", "version": 1,
     "object": {"type": "dict", "items": [["epoch", 3],
                                          ["w", {"type": "tensor", "key": "a0"}]]}}

Writing never pickles: an object array is refused. Reading uses
``numpy.load(allow_pickle=False)`` and ``json``, neither of which can run code; a file
holding a pickled array is refused before anything is built. Saving to a path is atomic:
the archive goes to a temporary file in the same folder, is flushed and fsynced, and
then ``os.replace`` puts it in place, so a crash mid-save leaves the previous file whole.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

import numpy as np

from microtensor.core.tensor import Tensor

_FORMAT = "microtensor"
_VERSION = 1
_STRUCTURE = "__structure__"
_KEY_TYPES = (str, int, float, bool, type(None))


def save(obj: Any, f: str | os.PathLike[str] | Any) -> None:
    """Write ``obj`` to ``f`` (a path, written atomically, or a binary file object).

    Raises:
        TypeError: for a value of an unsupported type (named with where it sits in
            ``obj``), including object arrays, which only pickle could store.
        ValueError: when a container contains itself.
    """
    arrays: dict[str, np.ndarray] = {}
    structure = _Encoder(arrays).encode(obj, "obj", ())
    header = json.dumps({"format": _FORMAT, "version": _VERSION, "object": structure})
    arrays[_STRUCTURE] = np.frombuffer(header.encode("utf-8"), dtype=np.uint8)
    if hasattr(f, "write"):
        np.savez(f, **arrays)
    else:
        _write_atomically(os.fspath(f), arrays)


def load(
    f: str | os.PathLike[str] | Any,
    map_location: Any = None,
    *,
    weights_only: bool | None = None,
) -> Any:
    """Read an object written by ``save``: Tensors come back as Tensors and arrays as
    arrays (dtype, shape and values intact), numbers as Python numbers.

    ``map_location`` and ``weights_only`` are PyTorch's: everything loads on the CPU (a
    location naming another device is refused), and nothing is ever unpickled, so loading
    is always what PyTorch calls ``weights_only=True``, whatever is passed.

    Raises:
        ValueError: when ``f`` is not a file written by ``save``, or holds pickled
            (object) arrays; nothing from the file is unpickled or executed.
    """
    _check_map_location(map_location)
    name = f if isinstance(f, str | os.PathLike) else getattr(f, "name", "the file")
    try:
        archive = np.load(f, allow_pickle=False)
    except ValueError as error:
        raise ValueError(
            f"load: {name!s} is not a microtensor checkpoint (written by mt.save): {error}. "
            "Files holding pickled data are refused, since unpickling can run code."
        ) from None
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise ValueError(
            f"load: {name!s} holds a single NumPy array, not a microtensor checkpoint "
            "(an .npz archive written by mt.save); use numpy.load for it"
        )
    with archive:
        if _STRUCTURE not in archive.files:
            raise ValueError(
                f"load: {name!s} is an .npz archive without a '{_STRUCTURE}' entry, so it "
                "was not written by mt.save; use numpy.load for it"
            )
        arrays = {}
        for key in archive.files:
            try:
                arrays[key] = archive[key]
            except ValueError:
                raise ValueError(
                    f"load: {name!s} holds a pickled object array (entry {key!r}); "
                    "microtensor never unpickles, because unpickling can run code. Save "
                    "numeric arrays only."
                ) from None
    try:
        header = json.loads(arrays.pop(_STRUCTURE).tobytes().decode("utf-8"))
        if header.get("format") != _FORMAT or header.get("version") != _VERSION:
            raise ValueError(f"unknown format {header.get('format')!r} {header.get('version')!r}")
        return _Decoder(arrays).decode(header["object"])
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise ValueError(f"load: {name!s} has a malformed structure entry: {error}") from None


def _check_map_location(map_location: Any) -> None:
    """Accept PyTorch's ``map_location`` forms that mean the CPU (None, "cpu", a device, a
    dict or a function, which only ever see CPU storage here); refuse other devices."""
    if map_location is None or callable(map_location) or isinstance(map_location, Mapping):
        return
    if str(map_location).split(":")[0] != "cpu":
        raise RuntimeError(
            f"load: map_location={map_location!r} names a device microtensor does not have; "
            "everything loads on the CPU (use map_location='cpu' or leave it out)"
        )


class _Encoder:
    """Turns an object into JSON-ready nodes, collecting its arrays in ``arrays``."""

    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        self.arrays = arrays
        self.keys: dict[int, str] = {}  # id of a Tensor/array already stored -> its key

    def encode(self, obj: Any, where: str, path: tuple[int, ...]) -> Any:
        if obj is None or isinstance(obj, bool | str):
            return obj
        if isinstance(obj, np.bool_):
            return bool(obj)
        if isinstance(obj, int | np.integer):
            return int(obj)
        if isinstance(obj, float | np.floating):
            return float(obj)
        if isinstance(obj, Tensor):
            node = {"type": "tensor", "key": self._store(obj._array, obj, where)}
            return {**node, "requires_grad": True} if obj.requires_grad else node
        if isinstance(obj, np.ndarray):
            return {"type": "ndarray", "key": self._store(obj, obj, where)}
        if not isinstance(obj, Mapping | list | tuple):
            raise TypeError(
                f"save: cannot store {type(obj).__name__} at {where}; supported are "
                "Tensor, numpy arrays, dict, list, tuple, int, float, bool, str and None"
            )
        if id(obj) in path:
            raise ValueError(f"save: {where} contains itself; cannot store a cycle")
        path = (*path, id(obj))
        if isinstance(obj, Mapping):
            kind = "OrderedDict" if isinstance(obj, OrderedDict) else "dict"
            items = [[self._key(k, where), self.encode(v, f"{where}[{k!r}]", path)]
                     for k, v in obj.items()]  # fmt: skip
            return {"type": kind, "items": items}
        items = [self.encode(v, f"{where}[{i}]", path) for i, v in enumerate(obj)]
        return {"type": "tuple" if isinstance(obj, tuple) else "list", "items": items}

    def _store(self, array: np.ndarray, owner: Any, where: str) -> str:
        if array.dtype.hasobject:
            raise TypeError(
                f"save: {where} is an array of dtype {array.dtype}, which only pickle could "
                "store (and unpickling can run code); convert it to a numeric array"
            )
        if id(owner) not in self.keys:  # one entry per object, so sharing survives
            self.keys[id(owner)] = key = f"a{len(self.arrays)}"
            self.arrays[key] = array
        return self.keys[id(owner)]

    @staticmethod
    def _key(key: Any, where: str) -> Any:
        if isinstance(key, np.generic):
            key = key.item()
        if not isinstance(key, _KEY_TYPES):
            raise TypeError(
                f"save: dict key {key!r} in {where} is a {type(key).__name__}; keys must "
                "be str, int, float, bool or None"
            )
        return key


class _Decoder:
    """Rebuilds the object from its JSON nodes and the archive's arrays."""

    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        self.arrays = arrays
        self.tensors: dict[str, Tensor] = {}

    def decode(self, node: Any) -> Any:
        if node is None or isinstance(node, bool | int | float | str):
            return node
        kind = node["type"]
        if kind == "ndarray":
            return self.arrays[node["key"]]
        if kind == "tensor":
            key = node["key"]
            if key not in self.tensors:
                self.tensors[key] = Tensor._make(self.arrays[key], None)
                if node.get("requires_grad"):
                    self.tensors[key].requires_grad_(True)
            return self.tensors[key]
        items = node["items"]
        if kind in ("list", "tuple"):
            values = [self.decode(item) for item in items]
            return values if kind == "list" else tuple(values)
        if kind in ("dict", "OrderedDict"):
            pairs = [(_check_key(key), self.decode(value)) for key, value in items]
            return OrderedDict(pairs) if kind == "OrderedDict" else dict(pairs)
        raise ValueError(f"unknown node type {kind!r}")


def _check_key(key: Any) -> Any:
    if not isinstance(key, _KEY_TYPES):
        raise ValueError(f"dict key {key!r} is not a str, number, bool or None")
    return key


def _write_atomically(path: str, arrays: dict[str, np.ndarray]) -> None:
    """Write the archive to a temporary file beside ``path``, fsync it, then rename it
    over ``path`` (atomic on POSIX and Windows); on any failure remove the temporary."""
    directory = os.path.dirname(os.path.abspath(path))
    temporary = os.path.join(
        directory, f".{os.path.basename(path)}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    )
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(descriptor, "wb") as file:
            np.savez(file, **arrays)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _fsync_directory(directory)


def _fsync_directory(directory: str) -> None:
    """Make the rename itself durable (where the OS allows opening a folder)."""
    with contextlib.suppress(OSError, AttributeError):
        descriptor = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


__all__ = ["load", "save"]
