"""Named sections of results.md that one experiment rewrites in place, leaving the rest:

    <!-- scaling: begin -->
    ### Scaling up ...
    <!-- scaling: end -->

``python -m models.experiments scaling`` replaces its section without running the
experiments that take many minutes; ``all`` writes every section with the rest.
"""

from __future__ import annotations

from pathlib import Path

from microtensor.atomic import write_atomically


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
    text = replace_section(old, name, markdown)
    write_atomically(str(path), lambda file: file.write(text.encode()))
