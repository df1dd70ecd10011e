"""Creation, randomness, joins, devices, conversions and legacy spellings (issue 11 items
3, 7, 9, 12): plain tests with NumPy references, and the same calls compared with PyTorch
(marked ``torch``, skipped without it)."""

from __future__ import annotations

import numpy as np
import pytest

import microtensor as mt
import microtensor.nn.functional as F  # noqa: N812 (PyTorch's spelling)
from microtensor.autograd import gradcheck, gradgradcheck


def _double(*shape: int, seed: int = 0) -> mt.Tensor:
    data = np.random.default_rng(seed).standard_normal(shape)
    return mt.tensor(data, dtype=mt.float64, requires_grad=True)


# ----- creation -----------------------------------------------------------------------
def test_full_empty_eye_dtypes_and_values() -> None:
    assert mt.full((2, 3), 1.5).dtype == mt.float32 and mt.full((2,), 7).dtype == mt.int64
    assert mt.full((2,), True).dtype == mt.bool
    filled = mt.full((2, 2), 3.0, dtype=mt.float64)
    np.testing.assert_array_equal(filled.numpy(), np.full((2, 2), 3.0))
    assert mt.empty(2, 3).shape == (2, 3)
    assert mt.empty_like(mt.zeros(4, dtype=mt.int64)).dtype == mt.int64
    np.testing.assert_array_equal(mt.eye(3, 2).numpy(), np.eye(3, 2, dtype=np.float32))
    np.testing.assert_array_equal(mt.full_like(mt.zeros(2), 4).numpy(), [4.0, 4.0])
    with pytest.raises(RuntimeError, match="eye: n must be greater or equal to 0"):
        mt.eye(-1)


def test_arange_forms_and_errors() -> None:
    assert mt.arange(5).dtype == mt.int64 and mt.arange(5).tolist() == [0, 1, 2, 3, 4]
    assert mt.arange(1, 4).tolist() == [1, 2, 3] and mt.arange(5, 0, -2).tolist() == [5, 3, 1]
    assert mt.arange(0, 1, 0.25).dtype == mt.float32
    np.testing.assert_allclose(mt.arange(0, 1, 0.1).numpy(), np.arange(10) * 0.1, rtol=1e-6)
    assert mt.arange(3, dtype=mt.float64).dtype == mt.float64
    assert mt.arange(mt.tensor(3)).tolist() == [0, 1, 2]
    with pytest.raises(RuntimeError, match="step must be nonzero"):
        mt.arange(0, 1, 0)
    with pytest.raises(RuntimeError, match="inconsistent with step sign"):
        mt.arange(0, 5, -1)


def test_linspace_logspace() -> None:
    np.testing.assert_allclose(mt.linspace(0, 1, 5).numpy(), np.linspace(0, 1, 5), rtol=1e-6)
    np.testing.assert_allclose(mt.logspace(0, 2, 3).numpy(), [1, 10, 100], rtol=1e-6)
    np.testing.assert_allclose(mt.logspace(0, 3, 4, base=2).numpy(), [1, 2, 4, 8])
    assert mt.linspace(0, 1, 0).shape == (0,)


def test_as_tensor_and_from_numpy_share_memory() -> None:
    array = np.zeros(3, dtype=np.float32)
    shared = mt.as_tensor(array)
    array[0] = 5
    assert shared[0].item() == 5 and mt.as_tensor(shared) is shared
    copied = mt.as_tensor(array, dtype=mt.float64)
    array[1] = 7
    assert copied[1].item() == 0 and copied.dtype == mt.float64
    assert mt.as_tensor([1, 2]).dtype == mt.int64


def test_one_hot() -> None:
    out = F.one_hot(mt.tensor([0, 2, 1]))
    np.testing.assert_array_equal(out.numpy(), np.eye(3, dtype=np.int64)[[0, 2, 1]])
    assert F.one_hot(mt.tensor([[0], [1]]), num_classes=4).shape == (2, 1, 4)
    with pytest.raises(RuntimeError, match="Class values must be non-negative"):
        F.one_hot(mt.tensor([3]), num_classes=2)
    with pytest.raises(RuntimeError, match="index tensor of integer dtype"):
        F.one_hot(mt.tensor([1.0]))


