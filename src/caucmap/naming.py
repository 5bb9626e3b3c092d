"""Place-name conventions: every name the app shows goes through here.

    >>> Localiser(places, Naming.GEORGIAN)("Rallies in Sukhumi")
    'Rallies in Sokhumi'

Our own titles and summaries are written with any known name of a place; they are
rewritten to the chosen convention on display. Excerpts from sources are never
rewritten: they are quotes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum

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


def all_names(place: Place) -> tuple[str, ...]:
    """Every name of a place: the three conventions, then the spellings the seeds use."""
    return (place.names.georgian, place.names.russian, place.names.english, *place.variants)


class Localiser:
    """Rewrites every known place name in a text to one convention.

    Built once per catalogue and convention (see ``Evidence.localise``). Aliases are
    indexed by their first word, so a text costs one pass over its words however
    large the gazetteer. A name already in the target convention is kept too, mapped
    to itself, so the longest name wins: "Washington, D.C." is not read as the variant
    "Washington" followed by ", D.C.".
    """

    _WORD = re.compile(r"\w+")

    def __init__(self, places: Iterable[Place], naming: Naming) -> None:
        table: dict[str, str] = {}
        for place in places:
            target = place_name(place, naming)
            for alias in all_names(place):
                table.setdefault(alias, target)
        self._by_first: dict[str, list[tuple[str, str]]] = {}
        for alias in sorted(table, key=len, reverse=True):
            first = self._WORD.match(alias)
            if first:
                self._by_first.setdefault(first.group(), []).append((alias, table[alias]))

    def __call__(self, text: str) -> str:
        if not self._by_first:
            return text
        out: list[str] = []
        done = 0
        for word in self._WORD.finditer(text):
            start = word.start()
            if start < done:
                continue
            for alias, target in self._by_first.get(word.group(), ()):
                end = start + len(alias)
                if text.startswith(alias, start) and not _continues(text, end):
                    out.append(text[done:start] + target)
                    done = end
                    break
        return "".join(out) + text[done:]


def _continues(text: str, end: int) -> bool:
    """True if a word goes on past ``end`` (so 'Gori' does not match 'Gorilla')."""
    return end < len(text) and (text[end].isalnum() or text[end] == "_")
