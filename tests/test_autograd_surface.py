"""The autograd surface PyTorch programs use: hooks, retain_grad, next_functions, grad mode
per thread and on generators, inference_mode, autograd.grad's extra arguments."""

from __future__ import annotations

import threading

import pytest

import microtensor as mt


def test_hooks_see_and_replace_gradients() -> None:
    x = mt.tensor([1.0, 2.0], requires_grad=True)
    seen = []
    x.register_hook(lambda g: seen.append(g.tolist()))
    handle = x.register_hook(lambda g: g * 10)
    y = x * 3
    y.register_hook(lambda g: g + 1)
    (y * y).sum().backward()
    assert seen == [[(2 * 3 + 1) * 3, (2 * 6 + 1) * 3]]
    assert x.grad.tolist() == [210.0, 390.0]
    handle.remove()
    x.grad = None
    (x * 1).sum().backward()
    assert x.grad.tolist() == [1.0, 1.0]
    with pytest.raises(RuntimeError, match="doesn't require gradient"):
        mt.ones(2).register_hook(lambda g: g)


def test_retain_grad_keeps_a_non_leaf_gradient_after_hooks() -> None:
    x = mt.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    assert not y.retains_grad
    y.retain_grad()
    y.register_hook(lambda g: g * 2)
    (y * y).sum().backward()
    assert y.retains_grad and y.grad.tolist() == [12.0, 24.0]
    assert x.grad.tolist() == [36.0, 72.0]


def test_next_functions_and_name() -> None:
    w = mt.ones(2, requires_grad=True)
    y = (w * 2 + mt.ones(2)).sum()
    (add, _), = y.grad_fn.next_functions
    assert y.grad_fn.name() == "SumBackward0" and add.name() == "AddBackward0"
    (mul, _), (constant, _) = add.next_functions
    assert constant is None and mul.name() == "MulBackward0"
    (accumulate, _), (none, _) = mul.next_functions
    assert accumulate.name() == "AccumulateGrad" and accumulate.variable is w and none is None


def test_grad_mode_is_per_thread() -> None:
    results = {}
    inside = threading.Event()
    done = threading.Event()

    def other_thread() -> None:
        inside.wait()
        results["other"] = mt.is_grad_enabled()
        results["records"] = (mt.ones(1, requires_grad=True) * 2).requires_grad
        done.set()

    thread = threading.Thread(target=other_thread)
    thread.start()
    with mt.no_grad():
        inside.set()
        done.wait()
        results["here"] = mt.is_grad_enabled()
    thread.join()
    assert results == {"other": True, "records": True, "here": False}


def test_no_grad_decorates_generator_functions() -> None:
    @mt.no_grad()
    def steps(x):
        for _ in range(2):
            yield (x * 2).requires_grad, mt.is_grad_enabled()

    x = mt.ones(1, requires_grad=True)
    generator = steps(x)
    assert next(generator) == (False, False)
    assert mt.is_grad_enabled()  # the caller's mode between steps
    assert next(generator) == (False, False)
    assert list(generator) == []


def test_set_grad_enabled_and_inference_mode() -> None:
    mt.set_grad_enabled(False)
    assert not mt.is_grad_enabled()
    mt.set_grad_enabled(True)
    with mt.set_grad_enabled(False):
        assert not mt.is_grad_enabled()
    assert mt.is_grad_enabled()

    @mt.set_grad_enabled(False)
    def plain():
        return mt.is_grad_enabled()

    assert mt.is_grad_enabled() and plain() is False
    with mt.inference_mode():
        assert not (mt.ones(1, requires_grad=True) * 2).requires_grad
    with mt.inference_mode(False):
        assert mt.is_grad_enabled()

    @mt.inference_mode()
    def infer():
        return mt.is_grad_enabled()

    assert infer() is False and mt.is_grad_enabled()


def test_autograd_grad_materialize_and_batched() -> None:
    x, unused = mt.ones(2, requires_grad=True), mt.ones(3, requires_grad=True)
    gx, gu = mt.autograd.grad((x * 2).sum(), [x, unused], materialize_grads=True)
    assert gx.tolist() == [2.0, 2.0] and gu.tolist() == [0.0, 0.0, 0.0]
    with pytest.raises(NotImplementedError, match="is_grads_batched"):
        mt.autograd.grad((x * 2).sum(), x, is_grads_batched=True)


@pytest.mark.torch
def test_hooks_and_retain_grad_match_pytorch() -> None:
    torch = pytest.importorskip("torch")

    def run(lib, tensor):
        x = tensor([0.5, -1.5, 2.0], requires_grad=True)
        x.register_hook(lambda g: g * 2)
        y = x * x
        y.retain_grad()
        y.register_hook(lambda g: g - 1)
        (y * 3).sum().backward()
        return x.grad.tolist(), y.grad.tolist()

    assert run(mt, mt.tensor) == run(torch, torch.tensor)
