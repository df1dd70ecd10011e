"""nn.init (eye_, trunc_normal_, orthogonal_ and the generator= of every random initialiser)
and nn.utils (gradient clipping, parameters <-> vector), by hand and against PyTorch."""

from __future__ import annotations

import math

import numpy as np
import pytest

import microtensor as mt
from microtensor import nn
from microtensor.nn import init


def empty(*shape: int, dtype=mt.float64) -> mt.Tensor:
    return mt.zeros(*shape, dtype=dtype)


RANDOM = [
    lambda t, g: init.uniform_(t, -1, 2, generator=g),
    lambda t, g: init.normal_(t, 1, 3, generator=g),
    lambda t, g: init.xavier_uniform_(t, generator=g),
    lambda t, g: init.xavier_normal_(t, generator=g),
    lambda t, g: init.kaiming_uniform_(t, generator=g),
    lambda t, g: init.kaiming_normal_(t, generator=g),
    lambda t, g: init.trunc_normal_(t, generator=g),
    lambda t, g: init.orthogonal_(t, generator=g),
]


@pytest.mark.parametrize("fill", RANDOM)
def test_every_random_initialiser_follows_its_generator(fill) -> None:
    a, b, c = empty(6, 4), empty(6, 4), empty(6, 4)
    assert fill(a, np.random.default_rng(7)) is a
    fill(b, np.random.default_rng(7))
    fill(c, np.random.default_rng(8))
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert not np.array_equal(a.numpy(), c.numpy())
    mt.manual_seed(3)
    fill(a, None)
    mt.manual_seed(3)
    fill(b, None)
    np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_eye() -> None:
    t = mt.full((2, 3), 5.0) if hasattr(mt, "full") else mt.ones(2, 3) * 5
    np.testing.assert_array_equal(init.eye_(t).numpy(), np.eye(2, 3))
    with pytest.raises(ValueError, match="Only tensors with 2 dimensions"):
        init.eye_(mt.zeros(2, 2, 2))


def test_trunc_normal_stays_within_bounds_with_the_truncated_moments() -> None:
    rng = np.random.default_rng(0)
    t = init.trunc_normal_(empty(200_000), mean=0.5, std=2.0, a=-1.0, b=3.0, generator=rng)
    values = t.numpy()
    assert values.min() >= -1.0 and values.max() <= 3.0
    # the mean of N(0.5, 4) truncated to [-1, 3]: mu + sigma (phi(alpha) - phi(beta)) / Z
    alpha, beta = (-1 - 0.5) / 2, (3 - 0.5) / 2
    phi = lambda x: math.exp(-x * x / 2) / math.sqrt(2 * math.pi)  # noqa: E731
    big_phi = lambda x: (1 + math.erf(x / math.sqrt(2))) / 2  # noqa: E731
    z = big_phi(beta) - big_phi(alpha)
    assert values.mean() == pytest.approx(0.5 + 2 * (phi(alpha) - phi(beta)) / z, abs=0.01)
    with pytest.warns(UserWarning, match="mean is more than 2 std from"):
        tail = init.trunc_normal_(empty(10_000), a=3.0, b=4.0, generator=rng).numpy()
    # far in the tail (0.13% of the mass): drawn by the inverse CDF, still inside [3, 4]
    assert tail.min() >= 3.0 and tail.max() <= 4.0 and 3.2 < tail.mean() < 3.4


@pytest.mark.parametrize("shape", [(3, 5), (5, 3), (4, 2, 3), (6, 6)])
def test_orthogonal_rows_or_columns_are_orthonormal_times_gain(shape) -> None:
    t = init.orthogonal_(empty(*shape), gain=2.0, generator=np.random.default_rng(0))
    flat = t.numpy().reshape(shape[0], -1)
    small = min(flat.shape)
    product = flat @ flat.T if flat.shape[0] == small else flat.T @ flat
    np.testing.assert_allclose(product, 4.0 * np.eye(small), atol=1e-12)
    with pytest.raises(ValueError, match="Only tensors with 2 or more dimensions"):
        init.orthogonal_(empty(3))


# ----- nn.utils -----------------------------------------------------------------------------------
def with_grads(*grads) -> list[nn.Parameter]:
    params = []
    for g in grads:
        p = nn.Parameter(np.zeros(len(g)))
        p.grad = mt.tensor(g, dtype=mt.float64)
        params.append(p)
    return params


