"""Place-name conventions: every name the app shows goes through here.

    >>> localise("Rallies in Sukhumi", places, "georgian")
    'Rallies in Sokhumi'

Our own titles and summaries are written with any known name of a place; they are
rewritten to the chosen convention on display. Excerpts from sources are never
rewritten: they are quotes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from enum import StrEnum
from functools import lru_cache

from caucmap.models import Place


class Naming(StrEnum):
    GEORGIAN = "georgian"
    RUSSIAN = "russian"
    ENGLISH = "english"


NAMING_LABELS: dict[Naming, str] = {
    Naming.GEORGIAN: "Georgian official (Sokhumi, Tskhinvali region)",
    Naming.RUSSIAN: "Russian / de facto (Sukhum, South Ossetia)",
    Naming.ENGLISH: "Common English (Sukhumi, South Ossetia)",
}


def place_name(place: Place, naming: Naming) -> str:
    return getattr(place.names, naming.value)


Aliases = tuple[tuple[str, tuple[str, ...]], ...]


@lru_cache(maxsize=8)
def _pattern(names: Aliases) -> tuple[re.Pattern[str], dict[str, str]]:
    """One regex over every alias, longest first; ``names`` is (target, aliases) per place."""
    table: dict[str, str] = {}
    for target, aliases in names:
        for alias in aliases:
            table.setdefault(alias, target)
    ordered = sorted(table, key=len, reverse=True)
    rx = re.compile(r"(?<![\w-])(" + "|".join(re.escape(a) for a in ordered) + r")(?![\w-])")
    return rx, table


def localise(text: str, places: Mapping[str, Place] | Iterable[Place], naming: Naming) -> str:
    """Rewrite every known place name in ``text`` (our words only) to ``naming``."""
    values = places.values() if isinstance(places, Mapping) else places
    key = tuple(
        (place_name(p, naming),
         (p.names.georgian, p.names.russian, p.names.english, *p.variants))
        for p in values
    )
    if not key:
        return text
    rx, table = _pattern(key)
    return rx.sub(lambda m: table[m.group(1)], text)
