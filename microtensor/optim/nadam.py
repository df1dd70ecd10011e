"""``NAdam``: Adam with Nesterov momentum (Dozat, 2016), with its momentum schedule.

PyTorch's rule, for each parameter theta with gradient g at step t (lr gamma, betas
(beta1, beta2), eps, weight decay lambda, momentum decay psi), m and v starting at 0 and
the product of momenta P starting at 1::

    g <- -g                                          if maximize
    theta <- theta * (1 - gamma * lambda)            if decoupled_weight_decay
    g <- g + lambda * theta                          otherwise, if lambda != 0
    mu_t <- beta1 * (1 - 0.5 * 0.96^(t * psi));  mu_next <- the same at t + 1
    P <- P * mu_t
    m <- m + (1 - beta1) * (g - m);  v <- beta2 * v + (1 - beta2) * g^2
    d <- sqrt(v / (1 - beta2^t)) + eps
    theta <- theta - gamma (1 - mu_t) / (1 - P) * g / d
                   - gamma mu_next / (1 - P mu_next) * m / d

State per parameter: ``step``, ``mu_product`` (P, a float), ``exp_avg`` (m),
``exp_avg_sq`` (v).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from microtensor.optim.adamax import check_adam_arguments
from microtensor.optim.optimizer import Optimizer, gradients, state_tensor


class NAdam(Optimizer):
    """NAdam (see the module docstring for the update rule).

    Args:
        params: Tensors or parameter groups to optimise.
        lr: learning rate gamma (default 2e-3).
        betas: (beta1, beta2), decay rates of the moment averages.
        eps: added to the denominator.
        weight_decay: lambda.
        momentum_decay: psi, the momentum schedule's decay (default 4e-3).
        decoupled_weight_decay: decay the parameter (as AdamW) instead of the gradient.
        maximize: ascend instead of descend.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum_decay: float = 4e-3,
        decoupled_weight_decay: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        check_adam_arguments(lr, betas, eps, weight_decay)
        if not momentum_decay >= 0.0:
            raise ValueError(f"Invalid momentum_decay value: {momentum_decay}")
        defaults = {
            "lr": lr, "betas": tuple(betas), "eps": eps, "weight_decay": weight_decay,
            "momentum_decay": momentum_decay, "decoupled_weight_decay": decoupled_weight_decay,
            "maximize": maximize,
        }  # fmt: skip
        super().__init__(params, defaults)

    def _step_group(self, group: dict[str, Any]) -> None:
        lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
        psi = group["momentum_decay"]
        decoupled = group["decoupled_weight_decay"]
        for p, g in gradients(group, decoupled):
            state = self.state[p]
            if not state:
                state["step"] = 0
                state["mu_product"] = 1.0
                state["exp_avg"] = state_tensor(p)
                state["exp_avg_sq"] = state_tensor(p)
            state["step"] = step = state["step"] + 1
            mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * psi))
            mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * psi))
            state["mu_product"] = mu_product = state["mu_product"] * mu
            m = state["exp_avg"]._array
            v = state["exp_avg_sq"]._array
            m += (1 - beta1) * (g - m)
            v *= beta2
            v += (1 - beta2) * g * g
            denominator = np.sqrt(v / (1 - beta2**step)) + eps
            p._array -= (lr * (1.0 - mu) / (1.0 - mu_product)) * (g / denominator)
            p._array -= (lr * mu_next / (1.0 - mu_product * mu_next)) * (m / denominator)
            p._bump_version()
