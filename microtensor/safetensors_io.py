"""safetensors files: the weights interchange with PyTorch, both ways.

``save_safetensors(state_dict, path)`` writes a flat ``{name: Tensor}`` dict in the
safetensors format (a JSON header of names, dtypes, shapes and offsets, then the raw
little-endian bytes), through the ``safetensors`` package's NumPy API;
``load_safetensors(path)`` reads one back as a dict of Tensors. PyTorch reads the same
file with ``safetensors.torch.load_file(path)``, and writes one with
``safetensors.torch.save_file(model.state_dict(), path)``. The format holds no code, so
reading never runs any. The names follow the issue's ``mt.save_safetensors`` /
``mt.load_safetensors`` (``torch.save`` / ``torch.load`` plus the format), so they do
not clash with the package's own ``save_file`` / ``load_file``.

``safetensors`` is an optional extra: ``pip install microtensor[safetensors]``.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping
from typing import Any

import numpy as np

from microtensor.atomic import write_atomically
from microtensor.core.tensor import Tensor

_MISSING = (
    "{function} needs the safetensors package, which is not installed; "
    "pip install 'microtensor[safetensors]' (or pip install safetensors)"
)


def _numpy_api(function: str) -> Any:
    try:
        return importlib.import_module("safetensors.numpy")
    except ImportError:
        raise ImportError(_MISSING.format(function=function)) from None


def save_safetensors(
    state_dict: Mapping[str, Any],
    path: str | os.PathLike[str],
    metadata: Mapping[str, str] | None = None,
) -> None:
    """Write ``{name: Tensor or numpy array}`` to ``path`` as a safetensors file (atomic:
    a temporary file beside it, fsynced, then renamed). ``metadata`` is free text.

    Raises:
        TypeError: for a key that is not a str, or a value that is not a Tensor or a
            numeric array (named with its key).
        ImportError: when the safetensors package is not installed.
    """
    arrays: dict[str, np.ndarray] = {}
    for key, value in state_dict.items():
        if not isinstance(key, str):
            raise TypeError(f"save_safetensors: key {key!r} is a {type(key).__name__}, not a str")
        array = value._array if isinstance(value, Tensor) else value
        if not isinstance(array, np.ndarray) or array.dtype.kind not in "biuf":
            kind = getattr(array, "dtype", type(value).__name__)
            raise TypeError(
                f"save_safetensors: {key!r} is {kind}; a safetensors file holds only Tensors "
                "and numeric arrays (a model's state_dict)"
            )
        arrays[key] = np.ascontiguousarray(array)
    if metadata is not None:
        metadata = {str(k): str(v) for k, v in metadata.items()}
    payload = _numpy_api("save_safetensors").save(arrays, metadata=metadata)
    write_atomically(os.fspath(path), lambda file: file.write(payload))


def load_safetensors(path: str | os.PathLike[str], device: str = "cpu") -> dict[str, Tensor]:
    """Read a safetensors file (ours or PyTorch's) as ``{name: Tensor}``, in file order.

    Raises:
        ValueError: when ``path`` is not a readable safetensors file, or holds a dtype
            NumPy lacks (bfloat16, float8).
        ImportError: when the safetensors package is not installed.
    """
    if str(device).split(":")[0] != "cpu":
        raise RuntimeError(f"load_safetensors: device={device!r}; microtensor has only the CPU")
    api = _numpy_api("load_safetensors")
    with open(path, "rb") as file:
        data = file.read()
    try:
        arrays = api.load(data)
    except Exception as error:  # SafetensorError, or NumPy refusing a dtype
        raise ValueError(
            f"load_safetensors: {os.fspath(path)} is not a safetensors file microtensor can "
            f"read: {error}"
        ) from None
    return {key: Tensor._make(np.array(array), None) for key, array in arrays.items()}


