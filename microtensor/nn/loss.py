"""Loss modules, as PyTorch's: each keeps its options and calls its ``F.`` function.

``weight`` (and ``pos_weight``) are buffers, as in PyTorch: they appear in the state dict
when given and follow ``module.to(dtype)``. The deprecated ``size_average`` and
``reduce`` arguments are accepted and turned into ``reduction`` as PyTorch does. A
``reduction`` that is not one of the loss's is a ValueError at construction.
"""

from __future__ import annotations

from typing import Any

from microtensor.core.tensor import Tensor
from microtensor.nn import functional as F  # noqa: N812 (PyTorch's spelling)
from microtensor.nn.module import Module
from microtensor.ops.arguments import REDUCTIONS, check_reduction
from microtensor.ops.losses import check_tensor, legacy_reduction


class _Loss(Module):
    """A loss with a ``reduction`` ('mean', 'sum' or 'none')."""

    _reductions: tuple[str, ...] = REDUCTIONS

    def __init__(self, size_average: Any = None, reduce: Any = None,
                 reduction: str = "mean") -> None:
        super().__init__()
        self.reduction = legacy_reduction(size_average, reduce, reduction)
        check_reduction(self.reduction, type(self).__name__, self._reductions)


class _WeightedLoss(_Loss):
    """A loss with an optional ``weight`` buffer."""

    def __init__(self, weight: Tensor | None = None, size_average: Any = None,
                 reduce: Any = None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        if weight is not None:
            check_tensor(weight, "weight", type(self).__name__)
        self.register_buffer("weight", weight)


class L1Loss(_Loss):
    """``|input - target|``, reduced (``F.l1_loss``)."""

    def forward(self, input: Tensor, target: Tensor) -> Tensor:  # noqa: A002
        return F.l1_loss(input, target, reduction=self.reduction)


class MSELoss(_Loss):
    """``(input - target) ** 2``, reduced (``F.mse_loss``)."""

    def forward(self, input: Tensor, target: Tensor) -> Tensor:  # noqa: A002
        return F.mse_loss(input, target, reduction=self.reduction)


class SmoothL1Loss(_Loss):
    """Quadratic below ``beta``, linear above (``F.smooth_l1_loss``)."""

    def __init__(self, size_average: Any = None, reduce: Any = None,
                 reduction: str = "mean", beta: float = 1.0) -> None:
        super().__init__(size_average, reduce, reduction)
        self.beta = beta

    def forward(self, input: Tensor, target: Tensor) -> Tensor:  # noqa: A002
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class HuberLoss(_Loss):
    """Quadratic below ``delta``, linear with slope ``delta`` above (``F.huber_loss``)."""

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction=reduction)
        self.delta = delta

    def forward(self, input: Tensor, target: Tensor) -> Tensor:  # noqa: A002
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class KLDivLoss(_Loss):
    """``target * (log target - input)`` for log-probabilities ``input`` (``F.kl_div``)."""

    _reductions = (*REDUCTIONS, "batchmean")

    def __init__(self, size_average: Any = None, reduce: Any = None,
                 reduction: str = "mean", log_target: bool = False) -> None:
        super().__init__(size_average, reduce, reduction)
        self.log_target = log_target

    def forward(self, input: Tensor, target: Tensor) -> Tensor:  # noqa: A002
        return F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)


class NLLLoss(_WeightedLoss):
    """Negative log-likelihood of class indices under log-probabilities (``F.nll_loss``)."""

    def __init__(self, weight: Tensor | None = None, size_average: Any = None,
                 ignore_index: int = -100, reduce: Any = None, reduction: str = "mean") -> None:
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index

    def forward(self, input: Tensor, target: Tensor) -> Tensor:  # noqa: A002
        return F.nll_loss(input, target, weight=self.weight, ignore_index=self.ignore_index,
                          reduction=self.reduction)


class CrossEntropyLoss(_WeightedLoss):
    """Log-softmax over dim 1 and the negative log-likelihood (``F.cross_entropy``).

    Shapes: ``input`` (N, C) (or (C,), or (N, C, d1, ...)), ``target`` class indices
    (N,) in [0, C) (or ``ignore_index``), or class probabilities of the input's shape.
    """

    def __init__(self, weight: Tensor | None = None, size_average: Any = None,
                 ignore_index: int = -100, reduce: Any = None, reduction: str = "mean",
                 label_smoothing: float = 0.0) -> None:
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input: Tensor, target: Tensor) -> Tensor:  # noqa: A002
        return F.cross_entropy(input, target, weight=self.weight, ignore_index=self.ignore_index,
                               reduction=self.reduction, label_smoothing=self.label_smoothing)


class BCELoss(_WeightedLoss):
    """Binary cross-entropy of probabilities (``F.binary_cross_entropy``)."""

    def forward(self, input: Tensor, target: Tensor) -> Tensor:  # noqa: A002
        return F.binary_cross_entropy(input, target, weight=self.weight,
                                      reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy of logits, stable (``F.binary_cross_entropy_with_logits``)."""

    def __init__(self, weight: Tensor | None = None, size_average: Any = None,
                 reduce: Any = None, reduction: str = "mean",
                 pos_weight: Tensor | None = None) -> None:
        super().__init__(size_average, reduce, reduction)
        for name, value in (("weight", weight), ("pos_weight", pos_weight)):
            if value is not None:
                check_tensor(value, name, "BCEWithLogitsLoss")
            self.register_buffer(name, value)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:  # noqa: A002
        return F.binary_cross_entropy_with_logits(
            input, target, weight=self.weight, reduction=self.reduction,
            pos_weight=self.pos_weight,
        )


__all__ = [
    "BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss", "HuberLoss", "KLDivLoss", "L1Loss",
    "MSELoss", "NLLLoss", "SmoothL1Loss",
]  # fmt: skip
