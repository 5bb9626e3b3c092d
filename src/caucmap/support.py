"""Does each excerpt back what it is cited for? The check behind ``supports:``.

Verbatim is not supporting: "Moscow brushed aside Georgian forces in a five-day war"
occurs in its source, but says nothing of a ceasefire. Every citation says what it
backs (``supports: [date, place, actors, category, claim]``) and each checkable item
is tested against the excerpt's own words:

- place: it names one of the record's places, in any naming convention or spelling
  (gazetteer ``names`` and ``variants``; case-insensitive; a transliteration such as
  Tskhinval/Tskhinvali or Sukhum/Sukhumi matches at rapidfuzz ratio >= 90, a demonym
  such as "Georgian" for Georgia does not);
- actors: it uses one of an actor's ``spellings`` (for recognitions: the state's name);
- date: a date expression in it, resolved against the source's publication day by
  :func:`caucmap.ingest.dates.find_dates`, falls within the record's dates (or is a
  coarser date that contains them, such as "in 2008" for 12 August 2008);
- category: it uses a verb or noun of the category (:mod:`caucmap.categories`).

``claim`` (the summary's content) cannot be checked, so a citation that backs nothing
else is reported. Each displayed record needs, for its date, place and actors, at
least one citation, claim or reference that backs it; :func:`backing` lists them for
the evidence panel.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from rapidfuzz import fuzz

from caucmap.categories import CATEGORY_WORDS, WAR_KIND_WORDS, words_in
from caucmap.errors import Problem
from caucmap.freshness import check_months
from caucmap.ingest.dates import find_dates, month_bounds
from caucmap.models import (
    CHECKABLE,
    Actor,
    Category,
    Citation,
    DateBasis,
    Event,
    Evidenced,
    Place,
    Recognition,
    Reference,
    Role,
    Support,
    WarFeature,
)
from caucmap.textmatch import locate, normalise

if TYPE_CHECKING:
    from caucmap.evidence import Evidence

FUZZY_MIN = 90  # rapidfuzz ratio for a transliteration of a place name
# what follows a place name to make its demonym: "Georgia" -> "Georgian(s)"
_DEMONYM_ENDINGS = ("n", "an", "ian", "ns", "ans", "ians")
_WORD = re.compile(r"\w+(?:-\w+)*")

Span = tuple[date, date]


@dataclass(frozen=True)
class Target:
    """What a record asserts that evidence can back, and which of it must be backed."""

    spans: tuple[Span, ...] = ()
    places: tuple[Place, ...] = ()
    spellings: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    required: tuple[Support, ...] = ()
    # an inferred date is "reasoned from a source's content and date": the day the
    # source appeared may back it when nothing in the excerpt dates it
    inferred: bool = False


@dataclass(frozen=True)
class Backing:
    """One piece of evidence backing one field, and the words in it that do."""

    what: Support
    kind: Literal["citation", "claim", "reference"]
    index: int  # position in the record's citations, claims or references
    source: str | None  # the seed, for citations and claims
    text: str  # the excerpt, or the reference's title
    matched: str  # the backing words ("today = 24 Nov 2014"); "" for a reference


@dataclass
class _Result:
    backings: list[Backing] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (field path, message)


def _span(day: date, precision: str) -> Span:
    if precision == "year":
        return date(day.year, 1, 1), date(day.year, 12, 31)
    if precision == "month":
        return month_bounds(day.year, day.month)
    return day, day


def _region_place(ev: Evidence, region: str) -> tuple[Place, ...]:
    return tuple(p for p in ev.places.values() if p.polygon == region)


def target_of(ev: Evidence, record: Evidenced, owner: Actor | None = None) -> Target:
    """What ``record`` claims (dates, places, actors, category words) and must back."""
    known = ev.places
    if isinstance(record, Event):
        required = [Support.DATE]
        required += [Support.PLACE] if record.places else []
        required += [Support.ACTORS] if record.actors else []
        return Target(
            spans=((record.start, record.end),),
            places=tuple(known[p.id] for p in record.places if p.id in known),
            spellings=tuple(s for a in record.actors if a in ev.actors
                            for s in ev.actors[a].spellings),
            words=CATEGORY_WORDS[record.category], required=tuple(required),
            inferred=record.date_basis is DateBasis.INFERRED)
    if isinstance(record, WarFeature):
        geometry = record.geometry
        places = (tuple(known[p] for p in geometry.place_ids() if p in known)
                  or (_region_place(ev, geometry.zone.around) if geometry.zone else ()))
        return Target(spans=((record.start, record.end),), places=places,
                      words=WAR_KIND_WORDS[record.kind],
                      required=(Support.DATE, Support.PLACE),
                      inferred=record.date_basis is DateBasis.INFERRED)
    if isinstance(record, Recognition):
        spans = [_span(record.since, record.since_precision)]
        if record.withdrawn and record.withdrawn_precision:
            spans.append(_span(record.withdrawn, record.withdrawn_precision))
        return Target(spans=tuple(spans), places=_region_place(ev, record.entity),
                      spellings=(record.state,), words=CATEGORY_WORDS[Category.RECOGNITION],
                      required=(Support.DATE,))
    if isinstance(record, Role):
        return Target(spans=((record.start, record.end),),
                      spellings=tuple(owner.spellings) if owner else ())
    return Target()


# ----------------------------------------------------------------- matching words


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(m.group(0).lower() for m in _WORD.finditer(text))


def _name_pattern(name: str) -> str:
    return r"(?<!\w)" + r"\s+".join(map(re.escape, name.split())) + r"(?!\w)"


@lru_cache(maxsize=4096)
def place_mention(text: str, names: tuple[str, ...], shadows: tuple[str, ...] = ()
                  ) -> str | None:
    """The words of ``text`` that name one of ``names`` (exactly or transliterated), or None.

    ``shadows`` are longer names of other places that contain one of ``names``
    ("Tskhinvali region" for Tskhinvali): their occurrences do not count.
    """
    flat = normalise(text)
    for shadow in shadows:
        flat = re.sub(_name_pattern(shadow), " ", flat, flags=re.IGNORECASE)
    for name in names:
        found = re.search(_name_pattern(name), flat, re.IGNORECASE)
        if found:
            return found.group(0)
    tokens = _tokens(flat)
    for name in names:
        wanted = " ".join(_tokens(name))
        n = len(wanted.split())
        for i in range(len(tokens) - n + 1):
            candidate = " ".join(tokens[i:i + n])
            demonym = candidate.startswith(wanted) and (
                candidate[len(wanted):] in _DEMONYM_ENDINGS)
            if not demonym and fuzz.ratio(candidate, wanted) >= FUZZY_MIN:
                return candidate
    return None


def place_names(place: Place) -> tuple[str, ...]:
    """Every way a place is written: all three conventions and the seeds' variants."""
    names = place.names
    return tuple(dict.fromkeys([names.georgian, names.russian, names.english,
                                *place.variants]))


