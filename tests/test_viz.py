"""microtensor.viz: the text tree and DOT text of a graph, and `python -m models.tinycnn graph`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import microtensor as mt
from microtensor import viz
from models.tinycnn import cli as tinycnn_cli


def _graph() -> tuple[mt.Tensor, mt.Tensor, mt.Tensor]:
    w = mt.tensor([[1.0, -2.0], [0.5, 3.0]], requires_grad=True)
    x = mt.tensor([[1.0, 2.0]])
    hidden = (x @ w).tanh()
    loss = (hidden * hidden + hidden).sum()  # hidden is used three times
    return w, x, loss


def test_text_tree_lists_ops_shapes_and_named_leaves() -> None:
    w, _, loss = _graph()
    tree = viz.text_tree(loss, names={"w": w})
    lines = tree.splitlines()
    assert lines[0] == "SumBackward0 []"
    assert "  AddBackward0 [1, 2]" in lines
    assert any(line.strip() == "w [2, 2]" for line in lines)
    assert any(line.strip() == "input [1, 2]" for line in lines)
    # the shared node is printed once in full, then referred to
    assert sum("TanhBackward0" in line for line in lines) == 3
    assert sum("(shown above)" in line for line in lines) == 2


def test_text_tree_shows_gradients_after_backward() -> None:
    w, _, loss = _graph()
    loss.backward(retain_graph=True)
    tree = viz.text_tree(loss, names={"w": w}, show_grad=True)
    assert "w [2, 2]  grad=[" in tree
    assert viz.text_tree(loss, names={"w": w}, show_grad=False).count("grad") == 0


def test_dot_text_has_one_node_per_op_and_leaf_and_the_edges() -> None:
    w, x, loss = _graph()
    dot = viz.to_dot(loss, names={"w": w})
    assert dot.startswith("digraph microtensor {") and dot.rstrip().endswith("}")
    ops = [line for line in dot.splitlines() if "shape=ellipse" in line]
    leaves = [line for line in dot.splitlines() if "shape=box" in line]
    assert len(ops) == 5  # matmul, tanh, mul, add, sum: each once
    assert len(leaves) == 2
    edges = [line for line in dot.splitlines() if "->" in line]
    assert len(edges) == 8  # matmul<-x,w; tanh<-matmul; mul<-tanh,tanh; add<-mul,tanh; sum<-add


def test_a_leaf_alone() -> None:
    leaf = mt.tensor([1.0], requires_grad=True)
    assert viz.text_tree(leaf) == "leaf (requires grad) [1]"
    assert "shape=box" in viz.to_dot(leaf)


def test_deep_graphs_do_not_recurse() -> None:
    x = mt.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(5000):
        y = y * 1.0
    assert viz.text_tree(y, max_depth=10).count("...") == 1
    assert viz.to_dot(y).count("->") == 5000


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_render_png(tmp_path: Path) -> None:
    _, _, loss = _graph()
    assert viz.render_png(loss, tmp_path / "graph.png")
    assert (tmp_path / "graph.png").read_bytes()[:4] == b"\x89PNG"


def test_render_png_without_dot_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    _, _, loss = _graph()
    assert viz.render_png(loss, tmp_path / "graph.png") is False
    assert not list(tmp_path.iterdir())


def test_tinycnn_graph_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dot = tmp_path / "g.dot"
    assert tinycnn_cli.main(["graph", "--grad", "--dot", str(dot)]) == 0
    out = capsys.readouterr().out
    for name in ["CrossEntropyBackward0", "MaxPool2dBackward0", "ReluBackward0", "Conv2dBackward0",
                 "conv.weight [3, 1, 3, 3]  grad", "fc.bias [3]  grad="]:
        assert name in out
    assert dot.read_text().startswith("digraph")


def test_node_gradients_are_what_backward_hands_each_op() -> None:
    w = mt.tensor([[1.0, -2.0], [0.5, 3.0]], requires_grad=True)
    x = mt.tensor([[1.0, 2.0]])
    product = x @ w              # d loss / d product = 2 * product
    loss = (product * product).sum()
    grads = viz.node_gradients(loss)
    assert grads[id(loss.grad_fn)].item() == 1.0
    assert grads[id(product.grad_fn)].tolist() == (2 * product.data).tolist()
    tree = viz.text_tree(loss, names={"w": w}, show_grad=True)
    assert "MatMulBackward0 [1, 2]  grad=[4., 8.]" in tree
    assert w.grad is None  # looking does not accumulate into the leaves


def test_node_gradients_after_the_graph_was_released() -> None:
    x = mt.tensor([1.0, 2.0], requires_grad=True)
    loss = (x * x).sum()
    loss.backward()  # frees the saved tensors
    assert viz.node_gradients(loss) == {}
    assert "MulBackward0 [2]\n" in viz.text_tree(loss, show_grad=True) + "\n"
