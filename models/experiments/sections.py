"""Named sections of results.md that one experiment rewrites in place, leaving the rest:

    <!-- scaling: begin -->
    ### Scaling up ...
    <!-- scaling: end -->

``python -m models.experiments scaling`` and ``digits`` replace their section without
running the experiments that take many minutes; ``all`` rewrites the rest of the file and
keeps every section it does not write itself (``write_keeping_sections``).
"""

from __future__ import annotations

import re
from pathlib import Path

from models.run_folder import write_text_atomically

ANY_SECTION = re.compile(r"<!-- ([\w-]+): begin -->\n.*?<!-- \1: end -->\n?", re.DOTALL)


def markers(name: str) -> tuple[str, str]:
    """The HTML comments (invisible in rendered Markdown) that open and close ``name``."""
    return f"<!-- {name}: begin -->", f"<!-- {name}: end -->"


def section(name: str, markdown: str) -> str:
    """``markdown`` between the markers of ``name``."""
    begin, end = markers(name)
    return f"{begin}\n{markdown.strip()}\n{end}"


def replace_section(text: str, name: str, markdown: str) -> str:
    """``text`` with section ``name`` (its markers included) replaced by ``markdown``, or
    with the section appended when ``text`` has none.

    Raises:
        ValueError: the markers are not one ``begin`` followed by one ``end``.
    """
    begin, end = markers(name)
    begins, ends = text.count(begin), text.count(end)
    new = section(name, markdown)
    if begins == ends == 0:
        return (text.rstrip("\n") + "\n\n" if text.strip() else "") + new + "\n"
    first, last = text.find(begin), text.find(end)
    if begins != 1 or ends != 1 or last < first:
        order = " (end before begin)" if begins == ends == 1 else ""
        raise ValueError(
            f"cannot replace section {name!r}: expected one '{begin}' and then one '{end}', "
            f"found {begins} and {ends}{order}; fix or delete the markers"
        )
    return text[:first] + new + text[last + len(end):]


def write_section(path: Path, name: str, markdown: str) -> None:
    """Replace (or append) section ``name`` of the file ``path`` atomically (a reader sees
    the old file or the new one); a missing file is created with the section alone."""
    old = path.read_text() if path.exists() else ""
    write_text_atomically(path, replace_section(old, name, markdown))


def without_sections(text: str) -> str:
    """``text`` less its marked sections: what ``all`` itself wrote."""
    return ANY_SECTION.sub("", text).rstrip("\n") + "\n"


def write_keeping_sections(path: Path, text: str) -> None:
    """Replace the file ``path`` with ``text`` (atomically), keeping at its end every
    marked section of the old file that ``text`` does not hold."""
    old = path.read_text() if path.exists() else ""
    kept = [m.group(0).rstrip("\n") + "\n" for m in ANY_SECTION.finditer(old)
            if markers(m.group(1))[0] not in text]
    if kept:
        text = text.rstrip("\n") + "\n\n" + "\n".join(kept)
    write_text_atomically(path, text)
