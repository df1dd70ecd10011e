"""``RMSprop``: scale each step by a running root mean square of the gradients (Hinton).

PyTorch's rule, for each parameter theta with gradient g (lr gamma, smoothing alpha, eps,
weight decay lambda, momentum mu), square average v, gradient average a and buffer b
starting at 0::

    g <- -g                                  if maximize
    g <- g + lambda * theta                  if lambda != 0
    v <- alpha * v + (1 - alpha) * g^2
    a <- a + (1 - alpha) * (g - a);  d <- sqrt(v - a^2) + eps     if centered
    d <- sqrt(v) + eps                                            otherwise
    b <- mu * b + g / d;  theta <- theta - gamma * b              if mu > 0
    theta <- theta - gamma * g / d                                otherwise

State per parameter: ``step``, ``square_avg`` (v), ``momentum_buffer`` (b, with momentum),
``grad_avg`` (a, when centered).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from microtensor.optim.optimizer import Optimizer, gradients, state_tensor


class RMSprop(Optimizer):
    """RMSprop (see the module docstring for the update rule).

    Args:
        params: Tensors or parameter groups to optimise.
        lr: learning rate gamma (default 1e-2).
        alpha: smoothing constant of the square average (default 0.99).
        eps: added to the denominator (default 1e-8).
        weight_decay: L2 penalty added to the gradient.
        momentum: mu; 0 disables the buffer.
        centered: normalise by an estimate of the gradient's variance instead.
        maximize: ascend instead of descend.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum: float = 0,
        centered: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        for name, value in (("learning rate", lr), ("epsilon value", eps),
                            ("momentum value", momentum), ("weight_decay value", weight_decay),
                            ("alpha value", alpha)):  # fmt: skip
            if not value >= 0.0:
                raise ValueError(f"Invalid {name}: {value}")
        defaults = {
            "lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps, "centered": centered,
            "weight_decay": weight_decay, "maximize": maximize,
        }  # fmt: skip
        super().__init__(params, defaults)

    def _step_group(self, group: dict[str, Any]) -> None:
        lr, alpha, eps = group["lr"], group["alpha"], group["eps"]
        momentum, centered = group["momentum"], group["centered"]
        for p, g in gradients(group):
            state = self.state[p]
            if not state:
                state["step"] = 0
                state["square_avg"] = state_tensor(p)
                if momentum > 0:
                    state["momentum_buffer"] = state_tensor(p)
                if centered:
                    state["grad_avg"] = state_tensor(p)
            state["step"] += 1
            v = state["square_avg"]._array
            v *= alpha
            v += (1 - alpha) * g * g
            if centered:
                a = state["grad_avg"]._array
                a += (1 - alpha) * (g - a)
                denominator = np.sqrt(v - a * a) + eps
            else:
                denominator = np.sqrt(v) + eps
            if momentum > 0:
                b = state["momentum_buffer"]._array
                b *= momentum
                b += g / denominator
                p._array -= lr * b
            else:
                p._array -= lr * (g / denominator)
            p._bump_version()
