"""``Adagrad``: per-coordinate steps scaled by the root of the summed squared gradients
(Duchi et al., 2011).

PyTorch's rule, for each parameter theta with gradient g at step t (lr gamma, lr decay
eta, weight decay lambda, eps), the sum s starting at ``initial_accumulator_value``::

    g <- -g                              if maximize
    g <- g + lambda * theta              if lambda != 0
    gamma_t <- gamma / (1 + (t - 1) * eta)
    s <- s + g^2
    theta <- theta - gamma_t * g / (sqrt(s) + eps)

State per parameter, made when the optimiser is built (as PyTorch's): ``step``, ``sum``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from microtensor.optim.optimizer import Optimizer, gradients, state_tensor


class Adagrad(Optimizer):
    """Adagrad (see the module docstring for the update rule).

    Args:
        params: Tensors or parameter groups to optimise.
        lr: learning rate gamma (default 1e-2).
        lr_decay: eta, decay of the learning rate with the step count.
        weight_decay: L2 penalty added to the gradient.
        initial_accumulator_value: the starting value of the sum of squares.
        eps: added to the denominator (default 1e-10).
        maximize: ascend instead of descend.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        lr_decay: float = 0,
        weight_decay: float = 0,
        initial_accumulator_value: float = 0,
        eps: float = 1e-10,
        *,
        maximize: bool = False,
    ) -> None:
        for name, value in (("learning rate", lr), ("lr_decay value", lr_decay),
                            ("weight_decay value", weight_decay),
                            ("initial_accumulator_value value", initial_accumulator_value),
                            ("epsilon value", eps)):  # fmt: skip
            if not value >= 0.0:
                raise ValueError(f"Invalid {name}: {value}")
        defaults = {
            "lr": lr, "lr_decay": lr_decay, "eps": eps, "weight_decay": weight_decay,
            "initial_accumulator_value": initial_accumulator_value, "maximize": maximize,
        }  # fmt: skip
        super().__init__(params, defaults)

    def add_param_group(self, param_group: Any) -> None:
        """Add a group; its parameters get their state (``step``, ``sum``) at once."""
        super().add_param_group(param_group)
        group = self.param_groups[-1]
        for p in group["params"]:
            self.state[p]["step"] = 0
            self.state[p]["sum"] = state_tensor(p, group["initial_accumulator_value"])

    def _step_group(self, group: dict[str, Any]) -> None:
        lr, lr_decay, eps = group["lr"], group["lr_decay"], group["eps"]
        for p, g in gradients(group):
            state = self.state[p]
            state["step"] = step = state["step"] + 1
            step_size = lr / (1 + (step - 1) * lr_decay)
            s = state["sum"]._array
            s += g * g
            p._array -= step_size * (g / (np.sqrt(s) + eps))
            p._bump_version()