# ----- randomness ---------------------------------------------------------------------
def test_generator_object_and_numpy_generators_are_both_accepted() -> None:
    g = mt.Generator().manual_seed(3)
    assert g.initial_seed() == 3
    a = mt.randn(4, generator=g)
    state = g.get_state()
    b = mt.randn(4, generator=g)
    g.set_state(state)
    np.testing.assert_array_equal(mt.randn(4, generator=g).numpy(), b.numpy())
    g.manual_seed(3)
    np.testing.assert_array_equal(mt.randn(4, generator=g).numpy(), a.numpy())
    rng = np.random.default_rng(1)
    assert mt.rand(2, generator=rng).shape == (2,)
    for make in (lambda gen: mt.randint(0, 5, (3,), generator=gen),
                 lambda gen: mt.randperm(5, generator=gen),
                 lambda gen: mt.normal(0.0, 1.0, size=(2,), generator=gen),
                 lambda gen: mt.bernoulli(mt.full((3,), 0.5), generator=gen),
                 lambda gen: mt.multinomial(mt.ones(4), 2, generator=gen),
                 lambda gen: mt.rand_like(mt.zeros(2), generator=gen),
                 lambda gen: mt.zeros(3).uniform_(generator=gen),
                 lambda gen: mt.nn.init.normal_(mt.zeros(3), generator=gen)):
        first = make(mt.Generator().manual_seed(9)).numpy()
        np.testing.assert_array_equal(make(mt.Generator().manual_seed(9)).numpy(), first)
        make(np.random.default_rng(0))
    with pytest.raises(TypeError, match="generator must be an mt.Generator"):
        mt.randn(2, generator=42)
    assert mt.manual_seed(5) is mt.default_generator() and mt.initial_seed() == 5
    assert isinstance(mt.seed(), int)


def test_random_ops_shapes_dtypes_ranges() -> None:
    mt.manual_seed(0)
    values = mt.randint(3, 7, (1000,))
    assert values.dtype == mt.int64 and values.min().item() == 3 and values.max().item() == 6
    assert mt.randint(10, (2, 2)).shape == (2, 2)
    assert sorted(mt.randperm(6).tolist()) == list(range(6))
    x = mt.zeros(2, 3, dtype=mt.float64)
    assert mt.randn_like(x).dtype == mt.float64 and mt.rand_like(x).shape == (2, 3)
    assert mt.randint_like(x, 5).dtype == mt.float64 and mt.randint_like(x, 2, 5).min() >= 2
    drawn = mt.normal(mt.full((20000,), 3.0), 2.0)
    assert abs(drawn.mean().item() - 3) < 0.05 and abs(drawn.numpy().std() - 2) < 0.05
    assert mt.normal(mt.zeros(3), mt.ones(2, 1)).shape == (2, 3)
    flips = mt.bernoulli(mt.full((20000,), 0.3))
    assert abs(flips.mean().item() - 0.3) < 0.02 and flips.dtype == mt.float32
    filled = mt.zeros(10000).uniform_(-2, 2)
    assert filled.min() >= -2 and filled.max() < 2 and abs(filled.mean().item()) < 0.1
    filled = mt.zeros(10000, dtype=mt.float64).normal_(1.0, 0.5)
    assert abs(filled.mean().item() - 1) < 0.03 and filled.dtype == mt.float64
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        mt.zeros(2, requires_grad=True).uniform_()


def test_multinomial_with_and_without_replacement() -> None:
    mt.manual_seed(1)
    weights = mt.tensor([0.1, 0.0, 0.6, 0.3])
    drawn = mt.multinomial(weights, 20000, replacement=True).numpy()
    frequencies = np.bincount(drawn, minlength=4) / 20000
    np.testing.assert_allclose(frequencies, [0.1, 0, 0.6, 0.3], atol=0.02)
    rows = mt.multinomial(mt.tensor([[1.0, 1, 1, 1], [0, 1, 1, 0]]), 2)
    assert rows.shape == (2, 2) and rows.dtype == mt.int64
    assert len(set(rows[0].tolist())) == 2 and set(rows[1].tolist()) == {1, 2}
    firsts = np.array([mt.multinomial(weights, 3).tolist() for _ in range(3000)])
    assert 1 not in firsts and np.mean(firsts[:, 0] == 2) == pytest.approx(0.6, abs=0.04)
    with pytest.raises(RuntimeError, match="cannot sample n_sample > prob_dist"):
        mt.multinomial(weights, 5)
    with pytest.raises(RuntimeError, match="not enough non-negative category"):
        mt.multinomial(weights, 4)
    with pytest.raises(RuntimeError, match="element < 0"):
        mt.multinomial(mt.tensor([-1.0, 2.0]), 1)


