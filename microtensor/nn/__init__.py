"""``microtensor.nn``: modules, layers, initialisers (see ``functional`` for the ops)."""

from microtensor.nn import functional, init
from microtensor.nn.conv import Conv1d, Conv2d, ConvTranspose2d
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
from microtensor.nn.parameter import Parameter
from microtensor.nn.pooling import AdaptiveAvgPool2d, AdaptiveMaxPool2d, AvgPool2d
from microtensor.nn.rnn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNCell

__all__ = [
    "BCELoss", "BCEWithLogitsLoss", "HuberLoss", "KLDivLoss", "L1Loss", "MSELoss", "NLLLoss",
    "SmoothL1Loss", "AdaptiveAvgPool2d", "AdaptiveMaxPool2d", "AvgPool2d", "Conv1d",
    "ConvTranspose2d", "GRU", "GRUCell", "LSTM", "LSTMCell", "RNN", "RNNCell",
    "Conv2d", "CrossEntropyLoss", "Flatten", "Linear", "MaxPool2d", "Module", "Parameter",
    "ReLU", "Sequential", "functional", "init",
]  # fmt: skip
