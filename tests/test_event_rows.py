"""An event as the layers give it out: the properties the README documents, and the
style that says how sure its place is."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from caucmap.evidence import Evidence
from caucmap.layers import events_layer
from caucmap.models import Event
from caucmap.viewstate import ViewState

DOCUMENTED = ["id", "title", "category", "start", "end", "date_precision", "date_basis",
              "place_ids", "location_precision", "actors", "layers", "citations",
              "references", "disputed"]


def test_events_carry_the_documented_properties(ev: Evidence) -> None:
    data = events_layer(ev, ViewState()).data()
    assert set(DOCUMENTED) <= set(data.columns)
    first = next(e for e in ev.events if e.places)
    row = data.loc[data["id"] == first.id].iloc[0]
    assert row["place_ids"] == [p.id for p in first.places]


@pytest.mark.parametrize(("precision", "opacity", "hollow"), [
    ("exact", 1.0, False), ("area", 1.0, True), ("region", 0.55, True),
    ("country", 0.55, True),
])
def test_an_event_placed_less_exactly_is_drawn_hollow_or_faded(
        ev: Evidence, precision: str, opacity: float, hollow: bool) -> None:
    event = Event.model_validate({
        "id": "placed", "title": "t", "summary": "s", "category": "statement",
        "start": date(2014, 11, 24), "end": date(2014, 11, 24), "date_precision": "day",
        "date_basis": "stated", "places": [{"id": "sochi", "precision": precision}],
        "layers": ["events"], "references": [{"address": "https://example.org", "title": "x"}],
    })
    frame = events_layer(replace(ev, events=(event,)), ViewState()).frame
    assert (frame["opacity"].item(), bool(frame["hollow"].item())) == (opacity, hollow)
