"""The page: named and pixel sizes, dpi, and the map extent a view's zoom stands for.

``A4`` and ``A5`` are landscape pages; ``16:9`` a widescreen slide (13.333x7.5 in, so
``dpi=144`` is 1920x1080 px); ``WxH`` is pixels. The view's Leaflet zoom is read as the
extent a ``NOMINAL_MAP_PX`` wide Leaflet map shows (see :mod:`caucmap.render_static`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from caucmap.errors import UsageError
from caucmap.render_static.look import A4_IN, MERCATOR_HALF, MM, to_mercator
from caucmap.viewstate import ViewState

PAGE_SIZES: dict[str, tuple[float, float]] = {
    "A4": A4_IN,
    "A5": (210 * MM, 148 * MM),
    "16:9": (13.333, 7.5),
}
MIN_PX, MAX_PX, MAX_PIXELS = (1000, 700), 12000, 80_000_000
DPI_RANGE = (72, 600)
NOMINAL_MAP_PX = 1000  # the Leaflet map width a zoom level is read for
TILE_PX = 256


@dataclass(frozen=True)
class Page:
    """The figure's size in inches and its dpi; ``scale`` sizes type and lines (A4 = 1)."""

    width_in: float
    height_in: float
    dpi: int

    @property
    def scale(self) -> float:
        return min(self.width_in / A4_IN[0], self.height_in / A4_IN[1])

    @property
    def pixels(self) -> tuple[int, int]:
        return int(self.width_in * self.dpi), int(self.height_in * self.dpi)


_PIXEL_SIZE = re.compile(r"^(\d{2,5})[xX](\d{2,5})$")


def parse_size(size: str, dpi: int = 300) -> Page:
    """``A4``/``A5``/``16:9``/``WxH`` (pixels) at ``dpi``; a bad value raises UsageError."""
    if not DPI_RANGE[0] <= dpi <= DPI_RANGE[1]:
        raise UsageError(f"--dpi {dpi}: must be between {DPI_RANGE[0]} and {DPI_RANGE[1]}")
    named = {k.lower(): v for k, v in PAGE_SIZES.items()}
    text = size.strip()
    if text.lower() in named:
        width_in, height_in = named[text.lower()]
        px = (round(width_in * dpi), round(height_in * dpi))
    elif match := _PIXEL_SIZE.match(text):
        px = (int(match[1]), int(match[2]))
        if px[0] < MIN_PX[0] or px[1] < MIN_PX[1]:
            raise UsageError(f"--size {size}: too small for a legible map; at least "
                             f"{MIN_PX[0]}x{MIN_PX[1]} pixels")
        if not 0.7 <= px[0] / px[1] <= 2.5:
            raise UsageError(f"--size {size}: a landscape page between 0.7 and 2.5 "
                             "times as wide as high is needed")
    else:
        raise UsageError(f"--size {size!r}: use A4, A5, 16:9 or WIDTHxHEIGHT in pixels")
    if max(px) > MAX_PX or px[0] * px[1] > MAX_PIXELS:
        raise UsageError(f"--size {size} at {dpi} dpi is {px[0]}x{px[1]} pixels; at most "
                         f"{MAX_PX} per side and {MAX_PIXELS // 1_000_000} megapixels")
    # a hair over the pixel count: matplotlib truncates inches * dpi to whole pixels
    return Page((px[0] + 1e-3) / dpi, (px[1] + 1e-3) / dpi, dpi)


def view_extent(view: ViewState, aspect: float) -> tuple[float, float, float, float]:
    """(xmin, ymin, xmax, ymax) in EPSG:3857 for a map frame ``aspect`` = width / height.

    The width is what a ``NOMINAL_MAP_PX`` wide Leaflet map shows at ``view.zoom``.
    """
    cx, cy = to_mercator().transform(view.lon, view.lat)
    width = 2 * MERCATOR_HALF / 2**view.zoom * (NOMINAL_MAP_PX / TILE_PX)
    height = width / aspect
    return cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2

