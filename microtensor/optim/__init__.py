"""``microtensor.optim``: optimisers with PyTorch's update rules and state dicts."""

from microtensor.optim.adam import Adam
from microtensor.optim.optimizer import Optimizer
from microtensor.optim.sgd import SGD

__all__ = ["SGD", "Adam", "Optimizer"]
