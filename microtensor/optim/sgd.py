"""``SGD``: stochastic gradient descent with momentum, dampening, Nesterov and weight decay.

PyTorch's documented rule, for each parameter theta with gradient g at step t
(lr gamma, momentum mu, dampening tau, weight decay lambda)::

    g <- -g                      if maximize
    g <- g + lambda * theta      if lambda != 0
    if mu != 0:
        b <- g                   at the first step (no dampening then)
        b <- mu * b + (1 - tau) * g   afterwards
        g <- g + mu * b          if nesterov, else g <- b
    theta <- theta - gamma * g

The momentum buffer ``b`` is ``state[p]["momentum_buffer"]``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from microtensor.core.tensor import Tensor
from microtensor.optim.optimizer import Optimizer, gradients


class SGD(Optimizer):
    """Stochastic gradient descent (see the module docstring for the update rule).

    Args:
        params: Tensors or parameter groups to optimise.
        lr: learning rate gamma (PyTorch's default, 1e-3).
        momentum: mu; 0 disables the buffer.
        dampening: tau, applied from the second step on.
        weight_decay: lambda, L2 penalty added to the gradient.
        nesterov: use Nesterov momentum (needs momentum > 0 and dampening 0).
        maximize: ascend instead of descend.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        momentum: float = 0,
        dampening: float = 0,
        weight_decay: float = 0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "dampening": dampening,
            "weight_decay": weight_decay,
            "nesterov": nesterov,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _step_group(self, group: dict[str, Any]) -> None:
        lr = group["lr"]
        momentum = group["momentum"]
        dampening = group["dampening"]
        nesterov = group["nesterov"]
        for p, g in gradients(group):
            if momentum != 0:
                state = self.state[p]
                buffer = state.get("momentum_buffer")
                if buffer is None:
                    buffer = state["momentum_buffer"] = Tensor._make(g.copy(), None)
                else:
                    b = buffer._array
                    b *= momentum
                    b += (1 - dampening) * g if dampening else g
                g = g + momentum * buffer._array if nesterov else buffer._array
            p._array -= lr * g
            p._bump_version()
