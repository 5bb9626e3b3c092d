"""What every piece of a printed map shares: paper and ink, type sizes, Mercator, markers.

The lowest module of :mod:`caucmap.render_static`: page, artists, labels and the
renderer all read these and none of them is read from here, so the pieces do not
loop back to each other. Leaflet pixel units (``weight``, dashes, marker sizes) become
points through :class:`Style`, scaled with the page (A4 = 1).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
from matplotlib.backend_bases import RendererBase
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.transforms import Bbox
from pyproj import Transformer

MM = 1 / 25.4
A4_IN = (297 * MM, 210 * MM)
MERCATOR = "EPSG:3857"
MERCATOR_HALF = 20037508.342789244  # half the world's width in EPSG:3857 metres
PX_PT = 0.6  # Leaflet px -> pt on an A4 page
MARKER_PX = 15
PAPER = "#ffffff"
INK = "#222222"
MUTED_INK = "#555555"
HIGHLIGHT = "#ffb000"
MAX_NAME_CHARS = 40  # a place, region or outlet name in a label, the title or the footer
MAX_LINE_CHARS = 120  # a legend entry or a subtitle part (legend entries wrap within it)

# type sizes in points on A4; scaled with the page
FONT = {"title": 16.0, "subtitle": 8.5, "legend": 7.0, "legend_title": 7.5, "region": 9.5,
        "event": 6.3, "footer": 6.3, "scale": 6.5}


@dataclass
class Style:
    """Page-dependent conversions from the layers' Leaflet units."""

    scale: float

    @property
    def px_pt(self) -> float:
        return PX_PT * self.scale

    def font(self, name: str) -> float:
        return FONT[name] * self.scale


@dataclass(frozen=True)
class Sheet:
    """A figure being laid out, measured with its Agg renderer; sizes in figure pixels."""

    fig: Figure
    renderer: RendererBase
    st: Style
    px_per_in: float

    def inch(self, inches: float) -> float:
        """``inches`` on an A4 page, in this page's pixels (type and furniture scale)."""
        return inches * self.st.scale * self.px_per_in

    def rect(self, box: Bbox) -> list[float]:
        """A box in figure pixels as matplotlib's [left, bottom, width, height] fractions."""
        w, h = self.fig.bbox.width, self.fig.bbox.height
        return [box.x0 / w, box.y0 / h, box.width / w, box.height / h]

    def text(self, x: float, y: float, text: str, **kwargs: object) -> None:
        """Text at figure pixel (x, y)."""
        self.fig.text(x / self.fig.bbox.width, y / self.fig.bbox.height, text,
                      parse_math=False, **kwargs)


@cache
def to_mercator() -> Transformer:
    return Transformer.from_crs("EPSG:4326", MERCATOR, always_xy=True)


def cell(raw: object, default: object) -> object:
    """A style cell, or ``default`` when it is missing (None/NaN/empty)."""
    if raw is None or raw == "" or (isinstance(raw, float) and math.isnan(raw)):
        return default
    return raw


def paper_colour(colour: str, opacity: float, under: str = PAPER) -> tuple[float, ...]:
    """``colour`` at ``opacity`` composited over ``under``: what a translucent fill looks like."""
    top, bottom = np.array(to_rgba(colour)[:3]), np.array(to_rgba(under)[:3])
    return (*(top * opacity + bottom * (1 - opacity)), 1.0)


def on_dark(under: tuple[float, ...]) -> bool:
    """Is a fill too dark for dark text (e.g. the top of the recognition ramp)?"""
    r, g, b = under[:3]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.45


def dashes(dash: object, width_pt: float, px_pt: float) -> tuple | str:
    """An SVG dash array in Leaflet px ("8 5") as a matplotlib dash pattern in points."""
    values = [float(v) for v in re.split(r"[\s,]+", str(cell(dash, "")).strip()) if v]
    if not values:
        return "solid"
    return (0, tuple(v * px_pt / max(width_pt, 0.1) for v in values))  # mpl scales by width


def text_size(renderer: RendererBase, text: str, size: float,
              weight: str = "normal") -> tuple[float, float]:
    """(width, height) in display px of a (multi-line) text at ``size`` points."""
    prop = FontProperties(size=size, weight=weight)
    lines = text.split("\n")
    widths = [renderer.get_text_width_height_descent(line or " ", prop, ismath=False)[0]
              for line in lines]
    line_h = size * 1.2 * renderer.points_to_pixels(1.0)
    return max(widths), line_h * len(lines)


def wrap_items(renderer: RendererBase, items: Sequence[str], sep: str, size: float,
               width_px: float, prefix: str = "") -> list[str]:
    """Join ``items`` with ``sep`` into lines no wider than ``width_px`` (measured)."""
    lines: list[str] = []
    current = prefix
    for item in items:
        trial = f"{current}{sep}{item}" if current and current != prefix else current + item
        if current and current != prefix and text_size(renderer, trial, size)[0] > width_px:
            lines.append(current + sep.rstrip())
            current = item
        else:
            current = trial
    if current:
        lines.append(current)
    return lines
