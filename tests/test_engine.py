"""The engine: graph shapes, accumulation, retain_graph, grad modes, autograd.grad, errors."""

from __future__ import annotations

import numpy as np
import pytest

import microtensor as mt
from microtensor import autograd
from microtensor.core import accumulate


def leaf(values: object) -> mt.Tensor:
    return mt.tensor(values, dtype=mt.float64, requires_grad=True)


def test_reused_node_gets_the_sum_of_its_gradients() -> None:
    x = leaf(3.0)
    y = x * 2  # y is used three times below
    z = y * y + y
    z.backward()
    assert x.grad.item() == (2 * 6.0 + 1) * 2


def test_diamond() -> None:
    x = leaf([1.0, -2.0])
    a, b = x * 2, x * 3
    (a * b).sum().backward()  # d(6 x^2)/dx = 12 x
    np.testing.assert_array_equal(x.grad.numpy(), [12.0, -24.0])


def test_same_tensor_twice_as_operands() -> None:
    x = leaf(5.0)
    (x * x).backward()
    assert x.grad.item() == 10.0


def test_gradients_accumulate_across_backward_calls() -> None:
    x = leaf([1.0, 2.0])
    (x * x).sum().backward()
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [4.0, 8.0])
    x.grad = None
    (x * 3).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 3.0])


def test_retain_graph_allows_a_second_backward() -> None:
    x = leaf([1.0, 2.0])
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_array_equal(x.grad.numpy(), [4.0, 8.0])


def test_second_backward_through_a_freed_graph_says_to_retain_it() -> None:
    x = leaf([1.0, 2.0])
    y = (x.exp() * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()


def test_no_grad_and_enable_grad_as_context_managers() -> None:
    x = leaf([1.0])
    with mt.no_grad():
        assert not mt.is_grad_enabled()
        y = x * 2
        with mt.enable_grad():
            assert mt.is_grad_enabled()
            z = x * 2
        assert not mt.is_grad_enabled()
    assert mt.is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None
    assert z.requires_grad and z.grad_fn is not None


def test_no_grad_and_enable_grad_as_decorators() -> None:
    x = leaf([1.0])

    @mt.no_grad()
    def without(t: mt.Tensor) -> mt.Tensor:
        return t * 2

    @mt.enable_grad()
    def with_grad(t: mt.Tensor) -> mt.Tensor:
        return t * 2

    assert not without(x).requires_grad
    with mt.no_grad():
        assert with_grad(x).requires_grad
    assert without.__name__ == "without"
    assert mt.is_grad_enabled()


def test_grad_mode_is_restored_after_an_exception() -> None:
    with pytest.raises(ValueError), mt.no_grad():
        raise ValueError("boom")
    assert mt.is_grad_enabled()

    @mt.no_grad()
    def fails() -> None:
        raise ValueError("boom")

    with pytest.raises(ValueError):
        fails()
    assert mt.is_grad_enabled()


def test_set_grad_enabled() -> None:
    x = leaf([1.0])
    with mt.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert (x * 2).requires_grad


def test_detach_cuts_the_graph_and_shares_memory() -> None:
    x = leaf([1.0, 2.0])
    d = x.detach()
    assert not d.requires_grad and d.is_leaf and d.grad_fn is None
    assert np.shares_memory(d.numpy(), x.data)
    (x * x.detach()).sum().backward()  # d/dx (x * c) = c
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 2.0])


@pytest.mark.parametrize(
    ("shape_a", "shape_b"),
    [((3, 1), (1, 4)), ((2, 3, 4), (4,)), ((), (2, 3)), ((5, 1, 2), (3, 1))],
)
def test_broadcast_gradients_have_the_input_shapes(shape_a: tuple, shape_b: tuple) -> None:
    rng = np.random.default_rng(0)
    a, b = leaf(rng.standard_normal(shape_a)), leaf(rng.standard_normal(shape_b))
    (a * b).sum().backward()
    assert a.grad.shape == shape_a and b.grad.shape == shape_b
    out_shape = np.broadcast_shapes(shape_a, shape_b)
    expected_a = np.broadcast_to(b.data, out_shape)
    while expected_a.ndim > len(shape_a):
        expected_a = expected_a.sum(axis=0)
    expected_a = expected_a.sum(axis=tuple(i for i, s in enumerate(shape_a) if s == 1),
                                keepdims=True)
    np.testing.assert_allclose(a.grad.numpy(), expected_a.reshape(shape_a))