def test_clip_grad_norm_scales_to_max_norm_and_returns_the_old_norm() -> None:
    params = with_grads([3.0, 0.0], [0.0, 4.0])
    total = nn.utils.clip_grad_norm_(params, max_norm=1.0)
    assert isinstance(total, mt.Tensor) and total.ndim == 0 and total.item() == 5.0
    scale = 1.0 / (5.0 + 1e-6)
    np.testing.assert_allclose(params[0].grad.numpy(), [3 * scale, 0], rtol=1e-15)
    small = with_grads([0.3, 0.4])
    assert nn.utils.clip_grad_norm_(small, 10.0).item() == pytest.approx(0.5)
    np.testing.assert_array_equal(small[0].grad.numpy(), [0.3, 0.4])  # a factor of 1 at most
    params = with_grads([3.0, -7.0], [2.0])
    assert nn.utils.clip_grad_norm_(params, 3.5, norm_type=math.inf).item() == 7.0
    np.testing.assert_allclose(params[0].grad.numpy(), [1.5, -3.5], rtol=1e-6)
    assert nn.utils.clip_grad_norm_(with_grads([1.0, -2.0]), 1, norm_type=1).item() == 3.0
    assert nn.utils.clip_grad_norm_([nn.Parameter(np.zeros(2))], 1.0).item() == 0.0
    with pytest.raises(RuntimeError, match="The total norm of order 2.0 for gradients"):
        nn.utils.clip_grad_norm_(with_grads([math.nan]), 1.0, error_if_nonfinite=True)


def test_clip_grad_value() -> None:
    params = with_grads([-3.0, 0.5, 2.0])
    assert nn.utils.clip_grad_value_(params, 1.0) is None
    assert params[0].grad.tolist() == [-1.0, 0.5, 1.0]


def test_parameters_to_vector_and_back() -> None:
    a = nn.Parameter(np.arange(4.0).reshape(2, 2))
    b = nn.Parameter(np.array([7.0, 8.0]))
    vector = nn.utils.parameters_to_vector([a, b])
    assert vector.tolist() == [0.0, 1.0, 2.0, 3.0, 7.0, 8.0] and vector.requires_grad
    (vector * mt.arange(6).double()).sum().backward()
    assert a.grad.tolist() == [[0.0, 1.0], [2.0, 3.0]] and b.grad.tolist() == [4.0, 5.0]
    nn.utils.vector_to_parameters(mt.arange(6).double() * 10, [a, b])
    assert a.tolist() == [[0.0, 10.0], [20.0, 30.0]] and b.tolist() == [40.0, 50.0]
    with pytest.raises(TypeError, match="expected torch.Tensor, but got: list"):
        nn.utils.vector_to_parameters([1.0], [a])
    with pytest.raises(RuntimeError, match="hold 6 elements"):
        nn.utils.vector_to_parameters(mt.zeros(5), [a, b])


# ----- against PyTorch ----------------------------------------------------------------------------
@pytest.mark.torch
@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, math.inf, 0.5])
def test_clip_grad_norm_matches_pytorch(norm_type) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is not installed")
    rng = np.random.default_rng(0)
    grads = [rng.standard_normal(s).astype(np.float32) for s in [(3, 4), (5,), (2, 2, 2)]]
    ours = [nn.Parameter(np.zeros(g.shape, np.float32)) for g in grads]
    theirs = [torch.nn.Parameter(torch.zeros(g.shape)) for g in grads]
    for p, q, g in zip(ours, theirs, grads, strict=True):
        p.grad, q.grad = mt.tensor(g), torch.tensor(g)
    total = nn.utils.clip_grad_norm_(ours, 0.7, norm_type=norm_type)
    expected = torch.nn.utils.clip_grad_norm_(theirs, 0.7, norm_type=norm_type)
    assert total.dtype == mt.float32
    np.testing.assert_allclose(total.item(), expected.item(), rtol=1e-6)
    for p, q in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-6)
    nn.utils.clip_grad_value_(ours, 0.1)
    torch.nn.utils.clip_grad_value_(theirs, 0.1)
    for p, q in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-6)


@pytest.mark.torch
def test_gains_and_init_statistics_match_pytorch() -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is not installed")
    for name, param in [("relu", None), ("tanh", None), ("leaky_relu", 0.2), ("selu", None),
                        ("linear", None), ("conv2d", None), ("sigmoid", None)]:  # fmt: skip
        assert init.calculate_gain(name, param) == torch.nn.init.calculate_gain(name, param)
    shape = (256, 64, 3, 3)
    cases = [
        ("xavier_uniform_", {"gain": 2.0}), ("xavier_normal_", {}),
        ("kaiming_uniform_", {"a": math.sqrt(5)}), ("kaiming_normal_", {"mode": "fan_out"}),
        ("kaiming_uniform_", {"nonlinearity": "relu"}), ("trunc_normal_", {"std": 0.02}),
        ("orthogonal_", {"gain": 0.5}),
    ]  # fmt: skip
    for name, options in cases:
        ours = getattr(init, name)(mt.zeros(*shape), **options, generator=np.random.default_rng(0))
        theirs = getattr(torch.nn.init, name)(torch.zeros(shape), **options)
        assert ours.numpy().std() == pytest.approx(theirs.numpy().std(), rel=0.01), name
        assert abs(ours.numpy()).max() <= abs(theirs.numpy()).max() * 1.2, name
    flat = torch.zeros(4, 6)
    np.testing.assert_array_equal(init.eye_(mt.zeros(4, 6)).numpy(), torch.nn.init.eye_(flat))
