"""``Adamax``: Adam with the infinity norm in place of the second moment (Kingma & Ba, 2015).

PyTorch's rule, for each parameter theta with gradient g at step t (lr gamma, betas
(beta1, beta2), eps, weight decay lambda), m and u starting at 0::

    g <- -g                                  if maximize
    g <- g + lambda * theta                  if lambda != 0
    m <- m + (1 - beta1) * (g - m)
    u <- max(beta2 * u, |g| + eps)
    theta <- theta - gamma / (1 - beta1^t) * m / u

State per parameter: ``step``, ``exp_avg`` (m), ``exp_inf`` (u).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from microtensor.optim.optimizer import Optimizer, gradients, state_tensor


def check_adam_arguments(lr: float, betas: tuple[float, float], eps: float,
                         weight_decay: float) -> None:  # fmt: skip
    """PyTorch's checks (and messages) shared by the Adam family."""
    if not lr >= 0.0:
        raise ValueError(f"Invalid learning rate: {lr}")
    if not eps >= 0.0:
        raise ValueError(f"Invalid epsilon value: {eps}")
    for index in (0, 1):
        if not 0.0 <= betas[index] < 1.0:
            raise ValueError(f"Invalid beta parameter at index {index}: {betas[index]}")
    if not weight_decay >= 0.0:
        raise ValueError(f"Invalid weight_decay value: {weight_decay}")


class Adamax(Optimizer):
    """Adamax (see the module docstring for the update rule).

    Args:
        params: Tensors or parameter groups to optimise.
        lr: learning rate gamma (default 2e-3).
        betas: (beta1, beta2), decay rates of the first moment and of the infinity norm.
        eps: added to |g| for numerical stability.
        weight_decay: L2 penalty added to the gradient.
        maximize: ascend instead of descend.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        *,
        maximize: bool = False,
    ) -> None:
        check_adam_arguments(lr, betas, eps, weight_decay)
        defaults = {
            "lr": lr, "betas": tuple(betas), "eps": eps, "weight_decay": weight_decay,
            "maximize": maximize,
        }  # fmt: skip
        super().__init__(params, defaults)

    def _step_group(self, group: dict[str, Any]) -> None:
        lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
        for p, g in gradients(group):
            state = self.state[p]
            if not state:
                state["step"] = 0
                state["exp_avg"] = state_tensor(p)
                state["exp_inf"] = state_tensor(p)
            state["step"] = step = state["step"] + 1
            m = state["exp_avg"]._array
            u = state["exp_inf"]._array
            m += (1 - beta1) * (g - m)
            u *= beta2
            np.maximum(u, np.abs(g) + eps, out=u)
            p._array -= (lr / (1 - beta1**step)) * (m / u)
            p._bump_version()
