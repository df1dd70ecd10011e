"""Windows over NCHW images, shared by convolution and pooling: padding and geometry checks.

Both slide a ``kernel_size`` window with ``stride`` over an input padded by ``padding``
on each side; the output has ``OH = (H + 2 * padding - kernel) // stride + 1`` rows.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from microtensor.core.tensor import Tensor
from microtensor.ops.arguments import Pair


def pad2d(x: np.ndarray, padding: Pair, value: float = 0.0) -> np.ndarray:
    """``x`` (N, C, H, W) with ``padding`` rows/columns of ``value`` on each side.

    Faster than ``numpy.pad`` for this one case; returns ``x`` itself when there is none.
    """
    ph, pw = padding
    if not ph and not pw:
        return x
    n, c, h, w = x.shape
    out = np.full((n, c, h + 2 * ph, w + 2 * pw), value, dtype=x.dtype)
    out[:, :, ph : ph + h, pw : pw + w] = x
    return out


def check_geometry(
    op: str, input_shape: tuple[int, ...], kernel_size: Pair, stride: Pair, padding: Pair
) -> None:
    """A RuntimeError when the kernel does not fit in the padded input."""
    padded = (input_shape[2] + 2 * padding[0], input_shape[3] + 2 * padding[1])
    if kernel_size[0] > padded[0] or kernel_size[1] > padded[1]:
        raise RuntimeError(
            f"{op}: kernel size {kernel_size} is larger than the padded input {padded} "
            f"(input {input_shape[2:]} with padding {padding}); use a smaller kernel or "
            "more padding"
        )


def check_4d(op: str, name: str, tensor: Any, layout: str) -> None:
    """A TypeError for a non-Tensor, a RuntimeError (naming the layout) for a non-4-D one."""
    if not isinstance(tensor, Tensor):
        raise TypeError(f"{op}: {name} must be a Tensor, got {type(tensor).__name__}")
    if tensor._array.ndim != 4:
        raise RuntimeError(
            f"{op}: expected a 4-D {name} {layout}, got a {tensor._array.ndim}-D {name} of shape "
            f"{tensor._array.shape}" + ("; add a batch dimension with unsqueeze(0)"
                                 if name == "input" and tensor._array.ndim == 3 else "")
        )
