"""The docs are tests: Sybil collects every ``docs/*.md`` and ``README.md``.

In each file, in order and in one namespace (as a reader pasting them into one session):

* a fenced ```python block that starts with ``>>>`` is a doctest: its output is compared
  with the output shown under each ``>>>`` line (option flag ELLIPSIS, so ``...`` stands
  for any text);
* any other fenced ```python block is run, and must not raise.

``<!-- doctest: requires MODULE -->`` skips the rest of its file, with that reason, when
MODULE is not installed (moving-to-pytorch.md starts with one for torch). The examples run
in a temporary folder, so the files they write do not land in the checkout.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from doctest import ELLIPSIS
from pathlib import Path
from typing import Any

import pytest
from sybil import Document, Example, Region, Sybil
from sybil.parsers.markdown import PythonCodeBlockParser

REQUIRES = re.compile(r"<!-- doctest: requires (\w+) -->")


def parse_requirements(document: Document) -> Iterator[Region]:
    """One region per ``<!-- doctest: requires MODULE -->`` comment."""
    for match in REQUIRES.finditer(document.text):
        yield Region(match.start(), match.end(), match.group(1), check_requirement)


def check_requirement(example: Example) -> None:
    """Skip this example and every later one of its file when the module is missing."""
    module = example.parsed
    if importlib.util.find_spec(module) is not None:
        return
    reason = f"{Path(example.path).name} needs {module}, which is not installed"

    def skip(_: Example) -> None:
        pytest.skip(reason)

    example.document.push_evaluator(skip)
    pytest.skip(reason)


def enter_temporary_folder(namespace: dict[str, Any]) -> None:
    namespace["__doc_cwd__"] = os.getcwd()
    namespace["__doc_tmp__"] = tempfile.mkdtemp(prefix="microtensor-docs-")
    os.chdir(namespace["__doc_tmp__"])


def leave_temporary_folder(namespace: dict[str, Any]) -> None:
    os.chdir(namespace["__doc_cwd__"])
    shutil.rmtree(namespace["__doc_tmp__"], ignore_errors=True)


pytest_collect_file = Sybil(
    parsers=[parse_requirements, PythonCodeBlockParser(doctest_optionflags=ELLIPSIS)],
    patterns=["docs/*.md", "README.md"],
    setup=enter_temporary_folder,
    teardown=leave_temporary_folder,
).pytest()
