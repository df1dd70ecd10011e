"""``microtensor.nn``: modules, layers, initialisers (see ``functional`` for the ops)."""

from microtensor.nn import functional, init, parallel
from microtensor.nn.activation import (
    ELU,
    GELU,
    Identity,
    LeakyReLU,
    LogSoftmax,
    Sigmoid,
    SiLU,
    Softmax,
    Softplus,
    Tanh,
)
from microtensor.nn.container import ModuleDict, ModuleList, ParameterDict, ParameterList
from microtensor.nn.dropout import Dropout, Dropout2d
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
from microtensor.nn.normalization import BatchNorm1d, BatchNorm2d, GroupNorm, LayerNorm
from microtensor.nn.parameter import Parameter
from microtensor.nn.sparse import Embedding
from microtensor.nn.unflatten import Unflatten

__all__ = [
    "ELU", "GELU", "BatchNorm1d", "BatchNorm2d", "Conv2d", "CrossEntropyLoss", "Dropout",
    "Dropout2d", "Embedding", "Flatten", "GroupNorm", "Identity", "LayerNorm", "LeakyReLU",
    "Linear", "LogSoftmax", "MaxPool2d", "Module", "ModuleDict", "ModuleList", "Parameter",
    "ParameterDict", "ParameterList", "ReLU", "Sequential", "SiLU", "Sigmoid", "Softmax",
    "Softplus", "Tanh", "Unflatten", "functional", "init", "parallel",
]  # fmt: skip
