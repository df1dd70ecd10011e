"""``save`` / ``load``: checkpoints as NumPy ``.npz`` archives that never run code.

A saved object may nest dicts (and OrderedDicts), lists and tuples of Tensors, NumPy
arrays, numbers (int, float, bool, NumPy scalars), strings and None: enough for a
model's and an optimiser's state dict, a ``Generator``'s ``bit_generator.state`` and an
epoch counter. The archive holds one entry per array (``a0``, ``a1``, ...) and one entry,
``__structure__``, with the nesting as JSON text (UTF-8 bytes in a uint8 array), e.g.::

    {"format": "microtensor", "version": 1,
     "object": {"type": "dict", "items": [["epoch", 3],
                                          ["w", {"type": "tensor", "key": "a0"}]]}}

Writing never pickles: only arrays of dtype bool, integer or floating point are stored.
Reading (``microtensor/loading.py``) validates every byte with ``zipfile``, NumPy's
``.npy`` header parser and ``json``, none of which can run code, and bounds the total
size of the arrays (``max_bytes``) and the nesting (``max_depth``); any bad file is one
ValueError saying what is wrong with it.

Saving to a path is atomic: the archive goes to a temporary file
``.NAME.PID.RANDOM.tmp`` in the same folder, is flushed and fsynced, and then
``os.replace`` puts it in place, so a crash mid-save leaves the previous file whole.
The temporary files of saves killed before their rename (whose process is gone) are
removed by the next save of the same file. Saving onto a symbolic link writes through
it: the file it points to is replaced (in the target's folder) and the link stays.
"""

from __future__ import annotations

import io
import json
import os
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

import numpy as np

from microtensor.atomic import write_atomically
from microtensor.core.tensor import Tensor
from microtensor.loading import (
    FORMAT,
    KEY_TYPES,
    KINDS,
    MAX_BYTES,
    MAX_DEPTH,
    STRUCTURE,
    VERSION,
    read_checkpoint,
)


def save(obj: Any, f: str | os.PathLike[str] | Any) -> None:
    """Write ``obj`` to ``f`` (a path, written atomically, or a binary file object).

    Raises:
        TypeError: for a value of an unsupported type (named with where it sits in
            ``obj``), including arrays of dtypes other than bool, integer and floating
            point (object arrays only pickle could store; ``load`` refuses the others).
        ValueError: when a container contains itself.
        OSError: when the file cannot be written (the previous one is then kept).
    """
    arrays: dict[str, np.ndarray] = {}
    try:
        structure = _Encoder(arrays).encode(obj, "obj", ())
        header = json.dumps({"format": FORMAT, "version": VERSION, "object": structure})
    except RecursionError:
        raise ValueError("save: obj is nested too deeply to be stored") from None
    arrays[STRUCTURE] = np.frombuffer(header.encode("utf-8"), dtype=np.uint8)
    if hasattr(f, "write"):
        np.savez(f, **arrays)
    else:
        write_atomically(os.fspath(f), lambda file: np.savez(file, **arrays))


def load(
    f: str | os.PathLike[str] | Any,
    map_location: Any = None,
    *,
    weights_only: bool | None = None,
    max_bytes: int = MAX_BYTES,
    max_depth: int = MAX_DEPTH,
) -> Any:
    """Read an object written by ``save``: Tensors come back as Tensors and arrays as
    arrays (dtype, shape and values intact), numbers as Python numbers.

    Everything read is validated before it is built; nothing is unpickled or executed.
    The arrays may hold at most ``max_bytes`` bytes in all (1 GiB by default) and
    containers may nest at most ``max_depth`` deep (100); raise either bound for a file
    you trust.

    ``map_location`` and ``weights_only`` are PyTorch's: everything loads on the CPU (a
    location naming another device is refused), and nothing is ever unpickled, so loading
    is always what PyTorch calls ``weights_only=True``, whatever is passed.

    Raises:
        ValueError: for any file that is not an intact checkpoint written by ``save``
            (empty, truncated, corrupt, random bytes, a pickle, another NumPy file, an
            array of a dtype other than bool, integer or floating point, a structure
            nested deeper than ``max_depth``, arrays larger than ``max_bytes``), with a
            message saying what is wrong.
        OSError: when the operating system refuses to open or read the file (missing,
            a folder, no permission, an I/O error).
    """
    _check_map_location(map_location)
    name = str(f) if isinstance(f, str | os.PathLike) else str(getattr(f, "name", "the file"))
    if isinstance(f, str | os.PathLike):
        with open(f, "rb") as file:  # OSError: what the operating system refuses
            return read_checkpoint(file, name, max_bytes, max_depth)
    if not (hasattr(f, "seekable") and f.seekable()):
        f = io.BytesIO(f.read())
    return read_checkpoint(f, name, max_bytes, max_depth)


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
        if array.dtype.kind not in KINDS or array.dtype.fields is not None:
            raise TypeError(
                f"save: {where} is an array of dtype {array.dtype}; only bool, integer and "
                "floating-point arrays are stored"
            )
        if id(owner) not in self.keys:  # one entry per object, so sharing survives
            self.keys[id(owner)] = key = f"a{len(self.arrays)}"
            self.arrays[key] = array
        return self.keys[id(owner)]

    @staticmethod
    def _key(key: Any, where: str) -> Any:
        if isinstance(key, np.generic):
            key = key.item()
        if not isinstance(key, KEY_TYPES):
            raise TypeError(
                f"save: dict key {key!r} in {where} is a {type(key).__name__}; keys must "
                "be str, int, float, bool or None"
            )
        return key


__all__ = ["load", "save"]
