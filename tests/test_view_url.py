"""A shared link: the map centre rounded to about a pixel and reopened exactly, and the
filters it carries, described in words for an export."""

from __future__ import annotations

import pytest

from caucmap.viewstate import MAX_ZOOM, MIN_ZOOM, Filters, ViewState, pixel_rounded


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
