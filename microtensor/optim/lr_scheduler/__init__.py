"""``optim.lr_scheduler``: PyTorch's learning-rate schedules, giving the same sequences.

    scheduler = lr_scheduler.StepLR(optimizer, step_size=10, gamma=0.5)
    for epoch in range(epochs):
        train(...)            # optimizer.step() inside
        scheduler.step()      # after the optimiser's step
"""

from microtensor.optim.lr_scheduler.base import LambdaLR, LRScheduler
from microtensor.optim.lr_scheduler.onecycle import OneCycleLR
from microtensor.optim.lr_scheduler.plateau import ReduceLROnPlateau, SequentialLR
from microtensor.optim.lr_scheduler.simple import (
    CosineAnnealingLR,
    ExponentialLR,
    LinearLR,
    MultiStepLR,
    StepLR,
)

__all__ = [
    "CosineAnnealingLR", "ExponentialLR", "LRScheduler", "LambdaLR", "LinearLR", "MultiStepLR",
    "OneCycleLR", "ReduceLROnPlateau", "SequentialLR", "StepLR",
]  # fmt: skip
