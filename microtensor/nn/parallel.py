"""``nn.parallel.DataParallel``: the transparent wrapper that a CPU-only PyTorch gives.

With no GPU, PyTorch's DataParallel calls its ``module`` directly: same outputs, same
gradients; its state_dict keys are the module's, prefixed ``module.``. Here it is that
wrapper (``device_ids``, ``output_device`` and ``dim`` are accepted and kept).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from microtensor.nn.module import Module


class DataParallel(Module):
    """Runs ``module`` itself (the one device is the CPU); ``self.module`` is the model."""

    def __init__(
        self,
        module: Module,
        device_ids: Sequence[Any] | None = None,
        output_device: Any = None,
        dim: int = 0,
    ) -> None:
        super().__init__()
        if not isinstance(module, Module):
            raise TypeError(f"DataParallel: {type(module).__name__} is not a Module subclass")
        self.module = module
        self.device_ids: list[Any] = []
        self.output_device = output_device
        self.dim = dim

    def forward(self, *inputs: Any, **kwargs: Any) -> Any:
        return self.module(*inputs, **kwargs)


__all__ = ["DataParallel"]
