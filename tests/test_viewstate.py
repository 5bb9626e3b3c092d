"""The view state round-trips through the URL; bad parameters fall back with a notice."""

from __future__ import annotations

from datetime import date

import pytest

from caucmap.models import LayerName
from caucmap.naming import Naming
from caucmap.viewstate import ViewState, Worldview


def test_round_trip_through_query() -> None:
    view = ViewState(start=date(2014, 1, 1), end=date(2015, 3, 1),
                     layers=frozenset({LayerName.EVENTS}), worldview=Worldview.RUSSIA,
                     naming=Naming.GEORGIAN, event="some-event", world=True,
                     lat=43.1, lon=41.0, zoom=9)
    parsed, notices = ViewState.from_query(view.to_query(), {"some-event"})
    assert notices == []
    assert parsed == view


def test_defaults_give_an_empty_query() -> None:
    assert ViewState().to_query() == {}


@pytest.mark.parametrize(("params", "field"), [
    ({"from": "2014-02-30"}, "from"),
    ({"to": "yesterday"}, "to"),
    ({"from": "1800-01-01"}, "from"),
    ({"from": "2015-01-01", "to": "2014-01-01"}, "from"),
    ({"layers": "events,<script>"}, "layers"),
    ({"worldview": "mars"}, "worldview"),
    ({"naming": "klingon"}, "naming"),
    ({"event": "<img src=x onerror=alert(1)>"}, "event"),
    ({"event": "no-such-event"}, "event"),
    ({"zoom": "99", "lat": "1", "lon": "1"}, "lat/lon/zoom"),
    ({"lat": "abc"}, "lat/lon/zoom"),
    ({"world": "maybe"}, "world"),
])
def test_bad_parameters_fall_back_with_a_notice(params: dict[str, str], field: str) -> None:
    view, notices = ViewState.from_query(params, {"known"})
    assert len(notices) == 1 and f"parameter {field}=" in notices[0]
    default = ViewState()
    assert (view.start, view.layers, view.worldview, view.naming, view.event) == (
        default.start, default.layers, default.worldview, default.naming, default.event)


def test_good_and_bad_parameters_mix() -> None:
    view, notices = ViewState.from_query({"naming": "russian", "worldview": "mars"})
    assert view.naming is Naming.RUSSIAN and view.worldview is Worldview.INTERNATIONAL
    assert len(notices) == 1


def test_repeated_and_huge_parameters_are_tolerated() -> None:
    view, notices = ViewState.from_query({"naming": ["english", "georgian"],
                                          "event": "x" * 10_000})
    assert view.naming is Naming.GEORGIAN
    assert len(notices) == 1 and len(notices[0]) < 400
