"""What a reviewer reads and edits of the queue: candidates by source, in context, as edits.

    >>> for group in by_source(pending(root), evidence):      # newest source first
    ...     group.outlet, [c["id"] for c in group.candidates]
    >>> start, end = context_window(evidence.texts[c["source"]], excerpt_span(evidence, c))
    >>> accept(root, c["id"], edits(c, {"category": "protest", "places": ["tbilisi"]}))

The app's Review page is widgets only; everything it decides (the order, the context
shown around a sentence, the labels of proposed places and actors, which edits differ
from the proposal) is here, so any other front end would say the same.
:func:`edits` turns a reviewer's form into the ``--set field=value`` form of
:func:`caucmap.ingest.queue.accept`, with only the fields that changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from caucmap.evidence import Evidence
from caucmap.ingest.sentences import split_sentences
from caucmap.textmatch import locate

CONTEXT_SENTENCES = 2  # sentences shown before and after a candidate's own
MAX_MATCH_OPTIONS = 200  # events offered as a match: the nearest in time


@dataclass(frozen=True)
class SourceGroup:
    """One article's waiting candidates, with what a reviewer needs to weigh its date."""

    source: str
    outlet: str
    title: str
    published: str  # ISO date
    published_precision: str | None
    published_basis: str | None
    published_note: str | None
    candidates: list[dict[str, Any]]


def by_source(items: list[dict[str, Any]], ev: Evidence) -> list[SourceGroup]:
    """Candidates grouped by source, newest publication first, each in text order.

    A source the evidence does not hold (the queue outlived it) still shows, from what
    the queue recorded, so nothing waiting is hidden.
    """
    groups: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        groups.setdefault(str(item.get("source")), []).append(item)
    out = []
    for source_id, cands in groups.items():
        source = ev.sources.get(source_id)
        cands.sort(key=lambda c: (c.get("span") or [0])[0])
        if source is None:
            first = cands[0]
            out.append(SourceGroup(source_id, str(first.get("outlet", source_id)), source_id,
                                   str(first.get("published", "")), None, None, None, cands))
            continue
        out.append(SourceGroup(
            source_id, source.outlet, source.title, source.published.isoformat(),
            source.published_precision, source.published_basis, source.published_note, cands))
    return sorted(out, key=lambda g: (g.published, g.source), reverse=True)


def excerpt_span(ev: Evidence, item: Mapping[str, Any]) -> tuple[int, int] | None:
    """Where the candidate's sentence lies in its source text; None if it is not there."""
    text = ev.texts.get(str(item.get("source")))
    if text is None:
        return None
    span = item.get("span")
    if isinstance(span, list | tuple) and len(span) == 2:
        start, end = int(span[0]), int(span[1])
        if text[start:end] == item.get("excerpt"):
            return start, end
    return locate(text, str(item.get("excerpt", "")))  # the seed was re-saved: find it again


def context_window(text: str, span: tuple[int, int],
                   around: int = CONTEXT_SENTENCES) -> tuple[int, int]:
    """The offsets of ``around`` sentences either side of ``span``: enough to judge it."""
    sentences = split_sentences(text)
    inside = [s.index for s in sentences if s.start < span[1] and s.end > span[0]]
    if not inside:
        return span
    lo = sentences[max(inside[0] - around, 0)]
    hi = sentences[min(inside[-1] + around, len(sentences) - 1)]
    return min(lo.start, span[0]), max(hi.end, span[1])


def key(entry: Mapping[str, Any]) -> str:
    """A proposed place's or actor's key in ``--set``: its id, else its proposed name."""
    return str(entry.get("id") or entry.get("name") or "")


def place_label(place: Mapping[str, Any]) -> str:
    """``tbilisi`` or ``new: Brussels (4.33, 50.83, GeoNames 2800866)``; dateline noted."""
    if place.get("id"):
        label = str(place["id"])
    else:
        where = f"{place.get('lon', 0):.2f}, {place.get('lat', 0):.2f}"
        if place.get("geonameid"):
            where += f", GeoNames {place['geonameid']}"
        label = f"new: {place.get('name')} ({where})"
    return label + (" [from the dateline]" if place.get("inherited") else "")


def actor_label(actor: Mapping[str, Any]) -> str:
    """``vladimir-putin`` or ``new: Jen Psaki (State Department spokeswoman)``."""
    if actor.get("id"):
        return str(actor["id"])
    role = actor.get("role") or actor.get("kind") or "person"
    return f"new: {actor.get('name')} ({role})"


def match_options(ev: Evidence, item: Mapping[str, Any],
                  limit: int = MAX_MATCH_OPTIONS) -> list[str]:
    """Event ids a candidate might be a citation of, nearest in time first.

    The proposed match comes first; a large catalogue offers only the ``limit`` nearest.
    """
    start = date.fromisoformat(str(item["start"]))
    nearest = sorted(ev.events, key=lambda e: (abs((e.start - start).days), e.id))
    ids = [e.id for e in nearest[:limit]]
    proposed = item.get("matches")
    return [proposed, *(i for i in ids if i != proposed)] if proposed else ids


def _text(value: object) -> str:
    return value.isoformat() if isinstance(value, date) else str(value or "").strip()


def edits(item: Mapping[str, Any], form: Mapping[str, Any]) -> dict[str, str]:
    """The reviewer's form as ``--set`` changes: only fields that differ from the proposal.

    ``form`` holds any of ``category``, ``start``, ``end`` (dates or ISO strings),
    ``date_precision``, ``date_basis``, ``date_note``, ``places`` and ``actors`` (lists
    of :func:`key`), ``matches`` (an event id or None), ``title`` and ``summary`` (empty
    means "generate it"). A changed date keeps how the sentence's date was read and says
    that the reviewer set it, unless the reviewer wrote a note of their own.
    """
    out: dict[str, str] = {}
    for field in ("category", "start", "end", "date_precision", "date_basis", "date_note"):
        if field in form and _text(form[field]) != _text(item.get(field)):
            out[field] = _text(form[field])
    for field in ("places", "actors"):
        if field in form:
            chosen = [str(k) for k in form[field]]
            if chosen != [key(e) for e in item.get(field, [])]:
                out[field] = ",".join(chosen)
    if "matches" in form and (form["matches"] or None) != (item.get("matches") or None):
        out["matches"] = form["matches"] or "none"
    for field in ("title", "summary"):
        if _text(form.get(field)):
            out[field] = _text(form[field])
    if ("start" in out or "end" in out) and "date_note" not in out:
        start = out.get("start", _text(item.get("start")))
        end = out.get("end", _text(item.get("end")))
        when = start if start == end else f"{start} to {end}"
        was = _text(item.get("date_note")) or "no note"
        out["date_note"] = f"Set to {when} by the reviewer; proposed from the text: {was}"
    return out
