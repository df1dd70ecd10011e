"""Recurrent layers ``RNN, LSTM, GRU`` and their cells, as PyTorch's, made of existing ops
(matmul, sigmoid, tanh, relu, slicing), so their gradients are those ops' gradients.

Per step, with ``W_ih`` (G*H, I), ``W_hh`` (G*H, H) and gates stacked in PyTorch's order::

    RNN:  h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh)                  act: tanh or relu
    LSTM: i, f, g, o = split(x W_ih^T + b_ih + h W_hh^T + b_hh)        (G = 4)
          c' = sigmoid(f) c + sigmoid(i) tanh(g);  h' = sigmoid(o) tanh(c')
    GRU:  r, z = sigmoid(split(x W_ih^T + b_ih + h W_hh^T + b_hh)[:2])  (G = 3)
          n = tanh(x W_in^T + b_in + r (h W_hn^T + b_hn));  h' = (1 - z) n + z h

Layers take ``input`` (T, N, I) (``batch_first``: (N, T, I); unbatched: (T, I)) and return
``(output, h_n)`` (LSTM: ``(output, (h_n, c_n))``), output (T, N, D*H), h_n (L*D, N, H).
Parameters ``weight_ih_l{k}``, ``weight_hh_l{k}``, ``bias_ih_l{k}``, ``bias_hh_l{k}``
(``_reverse`` for the backward direction), all initialised U(-1/sqrt(H), 1/sqrt(H)).
Outputs over time are gathered by placing each step into zeros (``IndexAdjoint``).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from microtensor.core.tensor import Tensor
from microtensor.nn import init
from microtensor.nn.layers import _float_dtype, _positive
from microtensor.nn.module import Module
from microtensor.nn.parameter import Parameter
from microtensor.ops.shape import IndexAdjoint

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def _step(mode: str, x: Tensor, state: Any, weights: list[Tensor | None]) -> Any:
    """One time step of ``mode`` for x (N, I) and state h (N, H) (LSTM: (h, c))."""
    w_ih, w_hh, b_ih, b_hh = weights
    h = state[0] if mode == "LSTM" else state
    from_input = x @ w_ih.T
    from_hidden = h @ w_hh.T
    if b_ih is not None:
        from_input = from_input + b_ih
        from_hidden = from_hidden + b_hh
    size = h.shape[-1]
    if mode == "RNN_TANH":
        return (from_input + from_hidden).tanh()
    if mode == "RNN_RELU":
        return (from_input + from_hidden).relu()
    if mode == "LSTM":
        gates = from_input + from_hidden
        i, f, g, o = (gates[:, k * size:(k + 1) * size] for k in range(4))
        c = f.sigmoid() * state[1] + i.sigmoid() * g.tanh()
        return o.sigmoid() * c.tanh(), c
    reset = (from_input[:, :size] + from_hidden[:, :size]).sigmoid()
    update = (from_input[:, size:2 * size] + from_hidden[:, size:2 * size]).sigmoid()
    new = (from_input[:, 2 * size:] + reset * from_hidden[:, 2 * size:]).tanh()
    return (1.0 - update) * new + update * h


def _place(parts: list[Tensor], axis_index: Any, shape: tuple[int, ...]) -> Tensor:
    """Tensors put at ``axis_index(k)`` of zeros of ``shape`` and summed (a stack or cat)."""
    total = None
    for k, part in enumerate(parts):
        placed = IndexAdjoint.apply(part, axis_index(k), shape)
        total = placed if total is None else total + placed
    return total


class _CellBase(Module):
    _mode = "RNN_TANH"

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, *,
                 dtype: Any = None, generator: np.random.Generator | None = None) -> None:
        super().__init__()
        layer = type(self).__name__
        self.input_size = _positive(input_size, "input_size", layer)
        self.hidden_size = _positive(hidden_size, "hidden_size", layer)
        self.bias = bias
        dtype = _float_dtype(dtype, layer)
        gates = _GATES[self._mode] * self.hidden_size
        self.weight_ih = Parameter(np.empty((gates, self.input_size), dtype))
        self.weight_hh = Parameter(np.empty((gates, self.hidden_size), dtype))
        self.bias_ih = Parameter(np.empty(gates, dtype)) if bias else None
        self.bias_hh = Parameter(np.empty(gates, dtype)) if bias else None
        self.reset_parameters(generator)

    def reset_parameters(self, generator: np.random.Generator | None = None) -> None:
        bound = 1.0 / math.sqrt(self.hidden_size)
        for parameter in self.parameters():
            init.uniform_(parameter, -bound, bound, generator=generator)

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            text += f", bias={self.bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            text += f", nonlinearity={self.nonlinearity}"
        return text

    def _run(self, input: Tensor, state: Any) -> Any:  # noqa: A002
        layer = type(self).__name__
        if input.ndim not in (1, 2) or input.shape[-1] != self.input_size:
            raise ValueError(f"{layer}: Expected input to be 1D or 2D of size (N, "
                             f"{self.input_size}), got input of shape {input.shape}")
        unbatched = input.ndim == 1
        x = input.reshape(1, self.input_size) if unbatched else input
        shape = (x.shape[0], self.hidden_size)

        def batched(h: Tensor | None) -> Tensor:
            if h is None:
                return Tensor._make(np.zeros(shape, dtype=x.dtype))
            h = h.reshape(1, self.hidden_size) if unbatched else h
            if h.shape != shape:
                raise RuntimeError(f"{layer}: expected a hidden state of shape {shape}, "
                                   f"got {h.shape}")
            return h

        if self._mode == "LSTM":
            h, c = (None, None) if state is None else state
            h, c = _step("LSTM", x, (batched(h), batched(c)), self._weights())
            return (h.reshape(-1), c.reshape(-1)) if unbatched else (h, c)
        h = _step(self._mode, x, batched(state), self._weights())
        return h.reshape(-1) if unbatched else h

    def _weights(self) -> list[Tensor | None]:
        return [self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh]


class RNNCell(_CellBase):
    """One Elman step: ``h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)`` (or relu)."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 nonlinearity: str = "tanh", **kwargs: Any) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity: {nonlinearity}")
        object.__setattr__(self, "_mode", "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU")
        super().__init__(input_size, hidden_size, bias, **kwargs)
        self.nonlinearity = nonlinearity

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:  # noqa: A002
        return self._run(input, hx)


