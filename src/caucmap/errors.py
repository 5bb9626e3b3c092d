"""Problems found while loading data, each naming the file, line, entry and field.

The loader collects every problem before failing, so one run of ``caucmap validate``
lists all that needs fixing rather than the first.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one field of one entry of one file."""

    file: str
    line: int | None
    entry: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        parts = [where]
        if self.entry:
            parts.append(f"entry '{self.entry}'")
        if self.field:
            parts.append(f"field '{self.field}'")
        return ": ".join([", ".join(parts), self.message])


class EvidenceError(Exception):
    """The sources, catalogue or gazetteer failed verification."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"{len(problems)} problem(s) in the evidence base:\n{lines}")


class UsageError(ValueError):
    """A bad option or parameter from a user: reported in one line, never as a traceback."""