@lru_cache(maxsize=1024)
def _shadows(ev: Evidence, place_ids: tuple[str, ...]) -> tuple[str, ...]:
    """Names of other places that contain a name of these as whole words."""
    own = [" ".join(_tokens(n)) for p in place_ids for n in place_names(ev.places[p])]
    out = []
    for other in ev.places.values():
        if other.id in place_ids:
            continue
        for name in place_names(other):
            longer = f" {' '.join(_tokens(name))} "
            if any(f" {n} " in longer and longer.strip() != n for n in own):
                out.append(name)
    return tuple(out)


@lru_cache(maxsize=4096)
def _spelling_in(text: str, spellings: tuple[str, ...]) -> str | None:
    flat = normalise(text)
    for spelling in spellings:
        found = re.search(r"(?<!\w)" + re.escape(normalise(spelling)) + r"(?!\w)", flat,
                          re.IGNORECASE)
        if found:
            return found.group(0)
    return None


@lru_cache(maxsize=4096)
def _dates_in(text: str, published: date, day_precise: bool) -> tuple[tuple[str, Span], ...]:
    """Date expressions of ``text`` with their resolved spans. Relative ones ("Monday")
    only when the source's publication day is known to the day."""
    return tuple((m.text, (m.start, m.end)) for m in find_dates(normalise(text), published)
                 if day_precise or m.basis is not DateBasis.RELATIVE)


@lru_cache(maxsize=8192)
def _found(text: str, excerpt: str) -> bool:
    """Does the excerpt occur in the source? (cached: bulk catalogues repeat excerpts)"""
    return locate(text, excerpt) is not None


@lru_cache(maxsize=8192)
def _words(text: str, words: tuple[str, ...]) -> str | None:
    hits = words_in(text, words)
    return ", ".join(dict.fromkeys(hits)) if hits else None


def _fits(mention: Span, span: Span) -> str | None:
    """'' when ``mention`` lies within ``span``; a note when it is coarser and holds it."""
    (ms, me), (ts, te) = mention, span
    if ts <= ms and me <= te:
        return ""
    if ms <= ts and te <= me:
        return " (coarser: backs the period, not the day)"
    return None


