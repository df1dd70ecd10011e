"""PyTorch-style training loops learn small separable problems; whole-model gradient check."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import microtensor as mt
from microtensor import nn, optim
from microtensor.testing import check_module_gradients
from models import tinycnn
from models.training import Run, load_checkpoint


def blobs(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Three Gaussian blobs in the plane, far enough apart to be separable."""
    centres = np.array([[0.0, 3.0], [-3.0, -2.0], [3.0, -2.0]])
    labels = rng.integers(0, 3, n)
    points = centres[labels] + rng.normal(0.0, 0.6, (n, 2))
    return points.astype(np.float32), labels


def stripes(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """8x8 images: a vertical (0), horizontal (1) or diagonal (2) line, plus noise.

    Lines keep off the border (rows/columns 1 to 6) and diagonals near the main one.
    """
    labels = rng.integers(0, 3, n)
    images = rng.normal(0.0, 0.2, (n, 1, 8, 8))
    offsets = rng.integers(1, 7, n)
    for i, (label, offset) in enumerate(zip(labels, offsets, strict=True)):
        if label == 0:
            images[i, 0, :, offset] += 1.0
        elif label == 1:
            images[i, 0, offset, :] += 1.0
        else:
            images[i, 0] += np.eye(8, k=int(offset) - 3)
    return images.astype(np.float32), labels


def fit(model, optimizer, x, y, rng, epochs, batch_size=32) -> list[float]:
    loss_fn = nn.CrossEntropyLoss()
    losses = []
    for _ in range(epochs):
        model.train()
        order = rng.permutation(len(x))
        total = 0.0
        for start in range(0, len(x), batch_size):
            batch = order[start : start + batch_size]
            optimizer.zero_grad()
            loss = loss_fn(model(mt.tensor(x[batch])), mt.tensor(y[batch]))
            loss.backward()
            optimizer.step()
            total += loss.item() * len(batch)
        losses.append(total / len(x))
    return losses


def accuracy(model, x, y) -> float:
    model.eval()
    with mt.no_grad():
        predictions = model(mt.tensor(x)).argmax(dim=1).numpy()
    return float((predictions == y).mean())


def test_mlp_learns_three_blobs() -> None:
    rng = np.random.default_rng(0)
    mt.manual_seed(0)
    x, y = blobs(rng, 300)
    x_test, y_test = blobs(rng, 300)
    model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 3))
    losses = fit(model, optim.SGD(model.parameters(), lr=0.05, momentum=0.9), x, y, rng, 20)
    assert losses[-1] < 0.2 * losses[0]
    assert accuracy(model, x_test, y_test) > 0.97


def test_tiny_cnn_learns_stripe_orientations() -> None:
    rng = np.random.default_rng(1)
    mt.manual_seed(1)
    x, y = stripes(rng, 300)
    x_test, y_test = stripes(rng, 300)
    model = nn.Sequential(
        nn.Conv2d(1, 3, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(27, 3)
    )
    losses = fit(model, optim.Adam(model.parameters(), lr=0.02), x, y, rng, 25)
    assert losses[-1] < losses[0]
    assert accuracy(model, x_test, y_test) > 0.97


# ----- whole-model gradient check --------------------------------------------------------
def test_tiny_cnn_gradients_match_finite_differences() -> None:
    rng = np.random.default_rng(2)
    mt.manual_seed(2)
    model = nn.Sequential(
        nn.Conv2d(1, 3, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(27, 3)
    )
    before = {name: p.data.numpy().copy() for name, p in model.named_parameters()}
    x, y = stripes(rng, 4)
    report = check_module_gradients(model, mt.tensor(x), mt.tensor(y))
    assert report.passed
    assert [c.name for c in report.parameters] == ["0.weight", "0.bias", "4.weight", "4.bias"]
    assert all(c.verdict in ("perfect", "acceptable") for c in report.parameters), str(report)
    assert "0.weight" in str(report) and "verdict" in str(report)
    for name, p in model.named_parameters():  # the model itself is left alone
        assert p.dtype == np.float32 and p.grad is None
        np.testing.assert_array_equal(p.data, before[name])


class LeakyShortcut(nn.Module):
    """A model whose backward is wrong: part of the loss flows through ``detach()``."""

    def __init__(self) -> None:
        super().__init__()
        self.linear = nn.Linear(3, 2)

    def forward(self, x: mt.Tensor) -> mt.Tensor:
        return self.linear(x) + (self.linear.weight.detach() ** 2).sum()


def test_a_wrong_gradient_is_reported_as_a_bug() -> None:
    x = mt.randn(4, 3)
    report = check_module_gradients(LeakyShortcut(), x, raise_exception=False)
    weight, bias = report.parameters
    assert not report.passed and report.worst is weight
    assert weight.verdict == "a bug in backward" and bias.verdict in ("perfect", "acceptable")
    with pytest.raises(RuntimeError, match="disagree with finite differences"):
        check_module_gradients(LeakyShortcut(), x)


def test_float_targets_use_mean_squared_error() -> None:
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    report = check_module_gradients(model, mt.randn(5, 3), mt.randn(5, 2))
    assert report.passed and len(report.parameters) == 4


def test_a_checkpoint_from_before_per_model_configs_still_loads(tmp_path) -> None:
    """Runs written when one flat config gave every model a ``hidden`` field resume."""
    config = tinycnn.RECIPE.make_config(train_size=8, val_size=4, epochs=1)
    run = Run(tinycnn.RECIPE, config)
    old = run.checkpoint()
    old["config"] = {**old["config"], "hidden": 0}
    mt.save(old, tmp_path / "checkpoint.npz")
    loaded = load_checkpoint(tmp_path, tinycnn.RECIPE)
    assert loaded["config"] == dataclasses.asdict(config)
    assert Run.restore(tinycnn.RECIPE, loaded).config == config
