"""The math ops against PyTorch: values, dtypes and first-order gradients, including the
points where PyTorch has a convention (kinks, jumps, ties, bounds). Skipped without torch.
"""

from __future__ import annotations

import numpy as np
import pytest

import microtensor as mt

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.torch

# kinks and jumps included: 0, integers, halves
VALUES = np.array([-2.5, -1.0, -0.5, -0.0, 0.0, 0.3, 0.5, 1.0, 1.5, 2.0, 2.5, 3.7])
POSITIVE = np.abs(VALUES) + 0.125
UNARY = {
    "sin": VALUES, "cos": VALUES, "tan": VALUES, "log10": POSITIVE, "log2": POSITIVE,
    "log1p": POSITIVE, "expm1": VALUES, "exp2": VALUES, "rsqrt": POSITIVE, "square": VALUES,
    "reciprocal": POSITIVE, "sign": VALUES, "floor": VALUES, "ceil": VALUES, "round": VALUES,
    "trunc": VALUES, "fix": VALUES,
}


def _both(values: np.ndarray, dtype: str = "float64") -> tuple[mt.Tensor, object]:
    return (mt.tensor(values, dtype=getattr(mt, dtype), requires_grad=True),
            torch.tensor(values, dtype=getattr(torch, dtype), requires_grad=True))


@pytest.mark.parametrize("name", sorted(UNARY))
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_unary_values_and_gradients(name: str, dtype: str) -> None:
    ours, theirs = _both(UNARY[name], dtype)
    output, expected = getattr(ours, name)(), getattr(theirs, name)()
    rtol = 1e-6 if dtype == "float32" else 1e-14
    np.testing.assert_allclose(output.detach().numpy(), expected.detach().numpy(), rtol=rtol)
    assert output.dtype == np.dtype(dtype)
    output.backward(mt.ones_like(output))
    expected.backward(torch.ones_like(expected))
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=rtol)


@pytest.mark.parametrize("name", ["sin", "exp2", "square", "sign", "floor", "reciprocal"])
def test_unary_dtypes_of_integer_tensors(name: str) -> None:
    assert str(getattr(mt.tensor([1, -2, 3]), name)().dtype) == str(
        getattr(torch.tensor([1, -2, 3]), name)().dtype).replace("torch.", "microtensor.")


@pytest.mark.parametrize(
    ("low", "high"),
    [(-0.5, 1.5), (None, 1.0), (0.0, None), (2.0, 1.0), ("tensor", "tensor"), ("tensor", None),
     (None, "tensor")],
)
def test_clamp_values_and_gradients(low: object, high: object) -> None:
    bounds = np.array([[-0.5, 1.0, 3.0, 0.0, 2.0, 0.3, -1.0, 1.0, 1.5, 2.0, 2.5, 1.0]]).T
    limits = np.array([-1.0, 1.0, 2.0, 0.0, 2.0, 0.3, 0.5, 1.0, 1.5, 1.0, 2.5, 4.0])

    def make(bound: object, values: np.ndarray) -> tuple[object, object]:
        if bound != "tensor":
            return bound, bound
        return _both(values)

    (ours_low, theirs_low), (ours_high, theirs_high) = make(low, bounds[:, 0]), make(high, limits)
    ours, theirs = _both(VALUES)
    output = ours.clamp(ours_low, ours_high)
    expected = theirs.clamp(theirs_low, theirs_high)
    np.testing.assert_array_equal(output.detach().numpy(), expected.detach().numpy())
    output.sum().backward()
    expected.sum().backward()
    pairs = [(ours, theirs)] + [(o, t) for o, t in ((ours_low, theirs_low),
                                                      (ours_high, theirs_high))
                                if isinstance(o, mt.Tensor)]
    for mine, reference in pairs:
        np.testing.assert_array_equal(mine.grad.numpy(), reference.grad.numpy())


@pytest.mark.parametrize("name", ["maximum", "minimum"])
def test_maximum_minimum_with_ties(name: str) -> None:
    other = np.array([-2.5, 1.0, -0.5, 0.0, -0.0, 1.0, 0.5, 2.0, 1.0, 2.0, 3.0, 3.7])
    (a, ta), (b, tb) = _both(VALUES), _both(other)
    output, expected = getattr(mt, name)(a, b), getattr(torch, name)(ta, tb)
    np.testing.assert_array_equal(output.detach().numpy(), expected.detach().numpy())
    output.sum().backward()
    expected.sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), ta.grad.numpy())
    np.testing.assert_array_equal(b.grad.numpy(), tb.grad.numpy())


@pytest.mark.parametrize("weight", [0.3, 0.75, 1.0, -0.5, "tensor"])
def test_lerp_values_and_gradients(weight: object) -> None:
    (start, ts), (end, te) = _both(VALUES), _both(VALUES[::-1] * 1.7)
    if weight == "tensor":
        weight, torch_weight = _both(np.linspace(-0.5, 1.5, VALUES.size))
    else:
        torch_weight = weight
    output, expected = start.lerp(end, weight), ts.lerp(te, torch_weight)
    np.testing.assert_allclose(output.detach().numpy(), expected.detach().numpy(), rtol=1e-15)
    output.sum().backward()
    expected.sum().backward()
    np.testing.assert_allclose(start.grad.numpy(), ts.grad.numpy(), rtol=1e-15)
    np.testing.assert_allclose(end.grad.numpy(), te.grad.numpy(), rtol=1e-15)
    if isinstance(weight, mt.Tensor):
        np.testing.assert_allclose(weight.grad.numpy(), torch_weight.grad.numpy(), rtol=1e-15)


def test_clamp_refuses_a_number_with_a_tensor_as_torch_does() -> None:
    with pytest.raises(TypeError):
        torch.tensor([1.0]).clamp(0.0, torch.tensor([1.0]))
    with pytest.raises(TypeError, match="both be numbers or both be Tensors"):
        mt.tensor([1.0]).clamp(0.0, mt.tensor([1.0]))
