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
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from caucmap import geodata
from caucmap.evidence import Evidence
from caucmap.ingest.names import NameIndex
from caucmap.models import Event
from caucmap.naming import all_names
from caucmap.viewstate import Filters

REGIONS = {"abkhazia": "ABK", "south-ossetia": "SOS"}
_WORD = re.compile(r"\w+", re.UNICODE)
MAX_HITS = 200
RANK_AT_MOST = 2000  # hits ranked by relevance; a broader query lists in catalogue order
MARK_START, MARK_END = "\x02", "\x03"  # around a matched word: never in catalogue text
EXCERPT_BREAK = "\n\x1e\n"  # between an event's excerpts in its row; never in a quote


@dataclass(frozen=True)
class Hit:
    """One event found by a query, with the passage that matched."""

    event: str
    field: str  # title, summary or excerpt
    marked: tuple[tuple[str, bool], ...]  # the passage as (text, is_match) runs
    rank: float


class _Catalogue:
    """What filters and search need of one loaded catalogue, computed once.

    One FTS5 row per event (title, summary, excerpts, names of its places and actors);
    filters are inverted indexes (value -> event ids), so a filter change is a few set
    intersections rather than a pass over every event.
    """

    def __init__(self, ev: Evidence) -> None:
        self.ev = ev
        self.events: dict[str, Event] = {e.id: e for e in ev.events}
        self.region_of = _regions_of_places(ev)
        self.names = NameIndex([*((n, f"place:{p.id}") for p in ev.places.values()
                                  for n in all_names(p)),
                                *((n, f"actor:{a.id}") for a in ev.actors.values()
                                  for n in (a.name, *a.spellings))])
        place_words = {p.id: " ".join(all_names(p)) for p in ev.places.values()}
        actor_words = {a.id: " ".join((a.name, *a.spellings)) for a in ev.actors.values()}
        outlet_of = {s.id: s.outlet for s in ev.sources.values()}
        self.by: dict[str, dict[str, set[str]]] = {
            k: defaultdict(set) for k in ("category", "actor", "place", "outlet")}
        self.disputed: set[str] = set()
        rows = []
        for e in ev.events:
            citations = e.all_citations()
            places = self.places_of(e)
            names = [place_words.get(p.id, "") for p in e.places]
            names += [actor_words.get(a, "") for a in e.actors]
            rows.append((e.id, e.title, e.summary, EXCERPT_BREAK.join(c.excerpt for c in citations),
                         " ".join(names)))
            self.by["category"][e.category.value].add(e.id)
            for actor in e.actors:
                self.by["actor"][actor].add(e.id)
            for place in places:
                self.by["place"][place].add(e.id)
            for source in {c.source for c in citations}:
                if source in outlet_of:
                    self.by["outlet"][outlet_of[source]].add(e.id)
            if e.disputes():
                self.disputed.add(e.id)
        self.db = sqlite3.connect(":memory:", check_same_thread=False)
        self.db.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, summary, "
                        "excerpts, names, tokenize='unicode61 remove_diacritics 2')")
        self.db.executemany("INSERT INTO docs (rowid, id, title, summary, excerpts, names) "
                            "VALUES (?, ?, ?, ?, ?, ?)", [(n, *r) for n, r in enumerate(rows)])
        self.ids = [row[0] for row in rows]  # rowid -> event id

    def places_of(self, e: Event) -> set[str]:
        """The event's places and the regions they lie in."""
        ids = {p.id for p in e.places}
        return ids | {self.region_of[i] for i in ids if i in self.region_of}


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


def _expansions(cat: _Catalogue, word: str) -> list[str]:
    """The names a query word stands for: itself, and every name of the place or actor it
    spells ("Sukhum" -> Sokhumi, Sukhum, Sukhumi), last words only (what text repeats)."""
    hit = cat.names.lookup(word) if len(word) >= 4 else None
    if not hit:
        return []
    kind, ident = hit[0].split(":", 1)
    known = cat.ev.places.get(ident) if kind == "place" else cat.ev.actors.get(ident)
    if known is None:
        return []
    names = (all_names(known) if kind == "place"
             else [known.name, *known.spellings])  # type: ignore[union-attr]
    return list(dict.fromkeys(w for n in names for w in _WORD.findall(n)[-1:]))


