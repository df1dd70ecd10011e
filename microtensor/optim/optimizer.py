"""``Optimizer``: parameter groups, per-parameter state, ``zero_grad``, state dicts.

As in PyTorch: ``params`` is an iterable of Tensors or of dicts (parameter groups, each
with a ``"params"`` list and optional hyperparameters overriding the defaults);
``self.state[p]`` holds one parameter's state (momentum buffer, moments, step);
``state_dict()`` numbers the parameters 0, 1, 2, ... across groups in order, keys
``"state"`` by those numbers and stores each group's ``"params"`` as the list of them.

Subclasses implement ``_step_group(group)``. Updates are NumPy operations on the
parameters' arrays (``p.data``) in place, so they record no graph; a gradient array is
never written to (it may be shared between leaves).
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import chain
from typing import Any

import numpy as np

from microtensor.core.grad_mode import enable_grad
from microtensor.core.tensor import Tensor, zero_grad


class _RequiredParameter:
    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()
"""A default value meaning "every parameter group must give this hyperparameter"."""


_SET_ORDER = (
    "optimizer parameters need to be organized in ordered collections, but the ordering "
    "of tensors in sets will change between runs. Please use a list instead."
)


def gradient_of(p: Tensor, weight_decay: float, maximize: bool) -> np.ndarray:
    """``p``'s gradient as the update rules see it: negated to maximise, plus weight decay.

    The array of ``p.grad`` is only read, never written: a gradient may be shared between
    leaves (``a + b`` hands the same one to both).
    """
    g = p.grad._array  # type: ignore[union-attr]
    if maximize:
        g = -g
    if weight_decay != 0:
        g = g + weight_decay * p._array
    return g


def gradients(group: dict[str, Any], decoupled: bool = False) -> Iterator[tuple[Tensor, Any]]:
    """``(p, g)`` for each parameter of ``group`` that has a gradient, ``g`` as the update
    rules see it (``gradient_of`` with the group's ``weight_decay`` and ``maximize``).

    ``decoupled`` is AdamW's rule: weight decay shrinks the parameter itself,
    ``p *= 1 - lr * weight_decay``, and ``g`` carries none.
    """
    weight_decay, maximize = group["weight_decay"], group["maximize"]
    for p in group["params"]:
        if p.grad is None:
            continue
        if decoupled and weight_decay != 0:
            p._array *= 1 - group["lr"] * weight_decay
            yield p, gradient_of(p, 0, maximize)
        else:
            yield p, gradient_of(p, weight_decay, maximize)


def state_tensor(p: Tensor, fill: float = 0.0) -> Tensor:
    """A new state Tensor of ``p``'s shape and dtype, filled with ``fill`` (no graph)."""
    return Tensor._make(np.full_like(p._array, fill), None)


class Optimizer:
    """Base class of the optimisers.

    Args:
        params: an iterable of Tensors, or of dicts defining parameter groups.
        defaults: the hyperparameters a group gets when it does not give its own.

    Attributes:
        param_groups: list of dicts, each with ``"params"`` (a list of Tensors) and
            the hyperparameters of that group.
        state: parameter -> dict of that parameter's optimiser state.
    """

    def __init__(self, params: Iterable[Any], defaults: dict[str, Any]) -> None:
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors "
                f"or dicts, but got {type(params).__name__}"
            )
        if isinstance(params, set):  # PyTorch checks this for groups only; order matters
            raise TypeError(_SET_ORDER)
        self.defaults = defaults
        self.state: defaultdict[Tensor, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], Mapping):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, param_group: Mapping[str, Any]) -> None:
        """Add a group of parameters (with its own hyperparameters, defaults otherwise)."""
        if not isinstance(param_group, Mapping):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        group = dict(param_group)
        params = group.get("params")
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError(_SET_ORDER)
        elif params is None:
            raise ValueError("a parameter group needs a 'params' entry")
        params = list(params)
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(
                    "optimizer can only optimize Tensors, but one of the params is "
                    f"{type(p).__name__}"
                )
            if not p.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in group:
                raise ValueError(
                    "parameter group didn't specify a value of required optimization "
                    f"parameter {name}"
                )
            group.setdefault(name, default)
        if len({id(p) for p in params}) != len(params):
            warnings.warn(
                "optimizer contains a parameter group with duplicate parameters",
                stacklevel=3,
            )
        existing = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in existing for p in params):
            raise ValueError("some parameters appear in more than one parameter group")
        group["params"] = params
        self.param_groups.append(group)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients: ``grad = None`` (default) or a new zero Tensor."""
        for group in self.param_groups:
            zero_grad(group["params"], set_to_none)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient; returns ``closure()`` if given
        (it is called first, with grad mode on, to recompute the loss)."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            self._step_group(group)
        self._opt_called = True  # lets a learning-rate scheduler check the call order
        return loss

    def _step_group(self, group: dict[str, Any]) -> None:
        raise NotImplementedError

    # ----- state dicts -------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """A snapshot: ``{"state": {index: {name: value}}, "param_groups": [...]}``.

        Tensors in it are copies, so training on does not change a saved state dict.
        """
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            packed = {key: value for key, value in group.items() if key != "params"}
            packed["params"] = [index.setdefault(id(p), len(index)) for p in group["params"]]
            groups.append(packed)
        state = {
            index[id(p)]: {key: _copy(value) for key, value in values.items()}
            for p, values in self.state.items()
            if id(p) in index
        }
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Restore hyperparameters and state saved by ``state_dict`` (values are copied,
        floating state cast to its parameter's dtype)."""
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                "loaded state dict has a different number of parameter groups "
                f"({len(saved_groups)}) than the optimizer ({len(self.param_groups)})"
            )
        for saved, group in zip(saved_groups, self.param_groups, strict=True):
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(
                    "loaded state dict contains a parameter group that doesn't match the "
                    f"size of optimizer's group ({len(saved['params'])} parameters against "
                    f"{len(group['params'])})"
                )
        saved_ids = chain.from_iterable(g["params"] for g in saved_groups)
        params = chain.from_iterable(g["params"] for g in self.param_groups)
        by_index = dict(zip(saved_ids, params, strict=True))
        state: defaultdict[Tensor, dict[str, Any]] = defaultdict(dict)
        for key, values in state_dict["state"].items():
            if key not in by_index:
                raise ValueError(
                    f"loaded state dict has state for parameter {key!r}, which no "
                    f"parameter group lists (known: {sorted(by_index)})"
                )
            p = by_index[key]
            state[p] = {name: _restore(name, value, p) for name, value in values.items()}
        self.state = state
        self.param_groups = [
            {**saved, "params": group["params"]}
            for saved, group in zip(saved_groups, self.param_groups, strict=True)
        ]

    def __repr__(self) -> str:
        text = f"{type(self).__name__} ("
        for i, group in enumerate(self.param_groups):
            text += f"\nParameter Group {i}\n"
            for key in sorted(group):
                if key != "params":
                    text += f"    {key}: {group[key]}\n"
        return text + ")"


def _copy(value: Any) -> Any:
    if isinstance(value, Tensor):
        return Tensor._make(value._array.copy(), None)
    return value


def _restore(name: str, value: Any, p: Tensor) -> Any:
    """One loaded state value: arrays copied into a Tensor of ``p``'s dtype."""
    if not isinstance(value, Tensor | np.ndarray):
        return value
    array = value._array if isinstance(value, Tensor) else value
    if name == "step":  # PyTorch keeps the step count in a tensor; here it is an int
        return int(array.item())
    if name == "mu_product":  # NAdam's running product of momenta: a float here
        return float(array.item())
    if array.shape != p.shape:
        raise ValueError(
            f"loaded optimizer state {name!r} has shape {array.shape}, but its parameter "
            f"has shape {p.shape}"
        )
    dtype = p._array.dtype if np.issubdtype(array.dtype, np.floating) else array.dtype
    return Tensor._make(array.astype(dtype, copy=True), None)