# ----- joins --------------------------------------------------------------------------
def test_cat_stack_split_chunk_values_and_gradients() -> None:
    a, b = _double(2, 3), _double(2, 1, seed=1)
    np.testing.assert_array_equal(mt.cat([a, b], dim=1).detach().numpy(),
                                  np.concatenate([a.detach().numpy(), b.detach().numpy()], 1))
    assert mt.concat((a, a), -2).shape == (4, 3) and mt.stack([a, a], 2).shape == (2, 3, 2)
    assert gradcheck(lambda x, y: mt.cat([x, y, x], 1), (a, b))
    assert gradgradcheck(lambda x, y: mt.stack([x, y * 2], 0), (a, _double(2, 3, seed=2)))
    assert [p.shape[1] for p in a.split(2, dim=1)] == [2, 1]
    assert [p.shape[1] for p in mt.split(a, [1, 2], 1)] == [1, 2]
    assert [p.shape[0] for p in mt.chunk(mt.arange(5), 3)] == [2, 2, 1]
    assert gradcheck(lambda x: x.chunk(2, 1)[0] * 3, (a,))
    assert mt.cat([mt.zeros(2, dtype=mt.int64), mt.ones(1)]).dtype == mt.float32
    with pytest.raises(RuntimeError, match="Sizes of tensors must match except in dimension 1"):
        mt.cat([a, mt.zeros(3, 1)], 1)
    with pytest.raises(RuntimeError, match="stack expects each tensor to be equal size"):
        mt.stack([a, b])
    with pytest.raises(TypeError, match="must be a tuple or list of Tensors"):
        mt.cat(a)
    with pytest.raises(RuntimeError, match="split_with_sizes expects split_sizes to sum exactly"):
        a.split([1, 1], 1)


def test_where_tril_triu_meshgrid() -> None:
    x, y = _double(2, 3), _double(3, seed=1)
    condition = mt.tensor([[True, False, True], [False, False, True]])
    expected = np.where(condition.numpy(), x.detach().numpy(), y.detach().numpy())
    np.testing.assert_array_equal(mt.where(condition, x, y).detach().numpy(), expected)
    assert gradgradcheck(lambda p, q: mt.where(condition, p * p, q), (x, y))
    assert x.where(condition, 0.0).dtype == mt.float64
    assert mt.where(mt.tensor([True, False]), mt.tensor([1, 2]), 0.5).dtype == mt.float32
    assert [t.tolist() for t in mt.where(condition)] == [[0, 0, 1], [0, 2, 2]]
    with pytest.raises(RuntimeError, match="condition to be a boolean tensor"):
        mt.where(mt.tensor([1, 0]), x, y)
    square = _double(3, 3)
    plain = square.detach().numpy()
    np.testing.assert_array_equal(square.tril(-1).detach().numpy(), np.tril(plain, -1))
    np.testing.assert_array_equal(mt.triu(square, 1).detach().numpy(), np.triu(plain, 1))
    assert gradcheck(lambda s: s.triu() * s, (square,))
    ones = mt.ones(3, 3)
    ones.tril_()
    assert ones.sum().item() == 6
    gx, gy = mt.meshgrid(mt.arange(2), mt.arange(3), indexing="ij")
    nx, ny = np.meshgrid(np.arange(2), np.arange(3), indexing="ij")
    np.testing.assert_array_equal(gx.numpy(), nx)
    np.testing.assert_array_equal(gy.numpy(), ny)
    gx, gy = mt.meshgrid(mt.arange(2), mt.arange(3), indexing="xy")
    assert gx.shape == (3, 2)
    np.testing.assert_array_equal(gx.numpy(), np.meshgrid(np.arange(2), np.arange(3))[0])