def test_hessian_vector_product_with_create_graph() -> None:
    x = leaf([1.0, 2.0, -3.0])
    v = mt.tensor([1.0, 0.5, 2.0], dtype=mt.float64)
    (g,) = autograd.grad((x**3).sum(), x, create_graph=True)  # 3 x^2
    np.testing.assert_allclose(g.detach().numpy(), 3 * x.data**2)
    assert g.requires_grad
    (g * v).sum().backward()  # H v = 6 x v
    np.testing.assert_allclose(x.grad.numpy(), 6 * x.data * v.data)


def test_backward_with_create_graph_gives_differentiable_grad() -> None:
    x = leaf(2.0)
    (x**4).backward(create_graph=True)
    first = x.grad
    assert first.item() == 32.0 and first.requires_grad
    (second,) = autograd.grad(first, x)
    assert second.item() == 48.0


def test_autograd_grad_does_not_touch_dot_grad() -> None:
    x = leaf([1.0, 2.0])
    (g,) = autograd.grad((x * x).sum(), x)
    np.testing.assert_array_equal(g.numpy(), [2.0, 4.0])
    assert x.grad is None


def test_autograd_grad_of_a_non_leaf_input() -> None:
    x = leaf([1.0, 2.0])
    y = x * 3
    z = (y * y).sum()
    gy, gx = autograd.grad(z, [y, x])
    np.testing.assert_array_equal(gy.numpy(), 2 * y.data)
    np.testing.assert_array_equal(gx.numpy(), 6 * y.data)


def test_autograd_grad_allow_unused() -> None:
    x, unused = leaf([1.0]), leaf([2.0])
    y = (x * 2).sum()
    with pytest.raises(RuntimeError, match="allow_unused=True"):
        autograd.grad(y, [x, unused], retain_graph=True)
    gx, gu = autograd.grad(y, [x, unused], allow_unused=True)
    assert gx.item() == 2.0 and gu is None


def test_autograd_grad_with_grad_outputs() -> None:
    x = leaf([1.0, 2.0])
    (g,) = autograd.grad(x * x, x, grad_outputs=mt.tensor([1.0, 10.0], dtype=mt.float64))
    np.testing.assert_array_equal(g.numpy(), [2.0, 40.0])


def test_autograd_grad_input_that_does_not_require_grad() -> None:
    x = leaf([1.0])
    with pytest.raises(RuntimeError, match="input 1 does not require grad"):
        autograd.grad((x * 2).sum(), [x, mt.tensor([1.0])])


def test_a_chain_of_100000_nodes_has_no_recursion_limit() -> None:
    x = leaf(1.0)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.backward()
    assert x.grad.item() == 1.0


def test_implicit_gradient_on_a_non_scalar_says_to_pass_gradient() -> None:
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match=r"shape \(2,\).*pass gradient="):
        (x * 2).backward()
    (x * 2).backward(gradient=mt.tensor([1.0, 1.0], dtype=mt.float64))
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0])


def test_gradient_of_the_wrong_shape() -> None:
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match=r"gradient has shape \(3,\).*\(2,\)"):
        (x * 2).backward(gradient=mt.ones(3, dtype=mt.float64))


def test_backward_from_a_plain_leaf_says_why() -> None:
    with pytest.raises(RuntimeError, match="requires_grad=False"):
        mt.tensor(1.0).backward()


def test_backward_from_a_result_of_plain_tensors_says_why() -> None:
    with pytest.raises(RuntimeError, match="none of the tensors it was computed from"):
        (mt.tensor([1.0]) * 2).sum().backward()


