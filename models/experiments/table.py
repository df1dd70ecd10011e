"""The experiments' :class:`Table`: printed as aligned text, written as Markdown to
docs/results.md; and the number formats of its cells."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass
class Table:
    """A titled table with optional notes (where the seed and the arithmetic disagree).

    Attributes:
        title: a heading.
        headers: column names.
        rows: cells as strings, one list per row.
        notes: sentences printed under the table.
    """

    title: str
    headers: Sequence[str]
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, *cells: object) -> None:
        """Append a row; the cells are converted with ``str``."""
        self.rows.append([str(cell) for cell in cells])

    def text(self) -> str:
        """Title, aligned columns (the first left, the rest right) and ``* note`` lines."""
        widths = [
            max(len(str(r[i])) for r in [self.headers, *self.rows])
            for i in range(len(self.headers))
        ]
        lines = [self.title, "-" * len(self.title)]
        for row in [self.headers, *self.rows]:
            lines.append(
                "  ".join(
                    cell.rjust(w) if i else cell.ljust(w)
                    for i, (cell, w) in enumerate(zip(row, widths, strict=True))
                )
            )
        return "\n".join(lines + [f"* {note}" for note in self.notes])

    def markdown(self) -> str:
        """A ``###`` heading, a Markdown table and ``- note`` lines."""
        lines = [f"### {self.title}", "", "| " + " | ".join(self.headers) + " |"]
        lines.append(
            "|" + "|".join("---" if i == 0 else "---:" for i in range(len(self.headers))) + "|"
        )
        lines += ["| " + " | ".join(row) + " |" for row in self.rows]
        if self.notes:
            lines.append("")
            lines += [f"- {note}" for note in self.notes]
        return "\n".join(lines)


def percent(value: float) -> str:
    """0.996 -> '99.6%'."""
    return f"{100 * value:.1f}%"


def count(value: int) -> str:
    """1227 -> '1,227'."""
    return f"{value:,}"
