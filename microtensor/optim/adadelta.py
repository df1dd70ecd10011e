"""``Adadelta``: steps sized by the ratio of running RMS of updates and of gradients
(Zeiler, 2012).

PyTorch's rule, for each parameter theta with gradient g (lr gamma, decay rho, eps,
weight decay lambda), square average v and update average u starting at 0::

    g <- -g                                          if maximize
    g <- g + lambda * theta                          if lambda != 0
    v <- rho * v + (1 - rho) * g^2
    delta <- sqrt(u + eps) / sqrt(v + eps) * g
    u <- rho * u + (1 - rho) * delta^2
    theta <- theta - gamma * delta

State per parameter: ``step``, ``square_avg`` (v), ``acc_delta`` (u).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from microtensor.optim.optimizer import Optimizer, gradients, state_tensor


class Adadelta(Optimizer):
    """Adadelta (see the module docstring for the update rule).

    Args:
        params: Tensors or parameter groups to optimise.
        lr: gamma, scales delta before it is applied (default 1.0).
        rho: decay of the running averages (default 0.9).
        eps: added inside both square roots (default 1e-6).
        weight_decay: L2 penalty added to the gradient.
        maximize: ascend instead of descend.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0,
        *,
        maximize: bool = False,
    ) -> None:
        if not lr >= 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        if not eps >= 0.0:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not weight_decay >= 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {
            "lr": lr, "rho": rho, "eps": eps, "weight_decay": weight_decay, "maximize": maximize,
        }  # fmt: skip
        super().__init__(params, defaults)

    def _step_group(self, group: dict[str, Any]) -> None:
        lr, rho, eps = group["lr"], group["rho"], group["eps"]
        for p, g in gradients(group):
            state = self.state[p]
            if not state:
                state["step"] = 0
                state["square_avg"] = state_tensor(p)
                state["acc_delta"] = state_tensor(p)
            state["step"] += 1
            v = state["square_avg"]._array
            u = state["acc_delta"]._array
            v *= rho
            v += (1 - rho) * g * g
            delta = np.sqrt(u + eps) / np.sqrt(v + eps) * g
            u *= rho
            u += (1 - rho) * delta * delta
            p._array -= lr * delta
            p._bump_version()
