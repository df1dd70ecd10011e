"""Random sampling: ``rand``, ``randn``, ``randint``, ``randperm``, their ``_like`` forms,
``normal``, ``bernoulli``, ``multinomial``, and the in-place fills ``uniform_``, ``normal_``.

Every one draws from ``generator=`` (an ``mt.Generator`` or a ``numpy.random.Generator``)
or, without one, from the default generator that ``mt.manual_seed`` seeds
(``core/random.py``). Samples are drawn in float64 and rounded to the dtype asked for.
The streams are NumPy's, so the values differ from PyTorch's for the same seed; the
distributions, shapes and dtypes are PyTorch's. None of them is differentiable.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from microtensor.core import random
from microtensor.core.tensor import Tensor
from microtensor.ops.arguments import shape_args as _shape
from microtensor.ops.creation import _dtype, _number, leaf
from microtensor.ops.table import public


@public(methods=(), tensor_first=False)
def randn(
    *size: Any, generator: Any = None, dtype: Any = None, device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Standard normal samples of the given shape."""
    data = random.resolve(generator).standard_normal(_shape(size)).astype(_dtype(dtype))
    return leaf(data, requires_grad, device, "randn")


@public(methods=(), tensor_first=False)
def rand(
    *size: Any, generator: Any = None, dtype: Any = None, device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Uniform samples on [0, 1) of the given shape."""
    data = random.resolve(generator).random(_shape(size)).astype(_dtype(dtype))
    return leaf(data, requires_grad, device, "rand")


def _integers(rng: np.random.Generator, low: Any, high: Any, shape: tuple[int, ...],
              dtype: Any, op: str) -> np.ndarray:
    low, high = _number(low), _number(high)
    if not high > low:
        raise RuntimeError(
            f"{op}: random_ expects 'from' to be less than 'to', but got from={low} >= to={high}"
        )
    return rng.integers(int(low), int(high), shape, dtype=np.int64).astype(dtype)


@public(methods=(), tensor_first=False)
def randint(
    *args: Any, size: Any = None, generator: Any = None, dtype: Any = None,
    device: Any = None, requires_grad: bool = False,
) -> Tensor:
    """Integers drawn uniformly from ``[low, high)``: ``randint(high, size)`` or
    ``randint(low, high, size)`` (``size`` a tuple); int64 unless ``dtype`` says otherwise."""
    if size is None and args and isinstance(args[-1], tuple | list):
        size, args = args[-1], args[:-1]
    if size is None or len(args) not in (1, 2):
        raise TypeError(
            f"randint() expects (high, size) or (low, high, size) with size a tuple, got "
            f"args={args!r}, size={size!r}"
        )
    low, high = (0, args[0]) if len(args) == 1 else args
    dtype = np.int64 if dtype is None else np.dtype(dtype)
    data = _integers(random.resolve(generator), low, high, _shape((size,)), dtype, "randint")
    return leaf(data, requires_grad, device, "randint")


@public(methods=(), tensor_first=False)
def randperm(
    n: int, generator: Any = None, dtype: Any = None, device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """A random permutation of ``0 .. n-1`` (int64)."""
    if not isinstance(n, int | np.integer) or n < 0:
        raise RuntimeError(f"randperm: n must be non-negative, got {n!r}")
    dtype = np.int64 if dtype is None else np.dtype(dtype)
    data = random.resolve(generator).permutation(int(n)).astype(dtype)
    return leaf(data, requires_grad, device, "randperm")


@public(methods=())
def rand_like(
    input: Tensor, dtype: Any = None, device: Any = None, requires_grad: bool = False,
    generator: Any = None,
) -> Tensor:
    """Uniform samples on [0, 1) in ``input``'s shape and (unless given) dtype."""
    dtype = input._array.dtype if dtype is None else dtype
    return rand(input.shape, generator=generator, dtype=dtype, device=device,
                requires_grad=requires_grad)


@public(methods=())
def randn_like(
    input: Tensor, dtype: Any = None, device: Any = None, requires_grad: bool = False,
    generator: Any = None,
) -> Tensor:
    """Standard normal samples in ``input``'s shape and (unless given) dtype."""
    dtype = input._array.dtype if dtype is None else dtype
    return randn(input.shape, generator=generator, dtype=dtype, device=device,
                 requires_grad=requires_grad)


@public(methods=())
def randint_like(
    input: Tensor, *args: Any, dtype: Any = None, device: Any = None,
    requires_grad: bool = False, generator: Any = None,
) -> Tensor:
    """Integers from ``[low, high)`` in ``input``'s shape and (unless given) dtype:
    ``randint_like(x, high)`` or ``randint_like(x, low, high)``."""
    if len(args) not in (1, 2):
        raise TypeError(f"randint_like() expects (input, high) or (input, low, high), got {args!r}")
    low, high = (0, args[0]) if len(args) == 1 else args
    dtype = input._array.dtype if dtype is None else np.dtype(dtype)
    data = _integers(random.resolve(generator), low, high, input._array.shape, dtype,
                     "randint_like")
    return leaf(data, requires_grad, device, "randint_like")


@public(methods=(), tensor_first=False)
def normal(
    mean: Any = 0.0, std: Any = 1.0, size: Any = None, generator: Any = None,
    dtype: Any = None, device: Any = None, requires_grad: bool = False,
) -> Tensor:
    """Normal samples: ``normal(mean, std)`` with either a Tensor (the result has the
    broadcast shape), or ``normal(mean, std, size)`` with two numbers. ``std >= 0``."""
    rng = random.resolve(generator)
    tensors = [v for v in (mean, std) if isinstance(v, Tensor)]
    if tensors:
        if size is not None:
            raise TypeError("normal(): size= is only for a float mean and std")
        means = mean._array if isinstance(mean, Tensor) else np.asarray(mean)
        stds = std._array if isinstance(std, Tensor) else np.asarray(std)
        if np.any(stds < 0):
            raise RuntimeError(f"normal expects all elements of std >= 0.0, got {stds.min()}")
        result_dtype = np.result_type(*[t._array for t in tensors])
        if result_dtype.kind != "f":
            raise RuntimeError(f"normal: expected a floating point mean/std, got {result_dtype}")
        shape = np.broadcast_shapes(means.shape, stds.shape)
        data = rng.normal(means, stds, shape).astype(result_dtype if dtype is None else dtype)
        return leaf(data, requires_grad, device, "normal")
    if size is None:
        raise TypeError("normal(): with a float mean and std, give size=(...)")
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    data = rng.normal(float(mean), float(std), _shape((size,))).astype(_dtype(dtype))
    return leaf(data, requires_grad, device, "normal")


@public()
def bernoulli(input: Tensor, p: float | None = None, generator: Any = None) -> Tensor:
    """0/1 samples, 1 with probability ``input`` (elementwise, in [0, 1]) or ``p``; the
    result has ``input``'s shape and dtype."""
    probabilities = input._array if p is None else np.full(input._array.shape, p)
    if probabilities.size and (np.any(probabilities < 0) or np.any(probabilities > 1)):
        raise RuntimeError("bernoulli: Expected p_in >= 0 && p_in <= 1 to be true")
    draws = random.resolve(generator).random(input._array.shape) < probabilities
    return Tensor._make(draws.astype(input._array.dtype))


@public()
def multinomial(
    input: Tensor, num_samples: int, replacement: bool = False, generator: Any = None
) -> Tensor:
    """int64 indices drawn from the categories of each row of ``input`` (1-D ``(k,)`` or
    2-D ``(n, k)``), with probabilities proportional to its non-negative weights.

    With replacement: inverse CDF of uniform draws. Without: the first ``num_samples``
    keys ``log(w) + Gumbel noise`` in decreasing order (the same law as drawing one by one
    and renormalising); ``num_samples`` may not exceed the number of categories.
    """
    weights = input._array.astype(np.float64)
    if weights.ndim not in (1, 2) or weights.shape[-1] == 0:
        raise RuntimeError(f"multinomial: prob_dist must be 1 or 2 dim, got shape {input.shape}")
    if not isinstance(num_samples, int | np.integer) or num_samples <= 0:
        raise RuntimeError(f"multinomial: cannot sample n_sample <= 0 samples, got {num_samples}")
    if not np.all(np.isfinite(weights)) or np.any(weights < 0):
        raise RuntimeError(
            "multinomial: probability tensor contains either `inf`, `nan` or element < 0"
        )
    rows = weights.reshape(-1, weights.shape[-1])
    if np.any(rows.sum(axis=1) <= 0):
        raise RuntimeError(
            "multinomial: invalid multinomial distribution (sum of probabilities <= 0)"
        )
    if not replacement and num_samples > rows.shape[1]:
        raise RuntimeError(
            f"multinomial: cannot sample n_sample > prob_dist.size(-1) samples without "
            f"replacement (n_sample={num_samples}, {rows.shape[1]} categories)"
        )
    rng = random.resolve(generator)
    if replacement:
        cdf = np.cumsum(rows, axis=1)
        cdf /= cdf[:, -1:]
        draws = rng.random((rows.shape[0], num_samples))
        pairs = zip(cdf, draws, strict=True)
        chosen = np.stack([np.searchsorted(c, d, side="right") for c, d in pairs])
        chosen = np.minimum(chosen, rows.shape[1] - 1)
    else:
        if np.any((rows > 0).sum(axis=1) < num_samples):
            raise RuntimeError(
                "multinomial: invalid multinomial distribution (with replacement=False, not "
                "enough non-negative category to sample)"
            )
        with np.errstate(divide="ignore"):
            keys = np.log(rows) + rng.gumbel(size=rows.shape)
        chosen = np.argsort(-keys, axis=1, kind="stable")[:, :num_samples]
    return Tensor._make(chosen.reshape(*weights.shape[:-1], num_samples).astype(np.int64))


@public(methods=(), inplace=("uniform_",), function=False)
def uniform(input: Tensor, a: float = 0.0, b: float = 1.0, generator: Any = None) -> Tensor:
    """Samples from U[a, b) in ``input``'s shape and dtype (``Tensor.uniform_`` fills)."""
    data = random.resolve(generator).uniform(a, b, input._array.shape)
    return Tensor._make(data.astype(input._array.dtype))


@public(methods=(), inplace=("normal_",), function=False)
def normal_fill(
    input: Tensor, mean: float = 0.0, std: float = 1.0, generator: Any = None
) -> Tensor:
    """Samples from N(mean, std^2) in ``input``'s shape and dtype (``Tensor.normal_`` fills)."""
    if std < 0:
        raise RuntimeError(f"normal_ expects std >= 0.0, but found std {std}")
    data = random.resolve(generator).normal(mean, std, input._array.shape)
    return Tensor._make(data.astype(input._array.dtype))