def test_backward_from_a_no_grad_result_says_why() -> None:
    x = leaf([1.0, 2.0])
    with mt.no_grad():
        y = (x * 2).sum()
    with pytest.raises(RuntimeError, match="no_grad"):
        y.backward()


def test_backward_from_a_detached_tensor_says_why() -> None:
    x = leaf(1.0)
    with pytest.raises(RuntimeError, match="detach"):
        (x * 2).detach().backward()


def test_backward_of_several_outputs() -> None:
    x = leaf([1.0, 2.0])
    autograd.backward([(x * 2).sum(), (x * x).sum()])
    np.testing.assert_array_equal(x.grad.numpy(), [4.0, 6.0])


def test_leaf_grad_is_owned_not_a_view_of_the_gradient() -> None:
    x = leaf([1.0, 2.0])
    (x + 0).sum().backward()
    before = x.grad.numpy().copy()
    x.grad.data += 1  # an optimiser updating .grad in place must not corrupt anything
    (x * 1).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), before + 2)


def test_backward_with_one_gradient_for_two_outputs_says_so() -> None:
    a = mt.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="got 1 gradients for 2 outputs"):
        mt.autograd.backward([a * 2, a * 3], mt.ones(2))


# ----- a leaf's .grad owns its memory (the engine takes fresh arrays without a copy) ----


class _ReturnsSaved(mt.autograd.Function):
    """A custom Function whose backward hands back a tensor the user owns."""

    @staticmethod
    def forward(ctx, x, other):  # type: ignore[no-untyped-def]
        ctx.save_for_backward(other)
        return x * 1

    @staticmethod
    def backward(ctx, grad_output):  # type: ignore[no-untyped-def]
        (other,) = ctx.saved_tensors
        return other, None


def _independent(*tensors: mt.Tensor) -> bool:
    arrays = [t.numpy() for t in tensors]
    return not any(
        np.shares_memory(a, b) for i, a in enumerate(arrays) for b in arrays[i + 1 :]
    )


def test_leaf_gradients_never_share_memory() -> None:
    a = mt.tensor([1.0, 2.0], requires_grad=True)
    b = mt.tensor([3.0, 4.0], requires_grad=True)
    (a + b).sum().backward()  # Add hands the same gradient to both
    assert _independent(a.grad, b.grad)
    a.grad.zero_()
    assert b.grad.tolist() == [1.0, 1.0]

    x = mt.tensor([1.0, 2.0], requires_grad=True)
    g = mt.tensor([5.0, 6.0])
    (x + 0).backward(g)  # the caller's gradient reaches the leaf unchanged
    assert x.grad.tolist() == [5.0, 6.0] and _independent(x.grad, g)

    x.grad = None
    other = mt.tensor([7.0, 8.0])
    _ReturnsSaved.apply(x, other).sum().backward()
    assert x.grad.tolist() == [7.0, 8.0] and _independent(x.grad, other)

    x.grad = None
    seen = []
    x.register_hook(lambda grad: seen.append(grad))
    (x * 2).sum().backward()
    assert _independent(x.grad, seen[0])

    w = mt.tensor([1.0, 2.0], requires_grad=True)
    y = w + 0
    y.retain_grad()
    (y * 1).sum().backward()
    assert _independent(w.grad, y.grad)


def test_fresh_gradients_are_taken_and_still_accumulate(monkeypatch: pytest.MonkeyPatch) -> None:
    taken: list[bool] = []
    may_take = accumulate.Delivery._may_take

    def spy(self: accumulate.Delivery, array: np.ndarray) -> bool:
        taken.append(may_take(self, array))
        return taken[-1]

    monkeypatch.setattr(accumulate.Delivery, "_may_take", spy)
    w = mt.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    x = mt.tensor([[1.0, 1.0]])
    for expected in ([[1.0, 1.0], [1.0, 1.0]], [[2.0, 2.0], [2.0, 2.0]]):
        (x @ w).sum().backward()
        assert w.grad.tolist() == expected and w.grad.numpy().flags.owndata
    assert taken == [True]  # the first gradient taken without a copy; the second added
