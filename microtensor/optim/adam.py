"""``Adam`` and ``AdamW``: adaptive moment estimation (Kingma & Ba, 2015) with L2 weight
decay or decoupled weight decay (Loshchilov & Hutter, 2019), and AMSGrad.

PyTorch's documented rule, for each parameter theta with gradient g at step t
(lr gamma, betas (beta1, beta2), eps, weight decay lambda), m and v starting at 0::

    g <- -g                                   if maximize
    g <- g + lambda * theta                   if lambda != 0 (Adam)
    theta <- theta * (1 - gamma * lambda)     if lambda != 0 (AdamW: decoupled decay)
    m <- beta1 * m + (1 - beta1) * g
    v <- beta2 * v + (1 - beta2) * g^2
    m_hat <- m / (1 - beta1^t)
    v_max <- max(v_max, v); v_hat <- v_max / (1 - beta2^t)   if amsgrad
    v_hat <- v / (1 - beta2^t)                               otherwise
    theta <- theta - gamma * m_hat / (sqrt(v_hat) + eps)

Computed in PyTorch's order of operations so that the rounding agrees: m moves by
``(1 - beta1) * (g - m)`` (PyTorch's lerp) and the last line is
``theta - (gamma / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)``.
State per parameter: ``step`` (an int), ``exp_avg`` (m), ``exp_avg_sq`` (v) and,
with amsgrad, ``max_exp_avg_sq`` (v_max).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from microtensor.optim.optimizer import Optimizer, gradients, state_tensor


class Adam(Optimizer):
    """Adam (see the module docstring for the update rule).

    Args:
        params: Tensors or parameter groups to optimise.
        lr: learning rate gamma.
        betas: (beta1, beta2), decay rates of the first and second moment averages.
        eps: added to the denominator for numerical stability.
        weight_decay: lambda, L2 penalty added to the gradient (not AdamW's decoupled decay).
        amsgrad: use the maximum of past second moments (Reddi et al., 2018).
        maximize: ascend instead of descend.
        decoupled_weight_decay: shrink the parameter by ``1 - lr * weight_decay`` instead
            of adding the L2 term to the gradient (what ``AdamW`` does).
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        decoupled_weight_decay: bool = False,
    ) -> None:
        if not lr >= 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not eps >= 0.0:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        if not weight_decay >= 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {
            "lr": lr,
            "betas": tuple(betas),
            "eps": eps,
            "weight_decay": weight_decay,
            "amsgrad": amsgrad,
            "maximize": maximize,
            "decoupled_weight_decay": decoupled_weight_decay,
        }
        super().__init__(params, defaults)

    def _step_group(self, group: dict[str, Any]) -> None:
        lr = group["lr"]
        beta1, beta2 = group["betas"]
        eps = group["eps"]
        amsgrad = group["amsgrad"]
        decoupled = group.get("decoupled_weight_decay", False)
        for p, g in gradients(group, decoupled):
            state = self.state[p]
            if not state:
                state["step"] = 0
                state["exp_avg"] = state_tensor(p)
                state["exp_avg_sq"] = state_tensor(p)
                if amsgrad:
                    state["max_exp_avg_sq"] = state_tensor(p)
            state["step"] = step = state["step"] + 1
            m = state["exp_avg"]._array
            v = state["exp_avg_sq"]._array
            m += (1 - beta1) * (g - m)
            v *= beta2
            v += (1 - beta2) * g * g
            if amsgrad:
                v_max = state["max_exp_avg_sq"]._array
                np.maximum(v_max, v, out=v_max)
                v = v_max
            step_size = lr / (1 - beta1**step)
            denominator = np.sqrt(v) / math.sqrt(1 - beta2**step) + eps
            p._array -= step_size * m / denominator
            p._bump_version()


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter, 2019).

    ``theta <- theta * (1 - lr * weight_decay)`` before the Adam step, instead of an L2
    term in the gradient. Default ``weight_decay=1e-2``.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(
            params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize,
            decoupled_weight_decay=True,
        )  # fmt: skip

    def load_state_dict(self, state_dict: Any) -> None:
        super().load_state_dict(state_dict)
        for group in self.param_groups:  # as PyTorch: AdamW always decouples
            group["decoupled_weight_decay"] = True
