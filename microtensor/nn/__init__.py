"""``microtensor.nn``: modules, layers, initialisers (see ``functional`` for the ops)."""

from microtensor.nn import functional, init, parallel, utils
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
from microtensor.nn.conv import Conv1d, Conv2d, ConvTranspose2d
from microtensor.nn.dropout import Dropout, Dropout2d
from microtensor.nn.layers import (
    Flatten,
    Linear,
    MaxPool2d,
    ReLU,
    Sequential,
)
from microtensor.nn.loss import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    HuberLoss,
    KLDivLoss,
    L1Loss,
    MSELoss,
    NLLLoss,
    SmoothL1Loss,
)
from microtensor.nn.module import Module
from microtensor.nn.normalization import BatchNorm1d, BatchNorm2d, GroupNorm, LayerNorm
from microtensor.nn.parameter import Parameter
from microtensor.nn.pooling import AdaptiveAvgPool2d, AdaptiveMaxPool2d, AvgPool2d
from microtensor.nn.rnn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNCell
from microtensor.nn.sparse import Embedding
from microtensor.nn.unflatten import Unflatten

__all__ = [
    "ELU", "GELU", "GRU", "LSTM", "RNN", "AdaptiveAvgPool2d", "AdaptiveMaxPool2d", "AvgPool2d",
    "BCELoss", "BCEWithLogitsLoss", "BatchNorm1d", "BatchNorm2d", "Conv1d", "Conv2d",
    "ConvTranspose2d", "CrossEntropyLoss", "Dropout", "Dropout2d", "Embedding", "Flatten",
    "GRUCell", "GroupNorm", "HuberLoss", "Identity", "KLDivLoss", "L1Loss", "LSTMCell",
    "LayerNorm", "LeakyReLU", "Linear", "LogSoftmax", "MSELoss", "MaxPool2d", "Module",
    "ModuleDict", "ModuleList", "NLLLoss", "Parameter", "ParameterDict", "ParameterList",
    "RNNCell", "ReLU", "Sequential", "SiLU", "Sigmoid", "SmoothL1Loss", "Softmax", "Softplus",
    "Tanh", "Unflatten", "functional", "init", "parallel", "utils",
]  # fmt: skip
