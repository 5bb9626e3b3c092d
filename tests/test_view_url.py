"""A shared link: the map centre rounded to about a pixel and reopened exactly, and the
filters it carries, described in words for an export."""

from __future__ import annotations

import pytest

from caucmap.models import LayerName
from caucmap.viewstate import MAX_QUERY, MAX_ZOOM, MIN_ZOOM, Filters, ViewState, pixel_rounded


@pytest.mark.parametrize(("zoom", "rounded"), [
    (0, (42.0, 44.0, 0)),  # a pixel is wider than a degree: whole degrees
    (2, (42.1, 44.0, 2)),
    (7, (42.12, 43.99, 7)),
    (13, (42.1235, 43.9877, 13)),  # about 10 m a pixel: four decimals
])
def test_centre_is_rounded_to_about_one_pixel(zoom: int, rounded: tuple) -> None:
    assert pixel_rounded(42.123456, 43.987654, zoom) == rounded


def test_rounding_is_symmetric_around_zero() -> None:
    assert pixel_rounded(-42.123456, -43.987654, 10) == (-42.123, -43.988, 10)


@pytest.mark.parametrize("zoom", range(MIN_ZOOM, MAX_ZOOM + 1))
def test_a_pixel_rounded_centre_reopens_exactly(zoom: int) -> None:
    lat, lon, zoom = pixel_rounded(41.987654321, 44.123456789, zoom)
    view = ViewState(lat=lat, lon=lon, zoom=zoom)
    assert ViewState.from_query(view.to_query()) == (view, [])


def test_filters_are_described_in_words_with_display_names() -> None:
    filters = Filters(categories=("treaty_signing",), actors=("raul-khajimba",),
                      places=("sochi",), outlets=("Sputnik",), disputed=True, q=" treaty ")
    assert filters.active()
    assert filters.describe({"treaty_signing": "Treaty signing", "sochi": "Sochi"}) == (
        "category: Treaty signing; actor: raul-khajimba; place: Sochi; outlet: Sputnik; "
        "disputed only; search: \u201ctreaty\u201d")


def test_no_filter_is_described_as_nothing() -> None:
    assert Filters().describe() == "" and not Filters().active()
    assert not Filters(q="   ").active()  # a blank search narrows nothing


def test_filters_come_from_the_url_deduplicated_and_tidied() -> None:
    view, notices = ViewState.from_query({
        "category": "treaty_signing, ,statement,treaty_signing", "actor": "raul-khajimba",
        "outlet": "Sputnik", "disputed": "1", "q": "  treaty   Sochi ", "layers": "events,borders",
    })
    assert notices == []
    assert view.filters == Filters(categories=("treaty_signing", "statement"),
                                   actors=("raul-khajimba",), outlets=("Sputnik",),
                                   disputed=True, q="treaty Sochi")
    assert view.layers == {LayerName.EVENTS, LayerName.BORDERS}


def test_a_filter_is_resolved_from_any_spelling_and_a_long_search_is_cut() -> None:
    known = {"khajimba": "raul-khajimba"}
    view, notices = ViewState.from_query({"actor": "Khajimba,Putin", "q": "x" * 500},
                                         resolve={"actor": lambda s: known.get(s.lower())})
    assert view.filters.actors == ("raul-khajimba",)
    assert view.filters.q == "x" * MAX_QUERY
    assert notices == ["Ignored URL parameter actor='Putin': no such actor; using the default."]


def test_each_bad_parameter_gets_its_own_plain_notice() -> None:
    _, notices = ViewState.from_query({
        "from": "2014-02-30", "layers": "events,x", "naming": "klingon", "event": "nope",
        "category": "bombing", "actor": "Not An Id", "disputed": "maybe",
    }, {"known"})
    assert notices == [f"Ignored URL parameter {n}; using the default." for n in (
        "from='2014-02-30': not a real date in YYYY-MM-DD form",
        "layers='events,x': layers are borders, context, events, recognition, war2008 or 'none'",
        "naming='klingon': one of georgian, russian, english",
        "event='nope': no such event",
        "category='bombing': no such category",
        "actor='Not An Id': no such actor",
        "disputed='maybe': 0 or 1",
    )]


@pytest.mark.parametrize(("lat", "lon"), [(0.0, 180.0), (85.0, -180.0), (-85.0, 0.0)])
def test_centres_on_the_edges_of_the_map_are_kept(lat: float, lon: float) -> None:
    view, notices = ViewState.from_query({"lat": str(lat), "lon": str(lon), "zoom": "5"})
    assert notices == [] and (view.lat, view.lon, view.zoom) == (lat, lon, 5)


def test_no_layers_and_several_filter_values_survive_the_url() -> None:
    view = ViewState(layers=frozenset(),
                     filters=Filters(categories=("statement", "protest"), q="a b"))
    query = view.to_query()
    assert query["layers"] == "none" and query["category"] == "statement,protest"
    assert ViewState.from_query(query) == (view, [])
