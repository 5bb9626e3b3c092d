"""Filters and full-text search over the catalogue's events, shared by app, CLI and export.

    >>> f = Filters(actors=("sergey-lavrov",), categories=("statement",))  # viewstate.Filters
    >>> ids = matching_ids(evidence, f)                  # event ids that pass every filter
    >>> hits = search(evidence, "Sukhum")                # any spelling finds Sokhumi's events
    >>> hits[0].event, hits[0].marked                    # (id, [(text, is_match), ...])
    >>> facet_counts(evidence, ids)["category"]          # {"statement": 12, ...}

The full-text index is SQLite's FTS5 (it ships with Python), built once per loaded
catalogue: titles, summaries and the excerpts themselves, plus, per event, every name
of its places and actors in every naming convention and spelling, so "Sukhum", "Sokhumi"
and "Sukhumi" find the same events, and "Hadzhimba" finds Khajimba's through the same
transliteration folding ingest uses. A query is the reader's words, never FTS syntax:
each word is quoted, so no input is an FTS error.
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from caucmap import geodata
from caucmap.evidence import Evidence
from caucmap.ingest.names import NameIndex
from caucmap.models import Event
from caucmap.viewstate import Filters

REGIONS = {"abkhazia": "ABK", "south-ossetia": "SOS"}
_WORD = re.compile(r"\w+", re.UNICODE)
MAX_HITS = 200
MARK_START, MARK_END = "\x02", "\x03"  # FTS5 highlight markers: never in catalogue text


@dataclass(frozen=True)
class Hit:
    """One event found by a query, with the passage that matched."""

    event: str
    field: str  # title, summary or excerpt
    marked: tuple[tuple[str, bool], ...]  # the passage as (text, is_match) runs
    rank: float


class _Catalogue:
    """What filters and search need of one loaded catalogue, computed once."""

    def __init__(self, ev: Evidence) -> None:
        self.ev = ev
        self.events: dict[str, Event] = {e.id: e for e in ev.events}
        self.region_of = _regions_of_places(ev)
        self.names = NameIndex([*((n, f"place:{p.id}") for p in ev.places.values()
                                  for n in _place_names(p)),
                                *((n, f"actor:{a.id}") for a in ev.actors.values()
                                  for n in (a.name, *a.spellings))])
        self.db = sqlite3.connect(":memory:", check_same_thread=False)
        self.db.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, field UNINDEXED, "
                        "body, names, tokenize='unicode61 remove_diacritics 2')")
        rows = []
        for e in ev.events:
            names = " ".join(self._names_of(e))
            rows.append((e.id, "title", e.title, names))
            rows.append((e.id, "summary", e.summary, ""))
            rows += [(e.id, "excerpt", c.excerpt, "") for c in e.all_citations()]
        self.db.executemany("INSERT INTO docs VALUES (?, ?, ?, ?)", rows)

    def _names_of(self, e: Event) -> list[str]:
        out: list[str] = []
        for ref in e.places:
            place = self.ev.places.get(ref.id)
            if place:
                out += _place_names(place)
        for actor_id in e.actors:
            actor = self.ev.actors.get(actor_id)
            if actor:
                out += [actor.name, *actor.spellings]
        return out

    def places_of(self, e: Event) -> set[str]:
        """The event's places and the regions they lie in."""
        ids = {p.id for p in e.places}
        return ids | {self.region_of[i] for i in ids if i in self.region_of}


def _place_names(place) -> list[str]:  # type: ignore[no-untyped-def]
    return [*place.names.model_dump().values(), *place.variants]


def _regions_of_places(ev: Evidence) -> dict[str, str]:
    """Place id -> the region id (abkhazia, south-ossetia) whose polygon holds it."""
    out: dict[str, str] = {}
    try:
        shapes = {rid: geodata.region_geometry(ev.root, code) for rid, code in REGIONS.items()}
    except (OSError, KeyError, ValueError):
        return out
    import shapely

    for place in ev.places.values():
        if place.id in REGIONS:
            continue
        point = shapely.Point(place.lon, place.lat)
        for rid, shape in shapes.items():
            if shape.contains(point):
                out[place.id] = rid
    return out


@lru_cache(maxsize=4)
def catalogue_index(ev: Evidence) -> _Catalogue:
    """The index of one loaded catalogue (cached: built once, queried per keystroke)."""
    return _Catalogue(ev)


