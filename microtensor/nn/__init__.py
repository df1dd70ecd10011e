"""``microtensor.nn``: modules, layers, initialisers (see ``functional`` for the ops)."""

from microtensor.nn import functional, init, utils
from microtensor.nn.layers import (
    Conv2d,
    CrossEntropyLoss,
    Flatten,
    Linear,
    MaxPool2d,
    ReLU,
    Sequential,
)
from microtensor.nn.module import Module
from microtensor.nn.parameter import Parameter

__all__ = [
    "Conv2d", "CrossEntropyLoss", "Flatten", "Linear", "MaxPool2d", "Module", "Parameter",
    "ReLU", "Sequential", "functional", "init", "utils",
]  # fmt: skip
