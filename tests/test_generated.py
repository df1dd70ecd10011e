"""docs/api.md and the editor stubs are made from the code; these fail when they are stale."""

import ast
import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _tool():
    path = ROOT / "tools" / "generate.py"
    spec = importlib.util.spec_from_file_location("generate", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TOOL = _tool()


@pytest.mark.parametrize("path", sorted(TOOL.OUTPUTS))
def test_generated_file_is_current(path: str) -> None:
    current = (ROOT / path).read_text(encoding="utf-8")
    assert current == TOOL.OUTPUTS[path](), f"{path} is stale: run python tools/generate.py"


@pytest.mark.parametrize("path", [p for p in sorted(TOOL.OUTPUTS) if p.endswith(".pyi")])
def test_stub_is_python(path: str) -> None:
    ast.parse((ROOT / path).read_text(encoding="utf-8"), filename=path)


def test_api_doc_lists_the_contract_names() -> None:
    text = TOOL.render_api()
    for name in ["`tensor(", "`no_grad", "`Linear(", "`Conv2d(", "`SGD(", "`Adam(",
                 "`conv2d(", "`cross_entropy(", "`gradcheck(", "`Tensor.backward(",
                 "`Tensor.sum`", "`mt.sum`", "`F.relu`",
                 "`Conv2dWeight` (`microtensor/ops/conv.py`)"]:
        assert name in text, name


def test_every_op_is_in_the_stubs() -> None:
    """An editor completes each op where PyTorch offers it: mt., F. and Tensor."""
    package = (ROOT / "microtensor" / "__init__.pyi").read_text(encoding="utf-8")
    functional = (ROOT / "microtensor" / "nn" / "functional.pyi").read_text(encoding="utf-8")
    tensor = (ROOT / "microtensor" / "core" / "tensor.pyi").read_text(encoding="utf-8")
    for op in TOOL.TABLE.values():
        if op.function:
            assert f"import {op.name} as {op.name}\n" in package, op.name
        if op.functional:
            assert f"import {op.name} as {op.name}\n" in functional, op.name
        for method in op.methods:
            assert f"    def {method}(self" in tensor, method