def _fts_query(cat: _Catalogue, text: str) -> str | None:
    """The reader's words as an FTS5 query: every word must match (prefix allowed);
    a word that names a known place or actor under another spelling also matches that
    entity's names."""
    terms = []
    for word in _WORD.findall(text):
        options = [f'"{word}"*']
        hit = cat.names.lookup(word) if len(word) >= 4 else None
        if hit:
            kind, ident = hit[0].split(":", 1)
            known = (cat.ev.places.get(ident) if kind == "place" else cat.ev.actors.get(ident))
            if known is not None:
                names = (_place_names(known) if kind == "place"
                         else [known.name, *known.spellings])  # type: ignore[union-attr]
                options += [f'names:"{w}"' for n in names for w in _WORD.findall(n)[-1:]]
        terms.append("(" + " OR ".join(dict.fromkeys(options)) + ")")
    return " AND ".join(terms) or None


def _marked(text: str) -> tuple[tuple[str, bool], ...]:
    runs: list[tuple[str, bool]] = []
    for i, part in enumerate(re.split(f"[{MARK_START}{MARK_END}]", text)):
        if part:
            runs.append((part, i % 2 == 1))
    return tuple(runs)


def search(ev: Evidence, text: str, *, limit: int = MAX_HITS) -> list[Hit]:
    """Events whose title, summary, excerpts or place and actor names match ``text``."""
    cat = catalogue_index(ev)
    query = _fts_query(cat, text)
    if query is None:
        return []
    rows = cat.db.execute(
        "SELECT id, field, highlight(docs, 2, ?, ?), bm25(docs) FROM docs WHERE docs MATCH ? "
        "ORDER BY bm25(docs) LIMIT ?", (MARK_START, MARK_END, query, limit * 4)).fetchall()
    seen: dict[str, Hit] = {}
    for event_id, field, body, rank in rows:
        if event_id not in seen:
            seen[event_id] = Hit(event_id, field, _marked(body), rank)
    return list(seen.values())[:limit]


def matching_ids(ev: Evidence, filters: Filters) -> set[str]:
    """Ids of the events that pass every filter (all of them when none is set)."""
    cat = catalogue_index(ev)
    found = set(cat.events)
    if filters.q.strip():
        found &= {h.event for h in search(ev, filters.q, limit=len(cat.events) or 1)}
    for event_id in list(found):
        if not _passes(cat, cat.events[event_id], filters):
            found.discard(event_id)
    return found


def _passes(cat: _Catalogue, e: Event, f: Filters) -> bool:
    if f.categories and e.category.value not in f.categories:
        return False
    if f.actors and not set(f.actors) & set(e.actors):
        return False
    if f.places and not set(f.places) & cat.places_of(e):
        return False
    if f.outlets:
        outlets = {cat.ev.sources[c.source].outlet for c in e.all_citations()
                   if c.source in cat.ev.sources}
        if not set(f.outlets) & outlets:
            return False
    return not (f.disputed and not e.disputes())


def facet_counts(ev: Evidence, ids: Iterable[str]) -> dict[str, Counter[str]]:
    """How many of ``ids`` fall under each category, actor, place and outlet."""
    cat = catalogue_index(ev)
    counts: dict[str, Counter[str]] = {k: Counter() for k in
                                       ("category", "actor", "place", "outlet")}
    for event_id in ids:
        e = cat.events.get(event_id)
        if e is None:
            continue
        counts["category"][e.category.value] += 1
        counts["actor"].update(set(e.actors))
        counts["place"].update(cat.places_of(e))
        counts["outlet"].update({cat.ev.sources[c.source].outlet for c in e.all_citations()
                                 if c.source in cat.ev.sources})
    return counts


def resolve_actor(ev: Evidence, text: str) -> str | None:
    """An actor id from any of its spellings ("Hajimba" -> raul-khajimba), or None."""
    if text in ev.actors:
        return text
    hit = catalogue_index(ev).names.lookup(text)
    return hit[0].split(":", 1)[1] if hit and hit[0].startswith("actor:") else None


def resolve_place(ev: Evidence, text: str) -> str | None:
    """A place id from any of its names ("Sukhum" -> sokhumi), or None."""
    if text in ev.places:
        return text
    hit = catalogue_index(ev).names.lookup(text)
    return hit[0].split(":", 1)[1] if hit and hit[0].startswith("place:") else None


def resolve_outlet(ev: Evidence, text: str) -> str | None:
    """An outlet as the sources name it, from any capitalisation, or None."""
    outlets = {src.outlet.casefold(): src.outlet for src in ev.sources.values()}
    return outlets.get(text.strip().casefold())


def resolvers(ev: Evidence) -> dict[str, Callable[[str], str | None]]:
    """What :meth:`ViewState.from_query` needs to turn URL words into catalogue ids."""
    return {"actor": lambda t: resolve_actor(ev, t), "place": lambda t: resolve_place(ev, t),
            "outlet": lambda t: resolve_outlet(ev, t)}
