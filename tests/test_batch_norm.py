"""The fused ``BatchNorm`` primitive behind ``F.batch_norm`` in training mode.

Its spec (``specs_normalization.py``) checks the forward and both derivative orders
against finite differences; here: that a layer is one node saving nothing full-size but
its input, that the gradient ``create_graph`` builds (statistics recomputed from x) is
the first-order one, the dtype error, and agreement with PyTorch (float32 to rounding;
float64 first and second derivatives; marked ``torch``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import microtensor as mt
import microtensor.nn.functional as F  # noqa: N812
from microtensor import nn
from microtensor.testing import strategies as mts

RNG = np.random.default_rng(0)


def _torch() -> Any:
    return pytest.importorskip("torch", reason="PyTorch is not installed")


def test_a_training_layer_is_one_node_that_saves_only_its_input_full_size() -> None:
    x = mt.tensor(RNG.standard_normal((4, 3, 5, 5)).astype(np.float32), requires_grad=True)
    output = nn.BatchNorm2d(3)(x)
    node = output.grad_fn
    assert type(node).__name__ == "BatchNormBackward0"
    assert all(parent is None for parent in node.parents)  # x and parameters are leaves
    saved = [value for value in node._saved if isinstance(value, np.ndarray)]
    assert [value.size for value in saved] == [x.numel(), 3, 3, 3]  # x, weight, mean, invstd
    assert saved[0] is x._array


@st.composite
def _inputs(draw: st.DrawFn) -> tuple:
    channels = draw(st.integers(1, 3))
    x = draw(mts.distinct_arrays((draw(st.integers(2, 3)), channels, 2), gap=0.1))
    weight = draw(st.none() | mts.float_arrays((channels,)))
    return x, weight, draw(mts.float_arrays((channels,))), draw(mts.float_arrays(x.shape))


@settings(max_examples=25, deadline=None)
@given(_inputs())
def test_create_graph_gives_the_first_order_gradient(inputs: tuple) -> None:
    """Backward uses saved statistics with grad mode off and recomputes them from x with
    create_graph: both ways give the same gradients (gradgradcheck alone cannot see a
    difference in the recomputed first derivative)."""
    x, weight, bias, grad = inputs
    results = []
    for create_graph in (False, True):
        leaves = [mt.tensor(a, requires_grad=True) for a in (x, weight, bias) if a is not None]
        arguments = (leaves[0], leaves[1], leaves[2]) if weight is not None else (
            leaves[0], None, leaves[1])
        output = F.batch_norm(arguments[0], None, None, *arguments[1:], training=True)
        results.append(mt.autograd.grad(output, leaves, mt.tensor(grad),
                                        create_graph=create_graph))
    for first, second in zip(*results, strict=True):
        np.testing.assert_allclose(second.detach().numpy(), first.numpy(), rtol=1e-10,
                                   atol=1e-12)


def test_mixed_dtypes_are_refused_as_in_pytorch() -> None:
    x = mt.ones(4, 3)
    with pytest.raises(RuntimeError, match="batch_norm: mixed dtypes: input is "
                       "float32 but weight is float64"):
        F.batch_norm(x, None, None, mt.ones(3, dtype=mt.float64), training=True)


@pytest.mark.torch
@pytest.mark.parametrize("affine", [True, False])
def test_float32_outputs_and_gradients_match_pytorch(affine: bool) -> None:
    torch = _torch()
    x = (RNG.standard_normal((8, 16, 14, 14)) * 3 + 1).astype(np.float32)
    grad = RNG.standard_normal(x.shape).astype(np.float32)
    weight, bias = (RNG.standard_normal(16).astype(np.float32) for _ in range(2))
    results = []
    for lib, functional in ((mt, F), (torch, torch.nn.functional)):
        leaves = [lib.tensor(a, requires_grad=True) for a in ((x, weight, bias) if affine
                                                               else (x,))]
        output = functional.batch_norm(leaves[0], None, None, *leaves[1:], training=True)
        output.backward(lib.tensor(grad))
        results.append([output.detach().numpy()] + [leaf.grad.numpy() for leaf in leaves])
    for ours, theirs in zip(*results, strict=True):
        scale = np.abs(theirs).max()
        np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-5 * scale)


@pytest.mark.torch
def test_float64_second_derivatives_match_pytorch() -> None:
    """d/d(x, weight) of sum(dL/dx * v) where L = sum(batch_norm(x) * g): the Hessian
    products PyTorch's double backward of native_batch_norm gives."""
    torch = _torch()
    x = RNG.standard_normal((3, 2, 4)) * 2 + 0.5
    weight, bias = RNG.standard_normal(2), RNG.standard_normal(2)
    grad, direction = RNG.standard_normal(x.shape), RNG.standard_normal(x.shape)
    results = []
    for lib, functional, autograd in ((mt, F, mt.autograd), (torch, torch.nn.functional,
                                                              torch.autograd)):
        leaves = [lib.tensor(a, requires_grad=True) for a in (x, weight, bias)]
        output = functional.batch_norm(leaves[0], None, None, *leaves[1:], training=True)
        first = autograd.grad(output, leaves, lib.tensor(grad), create_graph=True)
        total = (first[0] * lib.tensor(direction)).sum() + (first[1] * first[1]).sum()
        second = autograd.grad(total, leaves[:2])
        results.append([f.detach().numpy() for f in first] + [s.numpy() for s in second])
    for ours, theirs in zip(*results, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)