# ----- devices --------------------------------------------------------------------------
def test_the_cpu_device_api() -> None:
    cpu = mt.device("cpu")
    assert repr(cpu) == "device(type='cpu')" and str(mt.device("cpu", 0)) == "cpu:0"
    assert cpu == "cpu" and mt.zeros(2).device == cpu and not mt.zeros(2).is_cuda
    for make in (lambda d: mt.zeros(2, device=d), lambda d: mt.tensor([1.0], device=d),
                 lambda d: mt.randn(2, device=d), lambda d: mt.arange(3, device=d),
                 lambda d: mt.full((2,), 1.0, device=d), lambda d: mt.eye(2, device=d)):
        assert make("cpu").device == cpu and make(cpu).device == cpu
        with pytest.raises(AssertionError, match="microtensor runs on the CPU only"):
            make("cuda")
        with pytest.raises(RuntimeError, match="Expected one of cpu"):
            make("gpu")
    x = mt.ones(2)
    assert x.to("cpu") is x and x.cpu() is x and x.to(cpu, mt.float64).dtype == mt.float64
    with pytest.raises(AssertionError, match="'cuda' is not available, microtensor runs on"):
        x.to("cuda:0")
    with pytest.raises(AssertionError, match="microtensor runs on the CPU"):
        x.cuda()
    with pytest.raises(AssertionError, match="microtensor runs on the CPU"):
        mt.zeros(1, device=mt.device("mps"))
    assert mt.device("cuda", 0).type == "cuda"  # made, as PyTorch's; refused when used
    model = mt.nn.Linear(2, 2)
    assert model.to(cpu) is model and model.to("cpu") is model
    with pytest.raises(AssertionError, match="microtensor runs on the CPU"):
        model.to("cuda")
    assert model.to(mt.float64).weight.dtype == mt.float64
    assert not mt.cuda.is_available() and mt.cuda.device_count() == 0
    assert not mt.backends.mps.is_available() and not mt.backends.cudnn.is_available()
    mt.backends.cudnn.deterministic = True
    mt.backends.cudnn.benchmark = False
    assert mt.accelerator.current_accelerator() is None and not mt.accelerator.is_available()
    mt.set_default_device("cpu")
    with pytest.raises(AssertionError, match="microtensor runs on the CPU"):
        mt.set_default_device("cuda")
    assert mt.get_default_device() == cpu


# ----- conversions, Size, dtypes, repr ---------------------------------------------------
def test_size_and_dtype_objects() -> None:
    x = mt.zeros(2, 3)
    assert isinstance(x.shape, mt.Size) and x.shape == (2, 3) and x.size() == (2, 3)
    assert repr(x.shape) == "microtensor.Size([2, 3])" and x.shape.numel() == 6
    assert isinstance(x.shape[1:], mt.Size) and x.size(-1) == 3
    assert repr(mt.float32) == "microtensor.float32" and str(mt.int64) == "microtensor.int64"
    assert mt.float is mt.float32 and mt.double is mt.float64 and mt.long is mt.int64
    assert mt.int is mt.int32 and mt.half is mt.float16 and mt.uint8 == np.uint8
    assert x.dtype == np.float32 and np.dtype("float32") == x.dtype and x.dtype.is_floating_point
    assert np.zeros(2, dtype=mt.float64).dtype == np.float64
    assert x.element_size() == 4 and x.nelement() == 6 and x.half().element_size() == 2


def test_conversions_and_protocols() -> None:
    x = mt.tensor([1.5, -2.5])
    assert x.long().tolist() == [1, -2] and x.long().dtype == mt.int64
    assert x.int().dtype == mt.int32 and x.bool().tolist() == [True, True]
    assert x.half().dtype == mt.float16 and x.to(mt.float32) is x
    assert x.type_as(mt.zeros(1, dtype=mt.float64)).dtype == mt.float64
    assert x.to(mt.zeros(1, dtype=mt.int64)).dtype == mt.int64
    assert x.to(dtype=mt.float64, copy=True).dtype == mt.float64
    assert 1.5 in x and 3.0 not in x and mt.tensor(-2.5) in x
    with pytest.raises(RuntimeError, match="only supports Tensor or scalar"):
        _ = "a" in x
    w = mt.tensor([1.0, 2.0], requires_grad=True)
    w.double().sum().backward()
    assert w.grad.dtype == mt.float32


