"""State dicts: what ``Module.state_dict`` collects and ``Module.load_state_dict`` checks
and copies, with PyTorch's keys, result type and error messages. (``module`` is an
``nn.Module``; module.py imports this file, so the annotation says ``Any``.)
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np

from microtensor.core.tensor import Tensor


class _Keys(NamedTuple):
    missing_keys: list[str]
    unexpected_keys: list[str]


class IncompatibleKeys(_Keys):
    """What ``load_state_dict(strict=False)`` did not match."""

    __slots__ = ()

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()


def collect(
    module: Any, destination: OrderedDict[str, Tensor], prefix: str, keep_vars: bool
) -> OrderedDict[str, Tensor]:
    """Add ``module``'s parameters and persistent buffers to ``destination``, then its
    children's (through their own ``state_dict``), under dotted names."""
    for name, parameter in module._parameters.items():
        if parameter is not None:
            destination[prefix + name] = parameter if keep_vars else parameter.detach()
    for name, buffer in module._buffers.items():
        if buffer is not None and name not in module._non_persistent_buffers:
            destination[prefix + name] = buffer if keep_vars else buffer.detach()
    for name, child in module._modules.items():
        if child is not None:
            child.state_dict(
                destination=destination, prefix=f"{prefix}{name}.", keep_vars=keep_vars
            )
    return destination


def load_state_dict(module: Any, state_dict: Mapping[str, Any], strict: bool) -> IncompatibleKeys:
    """Check every key and shape of ``state_dict`` against ``module``'s own, then copy.

    Nothing is copied when there is an error: all of them are reported in one RuntimeError.
    """
    if not isinstance(state_dict, Mapping):
        raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
    own = module.state_dict(keep_vars=True)
    missing = [key for key in own if key not in state_dict]
    unexpected = [key for key in state_dict if key not in own]
    errors: list[str] = []
    if strict and missing:
        errors.append("Missing key(s) in state_dict: " + ", ".join(f'"{k}"' for k in missing))
    if strict and unexpected:
        keys = ", ".join(f'"{k}"' for k in unexpected)
        errors.append(f"Unexpected key(s) in state_dict: {keys}")
    arrays: dict[str, np.ndarray] = {}
    for key, target in own.items():
        if key not in state_dict:
            continue
        value = state_dict[key]
        if not isinstance(value, Tensor | np.ndarray):
            errors.append(
                f'While copying the parameter named "{key}", expected a Tensor '
                f"from the checkpoint but received {type(value).__name__}"
            )
        elif value.shape != target.shape:
            errors.append(
                f"size mismatch for {key}: copying a param with shape "
                f"{tuple(value.shape)} from checkpoint, the shape in current "
                f"model is {target.shape}."
            )
        else:
            arrays[key] = value._array if isinstance(value, Tensor) else value
    if errors:
        raise RuntimeError(
            f"Error(s) in loading state_dict for {type(module).__name__}:"
            "\n\t" + "\n\t".join(errors)
        )
    for key, array in arrays.items():
        np.copyto(own[key]._array, array, casting="unsafe")
        own[key]._bump_version()
    return IncompatibleKeys(missing, unexpected)
