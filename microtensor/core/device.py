"""Devices: microtensor runs on the CPU, and says so when asked for anything else.

PyTorch programs name devices everywhere (``device="cuda" if torch.cuda.is_available()
else "cpu"``, ``x.to(device)``, ``torch.zeros(3, device=device)``). Here the only device
is ``cpu``: ``device("cpu")``, ``device("cpu", 0)``, ``"cpu:0"`` and ``None`` are
accepted. As in a CPU-only PyTorch, ``device("cuda")`` can be made, but using it (as
``device=``, in ``to``) is an AssertionError saying microtensor runs on the CPU, before
any work is done (never a confusing dtype error later); an unknown name is a RuntimeError.
"""

from __future__ import annotations

from typing import Any

_KNOWN = ("cuda", "mps", "xpu", "xla", "meta", "hip", "vulkan", "mkldnn", "ipu", "hpu", "mtia")


class device:  # noqa: N801 (PyTorch's spelling: torch.device)
    """A device, as PyTorch's ``torch.device``; only ``cpu`` exists.

    ``device("cpu")``, ``device("cpu:0")``, ``device("cpu", 0)``, ``device(other_device)``.
    """

    __slots__ = ("index", "type")

    def __init__(self, type: Any = "cpu", index: int | None = None) -> None:  # noqa: A002
        if isinstance(type, device):
            type, index = type.type, type.index if index is None else index  # noqa: A001
        if not isinstance(type, str):
            raise TypeError(f"device(): expected a string like 'cpu', got {type!r}")
        name, _, number = type.partition(":")
        if number:
            if index is not None or not number.isdigit():
                raise RuntimeError(f"Invalid device string: {type!r}")
            index = int(number)
        check_name(name)
        self.type = name
        self.index = index

    def __repr__(self) -> str:
        index = "" if self.index is None else f", index={self.index}"
        return f"device(type='{self.type}'{index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            try:
                other = device(other)
            except (RuntimeError, TypeError):
                return False
        if not isinstance(other, device):
            return NotImplemented
        return (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))


def check_name(name: str, use: bool = False) -> None:
    """Refuse a device name: an unknown one is a RuntimeError (PyTorch's); with ``use``, a
    known non-CPU one (``cuda``) is an AssertionError, as a CPU-only PyTorch raises when the
    device is used ("not compiled with CUDA enabled"), saying microtensor runs on the CPU."""
    if name == "cpu":
        return
    if name not in _KNOWN:
        raise RuntimeError(
            f"Expected one of cpu, {', '.join(_KNOWN)} device type at start of device "
            f"string: {name}"
        )
    if use:
        raise AssertionError(
            f"microtensor is not compiled with {name.upper()} enabled: device {name!r} is not "
            "available, microtensor runs on the CPU only (NumPy). Use device='cpu' (or leave "
            "device= out); mt.cuda.is_available() is False"
        )


CPU = device("cpu")
_default = CPU


def as_device(value: Any, op: str = "") -> device:
    """``value`` (None, a string, a ``device``, an int index) as the CPU device, or the
    error of ``check_name`` naming ``op``. An int is a CUDA ordinal in PyTorch: refused."""
    if value is None or value is CPU:
        return _default
    if isinstance(value, int) and not isinstance(value, bool):
        value = f"cuda:{value}"
    try:
        chosen = value if isinstance(value, device) else device(value)
        check_name(chosen.type, use=True)
    except (RuntimeError, AssertionError) as error:
        raise type(error)(f"{op}: {error}" if op else str(error)) from None
    return chosen


def set_default_device(value: Any) -> None:
    """Set the device that creation functions use: only ``"cpu"`` (or None) is accepted."""
    global _default
    _default = CPU if value is None else as_device(value, "set_default_device")


def get_default_device() -> device:
    """The default device: ``device(type='cpu')``."""
    return _default