class LSTMCell(_CellBase):
    """One LSTM step; returns ``(h', c')``. Gates in PyTorch's order i, f, g, o."""

    _mode = "LSTM"

    def forward(self, input: Tensor, hx: Any = None) -> Any:  # noqa: A002
        return self._run(input, hx)


class GRUCell(_CellBase):
    """One GRU step. Gates in PyTorch's order r, z, n."""

    _mode = "GRU"

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:  # noqa: A002
        return self._run(input, hx)


class _RNNBase(Module):
    _mode = "RNN_TANH"

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, *, dtype: Any = None,
                 generator: np.random.Generator | None = None) -> None:
        super().__init__()
        layer = type(self).__name__
        self.input_size = _positive(input_size, "input_size", layer)
        self.hidden_size = _positive(hidden_size, "hidden_size", layer)
        self.num_layers = _positive(num_layers, "num_layers", layer)
        self.bias, self.batch_first, self.bidirectional = bias, batch_first, bidirectional
        if not 0 <= dropout <= 1 or isinstance(dropout, bool):
            raise ValueError("dropout should be a number in range [0, 1] representing the "
                             "probability of an element being zeroed")
        if dropout:
            raise NotImplementedError(f"{layer}: dropout between layers is not supported")
        self.dropout = float(dropout)
        dtype = _float_dtype(dtype, layer)
        gates = _GATES[self._mode] * self.hidden_size
        directions = 2 if bidirectional else 1
        for k in range(self.num_layers):
            size = self.input_size if k == 0 else self.hidden_size * directions
            for suffix in ["", "_reverse"][:directions]:
                self.register_parameter(f"weight_ih_l{k}{suffix}",
                                        Parameter(np.empty((gates, size), dtype)))
                self.register_parameter(f"weight_hh_l{k}{suffix}",
                                        Parameter(np.empty((gates, self.hidden_size), dtype)))
                if bias:
                    self.register_parameter(f"bias_ih_l{k}{suffix}",
                                            Parameter(np.empty(gates, dtype)))
                    self.register_parameter(f"bias_hh_l{k}{suffix}",
                                            Parameter(np.empty(gates, dtype)))
        self.reset_parameters(generator)

    def reset_parameters(self, generator: np.random.Generator | None = None) -> None:
        bound = 1.0 / math.sqrt(self.hidden_size)
        for parameter in self.parameters():
            init.uniform_(parameter, -bound, bound, generator=generator)

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            text += f", num_layers={self.num_layers}"
        if self.bias is not True:
            text += f", bias={self.bias}"
        if self.batch_first is not False:
            text += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            text += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            text += f", bidirectional={self.bidirectional}"
        return text

    def _weights(self, k: int, suffix: str) -> list[Tensor | None]:
        names = ["weight_ih", "weight_hh", "bias_ih", "bias_hh"]
        return [getattr(self, f"{name}_l{k}{suffix}", None) for name in names]

    def _initial(self, state: Tensor | None, shape: tuple[int, ...], unbatched: bool,
                 dtype: np.dtype) -> Tensor:
        if state is None:
            return Tensor._make(np.zeros(shape, dtype=dtype))
        if unbatched:
            state = state.reshape(shape)
        if state.shape != shape:
            raise RuntimeError(f"{type(self).__name__}: Expected hidden size {shape}, got "
                               f"{state.shape}")
        return state

    def forward(self, input: Tensor, hx: Any = None) -> Any:  # noqa: A002
        layer = type(self).__name__
        if input.ndim not in (2, 3) or input.shape[-1] != self.input_size:
            raise RuntimeError(f"{layer}: input must have 2 (T, I) or 3 dimensions with "
                               f"input_size={self.input_size} last, got shape {input.shape}")
        unbatched = input.ndim == 2
        x = input.reshape(input.shape[0], 1, input.shape[1]) if unbatched else input
        if self.batch_first and not unbatched:
            x = x.transpose(0, 1)
        steps, batch = x.shape[:2]
        directions = 2 if self.bidirectional else 1
        state_shape = (self.num_layers * directions, batch, self.hidden_size)
        lstm = self._mode == "LSTM"
        h0, c0 = hx if lstm and hx is not None else (hx, None)
        h0 = self._initial(h0, state_shape, unbatched, x.dtype)
        c0 = self._initial(c0, state_shape, unbatched, x.dtype) if lstm else None
        finals_h, finals_c = [], []
        for k in range(self.num_layers):
            outputs = []
            for d, suffix in enumerate(["", "_reverse"][:directions]):
                index = k * directions + d
                state = (h0[index], c0[index]) if lstm else h0[index]
                order = range(steps - 1, -1, -1) if d else range(steps)
                hidden = [None] * steps
                for t in order:
                    state = _step(self._mode, x[t], state, self._weights(k, suffix))
                    hidden[t] = state[0] if lstm else state
                finals_h.append(state[0] if lstm else state)
                if lstm:
                    finals_c.append(state[1])
                outputs.append(_place(hidden, lambda t: t, (steps, batch, self.hidden_size)))
            x = outputs[0] if directions == 1 else _place(
                outputs, lambda d: (slice(None), slice(None),
                                    slice(d * self.hidden_size, (d + 1) * self.hidden_size)),
                (steps, batch, 2 * self.hidden_size))
        output = x
        if self.batch_first and not unbatched:
            output = output.transpose(0, 1)
        h_n = _place(finals_h, lambda i: i, state_shape)
        c_n = _place(finals_c, lambda i: i, state_shape) if lstm else None
        if unbatched:
            output = output.reshape(steps, -1)
            h_n = h_n.reshape(state_shape[0], self.hidden_size)
            c_n = c_n.reshape(state_shape[0], self.hidden_size) if lstm else None
        return (output, (h_n, c_n)) if lstm else (output, h_n)


class RNN(_RNNBase):
    """Elman RNN with ``tanh`` or ``relu`` (``nonlinearity``)."""

    def __init__(self, *args: Any, nonlinearity: str = "tanh", **kwargs: Any) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or "
                             "'relu'.")
        object.__setattr__(self, "_mode", "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU")
        super().__init__(*args, **kwargs)
        self.nonlinearity = nonlinearity


class LSTM(_RNNBase):
    """Long short-term memory; ``hx`` is ``(h0, c0)``; returns ``(output, (h_n, c_n))``."""

    _mode = "LSTM"

    def __init__(self, *args: Any, proj_size: int = 0, **kwargs: Any) -> None:
        if proj_size:
            raise NotImplementedError("LSTM: proj_size is not supported")
        super().__init__(*args, **kwargs)


class GRU(_RNNBase):
    """Gated recurrent unit; returns ``(output, h_n)``."""

    _mode = "GRU"


__all__ = ["GRU", "GRUCell", "LSTM", "LSTMCell", "RNN", "RNNCell"]
