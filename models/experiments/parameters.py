"""The experiment that needs no training, ``python -m models.experiments params``: the
seeds' parameter counts, computed (fully connected vs convolutional weights, and each
model's layers, output shapes and parameters from the real modules), beside the figures
the seeds state, with notes where they disagree with the arithmetic.
"""

from __future__ import annotations

from collections.abc import Sequence

import microtensor as mt
from microtensor import nn
from models import tinycnn
from models.edgenet import EdgeNet
from models.experiments.table import Table, count
from models.training import count_parameters


def layer_summary(
    model: nn.Module, input_shape: tuple[int, ...], title: str, seed: Sequence[str]
) -> Table:
    """Each layer's output shape and parameter count, from the real model, beside ``seed``
    (the seed's "shape / parameters" per row: input, each layer, total)."""
    table = Table(title, ["layer", "output shape", "parameters", "stated"])
    x = mt.zeros(1, *input_shape)
    rows = [("input", input_shape, 0)]
    with mt.no_grad():
        for name, layer in model.named_children():
            x = layer(x)
            params = sum(p.numel() for p in layer.parameters())
            rows.append((f"{name} ({type(layer).__name__})", x.shape[1:], params))
    rows.append(("total", (), count_parameters(model)))
    for (name, shape, params), stated in zip(rows, seed, strict=True):
        table.add(name, " x ".join(map(str, shape)), count(params), stated)
    return table


def params_tables() -> list[Table]:
    """The seeds' weight counts, computed, beside what the seeds print."""
    first = Table(
        "First seed: fully connected (100 hidden) vs conv (32 filters, 3x3)",
        ["input", "FC ours", "FC stated", "conv ours", "conv stated", "agree"],
    )
    seed_says = {
        (28, 28, 1): ("78,500", "320"),
        (64, 64, 3): ("1,228,900", "896"),
        (224, 224, 3): ("150,528,100", "896"),
    }
    for (h, w, c), (fc_seed, conv_seed) in seed_says.items():
        fc, conv = count((h * w * c + 1) * 100), count((9 * c + 1) * 32)
        agree = "yes" if (fc, conv) == (fc_seed, conv_seed) else "no"
        first.add(f"{h} x {w} x {c}", fc, fc_seed, conv, conv_seed, agree)
    first.notes.append(
        "224 x 224 x 3 into 100 hidden units is 150,528 x 100 + 100 = 15,052,900 parameters; "
        "the seed's 150,528,100 is ten times too many, and is not the 1,000-unit count "
        "either (150,529,000; its text's '150 million weights' for 1,000 units is right)."
    )
    second = Table("Second seed: weights of its examples", ["example", "ours", "stated"])
    second.add("784 inputs -> 100 hidden (weights)", count(784 * 100), "78,400")
    second.add("224 x 224 x 3 -> 100 hidden (weights)", count(150528 * 100), "15,052,800")
    second.add("64 filters of 3 x 3 x 3 (weights)", count(64 * 27), "~864")
    second.add("one 3 x 3 filter over 3 channels", count(27), "27")
    second.add("100 x 100 -> 200 hidden (weights; its exercise)", count(10000 * 200), "-")
    second.add("one 3 x 3 filter, one channel (weights; its exercise)", count(9), "-")
    second.notes.append(
        "64 filters of 3 x 3 x 3 hold 1,728 weights (1,792 with biases); ~864 is 32 filters."
    )
    second.notes.append("The second seed counts weights without biases (78,400, not 78,500).")
    stated = [
        "1 x 8 x 8 / 0",
        "3 x 6 x 6 / 30",
        "3 x 6 x 6 / 0",
        "3 x 3 x 3 / 0",
        "27 / 0",
        "3 / 84",
        "114",
    ]
    cnn3 = layer_summary(tinycnn.TinyCNN(3), (1, 8, 8), "TinyCNN, three classes", stated)
    stated = ["", "", "", "", "", "", "117"]
    cnn4 = layer_summary(tinycnn.TinyCNN(4), (1, 8, 8), "TinyCNN, four classes", stated)
    cnn4.notes.append(
        "A fourth output adds 27 weights and a bias to the dense layer: 114 + 28 = 142, not "
        "the seed's 117. The dense layer holds 84 of 114 parameters (73.7%), as it says."
    )
    stated = ["6x6x1", "4x4x1", "4x4x1", "2x2x1", "4", "2 (classes)", "-"]
    edge = layer_summary(EdgeNet(), (1, 6, 6), "Edge net (second seed), 6 x 6 input", stated)
    return [first, second, cnn3, cnn4, edge]
