"""How current a layer is: the month its catalogue file was last checked against sources.

A catalogue file may open with ``checked: YYYY-MM`` (``catalogue/recognitions.yaml``
does). The legend says "recognitions checked to 2026-01", and ``caucmap validate``,
``layer`` and ``export`` warn when a view ends after that month: a recognition
withdrawn since would be missing, and the map would not know.

    >>> stale(root, date(2026, 11, 29), ["recognition"])
    ['recognitions checked to 2026-01; the view ends 2026-11-29: later changes may be missing']
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from caucmap.errors import Problem
from caucmap.safeio import UnsafeFileError, read_text

# layer -> (catalogue file, what its records are called in a sentence)
LAYER_FILES = {
    "recognition": ("recognitions.yaml", "recognitions"),
    "war2008": ("war2008.yaml", "2008 war features"),
    "events": ("events.yaml", "events"),
}
_CHECKED = re.compile(r"^checked:[ \t]*(?P<value>[^#\n]*?)[ \t]*(?:#.*)?$", re.MULTILINE)
_MONTH = re.compile(r"^['\"]?(?P<y>\d{4})-(?P<m>\d{2})['\"]?$")


@dataclass(frozen=True)
class Checked:
    """The month up to which one layer's records were checked against sources."""

    layer: str
    year: int
    month: int

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def legend(self) -> str:
        return f"{LAYER_FILES[self.layer][1].capitalize()} checked to {self.label}"

    def covers(self, day: date) -> bool:
        """Is ``day`` within the checked months (on or before the end of that month)?"""
        return (day.year, day.month) <= (self.year, self.month)


def _parse(text: str) -> tuple[tuple[int, int] | None, int | None, str | None]:
    """((year, month) or None, line, raw value): the file's top-level ``checked``."""
    found = _CHECKED.search(text)
    if found is None:
        return None, None, None
    line = text.count("\n", 0, found.start()) + 1
    raw = found.group("value")
    month = _MONTH.match(raw)
    if month is None or not 1 <= int(month.group("m")) <= 12:
        return None, line, raw
    return (int(month.group("y")), int(month.group("m"))), line, raw


@lru_cache(maxsize=32)
def _read(path: Path, root: Path, mtime_ns: int) -> tuple[tuple[int, int] | None, int | None,
                                                         str | None]:
    try:
        return _parse(read_text(path, root=root, kind="catalogue"))
    except UnsafeFileError:
        return None, None, None  # the loader reports an unreadable catalogue file


def _lookup(root: Path, layer: str) -> tuple[tuple[int, int] | None, int | None, str | None]:
    path = root / "catalogue" / LAYER_FILES[layer][0]
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return None, None, None
    return _read(path, root, mtime)


def checked(root: Path, layer: str) -> Checked | None:
    """The month ``layer`` was last checked to, if its catalogue file says so."""
    month, _, _ = _lookup(root, layer)
    return Checked(layer, *month) if month else None


def stale(root: Path, end: date, layers: Iterable[str] = tuple(LAYER_FILES)) -> list[str]:
    """One warning per layer of ``layers`` whose check month ends before ``end``."""
    out = []
    for layer in (name for name in layers if name in LAYER_FILES):
        done = checked(root, layer)
        if done is not None and not done.covers(end):
            out.append(f"{done.legend().lower()}; the view ends {end.isoformat()}: later "
                       "changes may be missing")
    return out


def check_months(root: Path) -> list[Problem]:
    """A ``checked`` value that is not a real YYYY-MM month, as a problem for validate."""
    problems = []
    for layer, (name, _) in LAYER_FILES.items():
        month, line, raw = _lookup(root, layer)
        if line is not None and month is None:
            problems.append(Problem(f"catalogue/{name}", line, None, "checked",
                                    f"expected a month as YYYY-MM (e.g. 2026-01), got {raw!r}"))
    return problems
