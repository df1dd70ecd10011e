"""docs/api.md is generated from the code; this fails when someone forgot to regenerate it."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _tool():
    path = ROOT / "tools" / "make_api_doc.py"
    spec = importlib.util.spec_from_file_location("make_api_doc", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_api_doc_is_current() -> None:
    tool = _tool()
    expected = tool.render()
    current = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    assert current == expected, "docs/api.md is stale: run python tools/make_api_doc.py"


def test_api_doc_lists_the_contract_names() -> None:
    text = _tool().render()
    for name in ["`tensor(", "`no_grad", "`Linear(", "`Conv2d(", "`SGD(", "`Adam(",
                 "`conv2d(", "`cross_entropy(", "`gradcheck(", "`Tensor.backward("]:
        assert name in text, name
