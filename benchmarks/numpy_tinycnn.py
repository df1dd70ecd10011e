"""TinyCNN written out by hand in NumPy: the reference speed for ``benchmarks/tinycnn.py``.

Forward, backward and SGD are spelled out for exactly one network, with no graph and no
framework: ``conv 3x3 (3 filters) + bias -> relu -> maxpool 2 -> flatten -> linear 27 ->
classes -> softmax cross-entropy (mean over the batch)``. Parameters have TinyCNN's names
and PyTorch's layouts (``conv.weight`` is ``(3, 1, 3, 3)``, ``fc.weight`` is
``(classes, 27)``), so the same initial weights can go to microtensor, PyTorch and here.

Shapes for a batch of B 8x8 images; inside, the batch is the last (contiguous) axis:

    cols    (9, 36 B)      the 3x3 patch at each of the 6x6 positions (im2col)
    conv    (3, 36 B)      W1 (3, 9) @ cols + b1         dW1 = dconv @ cols^T
    relu    (3, 6, 6, B)   max(conv, 0)                  dconv = drelu * (conv > 0)
    pooled  (27, B)        max over 2x2 windows          the gradient goes to the maximum
    logits  (B, K)         (W2 @ pooled + b2)^T          dW2 = dlogits^T @ pooled^T
    loss    ()             mean(logsumexp - logit_y)     dlogits = (softmax - onehot) / B

``gradient_check`` compares this backward with central differences in float64.

    python benchmarks/numpy_tinycnn.py        # gradient check, then a timed 40-epoch run
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models.datasets import batches, make_stripes  # noqa: E402

Params = dict[str, np.ndarray]
NAMES = ("conv.weight", "conv.bias", "fc.weight", "fc.bias")


def init_params(classes: int, generator: np.random.Generator) -> Params:
    """PyTorch's default initialisation: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for all four."""
    shapes = {"conv.weight": (3, 1, 3, 3), "conv.bias": (3,), "fc.weight": (classes, 27)}
    shapes["fc.bias"] = (classes,)
    bound = {"conv.weight": 1 / 3, "conv.bias": 1 / 3, "fc.weight": 27**-0.5, "fc.bias": 27**-0.5}
    return {
        name: generator.uniform(-bound[name], bound[name], shapes[name]).astype(np.float32)
        for name in NAMES
    }


# IM2COL[k, p]: the flat pixel (of 64) under kernel tap k (of 9) at output position p (of 36)
_TAP_ROWS, _TAP_COLS = np.divmod(np.arange(9), 3)
_ROWS, _COLS = np.divmod(np.arange(36), 6)
IM2COL = (_TAP_ROWS[:, None] + _ROWS) * 8 + _TAP_COLS[:, None] + _COLS


def forward(params: Params, images: np.ndarray) -> tuple[np.ndarray, tuple]:
    """Logits ``(B, classes)`` and what backward needs.

    Inside, the batch is the last (contiguous) axis: the feature maps are ``(C, H, W, B)``.
    NumPy's loops then run over B at a time instead of 3 or 6, the convolution is one 2-D
    matmul ``(3, 9) @ (9, 36 B)``, and flattening gives PyTorch's (C, H, W) order free.
    """
    batch = len(images)
    cols = np.take(images.reshape(batch, 64).T, IM2COL, axis=0).reshape(9, 36 * batch)
    conv = params["conv.weight"].reshape(3, 9) @ cols
    conv += params["conv.bias"][:, None]
    # (channel, pooled row, row in window, pooled col, col in window, batch)
    windows = np.maximum(conv, 0).reshape(3, 3, 2, 3, 2, batch)
    pooled = np.maximum(
        np.maximum(windows[:, :, 0, :, 0], windows[:, :, 0, :, 1]),
        np.maximum(windows[:, :, 1, :, 0], windows[:, :, 1, :, 1]),
    )
    flat = pooled.reshape(27, batch)
    logits = params["fc.weight"] @ flat
    logits += params["fc.bias"][:, None]
    return logits.T, (cols, conv, windows, pooled, flat)


