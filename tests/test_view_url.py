"""The map centre in a shared link: rounded to about a pixel, and reopened exactly."""

from __future__ import annotations

import pytest

from caucmap.viewstate import MAX_ZOOM, MIN_ZOOM, ViewState, pixel_rounded


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
