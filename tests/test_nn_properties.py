"""Property tests (Hypothesis, float64, first and second derivatives against finite
differences) of the new ops that are compositions: ``silu``, ``batch_norm``,
``layer_norm``, ``group_norm``, ``embedding``, ``dropout``/``dropout2d`` (a fixed mask)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import microtensor as mt
import microtensor.nn.functional as F  # noqa: N812
from microtensor.testing import assert_gradients
from microtensor.testing import strategies as mts

SMALL = settings(max_examples=25, deadline=None)


@SMALL
@given(mts.float_arrays(mts.shapes(max_dims=3, max_side=3)))
def test_silu_gradients(x: np.ndarray) -> None:
    np.testing.assert_allclose(F.silu(mt.tensor(x)).numpy(), x / (1 + np.exp(-x)), rtol=1e-12)
    assert_gradients(F.silu, x)


@SMALL
@given(
    mts.float_arrays((3, 2, 2)), mts.float_arrays((2,)), mts.float_arrays((2,)),
    st.sampled_from([1e-5, 0.1]),
)
def test_batch_norm_training_gradients(x, weight, bias, eps) -> None:  # noqa: ANN001
    x = x + np.arange(x.size).reshape(x.shape) * 0.3  # never a constant channel
    assert_gradients(
        lambda t, w, b: F.batch_norm(t, None, None, w, b, training=True, eps=eps),
        x, weight, bias,
    )


@SMALL
@given(mts.float_arrays((3, 2, 2)), mts.positive_arrays((2,)), mts.float_arrays((2,)))
def test_batch_norm_eval_gradients(x, running_var, running_mean) -> None:  # noqa: ANN001
    mean, var = mt.tensor(running_mean), mt.tensor(running_var)
    assert_gradients(lambda t: F.batch_norm(t, mean, var, training=False), x)


@SMALL
@given(mts.float_arrays((2, 3, 4)), mts.float_arrays((3, 4)), mts.float_arrays((3, 4)))
def test_layer_norm_gradients(x, weight, bias) -> None:  # noqa: ANN001
    x = x + np.arange(x.size).reshape(x.shape) * 0.2
    assert_gradients(lambda t, w, b: F.layer_norm(t, (3, 4), w, b), x, weight, bias)


@SMALL
@given(mts.float_arrays((2, 4, 3)), mts.float_arrays((4,)), mts.float_arrays((4,)))
def test_group_norm_gradients(x, weight, bias) -> None:  # noqa: ANN001
    x = x + np.arange(x.size).reshape(x.shape) * 0.2
    assert_gradients(lambda t, w, b: F.group_norm(t, 2, w, b), x, weight, bias)


@SMALL
@given(
    mts.float_arrays((5, 3)),
    st.lists(st.integers(0, 4), min_size=1, max_size=6),
    st.sampled_from([None, 0, 2]),
)
def test_embedding_gradients(weight, indices, padding_idx) -> None:  # noqa: ANN001
    index = mt.tensor(np.array(indices))
    out = F.embedding(index, mt.tensor(weight), padding_idx)
    np.testing.assert_array_equal(out.numpy(), weight[indices])
    if padding_idx is None:
        assert_gradients(lambda w: F.embedding(index, w), weight)
        return
    # The padding row is excluded from training on purpose: its gradient is 0, not the
    # finite difference; every other row's gradient is the scatter-add of grad_output.
    w = mt.tensor(weight, requires_grad=True)
    grad_output = np.arange(len(indices) * 3, dtype=np.float64).reshape(-1, 3)
    (F.embedding(index, w, padding_idx) * mt.tensor(grad_output)).sum().backward()
    expected = np.zeros_like(weight)
    np.add.at(expected, np.array(indices), grad_output)
    expected[padding_idx] = 0
    np.testing.assert_array_equal(w.grad.numpy(), expected)


@SMALL
@given(mts.float_arrays((2, 3, 2, 2)), st.integers(0, 2**32 - 1), st.sampled_from([0.2, 0.5]))
def test_dropout_gradients_with_a_fixed_mask(x, seed, p) -> None:  # noqa: ANN001
    for dropout in (F.dropout, F.dropout2d):
        assert_gradients(
            lambda t, dropout=dropout: dropout(t, p, generator=np.random.default_rng(seed)), x
        )
