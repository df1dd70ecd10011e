"""The seeds' models and data: parameter counts, shapes, datasets, the edge-net anchor,
exact resume, the hand-written NumPy reference, and the seed's >99% claim."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

import microtensor as mt
import microtensor.nn.functional as F  # noqa: N812
from benchmarks import numpy_tinycnn
from models import datasets, edgenet, mlp, tinycnn
from models.tinycnn import cli as tinycnn_cli
from models.training import Run, RunConfig, count_parameters


def small_config(**changes: object) -> RunConfig:
    values = dict(tinycnn.DEFAULTS, model="tinycnn", epochs=2, train_size=96, val_size=48)
    return RunConfig(**{**values, **changes})


# ----- parameter counts and shapes -------------------------------------------------------


def test_tinycnn_has_the_seeds_parameter_counts() -> None:
    assert count_parameters(tinycnn.TinyCNN(3)) == 114  # 3*(1*3*3) + 3 + 27*3 + 3
    # one more output adds 27 weights and a bias: 142, not the seed's 117
    assert count_parameters(tinycnn.TinyCNN(4)) == 142
    names = [name for name, _ in tinycnn.TinyCNN().named_parameters()]
    assert names == ["conv.weight", "conv.bias", "fc.weight", "fc.bias"]


@pytest.mark.parametrize(("hidden", "classes"), [(1, 3), (8, 3), (18, 3), (8, 4), (18, 4)])
def test_mlp_parameter_count_is_the_formula(hidden: int, classes: int) -> None:
    model = mlp.MLP(hidden, classes)
    assert count_parameters(model) == 64 * hidden + hidden + hidden * classes + classes
    assert count_parameters(model) == mlp.parameter_count(hidden, classes)


def test_mlp_widths_the_seed_names_do_not_give_its_counts() -> None:
    # the seed states 1,242 (3 classes) and 555 / 1,221 (4 classes, widths 8 / 18)
    assert mlp.parameter_count(18, 3) == 1227
    assert (mlp.parameter_count(8, 4), mlp.parameter_count(18, 4)) == (556, 1246)


def test_edgenet_has_twenty_parameters() -> None:
    assert count_parameters(edgenet.EdgeNet()) == 9 + 1 + 4 * 2 + 2


def test_tinycnn_layer_shapes() -> None:
    model = tinycnn.TinyCNN(4, generator=np.random.default_rng(0))
    x = mt.randn(5, 1, 8, 8, generator=np.random.default_rng(1))
    shapes = {}
    for name, layer in model.named_children():
        x = layer(x)
        shapes[name] = x.shape
    assert shapes == {
        "conv": (5, 3, 6, 6), "relu": (5, 3, 6, 6), "pool": (5, 3, 3, 3),
        "flatten": (5, 27), "fc": (5, 4),
    }  # fmt: skip


def test_edgenet_and_mlp_output_shapes() -> None:
    assert edgenet.EdgeNet()(mt.zeros(2, 1, 6, 6)).shape == (2, 2)
    assert mlp.MLP(8, 4)(mt.zeros(3, 1, 8, 8)).shape == (3, 4)


def test_same_generator_gives_same_initial_weights() -> None:
    a = tinycnn.TinyCNN(generator=np.random.default_rng(3)).state_dict()
    b = tinycnn.TinyCNN(generator=np.random.default_rng(3)).state_dict()
    c = tinycnn.TinyCNN(generator=np.random.default_rng(4)).state_dict()
    assert all(np.array_equal(a[k].numpy(), b[k].numpy()) for k in a)
    assert not np.array_equal(a["conv.weight"].numpy(), c["conv.weight"].numpy())


# ----- the edge net's anchor ---------------------------------------------------------------


def test_anchor_response_is_what_the_seeds_own_loop_computes() -> None:
    response = edgenet.anchor_response()
    expected_rows = [-765, -765, 765, 765]  # the seed prints 0, -765, 765, 0
    assert np.array_equal(response, np.repeat(expected_rows, 4).reshape(4, 4))
    image, kernel = datasets.anchor_image(), datasets.horizontal_kernel()
    loop = [[np.sum(image[i : i + 3, j : j + 3] * kernel) for j in range(4)] for i in range(4)]
    assert np.array_equal(response, loop)


# ----- the NumPy reference -----------------------------------------------------------------


def test_numpy_reference_gradients_match_finite_differences() -> None:
    worst = numpy_tinycnn.gradient_check(classes=3)
    assert set(worst) == set(numpy_tinycnn.NAMES)
    assert max(worst.values()) < 1e-5, worst


def test_numpy_reference_and_microtensor_agree_on_loss_and_gradients() -> None:
    rng = np.random.default_rng(2)
    model = tinycnn.TinyCNN(4, generator=rng)
    images, labels = datasets.make_stripes(16, 4, generator=rng)
    loss = F.cross_entropy(model(mt.from_numpy(images)), mt.from_numpy(labels))
    loss.backward()
    params = {name: p.detach().numpy().copy() for name, p in model.named_parameters()}
    reference_loss, grads = numpy_tinycnn.loss_and_grads(params, images, labels)
    assert loss.item() == pytest.approx(reference_loss, rel=1e-5)
    for name, p in model.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), grads[name], rtol=1e-4, atol=1e-6)


# ----- runs: determinism and exact resume ------------------------------------------------------


def test_same_seed_gives_the_same_run() -> None:
    a, b = Run(tinycnn.RECIPE, small_config()), Run(tinycnn.RECIPE, small_config())
    a.fit(2)
    b.fit(2)
    assert [s.val_loss for s in a.history] == [s.val_loss for s in b.history]


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_resume_equals_an_uninterrupted_run(optimizer: str, tmp_path: object) -> None:
    config = small_config(optimizer=optimizer, lr=0.01 if optimizer == "adam" else 0.3)
    whole = Run(tinycnn.RECIPE, config)
    whole.fit(4)
    first = Run(tinycnn.RECIPE, dataclasses.replace(config))
    first.fit(2)
    first.save(tmp_path / "checkpoint.npz")
    resumed = Run.restore(tinycnn.RECIPE, mt.load(tmp_path / "checkpoint.npz"))
    resumed.fit(4)
    for name, value in whole.model.state_dict().items():
        assert np.array_equal(value.numpy(), resumed.model.state_dict()[name].numpy()), name
    assert [s.train_loss for s in whole.history] == [s.train_loss for s in resumed.history]
    assert np.array_equal(np.stack(whole.kernels), np.stack(resumed.kernels))


@pytest.mark.slow
def test_default_training_reaches_the_seeds_99_percent(tmp_path: object) -> None:
    """The seed's claim, with the CLI's defaults: above 99% validation accuracy in 40 epochs."""
    assert tinycnn_cli.main(["train", "--out", str(tmp_path), "--no-plots"]) == 0
    summary = json.loads((tmp_path / "metrics.json").read_text())
    assert summary["parameters"] == 114
    assert len(summary["epochs"]) == 40
    assert summary["final"]["val_accuracy"] > 0.99