def test_legacy_spellings() -> None:
    assert mt.Tensor(2, 3).shape == (2, 3) and mt.Tensor(2, 3).dtype == mt.float32
    assert mt.Tensor([1, 2]).dtype == mt.float32 and mt.Tensor().shape == (0,)
    assert mt.Tensor(mt.Size([4])).shape == (4,)
    assert mt.Tensor(np.arange(3)).dtype == mt.int64  # differs from PyTorch (float32)
    assert mt.Tensor(np.arange(3), dtype=mt.float32).dtype == mt.float32
    assert mt.FloatTensor([1, 2]).dtype == mt.float32 and mt.LongTensor([1.7]).tolist() == [1]
    assert mt.DoubleTensor(2).dtype == mt.float64 and mt.BoolTensor([1, 0]).dtype == mt.bool
    x = mt.tensor([1.0, 2.0])
    assert x.type() == "microtensor.FloatTensor" and x.long().type() == "microtensor.LongTensor"
    assert x.type(mt.float64).dtype == mt.float64 and x.type("torch.LongTensor").dtype == mt.int64
    assert x.type(mt.DoubleTensor).dtype == mt.float64
    v = mt.autograd.Variable(x, requires_grad=True)
    assert v.requires_grad and v.is_leaf and isinstance(v, mt.Tensor)
    (v * v).sum().backward()
    np.testing.assert_array_equal(v.grad.numpy(), [2.0, 4.0])
    with pytest.raises(TypeError, match="Variable data has to be a tensor"):
        mt.autograd.Variable([1.0])


def test_repr_layout() -> None:
    x = mt.tensor([1.0, 2.0], requires_grad=True)
    assert repr(x * 2) == "tensor([2., 4.], grad_fn=<MulBackward0>)"
    assert repr(mt.tensor([1.25, -3.0])) == "tensor([ 1.2500, -3.0000])"
    assert repr(mt.tensor([1e-5, 1.0])) == "tensor([1.0000e-05, 1.0000e+00])"
    assert repr(mt.zeros(0, 3)) == "tensor([], size=(0, 3))"
    assert repr(mt.tensor([1, 2], dtype=mt.int32)) == "tensor([1, 2], dtype=microtensor.int32)"
    assert "..." in repr(mt.arange(2000))


# ----- against PyTorch -------------------------------------------------------------------
@pytest.mark.torch
def test_creation_matches_torch() -> None:
    torch = pytest.importorskip("torch")
    pairs = [
        (mt.arange(0, 1, 0.1), torch.arange(0, 1, 0.1)),
        (mt.arange(-3, 7.5, 0.7), torch.arange(-3, 7.5, 0.7)),
        (mt.arange(10, 0, -3), torch.arange(10, 0, -3)),
        (mt.arange(1, 2.5, 0.5, dtype=mt.float64), torch.arange(1, 2.5, 0.5, dtype=torch.float64)),
        (mt.linspace(-1, 3, 7), torch.linspace(-1, 3, 7)),
        (mt.logspace(-2, 2, 5, base=3), torch.logspace(-2, 2, 5, base=3)),
        (mt.full((2, 2), 7), torch.full((2, 2), 7)),
        (mt.full((2,), 0.5), torch.full((2,), 0.5)),
        (mt.eye(2, 3), torch.eye(2, 3)),
        (mt.tril(mt.ones(3, 4), 1), torch.tril(torch.ones(3, 4), 1)),
        (mt.triu(mt.ones(2, 3, 3), -1), torch.triu(torch.ones(2, 3, 3), -1)),
        (F.one_hot(mt.tensor([2, 0])), torch.nn.functional.one_hot(torch.tensor([2, 0]))),
        (mt.cat([mt.zeros(2, dtype=mt.int64), mt.ones(1)]),
         torch.cat([torch.zeros(2, dtype=torch.int64), torch.ones(1)])),
        (mt.where(mt.tensor([True, False]), mt.tensor([1, 2]), 0.5),
         torch.where(torch.tensor([True, False]), torch.tensor([1, 2]), 0.5)),
        (mt.Tensor([1, 2]), torch.Tensor([1, 2])),
        (mt.tensor([1.5, -2.5]).long(), torch.tensor([1.5, -2.5]).long()),
    ]
    for ours, theirs in pairs:
        assert str(ours.dtype).split(".")[1] == str(theirs.dtype).split(".")[1]
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6, atol=1e-7)
    for n, chunks in [(5, 3), (6, 4), (7, 2), (2, 5)]:
        ours = [t.shape for t in mt.chunk(mt.arange(n), chunks)]
        assert ours == [t.shape for t in torch.chunk(torch.arange(n), chunks)]
    ours = mt.meshgrid(mt.arange(2), mt.arange(3), mt.arange(4), indexing="xy")
    theirs = torch.meshgrid(torch.arange(2), torch.arange(3), torch.arange(4), indexing="xy")
    for o, t in zip(ours, theirs, strict=True):
        np.testing.assert_array_equal(o.numpy(), t.numpy())