def _fts_query(cat: _Catalogue, text: str) -> str | None:
    """The reader's words as an FTS5 query: every word must match (prefix allowed);
    a word that names a known place or actor under another spelling also matches that
    entity's names."""
    terms = []
    for word in _WORD.findall(text):
        options = [f'"{word}"*', *(f'names:"{w}"' for w in _expansions(cat, word))]
        terms.append("(" + " OR ".join(dict.fromkeys(options)) + ")")
    return " AND ".join(terms) or None


def _marked(text: str) -> tuple[tuple[str, bool], ...]:
    runs: list[tuple[str, bool]] = []
    for i, part in enumerate(re.split(f"[{MARK_START}{MARK_END}]", text)):
        if part:
            runs.append((part, i % 2 == 1))
    return tuple(runs)


def _passage(field: str, text: str) -> tuple[tuple[str, bool], ...]:
    """The marked passage of a field: for the excerpts, the one excerpt that matched."""
    if field == "excerpts":
        parts = text.split(EXCERPT_BREAK)
        text = next((p for p in parts if MARK_START in p), parts[0])
    return _marked(text)


def search(ev: Evidence, text: str, *, limit: int = MAX_HITS,
           within: set[str] | None = None) -> list[Hit]:
    """Events whose title, summary, excerpts or place and actor names match ``text``,
    best first (only those in ``within`` when given), each with the passage that matched
    (an excerpt where one did). A query matching more than ``RANK_AT_MOST`` events lists
    them in catalogue order. Matches are marked here, on the hits returned only: FTS5's
    own highlight() would run over every match."""
    cat = catalogue_index(ev)
    query = _fts_query(cat, text)
    if query is None:
        return []
    found = [r for (r,) in cat.db.execute("SELECT rowid FROM docs WHERE docs MATCH ?",
                                            (query,))]
    if len(found) <= RANK_AT_MOST:  # best first; past this, ranking costs more than it tells
        found = [r for (r,) in cat.db.execute(
            "SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY rank", (query,))]
    chosen = [cat.ids[r] for r in found if within is None or cat.ids[r] in within][:limit]
    words = _WORD.findall(text)
    spelled = [w for word in words for w in _expansions(cat, word)]
    hits = []
    for n, event_id in enumerate(chosen):
        field, marked = _best_passage(cat.events[event_id], words, spelled)
        hits.append(Hit(event_id, field, _passage(field, marked), float(n)))
    return hits


def _best_passage(e: Event, words: list[str], names: list[str]) -> tuple[str, str]:
    """The first of excerpts, title, summary with a marked match (else the title)."""
    excerpts = EXCERPT_BREAK.join(c.excerpt for c in e.all_citations())
    for field, body in (("excerpts", excerpts), ("title", e.title), ("summary", e.summary)):
        marked = _mark(body, words, names)
        if MARK_START in marked:
            return field, marked
    return "title", e.title


def _mark(text: str, words: list[str], names: list[str]) -> str:
    """Mark words starting with a query word, and whole names it stands for."""
    alternatives = [re.escape(w) + r"\w*" for w in words] + [re.escape(n) for n in names]
    if not alternatives:
        return text
    rx = re.compile(r"\b(?:" + "|".join(alternatives) + r")\b", re.IGNORECASE)
    return rx.sub(lambda m: MARK_START + m.group(0) + MARK_END, text)


def _search_ids(cat: _Catalogue, text: str) -> set[str]:
    """Every event matching ``text``, unranked: what a filter needs."""
    query = _fts_query(cat, text)
    if query is None:
        return set(cat.events)
    return {cat.ids[r] for (r,) in cat.db.execute("SELECT rowid FROM docs WHERE docs MATCH ?",
                                                  (query,))}


def matching_ids(ev: Evidence, filters: Filters) -> set[str]:
    """Ids of the events that pass every filter (all of them when none is set)."""
    cat = catalogue_index(ev)
    found = set(cat.events)
    for kind, values in (("category", filters.categories), ("actor", filters.actors),
                         ("place", filters.places), ("outlet", filters.outlets)):
        if values:
            found &= set().union(*(cat.by[kind].get(v, set()) for v in values))
    if filters.disputed:
        found &= cat.disputed
    if filters.q.strip():
        found &= _search_ids(cat, filters.q)
    return found


def facet_counts(ev: Evidence, ids: Iterable[str]) -> dict[str, Counter[str]]:
    """How many of ``ids`` fall under each category, actor, place and outlet."""
    cat = catalogue_index(ev)
    wanted = set(ids)
    return {kind: Counter({value: n for value, events in index.items()
                           if (n := len(events & wanted))})
            for kind, index in cat.by.items()}


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
