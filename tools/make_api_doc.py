"""Write docs/api.md: every public name of microtensor with its signature and one line.

    python tools/make_api_doc.py          # rewrite docs/api.md
    python tools/make_api_doc.py --check  # exit 1 if docs/api.md is stale

The test suite runs the check, so the page cannot drift from the code.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import sys
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent.parent / "docs" / "api.md"

# (module, heading); each module's ``__all__`` lists its public names.
MODULES = [
    ("microtensor", "Tensors and functions: `import microtensor as mt`"),
    ("microtensor.autograd", "Autograd: `mt.autograd`"),
    ("microtensor.nn", "Layers: `from microtensor import nn`"),
    ("microtensor.nn.functional", "Functional ops: `import microtensor.nn.functional as F`"),
    ("microtensor.nn.init", "Initialisers: `nn.init`"),
    ("microtensor.optim", "Optimisers: `from microtensor import optim`"),
    ("microtensor.testing", "Property-testing kit: `microtensor.testing`"),
    ("microtensor.viz", "Graph view: `microtensor.viz`"),
]

TENSOR_SKIP = {"_make"}


def first_line(obj: object) -> str:
    doc = inspect.getdoc(obj) or ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


def signature(obj: object) -> str:
    try:
        return str(inspect.signature(obj))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""


def describe(name: str, obj: object) -> str:
    if inspect.ismodule(obj):
        return f"- `{name}`: module. {first_line(obj)}"
    if inspect.isclass(obj) or callable(obj):
        return f"- `{name}{signature(obj)}`: {first_line(obj)}".rstrip(": ")
    if isinstance(obj, dict):  # the registry: its contents depend on what was imported
        return f"- `{name}`: a `dict` of name -> Function subclass"
    return f"- `{name}` = `{obj!r}`"


def tensor_methods() -> list[str]:
    from microtensor import Tensor

    lines = []
    for name, member in sorted(vars(Tensor).items()):
        if name.startswith("_") and name not in ("__getitem__", "__matmul__"):
            continue
        if name in TENSOR_SKIP:
            continue
        if isinstance(member, property):
            lines.append(f"- `Tensor.{name}` (property): {first_line(member)}".rstrip(": "))
        elif callable(member):
            lines.append(f"- `Tensor.{name}{signature(member)}`: {first_line(member)}".rstrip(": "))
    return lines


def render() -> str:
    out = [
        "# API reference",
        "",
        "Generated from the code by `python tools/make_api_doc.py`; a test fails when this",
        "page is stale. Names, arguments and defaults follow PyTorch's where PyTorch has them.",
        "",
    ]
    for module_name, heading in MODULES:
        module = importlib.import_module(module_name)
        names = sorted(getattr(module, "__all__", []), key=str.lower)
        out += [f"## {heading}", ""]
        out += [describe(name, getattr(module, name)) for name in names]
        if module_name == "microtensor":
            out += ["", "### `Tensor` methods and properties", "", *tensor_methods()]
        out.append("")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if docs/api.md is stale")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print("docs/api.md is stale: run python tools/make_api_doc.py", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