def _label(span: Span) -> str:
    lo, hi = span
    return lo.isoformat() if lo == hi else f"{lo.isoformat()}..{hi.isoformat()}"


def _check_date(ev: Evidence, cit: Citation, target: Target) -> tuple[str | None, str]:
    """(backing words, or None; why not)."""
    if not target.spans:
        return None, "this record has no date"
    source = ev.sources[cit.source]
    found = _dates_in(cit.excerpt, source.published, source.published_precision == "day")
    for text, span in found:
        for wanted in target.spans:
            note = _fits(span, wanted)
            if note is not None:
                return f"'{text}' = {_label(span)}{note}", ""
    published = _span(source.published, source.published_precision)
    if target.inferred:
        for span in target.spans:
            note = _fits(published, span)
            if note is not None:
                return (f"published {_label(published)}{note}; the date is inferred from "
                        "the report"), ""
    wanted = " or ".join(_label(s) for s in target.spans)
    if not found:
        return None, f"the excerpt has no date expression that could fall within {wanted}"
    seen = ", ".join(f"'{t}' = {_label(s)}" for t, s in found)
    return None, f"no date in the excerpt falls within {wanted} (found {seen})"


def _check(ev: Evidence, cit: Citation, what: Support, target: Target,
           places: tuple[Place, ...] | None = None) -> tuple[str | None, str]:
    """Does ``cit`` back ``what`` of ``target``? (the backing words, or None and why)."""
    if what is Support.CLAIM:
        return "", ""
    if what is Support.DATE:
        return _check_date(ev, cit, target)
    if what is Support.PLACE:
        wanted = target.places if places is None else places
        if not wanted:
            return None, "this record has no place"
        names = tuple(n for p in wanted for n in place_names(p))
        hit = place_mention(cit.excerpt, names, _shadows(ev, tuple(p.id for p in wanted)))
        return hit, "" if hit else f"the excerpt names none of: {', '.join(names)}"
    if what is Support.ACTORS:
        if not target.spellings:
            return None, "this record has no actors"
        hit = _spelling_in(cit.excerpt, target.spellings)
        return hit, "" if hit else (
            f"the excerpt uses none of the actors' spellings: {', '.join(target.spellings)}")
    if not target.words:
        return None, "this record has no category"
    hit = _words(cit.excerpt, target.words)
    return hit, "" if hit else (
        f"the excerpt uses none of the category's words ({', '.join(target.words[:8])}, ...)")


def _evaluate(ev: Evidence, record: Evidenced, target: Target) -> _Result:
    result = _Result()
    items: list[tuple[Literal["citation", "claim"], int, Citation, str]] = [
        ("citation", i, c, f"citations[{i}]") for i, c in enumerate(record.citations)]
    items += [("claim", i, c.as_citation(), f"claims[{i}]") for i, c in enumerate(record.claims)]
    for kind, i, cit, where in items:
        if cit.source not in ev.sources or not _found(ev.texts[cit.source], cit.excerpt):
            continue  # the loader reports the unknown source or the missing excerpt
        if kind == "citation" and not CHECKABLE.intersection(cit.supports):
            listed = ", ".join(cit.supports) or "nothing"
            result.failures.append((f"{where}.supports", (
                f"supports nothing checkable ({listed}): say which of date, place, actors, "
                f"category this excerpt backs: {cit.excerpt[:60]!r}")))
        for what in dict.fromkeys(cit.supports):
            hit, why = _check(ev, cit, what, target)
            if hit is None:
                result.failures.append((f"{where}.supports", f"cited for {what.value}, but "
                                        f"{why}: {cit.excerpt[:60]!r}"))
            else:
                result.backings.append(Backing(what, kind, i, cit.source, cit.excerpt, hit))
        claim = record.claims[i] if kind == "claim" else None
        if claim is not None and claim.about == "place" and claim.value in ev.places:
            claimed = (ev.places[claim.value],)
            hit, why = _check(ev, cit, Support.PLACE, target, claimed)
            if hit is None:
                result.failures.append((f"{where}.excerpt", f"claims the place "
                                        f"'{claim.value}', but {why}"))
            elif claimed[0] in target.places and Support.PLACE not in cit.supports:
                result.backings.append(Backing(Support.PLACE, kind, i, cit.source,
                                               cit.excerpt, hit))
    for i, ref in enumerate(record.references):
        result.backings.extend(_reference_backings(i, ref))
    backed = {b.what for b in result.backings}
    for what in target.required:
        if what not in backed:
            name = {Support.DATE: "start", Support.PLACE: "places", Support.ACTORS: "actors"}
            result.failures.append((name.get(what, what.value), (
                f"nothing backs the {what.value}: give a citation with supports: "
                f"[{what.value}] whose excerpt says it, or a reference with supports: "
                f"[{what.value}]")))
    return result


