"""``Module.to``: PyTorch's argument forms (``to(dtype)``, ``to(device)``, ``to(tensor)``,
``to(device, dtype)``, keywords ``device=``, ``dtype=``, ``non_blocking=``) and the
in-place conversion of floating parameters, their gradients and floating buffers.

NumPy is the one device: ``"cpu"`` (or ``"cpu:0"``, or a device object whose ``type`` is
``"cpu"``) is accepted and changes nothing; ``"cuda"`` and the like are refused as a
CPU-only PyTorch refuses them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from microtensor.core import dtypes
from microtensor.core.tensor import Tensor

_DEVICE_TYPES = ("cpu", "cuda", "mps", "xpu", "meta", "hip", "xla", "ipu", "mtia")


def _check_device(device: Any) -> None:
    kind = device if isinstance(device, str) else getattr(device, "type", None)
    if not isinstance(kind, str):
        raise TypeError(f"to() received an invalid device: {device!r}")
    kind = kind.split(":")[0]
    if kind == "cpu":
        return
    if kind not in _DEVICE_TYPES:
        raise RuntimeError(
            "Expected one of cpu, cuda, mps, xpu, meta device type at start of device "
            f"string: {device}"
        )
    raise AssertionError(
        f"Torch not compiled with {kind.upper()} enabled: microtensor runs on the CPU only "
        "(NumPy); use .to('cpu') or leave the device out"
    )


def _parse(args: tuple[Any, ...], kwargs: dict[str, Any]) -> np.dtype | None:
    """The target dtype of ``to(*args, **kwargs)`` (None: keep), checking any device."""
    unknown = set(kwargs) - {"device", "dtype", "non_blocking", "memory_format"}
    if unknown or len(args) > 3:
        raise TypeError(f"to() received an invalid combination of arguments: {args}, {kwargs}")
    dtype = kwargs.get("dtype")
    if kwargs.get("device") is not None:
        _check_device(kwargs["device"])
    for arg in args:
        if isinstance(arg, bool):  # non_blocking
            continue
        if isinstance(arg, Tensor):
            dtype = arg.dtype
        elif isinstance(arg, str) or hasattr(arg, "type") and not isinstance(arg, np.dtype):
            _check_device(arg)
        elif arg is not None:
            dtype = arg
    if dtype is None:
        return None
    try:
        target = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"nn.Module.to: expected a float dtype, got {dtype!r}") from None
    if not dtypes.is_floating(target):
        raise TypeError(
            f"nn.Module.to only accepts floating point dtypes, but got desired dtype={target}"
        )
    return target


def convert(module: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """Convert ``module``'s floating parameters, their gradients and floating buffers in
    place (the Parameter objects stay the same); returns ``module``."""
    target = _parse(args, kwargs)
    if target is None:
        return module
    for tensor in [*module.parameters(), *module.buffers()]:
        if dtypes.is_floating(tensor._array.dtype) and tensor._array.dtype != target:
            tensor._array = tensor._array.astype(target)
            tensor._bump_version()
            if tensor.grad is not None:
                tensor.grad = Tensor._make(tensor.grad._array.astype(target), None)
    return module
