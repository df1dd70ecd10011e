"""docs/property-testing.md runs: its fenced python blocks, in order, in one namespace."""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "property-testing.md"


def test_property_testing_doc_runs() -> None:
    blocks = re.findall(r"^```python\n(.*?)^```", DOC.read_text(encoding="utf-8"),
                        re.DOTALL | re.MULTILINE)
    assert len(blocks) >= 8, "docs/property-testing.md lost its examples"
    namespace: dict[str, object] = {"__name__": "docs_property_testing"}
    for number, code in enumerate(blocks, start=1):
        exec(compile(code, f"property-testing.md, python block {number}", "exec"), namespace)
