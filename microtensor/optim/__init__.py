"""``microtensor.optim``: optimisers with PyTorch's update rules and state dicts.

``optim.lr_scheduler`` holds PyTorch's learning-rate schedules.
"""

from microtensor.optim import lr_scheduler
from microtensor.optim.adadelta import Adadelta
from microtensor.optim.adagrad import Adagrad
from microtensor.optim.adam import Adam, AdamW
from microtensor.optim.adamax import Adamax
from microtensor.optim.nadam import NAdam
from microtensor.optim.optimizer import Optimizer
from microtensor.optim.rmsprop import RMSprop
from microtensor.optim.sgd import SGD

__all__ = [
    "SGD", "Adadelta", "Adagrad", "Adam", "AdamW", "Adamax", "NAdam", "Optimizer", "RMSprop",
    "lr_scheduler",
]  # fmt: skip