def _reference_backings(i: int, ref: Reference) -> Iterator[Backing]:
    for what in dict.fromkeys(ref.supports):
        yield Backing(what, "reference", i, None, ref.title, "")


def backing(ev: Evidence, record: Evidenced) -> dict[Support, list[Backing]]:
    """What backs each field of ``record``: the evidence panel shows it beside the field."""
    out: dict[Support, list[Backing]] = {}
    for b in _evaluate(ev, record, target_of(ev, record)).backings:
        out.setdefault(b.what, []).append(b)
    return out


def _records(ev: Evidence) -> Iterator[tuple[str, str, Evidenced, Actor | None]]:
    """(lines key, field prefix, record, owning actor) for everything that cites."""
    for e in ev.events:
        yield f"event:{e.id}", "", e, None
    for w in ev.war:
        yield f"war:{w.id}", "", w, None
    for r in ev.recognitions:
        yield f"recognition:{r.id}", "", r, None
    for actor in ev.actors.values():
        for n, role in enumerate(actor.roles):
            yield f"actor:{actor.id}", f"roles[{n}].", role, actor


def check_support(ev: Evidence, lines: dict[str, tuple[Path, int]]) -> list[Problem]:
    """Every citation backs what it says it does, and every field is backed: problems.

    Also checks the catalogue's own ``checked:`` months (how current its sources are).
    """
    problems: list[Problem] = check_months(ev.root)
    for key, prefix, record, owner in _records(ev):
        failures = _evaluate(ev, record, target_of(ev, record, owner)).failures
        if not failures:
            continue
        path, line = lines[key]
        shown = path.relative_to(ev.root) if path.is_relative_to(ev.root) else path
        entry = key.split(":", 1)[1]
        problems.extend(Problem(str(shown), line, entry, prefix + where, message)
                        for where, message in failures)
    return problems


def backing_label(ev: Evidence, item: Backing) -> str:
    """How the evidence panel names one backing beside its field: '[2] Agenda.ge: Sochi',
    'Sputnik (claim): 'Monday' = 2014-11-24', '[R1] President of Russia, ...'."""
    if item.kind == "reference":
        return f"[R{item.index + 1}] {item.text}"
    outlet = ev.sources[item.source].outlet if item.source in ev.sources else item.source
    tag = f"[{item.index + 1}] {outlet}" if item.kind == "citation" else f"{outlet} (claim)"
    return f"{tag}: {item.matched}" if item.matched else tag


@dataclass(frozen=True)
class PanelBacking:
    """What backs each field the evidence panel shows, as labels (see backing_label)."""

    date: list[str]
    places: dict[str, list[str]]  # place id -> labels; a reference counts for every place
    actors: dict[str, list[str]]  # actor id -> labels
    category: list[str]


def panel_backing(ev: Evidence, record: Event | WarFeature) -> PanelBacking:
    """Beside each date, place and actor: the excerpts and references that back it."""
    backed = backing(ev, record)
    target = target_of(ev, record)

    def per(what: Support, keys: dict[str, tuple[str, ...]],
            shadows: dict[str, tuple[str, ...]]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {key: [] for key in keys}
        for item in backed.get(what, []):
            for key, names in keys.items():
                hit = "" if item.kind == "reference" else (
                    place_mention(item.text, names, shadows[key]) if what is Support.PLACE
                    else _spelling_in(item.text, names))
                if hit is not None:  # the words naming this place or actor, not the first
                    out[key].append(backing_label(ev, replace(item, matched=hit)))
        return out

    places = {p.id: place_names(p) for p in target.places}
    actors = {a: tuple(ev.actors[a].spellings) for a in getattr(record, "actors", [])
              if a in ev.actors}
    return PanelBacking(
        date=[backing_label(ev, b) for b in backed.get(Support.DATE, [])],
        places=per(Support.PLACE, places, {p: _shadows(ev, (p,)) for p in places}),
        actors=per(Support.ACTORS, actors, {a: () for a in actors}),
        category=[backing_label(ev, b) for b in backed.get(Support.CATEGORY, [])])