def loss_and_grad_logits(logits: np.ndarray, labels: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean softmax cross-entropy and its gradient with respect to the logits."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    total = exp.sum(axis=1, keepdims=True)
    rows = np.arange(len(labels))
    loss = float(np.log(total).sum() - shifted[rows, labels].sum()) / len(labels)
    grad = exp / total
    grad[rows, labels] -= 1.0
    grad /= len(labels)
    return loss, grad


def backward(params: Params, grad_logits: np.ndarray, saved: tuple) -> Params:
    """The four parameter gradients from d(loss)/d(logits) ``(B, classes)``."""
    cols, conv, windows, pooled, flat = saved
    batch = len(grad_logits)
    grad_logits = grad_logits.T
    grads = {"fc.weight": grad_logits @ flat.T, "fc.bias": grad_logits.sum(axis=1)}
    grad_pooled = (params["fc.weight"].T @ grad_logits).reshape(3, 3, 1, 3, 1, batch)
    # each window's gradient goes to its maximum (ties happen only among relu zeros,
    # where the relu mask below zeroes the gradient anyway)
    winners = windows == pooled[:, :, None, :, None]
    grad_conv = (winners * grad_pooled).reshape(3, 36 * batch)
    grad_conv *= conv > 0
    grads["conv.weight"] = (grad_conv @ cols.T).reshape(3, 1, 3, 3)
    grads["conv.bias"] = grad_conv.sum(axis=1)
    return grads


def loss_and_grads(params: Params, images: np.ndarray, labels: np.ndarray) -> tuple[float, Params]:
    logits, saved = forward(params, images)
    loss, grad_logits = loss_and_grad_logits(logits, labels)
    return loss, backward(params, grad_logits, saved)


def evaluate(params: Params, images: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """(mean loss, accuracy) over a whole set."""
    logits, _ = forward(params, images)
    loss, _ = loss_and_grad_logits(logits, labels)
    return loss, float((logits.argmax(axis=1) == labels).mean())


def train(
    params: Params,
    data: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    epochs: int,
    lr: float,
    batch_size: int,
    generator: np.random.Generator,
) -> list[tuple[float, float, float, float]]:
    """Plain SGD; per epoch (train loss, train accuracy, val loss, val accuracy)."""
    train_x, train_y, val_x, val_y = data
    history = []
    for _ in range(epochs):
        loss_sum = correct = 0.0
        for images, labels in batches(train_x, train_y, batch_size, generator):
            logits, saved = forward(params, images)
            loss, grad_logits = loss_and_grad_logits(logits, labels)
            for name, grad in backward(params, grad_logits, saved).items():
                params[name] -= lr * grad
            loss_sum += loss * len(labels)
            correct += int((logits.argmax(axis=1) == labels).sum())
        history.append(
            (loss_sum / len(train_y), correct / len(train_y), *evaluate(params, val_x, val_y))
        )
    return history


def gradient_check(
    classes: int = 3, batch: int = 8, seed: int = 0, eps: float = 1e-6
) -> dict[str, float]:
    """Worst relative error per parameter of ``backward`` against central differences.

    float64 throughout; relative error |a - n| / max(|a|, |n|, 1e-12) per element.
    """
    rng = np.random.default_rng(seed)
    params = {k: v.astype(np.float64) for k, v in init_params(classes, rng).items()}
    images, labels = make_stripes(batch, classes, generator=rng)
    images = images.astype(np.float64)
    _, analytic = loss_and_grads(params, images, labels)
    worst = {}
    for name, value in params.items():
        numeric = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            saved = value[index]
            value[index] = saved + eps
            plus = loss_and_grads(params, images, labels)[0]
            value[index] = saved - eps
            minus = loss_and_grads(params, images, labels)[0]
            value[index] = saved
            numeric[index] = (plus - minus) / (2 * eps)
        scale = np.maximum(np.maximum(np.abs(analytic[name]), np.abs(numeric)), 1e-12)
        worst[name] = float((np.abs(analytic[name] - numeric) / scale).max())
    return worst


def timed(function: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def main() -> int:
    for name, error in gradient_check().items():
        print(f"gradient check {name:9s} worst relative error {error:.1e}")
    rng = np.random.default_rng(0)
    train_x, train_y = make_stripes(2000, generator=rng)
    val_x, val_y = make_stripes(500, generator=rng)
    params = init_params(3, rng)
    data = (train_x, train_y, val_x, val_y)
    seconds, history = timed(lambda: train(params, data, 40, 0.5, 32, rng))
    print(f"40 epochs in {seconds:.3f} s; final val accuracy {history[-1][3]:.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