@pytest.mark.torch
def test_join_gradients_match_torch() -> None:
    torch = pytest.importorskip("torch")
    data = [np.random.default_rng(i).standard_normal((2, 3)) for i in range(2)]
    ours = [mt.tensor(d, requires_grad=True) for d in data]
    theirs = [torch.tensor(d, dtype=torch.float32, requires_grad=True) for d in data]
    for lib, (a, b) in ((mt, ours), (torch, theirs)):
        out = lib.cat([a, b * 2], 1).sum() + lib.stack([a, b]).pow(2).sum()
        out = out + lib.where(a > 0, a, b).sum() + a.tril().sum() * 3 + b.split(2, 1)[1].sum()
        out.backward()
    for o, t in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(o.grad.numpy(), t.grad.numpy(), rtol=1e-6)


@pytest.mark.torch
def test_printing_matches_torch() -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    arrays = [np.float32(rng.standard_normal((3, 4))), np.float32([1e-5, 1.0]),
              np.float32([1e9, 1.0]), np.float32([np.nan, 1.5, np.inf]), np.arange(2000) / 3,
              np.arange(24.0).reshape(2, 3, 4), np.zeros((0, 2)), np.array([1, 2], np.int32),
              np.float32(3.25), np.array([True, False]), np.arange(4000).reshape(10, 20, 20)]
    for array in arrays:
        expected = repr(torch.from_numpy(np.array(array))).replace("torch.", "microtensor.")
        assert repr(mt.from_numpy(np.array(array))) == expected
    x, y = mt.tensor([1.0, 2.0], requires_grad=True), torch.tensor([1.0, 2.0], requires_grad=True)
    assert repr(x) == repr(y)
    assert repr(x * 2) == repr(y * 2)
    size = repr(torch.zeros(2, 3).shape).replace("torch.", "microtensor.")
    assert repr(mt.zeros(2, 3).shape) == size
    assert repr(mt.float64) == repr(torch.float64).replace("torch.", "microtensor.")
    assert repr(mt.device("cpu")) == repr(torch.device("cpu"))


@pytest.mark.torch
def test_legacy_and_device_answers_match_torch() -> None:
    torch = pytest.importorskip("torch")
    assert mt.cuda.is_available() == torch.cuda.is_available()
    assert torch.tensor([1.0]).type() == "torch.FloatTensor" and mt.tensor([1.0]).type() == (
        "microtensor.FloatTensor")
    for name in ("FloatTensor", "LongTensor", "DoubleTensor", "BoolTensor"):
        ours, theirs = getattr(mt, name)([1, 0]), getattr(torch, name)([1, 0])
        assert str(ours.dtype).split(".")[1] == str(theirs.dtype).split(".")[1]
        assert ours.tolist() == theirs.tolist()
    assert mt.Tensor(2, 3).shape == tuple(torch.Tensor(2, 3).shape)
    assert mt.tensor([1.0]).element_size() == torch.tensor([1.0]).element_size()
    assert mt.randint(0, 5, (3,)).dtype == mt.int64
    assert torch.randint(0, 5, (3,)).dtype == torch.int64
    assert torch.multinomial(torch.ones(3), 2).dtype == torch.int64


def test_coverage_page_is_generated_from_the_code() -> None:
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "tools" / "generate.py"
    spec = importlib.util.spec_from_file_location("generate_for_coverage", path)
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    page = tool.render_coverage()
    assert "| `torch.cat` | `mt.cat` | supported |" in page
    assert "| `F.one_hot` | `F.one_hot` | supported |" in page
    assert "| `torch.complex` |  | not supported |" in page
    assert "| `cuda.is_available` | `mt.cuda.is_available` | supported |" in page
    assert "docs/pytorch-coverage.md" in tool.OUTPUTS
