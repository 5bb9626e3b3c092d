"""Match a candidate against the catalogue: a new event, a corroboration, or a disagreement.

    >>> match_candidate(candidate, evidence, address)
    ('russia-abkhazia-treaty-signed', 'corroborates', [])

A candidate that reports an existing event (same category, dates that overlap within
their precision, and a shared place or actor; or an existing reference to the same
address) becomes a corroborating citation on that event, not a second event. When it
agrees on the act but names another town (Moscow where the catalogue has Sochi), it is
proposed as an attributed claim, so both versions stay visible with their outlets.
"""

from __future__ import annotations

from typing import Any

from caucmap.evidence import Evidence
from caucmap.ingest.candidates import Candidate
from caucmap.models import Event

# actors so general that sharing them says nothing about being the same event
GENERAL_ACTORS = frozenset({"russia", "georgia"})
GENERAL_PLACES = frozenset({"russia", "georgia", "abkhazia", "south-ossetia"})


def _ids(items: list[dict[str, Any]]) -> set[str]:
    return {i["id"] for i in items if i.get("id")}


def _score(candidate: Candidate, event: Event, address: str | None) -> tuple[int, str] | None:
    """How well ``event`` fits; None when it is another event."""
    if address and any(r.address == address for r in event.references):
        return 100, "address"
    if event.category.value != candidate.category:
        return None
    if not (candidate.start <= event.end and candidate.end >= event.start):
        return None
    places = _ids(candidate.places) & {p.id for p in event.places}
    actors = _ids(candidate.actors) & set(event.actors)
    specific = (places - GENERAL_PLACES) | (actors - GENERAL_ACTORS)
    if not specific:
        return None
    tight = candidate.date_precision == event.date_precision.value == "day"
    return 10 * len(specific) + (5 if tight else 0), "shared"


def match_candidate(candidate: Candidate, evidence: Evidence, address: str | None = None
                    ) -> tuple[str | None, str, list[dict[str, Any]]]:
    """The best matching event id, the relation, and any claims to propose."""
    best: tuple[int, Event] | None = None
    for event in evidence.events:
        scored = _score(candidate, event, address)
        if scored and (best is None or scored[0] > best[0]):
            best = (scored[0], event)
    if best is None:
        return None, "new", []
    event = best[1]
    event_towns = {p.id for p in event.places if p.precision.value == "exact"}
    claim_towns = {v.value for c in event.claims if c.about == "place" for v in [c]}
    towns = {p["id"] for p in candidate.places
             if p.get("id") and p.get("precision") == "exact" and not p.get("inherited")}
    if towns and event_towns and not towns & (event_towns | claim_towns):
        claims = [{"about": "place", "value": town, "source": candidate.source,
                   "excerpt": candidate.excerpt} for town in sorted(towns)]
        return event.id, "disagrees", claims
    return event.id, "corroborates", []
