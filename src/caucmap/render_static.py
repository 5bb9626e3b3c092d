"""Briefing-ready static maps (PNG, SVG, PDF) drawn with matplotlib from the shared layers.

A browser screenshot has UI chrome, no legend, no sources and screen resolution;
this draws the same :func:`caucmap.layers.build_layers` output as the web map, by
reading the layers' style columns, onto a page with a title, legend, scale bar,
locator inset, attribution and a footer naming the sources of the events shown.

    >>> from caucmap.evidence import default_evidence
    >>> from caucmap.viewstate import ViewState
    >>> rendered = render(default_evidence(), ViewState(), size="A4", dpi=300)
    >>> png = figure_bytes(rendered, "png")          # or "svg", "pdf"
    >>> x, y = rendered.to_pixel(39.73, 43.59)       # Sochi, image pixels from the top left
    >>> rendered.sources                             # what the footer lists
    (('Sputnik', '2014-11-23'), ('Agenda.ge', '2014-11-24'), ...)

Conventions (so that a picture can be checked against the app):

- **Extent.** The view's Leaflet ``zoom`` is read as the extent a ``NOMINAL_MAP_PX``
  (1000 px) wide Leaflet map shows: ``360 / 2**zoom * (1000 / 256)`` degrees of
  longitude across, centred on ``lat``/``lon``. The height follows from the map
  frame's aspect on the page, in Web Mercator (EPSG:3857, conformal like Leaflet's).
- **Sizes.** ``A4`` and ``A5`` are landscape pages (297x210 mm, 210x148 mm);
  ``16:9`` is a widescreen slide of 13.333x7.5 in (PowerPoint's default), so
  ``dpi=144`` gives exactly 1920x1080 px; ``WxH`` is pixels, and the page is
  ``W/dpi`` x ``H/dpi`` inches (at least 1000x700 px). Type, line widths and
  markers scale with the page (relative to A4), so a pixel size looks the same
  whatever the dpi and the dpi only sets the PNG's physical size (its pHYs chunk).
- **Style.** Leaflet pixel widths (``weight``, dashes) become points at
  ``0.6 pt/px`` on A4. The bottom layer (regions) is composited over white paper,
  as there is no tile base underneath; layers above keep their ``fill_opacity``.
  Beyond the regional layers' clip box (low zooms) the world layer's countries
  are drawn as a muted base. A feature's ``label`` is drawn once, from the topmost
  layer labelling that id, where no labelled feature above covers it.
- **Events.** Every event of the events layer with a place is drawn (events without
  one are counted in the footer). Markers that would overlap are spread on a small
  ring (a spiral for more than ``RING_MAX``) and share one label listing them by
  date; events outside the frame are drawn at its edge, their label starting with
  an arrow towards them. Labels are placed greedily
  (candidates around the marker, then further out with a leader line) avoiding
  markers, other labels and the scale bar; ``RenderedMap.label_overlaps`` counts
  those that could not be placed free. The footer lists the outlet and publication
  date of every source cited by the events drawn, and nothing else.

SVG keeps text as ``<text>`` (no path effects, ``svg.fonttype: none``); PDF embeds
TrueType fonts. Nothing is rasterised in the vector formats. Figures are built on
``matplotlib.figure.Figure`` with the Agg canvas: no pyplot state.
"""

from __future__ import annotations

import io
import math
import re
import textwrap
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from itertools import combinations
from pathlib import Path
from typing import Literal

import geopandas as gpd
import matplotlib
import numpy as np
import shapely
from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.transforms import Bbox
from pyproj import Transformer
from shapely.ops import polylabel

from caucmap import geodata, style
from caucmap.dates import format_date, short_day, short_span
from caucmap.errors import UsageError
from caucmap.evidence import Evidence
from caucmap.layers import Layer, LegendEntry, build_layers, legend_blocks
from caucmap.naming import NAMING_LABELS, place_name
from caucmap.shorten import shorten
from caucmap.viewstate import WORLDVIEW_LABELS, ViewState

Format = Literal["png", "svg", "pdf"]
FORMATS: tuple[Format, ...] = ("png", "svg", "pdf")

MM = 1 / 25.4
A4_IN = (297 * MM, 210 * MM)
PAGE_SIZES: dict[str, tuple[float, float]] = {
    "A4": A4_IN,
    "A5": (210 * MM, 148 * MM),
    "16:9": (13.333, 7.5),
}
MIN_PX, MAX_PX, MAX_PIXELS = (1000, 700), 12000, 80_000_000
DPI_RANGE = (72, 600)
NOMINAL_MAP_PX = 1000  # the Leaflet map width a zoom level is read for
TILE_PX = 256
MERCATOR = "EPSG:3857"
MERCATOR_HALF = 20037508.342789244  # half the world's width in EPSG:3857 metres
PX_PT = 0.6  # Leaflet px -> pt on an A4 page
MARKER_PX = 15
PAPER = "#ffffff"
INK = "#222222"
MUTED_INK = "#555555"
HIGHLIGHT = "#ffb000"
MAX_GROUP_LINES = 4
MAX_TITLE_CHARS = 40  # an event's title in a map label
MAX_NAME_CHARS = 40  # a place, region or outlet name in a label, the title or the footer
MAX_LINE_CHARS = 120  # a legend entry or a subtitle part (legend entries wrap within it)
MAX_FOOTER_LINES = 6
RING_MAX = 8  # clusters up to this size are a ring, bigger ones a spiral
SPIRAL_SPACING = 0.68  # x marker size: about one marker between spiral neighbours
MARKER_WEIGHT = 25.0  # label placement: covering a marker is this much worse than a label
ENDORSEMENT_NOTE = "Boundaries are shown for reference and do not imply endorsement."

# type sizes in points on A4; scaled with the page
FONT = {"title": 16.0, "subtitle": 8.5, "legend": 7.0, "legend_title": 7.5, "region": 9.5,
        "event": 6.3, "footer": 6.3, "scale": 6.5}


# ---------------------------------------------------------------- page and extent


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


@cache
def _to_mercator() -> Transformer:
    return Transformer.from_crs("EPSG:4326", MERCATOR, always_xy=True)


def view_extent(view: ViewState, aspect: float) -> tuple[float, float, float, float]:
    """(xmin, ymin, xmax, ymax) in EPSG:3857 for a map frame ``aspect`` = width / height.

    The width is what a ``NOMINAL_MAP_PX`` wide Leaflet map shows at ``view.zoom``.
    """
    cx, cy = _to_mercator().transform(view.lon, view.lat)
    width = 2 * MERCATOR_HALF / 2**view.zoom * (NOMINAL_MAP_PX / TILE_PX)
    height = width / aspect
    return cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2


# ---------------------------------------------------------------- geometry -> artists


_PROJECTED: weakref.WeakKeyDictionary[Layer, gpd.GeoSeries] = weakref.WeakKeyDictionary()


def _projected(layer: Layer) -> gpd.GeoSeries:
    """A layer's geometry in EPSG:3857 with polygons oriented; cached per (cached) layer."""
    hit = _PROJECTED.get(layer)
    if hit is None:
        geoms = layer.frame.geometry
        hit = gpd.GeoSeries(shapely.orient_polygons(geoms.to_crs(MERCATOR).values),
                            index=geoms.index, crs=MERCATOR)
        _PROJECTED[layer] = hit
    return hit


def _polygon_path(geom: shapely.Geometry) -> MplPath:
    verts, codes = [], []
    for poly in shapely.get_parts(geom):
        if poly.geom_type != "Polygon" or poly.is_empty:
            continue
        for ring in (poly.exterior, *poly.interiors):
            xy = shapely.get_coordinates(ring)
            code = np.full(len(xy), MplPath.LINETO, dtype=MplPath.code_type)
            code[0], code[-1] = MplPath.MOVETO, MplPath.CLOSEPOLY
            verts.append(xy)
            codes.append(code)
    if not verts:
        return MplPath(np.empty((0, 2)))
    return MplPath(np.concatenate(verts), np.concatenate(codes))


def _line_parts(geom: shapely.Geometry) -> list[np.ndarray]:
    return [shapely.get_coordinates(p) for p in shapely.get_parts(geom)
            if p.geom_type == "LineString" and not p.is_empty]


def _value(raw: object, default: object) -> object:
    """A style cell, or ``default`` when it is missing (None/NaN/empty)."""
    if raw is None or raw == "" or (isinstance(raw, float) and math.isnan(raw)):
        return default
    return raw


def paper_colour(colour: str, opacity: float, under: str = PAPER) -> tuple[float, ...]:
    """``colour`` at ``opacity`` composited over ``under``: what a translucent fill looks like."""
    top, bottom = np.array(to_rgba(colour)[:3]), np.array(to_rgba(under)[:3])
    return (*(top * opacity + bottom * (1 - opacity)), 1.0)


def _on_dark(under: tuple[float, ...]) -> bool:
    """Is a fill too dark for dark text (e.g. the top of the recognition ramp)?"""
    r, g, b = under[:3]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.45


def _dashes(dash: object, width_pt: float, px_pt: float) -> tuple | str:
    """An SVG dash array in Leaflet px ("8 5") as a matplotlib dash pattern in points."""
    values = [float(v) for v in re.split(r"[\s,]+", str(_value(dash, "")).strip()) if v]
    if not values:
        return "solid"
    return (0, tuple(v * px_pt / max(width_pt, 0.1) for v in values))  # mpl scales by width


@dataclass
class _Style:
    """Page-dependent conversions from the layers' Leaflet units."""

    scale: float

    @property
    def px_pt(self) -> float:
        return PX_PT * self.scale

    def font(self, name: str) -> float:
        return FONT[name] * self.scale


def _draw_polygons(ax: Axes, layer: Layer, geoms: gpd.GeoSeries, box: shapely.Geometry,
                   st: _Style, *, on_paper: bool, zorder: float,
                   trim: shapely.Geometry | None = None) -> None:
    """Polygon fills and outlines; outlines along ``trim`` (a clip box) are left out."""
    frame = layer.frame
    paths, faces, edges, widths, styles = [], [], [], [], []
    outlines: list[list[np.ndarray]] = []
    for i, geom in enumerate(geoms.values):
        if geom is None or geom.geom_type not in ("Polygon", "MultiPolygon"):
            continue
        clipped = shapely.intersection(geom, box) if not shapely.within(geom, box) else geom
        if clipped.is_empty:
            continue
        row = frame.iloc[i]
        fill, opacity = _value(row["fill"], None), float(_value(row["fill_opacity"], 1.0))
        if fill is None:
            faces.append((0, 0, 0, 0))
        elif on_paper:
            faces.append(paper_colour(str(fill), opacity))
        else:
            faces.append(to_rgba(str(fill), opacity))
        edges.append(to_rgba(str(_value(row["color"], INK)), float(_value(row["opacity"], 1.0))))
        width = float(_value(row["weight"], 1.0)) * st.px_pt
        widths.append(width)
        styles.append(_dashes(row["dash"], width, st.px_pt))
        paths.append(_polygon_path(clipped))
        if trim is not None:
            outlines.append(_line_parts(shapely.difference(shapely.boundary(clipped), trim)))
    if not paths:
        return
    if trim is None:
        ax.add_collection(PathCollection(paths, facecolors=faces, edgecolors=edges,
                                         linewidths=widths, linestyles=styles, zorder=zorder,
                                         joinstyle="round"), autolim=False)
        return
    ax.add_collection(PathCollection(paths, facecolors=faces, edgecolors="none",
                                     zorder=zorder), autolim=False)
    counts = [len(parts) for parts in outlines]
    ax.add_collection(LineCollection(
        [p for parts in outlines for p in parts], colors=np.repeat(edges, counts, axis=0),
        linewidths=np.repeat(widths, counts),
        linestyles=[dash for dash, n in zip(styles, counts, strict=True) for _ in range(n)],
        zorder=zorder + 0.1, joinstyle="round"),
        autolim=False)


def _draw_lines(ax: Axes, layer: Layer, geoms: gpd.GeoSeries, box: tuple[float, ...],
                st: _Style, zorder: float) -> None:
    frame = layer.frame
    segments, colours, widths, styles = [], [], [], []
    for i, geom in enumerate(geoms.values):
        if geom is None or geom.geom_type not in ("LineString", "MultiLineString"):
            continue
        row = frame.iloc[i]
        width = float(_value(row["weight"], 1.0)) * st.px_pt
        for part in _line_parts(shapely.clip_by_rect(geom, *box)):
            segments.append(part)
            colours.append(to_rgba(str(_value(row["color"], INK)),
                                   float(_value(row["opacity"], 1.0))))
            widths.append(width)
            styles.append(_dashes(row["dash"], width, st.px_pt))
    if segments:
        ax.add_collection(LineCollection(segments, colors=colours, linewidths=widths,
                                         linestyles=styles, zorder=zorder, capstyle="round",
                                         joinstyle="round"), autolim=False)


def _draw_marker(ax: Axes, x: float, y: float, row: object, st: _Style, zorder: float,
                 gid: str | None = None) -> None:
    """One styled point (data coords): shape, hollow when uncertain, faded by ``opacity``.

    Hollow outlines get a white halo underneath so they read on dark fills too.
    """
    symbol = style.SYMBOLS.get(str(_value(row["marker"], "circle")), style.SYMBOLS["circle"])
    colour = str(_value(row["color"], INK))
    fill = str(_value(row["fill"], colour))
    opacity = float(_value(row["opacity"], 1.0))
    size = (MARKER_PX * st.px_pt * (1.35 if symbol.mpl == "*" else 1.0)) ** 2
    if bool(_value(row["hollow"], False)):
        ax.scatter([x], [y], marker=symbol.mpl, s=size, facecolors="none",
                   edgecolors=[to_rgba(PAPER, 0.85)], linewidths=3.4 * st.px_pt, zorder=zorder)
        ax.scatter([x], [y], marker=symbol.mpl, s=size, facecolors="none",
                   edgecolors=[to_rgba(colour, opacity)], linewidths=1.8 * st.px_pt,
                   zorder=zorder, gid=gid)
    else:
        ax.scatter([x], [y], marker=symbol.mpl, s=size, facecolors=[to_rgba(fill, opacity)],
                   edgecolors=[to_rgba(PAPER, opacity)], linewidths=0.8 * st.px_pt,
                   zorder=zorder, gid=gid)


# ---------------------------------------------------------------- labels


@dataclass
class _Placer:
    """Greedy label placement in display space: the first free candidate wins.

    When none is free the least bad one is taken (counted in ``overlaps``): covering
    a marker costs far more than covering another label, leaving the frame most.
    """

    frame: Bbox
    taken: list[tuple[Bbox, float]] = field(default_factory=list)  # (box, cost weight)
    overlaps: int = 0

    def block(self, box: Bbox, weight: float = 1.0) -> None:
        self.taken.append((box, weight))

    def free(self, box: Bbox) -> bool:
        inside = (box.x0 >= self.frame.x0 and box.x1 <= self.frame.x1
                  and box.y0 >= self.frame.y0 and box.y1 <= self.frame.y1)
        return inside and not any(box.overlaps(t) for t, _ in self.taken)

    def cost(self, box: Bbox) -> float:
        covered = sum(w * _intersection_area(box, t) for t, w in self.taken)
        outside = box.width * box.height - _intersection_area(box, self.frame)
        return covered + 50 * outside

    def place(self, candidates: Sequence[tuple[Bbox, object]],
              weight: float = 1.0) -> tuple[Bbox, object]:
        for box, info in candidates:
            if self.free(box):
                self.block(box, weight)
                return box, info
        self.overlaps += 1
        box, info = min(candidates, key=lambda c: self.cost(c[0]))
        self.block(box, weight)
        return box, info


def _intersection_area(a: Bbox, b: Bbox) -> float:
    return (max(0.0, min(a.x1, b.x1) - max(a.x0, b.x0))
            * max(0.0, min(a.y1, b.y1) - max(a.y0, b.y0)))


_DIRECTIONS = [(1, 0), (1, 1), (1, -1), (-1, 0), (-1, 1), (-1, -1), (0, 1), (0, -1)]


def _candidates(x: float, y: float, w: float, h: float, gap: float, radii: Iterable[float],
                prefer: tuple[int, int] | None = None) -> list[tuple[Bbox, object]]:
    """Label boxes of size w x h around (x, y): 8 directions at each radius (display px)."""
    out: list[tuple[Bbox, object]] = []
    directions = list(_DIRECTIONS)
    if prefer is not None:  # off-map markers: label on the inward side first
        directions.sort(key=lambda d: -(d[0] * prefer[0] + d[1] * prefer[1]))
    for radius in radii:
        for dx, dy in directions:
            r = gap + radius
            ox, oy = (dx * r, dy * r) if dx == 0 or dy == 0 else (dx * r * 0.8, dy * r * 0.8)
            x0 = x + ox - (0 if dx > 0 else w if dx < 0 else w / 2)
            y0 = y + oy - (0 if dy > 0 else h if dy < 0 else h / 2)
            out.append((Bbox.from_bounds(x0, y0, w, h), radius))
    return out


@dataclass
class _Group:
    """Events drawn as one cluster: markers on a small ring around (x, y), one label."""

    x: float
    y: float
    off: bool  # outside the frame: drawn at its edge
    direction: tuple[float, float]  # towards the true spot, for off-map groups
    marker: float  # marker size in display px
    rows: list = field(default_factory=list)
    weight: int = 0  # points merged in, for the weighted centre

    @property
    def radius(self) -> float:
        """Distance of the outermost marker centre from (x, y)."""
        n, d = len(self.rows), self.marker
        if n == 1:
            return 0.0
        if n <= RING_MAX:
            return max(0.75 * d, n * d * 1.05 / (2 * math.pi))
        return SPIRAL_SPACING * d * math.sqrt(n - 0.5)

    def spots(self) -> list[tuple[float, float]]:
        """Marker centres: a ring for a few events, a sunflower spiral (denser) for many."""
        n, r = len(self.rows), self.radius
        if n <= RING_MAX:
            return [(self.x + r * math.cos(math.pi / 2 - 2 * math.pi * k / n),
                     self.y + r * math.sin(math.pi / 2 - 2 * math.pi * k / n))
                    for k in range(n)]
        golden = math.pi * (3 - math.sqrt(5))
        step = SPIRAL_SPACING * self.marker
        return [(self.x + step * math.sqrt(k + 0.5) * math.cos(k * golden),
                 self.y + step * math.sqrt(k + 0.5) * math.sin(k * golden)) for k in range(n)]

    def box(self) -> Bbox:
        half = self.radius + self.marker / 2
        return Bbox.from_extents(self.x - half, self.y - half, self.x + half, self.y + half)


def _cluster(points: Sequence[tuple[object, float, float]], marker: float,
             inner: Bbox) -> list[_Group]:
    """Group event markers whose clusters would touch; off-frame ones pinned to the edge.

    Markers that would overlap are spread on a ring (like a map's "spiderfy") so each
    event's symbol stays visible; touching rings merge into one around their centre.
    """
    groups: list[_Group] = []
    for row, x, y in points:
        cx, cy = min(max(x, inner.x0), inner.x1), min(max(y, inner.y0), inner.y1)
        off = (cx, cy) != (x, y)
        group = _Group(cx, cy, off, (x - cx, y - cy), marker, [row], 1)
        groups.append(group)
    merged = True
    while merged:
        merged = False
        for a, b in combinations(groups, 2):
            if a.off == b.off and math.hypot(a.x - b.x, a.y - b.y) < (
                    a.radius + b.radius + marker * 0.9):
                total = a.weight + b.weight
                a.x = (a.x * a.weight + b.x * b.weight) / total
                a.y = (a.y * a.weight + b.y * b.weight) / total
                a.rows += b.rows
                a.weight = total
                groups.remove(b)
                merged = True
                break
    for group in groups:
        group.rows.sort(key=lambda r: (r["start"], r["id"]))
        if group.off:  # the whole cluster stays inside the frame
            r = group.radius
            group.x = min(max(group.x, inner.x0 + r), inner.x1 - r)
            group.y = min(max(group.y, inner.y0 + r), inner.y1 - r)
    return groups


def _arrow(dx: float, dy: float) -> str:
    angle = math.degrees(math.atan2(dy, dx)) % 360
    return "→↗↑↖←↙↓↘"[round(angle / 45) % 8]


# ---------------------------------------------------------------- text helpers


def _text_size(renderer: RendererBase, text: str, size: float,
               weight: str = "normal") -> tuple[float, float]:
    """(width, height) in display px of a (multi-line) text at ``size`` points."""
    prop = FontProperties(size=size, weight=weight)
    lines = text.split("\n")
    widths = [renderer.get_text_width_height_descent(line or " ", prop, ismath=False)[0]
              for line in lines]
    line_h = size * 1.2 * renderer.points_to_pixels(1.0)
    return max(widths), line_h * len(lines)


def _wrap_items(renderer: RendererBase, items: Sequence[str], sep: str, size: float,
                width_px: float, prefix: str = "") -> list[str]:
    """Join ``items`` with ``sep`` into lines no wider than ``width_px`` (measured)."""
    lines: list[str] = []
    current = prefix
    for item in items:
        trial = f"{current}{sep}{item}" if current and current != prefix else current + item
        if current and current != prefix and _text_size(renderer, trial, size)[0] > width_px:
            lines.append(current + sep.rstrip())
            current = item
        else:
            current = trial
    if current:
        lines.append(current)
    return lines


# ---------------------------------------------------------------- the figure


@dataclass
class RenderedMap:
    """A rendered figure plus what a test or caller needs to check it."""

    figure: Figure
    page: Page
    extent: tuple[float, float, float, float]  # EPSG:3857 xmin, ymin, xmax, ymax
    events: tuple[str, ...]  # ids of the events drawn
    off_map: tuple[str, ...]  # drawn at the frame's edge, outside the extent
    unmapped: tuple[str, ...]  # in the events layer but without a place: not drawn
    sources: tuple[tuple[str, date], ...]  # (outlet, publication date) in footer order
    title: str
    subtitle: str
    query: str  # the view as app URL query parameters
    label_overlaps: int
    map_axes: Axes

    def to_pixel(self, lon: float, lat: float) -> tuple[float, float]:
        """Image pixel (x right, y down from the top left) of a lon/lat in the main map."""
        x, y = _to_mercator().transform(lon, lat)
        dx, dy = self.map_axes.transData.transform((x, y))
        return float(dx), float(self.figure.bbox.height - dy)


def _title(view: ViewState, base: Layer, marked: Layer | None) -> str:
    names = {i: shorten(n, MAX_NAME_CHARS) for i, n in
             zip(base.frame["id"], base.frame["name"], strict=True)}
    where = f"{names.get('ABK', 'Abkhazia')} and {names.get('SOS', 'South Ossetia')}"
    span = f"{short_day(view.start)} - {short_day(view.end)}"
    return f"{where}: events {span}" if marked is not None else f"{where}, {span}"


def _sources(ev: Evidence, events: gpd.GeoDataFrame) -> list[tuple[str, date, str]]:
    """(outlet, published, shown date) of every source the events cite, by date.

    One entry per source; two sources of one outlet on one day read the same and are
    listed once.
    """
    seen: dict[str, tuple[str, date, str]] = {}
    for citations in events["citations"]:
        for c in citations or []:
            shown = format_date(c["published"], c["published_precision"], short=True)
            seen.setdefault(c["source"], (c["outlet"], c["published"], shown))
    return sorted(set(seen.values()), key=lambda s: (s[1], s[0].lower()))


@cache
def _world_mercator(root: Path) -> gpd.GeoDataFrame:
    """World countries in EPSG:3857 (areas, cut at +-85 deg), for inset and base."""
    frame = geodata.world_polygons(root).to_crs(MERCATOR)
    frame["geometry"] = shapely.orient_polygons(frame.geometry.values)
    return frame[~frame.geometry.is_empty]


@cache
def _world_beyond_regions(root: Path) -> tuple[gpd.GeoDataFrame, shapely.Geometry]:
    """:func:`caucmap.geodata.world_beyond_regions` in EPSG:3857: the low-zoom base."""
    world, box = geodata.world_beyond_regions(root)
    frame = world.to_crs(MERCATOR)
    frame["geometry"] = shapely.orient_polygons(frame.geometry.values)
    frame = frame[~frame.geometry.is_empty]
    return frame, gpd.GeoSeries([box], crs="EPSG:4326").to_crs(MERCATOR).iloc[0]


def render(ev: Evidence, view: ViewState, *, size: str = "A4", dpi: int = 300) -> RenderedMap:
    """Draw ``view`` as a briefing page (see the module docstring for the conventions)."""
    page = parse_size(size, dpi)
    return _Renderer(ev, view, page).run()


class _Renderer:
    """One page: the layout is measured with the Agg renderer, top to bottom."""

    def __init__(self, ev: Evidence, view: ViewState, page: Page) -> None:
        self.ev, self.view, self.page = ev, view, page
        self.st = _Style(page.scale)
        self.layers = build_layers(ev, view)
        self.base = next(v for v in self.layers.values() if v.spec.role == "base")
        # the layer whose points are labelled (the events), if the view has it
        self.marked = next((v for v in self.layers.values() if v.spec.labels), None)
        # legends and attributions only for layers with something on the page
        self.shown = {k: v for k, v in self.layers.items()
                      if v.spec.role == "base" or len(v.frame)}
        self.fig = Figure(figsize=(page.width_in, page.height_in), dpi=page.dpi,
                          facecolor=PAPER)
        FigureCanvasAgg(self.fig)
        self.renderer = self.fig.canvas.get_renderer()
        self.obstacles: list[Bbox] = []  # display boxes labels should avoid
        self.px_per_in = float(page.dpi)

    # sizes in figure pixels
    def inch(self, value: float) -> float:
        return value * self.page.scale * self.px_per_in

    def run(self) -> RenderedMap:
        fig, page = self.fig, self.page
        width = fig.bbox.width
        margin = self.inch(0.3)
        title, subtitle, top = self._header(margin)
        events = self.marked.frame if self.marked is not None else None
        mapped = events[events.geometry.notna()] if events is not None else None
        sources = _sources(self.ev, mapped) if mapped is not None else []
        footer_top = self._footer(margin, sources, events, mapped)
        panel_w = self.inch(2.55)
        gap = self.inch(0.18)
        map_box = Bbox.from_extents(margin, footer_top + gap, width - margin - panel_w - gap,
                                    top - gap)
        ax = fig.add_axes(self._fig_rect(map_box))
        extent = view_extent(self.view, map_box.width / map_box.height)
        self._map(ax, extent)
        placer = self._placer(ax)
        groups = self._markers(ax, mapped, placer) if mapped is not None else []
        self._region_labels(ax, placer)
        for group in groups:
            self._event_label(ax, placer, group)
        drawn = [row["id"] for g in groups for row in g.rows]
        off_map = [row["id"] for g in groups if g.off for row in g.rows]
        panel = Bbox.from_extents(width - margin - panel_w, map_box.y0, width - margin,
                                  map_box.y1)
        self._panel(panel, extent)
        unmapped = (tuple(events.loc[events.geometry.isna(), "id"]) if events is not None
                    else ())
        return RenderedMap(
            figure=fig, page=page, extent=extent, events=tuple(drawn), off_map=tuple(off_map),
            unmapped=unmapped, sources=tuple((outlet, day) for outlet, day, _ in sources),
            title=title, subtitle=subtitle,
            query=self._view_query(), label_overlaps=placer.overlaps, map_axes=ax,
        )

    def _fig_rect(self, box: Bbox) -> list[float]:
        w, h = self.fig.bbox.width, self.fig.bbox.height
        return [box.x0 / w, box.y0 / h, box.width / w, box.height / h]

    def _text(self, x: float, y: float, text: str, **kwargs: object) -> None:
        """Text at figure pixel (x, y)."""
        self.fig.text(x / self.fig.bbox.width, y / self.fig.bbox.height, text,
                      parse_math=False, **kwargs)

    # ------------------------------------------------------------ header and footer

    def _header(self, margin: float) -> tuple[str, str, float]:
        view, fig = self.view, self.fig
        width, top = fig.bbox.width - 2 * margin, fig.bbox.height - margin
        title = _title(view, self.base, self.marked)
        size = self.st.font("title")
        while _text_size(self.renderer, title, size, "bold")[0] > width and size > 8:
            size *= 0.92
        self._text(margin, top, title, fontsize=size, fontweight="bold", color=INK, va="top",
                   gid="title")
        top -= _text_size(self.renderer, title, size, "bold")[1] + self.inch(0.02)
        parts = [f"{short_day(view.start)} - {short_day(view.end)}",
                 "Worldview: "
                 + self.ev.localise(WORLDVIEW_LABELS[view.worldview], view.naming),
                 f"Place names: {NAMING_LABELS[view.naming]}"]
        if view.filters.active():
            names = {c.value: label for c, label in style.CATEGORY_LABELS.items()}
            names |= {a.id: a.name for a in self.ev.actors.values()}
            names |= {p.id: place_name(p, view.naming) for p in self.ev.places.values()}
            parts.append(f"Events filtered: {view.filters.describe(names)}")
        if view.event and self.marked is not None:
            chosen = self.marked.frame.query("id == @view.event")
            if len(chosen):
                parts.append(f"Selected: {shorten(chosen.iloc[0]['title'], 60)}")
        sub = self.st.font("subtitle")
        parts = [shorten(part, MAX_LINE_CHARS) for part in parts]
        subtitle = "\n".join(_wrap_items(self.renderer, parts, "  ·  ", sub, width))
        self._text(margin, top, subtitle, fontsize=sub, color=MUTED_INK, va="top",
                   gid="subtitle", linespacing=1.2)
        top -= _text_size(self.renderer, subtitle, sub)[1]
        return title, subtitle, top

    def _footer(self, margin: float, sources: list[tuple[str, date, str]],
                events: gpd.GeoDataFrame | None, mapped: gpd.GeoDataFrame | None) -> float:
        """Attribution and sources, bottom up; returns the footer's top (figure px)."""
        width = self.fig.bbox.width - 2 * margin
        size = self.st.font("footer")
        notes = list(dict.fromkeys(layer.attribution for layer in self.shown.values()))
        if not any("endorse" in n for n in notes):
            notes.append(ENDORSEMENT_NOTE)
        if events is not None and mapped is not None and len(events) > len(mapped):
            notes.append(f"{len(events) - len(mapped)} event(s) in range have no mapped place "
                         "and are not drawn.")
        notes.append(f"caucmap; view: {self._view_query()}")
        attribution = "\n".join(_wrap_items(self.renderer, notes, " · ", size, width))
        if events is None:
            body = ["Sources: none (events layer off)."]
        elif not sources:
            body = ["Sources: none (no events shown)."]
        else:
            items = [f"{shorten(outlet, MAX_NAME_CHARS)}, {shown}" for outlet, _, shown in sources]
            body = _wrap_items(self.renderer, items, "; ", size, width, prefix="Sources: ")
            if len(body) > MAX_FOOTER_LINES:  # keep the page; say what was cut
                kept = body[:MAX_FOOTER_LINES]
                shown = sum(line.count(";") + 1 for line in kept) - 1
                kept[-1] = (kept[-1].rsplit(";", 1)[0] + f"; ... and {len(items) - shown} "
                            "more (see the CSV or HTML export)")
                body = kept
        y = margin
        self._text(margin, y, attribution, fontsize=size, color=MUTED_INK, va="bottom",
                   gid="attribution", linespacing=1.2)
        y += _text_size(self.renderer, attribution, size)[1] + self.inch(0.05)
        text = "\n".join(body)
        self._text(margin, y, text, fontsize=size, color=INK, va="bottom", gid="sources",
                   linespacing=1.2)
        return y + _text_size(self.renderer, text, size)[1]

    def _view_query(self) -> str:
        query = self.view.to_query()
        return "&".join(f"{k}={v}" for k, v in query.items()) or "default"

    # ------------------------------------------------------------ the map

    def _map(self, ax: Axes, extent: tuple[float, float, float, float]) -> None:
        ax.set_xlim(extent[0], extent[2])
        ax.set_ylim(extent[1], extent[3])
        ax.set_facecolor(style.SEA)
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_edgecolor(INK)
            spine.set_linewidth(0.6 * self.page.scale)
        pad = 0.05 * (extent[2] - extent[0])
        rect = (extent[0] - pad, extent[1] - pad, extent[2] + pad, extent[3] + pad)
        box = shapely.box(*rect)
        trim = self._world_base(ax, box)
        labels: dict[str, tuple[str, shapely.Geometry, bool]] = {}
        for z, layer in enumerate(self.layers.values(), start=1):
            geoms = _projected(layer)
            base = layer.spec.role == "base"
            _draw_polygons(ax, layer, geoms, box, self.st, on_paper=base, zorder=z,
                           trim=trim if base else None)
            _draw_lines(ax, layer, geoms, rect, self.st, zorder=z + 0.5)
            if not layer.spec.labels:
                self._points(ax, layer, geoms, rect, zorder=z + 0.7)
            frame = layer.frame
            for row_id, label, geom, fill, opacity in zip(
                    frame.get("id", []), frame["label"], geoms.values, frame["fill"],
                    frame["fill_opacity"], strict=False):
                if _value(label, None) and geom is not None:  # upper layers' labels win
                    under = paper_colour(str(_value(fill, PAPER)), float(_value(opacity, 1)))
                    labels.pop(str(row_id), None)  # keep drawing order: upper ones last
                    labels[str(row_id)] = (shorten(str(label), MAX_NAME_CHARS), geom,
                                           _on_dark(under))
        self.region_labels = labels
        self.scale_box = self._scale_bar(ax, extent)

    def _world_base(self, ax: Axes, box: shapely.Geometry) -> shapely.Geometry | None:
        """Countries beyond the regional layers' clip box, when the view reaches past it.

        Returns the box's outline (slightly widened) for trimming polygon outlines, so
        the clip box does not show as a line; None when the view is inside the box.
        """
        world, covered = _world_beyond_regions(self.ev.root)
        if shapely.covers(covered, box):
            return None
        fills = {row.id: paper_colour(str(row.fill), float(row.fill_opacity))
                 for row in self.base.frame.itertuples()}
        context = paper_colour(style.REGION_FILL["context"], 0.6)
        paths, faces = [], []
        for rid, geom in zip(world["id"], shapely.intersection(world.geometry.values, box),
                             strict=True):
            if not geom.is_empty:
                paths.append(_polygon_path(geom))
                faces.append(fills.get(rid, context))
        ax.add_collection(PathCollection(paths, facecolors=faces, edgecolors="none",
                                         zorder=0.5), autolim=False)
        trim = shapely.buffer(shapely.boundary(covered), 10.0)
        edges = shapely.difference(shapely.boundary(shapely.intersection(
            world.geometry.values, box)), trim)
        ax.add_collection(LineCollection([p for g in edges for p in _line_parts(g)],
                                         colors=style.MUTED_STROKE,
                                         linewidths=0.3 * self.page.scale, zorder=0.6),
                          autolim=False)
        return trim

    def _points(self, ax: Axes, layer: Layer, geoms: gpd.GeoSeries, rect: tuple[float, ...],
                zorder: float) -> None:
        """Point features of a non-event layer (e.g. the 2008 war): unlabelled obstacles."""
        x0, y0, x1, y1 = rect
        half = MARKER_PX * self.st.px_pt * self.px_per_in / 72 / 2
        for i, geom in enumerate(geoms.values):
            if geom is None or geom.geom_type != "Point":
                continue
            if not (x0 <= geom.x <= x1 and y0 <= geom.y <= y1):
                continue
            _draw_marker(ax, geom.x, geom.y, layer.frame.iloc[i], self.st, zorder)
            px, py = ax.transData.transform((geom.x, geom.y))
            self.obstacles.append(Bbox.from_extents(px - half, py - half, px + half, py + half))

    def _scale_bar(self, ax: Axes, extent: tuple[float, float, float, float]) -> Bbox:
        """A km bar true at the map's centre latitude (Mercator's scale varies with it)."""
        lat = math.degrees(math.atan(math.sinh((extent[1] + extent[3]) / 2 / 6378137.0)))
        k = math.cos(math.radians(lat))  # ground metres per map metre
        ground = (extent[2] - extent[0]) * k / 5
        step = 10 ** math.floor(math.log10(ground / 1000))
        km = max((m * step for m in (1, 2, 5, 10) if m * step <= ground / 1000), default=step)
        length = km * 1000 / k
        trans = ax.transData
        x0 = extent[0] + 0.03 * (extent[2] - extent[0])
        y0 = extent[1] + 0.04 * (extent[3] - extent[1])
        h = 0.009 * (extent[3] - extent[1])
        for i in range(2):
            ax.add_patch(Rectangle((x0 + i * length / 2, y0), length / 2, h,
                                   facecolor=INK if i == 0 else PAPER, edgecolor=INK,
                                   linewidth=0.5 * self.page.scale, zorder=20))
        size = self.st.font("scale")
        label = f"{km:g} km (true at {abs(lat):.1f}°{'N' if lat >= 0 else 'S'})"
        ax.text(x0, y0 + 1.8 * h, label, parse_math=False, fontsize=size, color=INK,
                va="bottom", ha="left", zorder=20, gid="scalebar")
        (bx0, by0), (bx1, _) = trans.transform([(x0, y0), (x0 + length, y0)])
        tw, th = _text_size(self.renderer, label, size)
        pad = self.inch(0.04)
        box = Bbox.from_extents(bx0 - pad, by0 - pad, max(bx1, bx0 + tw) + pad,
                                by0 + 2.8 * h / (extent[3] - extent[1]) * ax.bbox.height
                                + th + pad)
        frame = ax.transData.inverted().transform(box)
        ax.add_patch(Rectangle(tuple(frame[0]), *(frame[1] - frame[0]), facecolor=PAPER,
                               edgecolor="none", alpha=0.75, zorder=19))
        return box

    # ------------------------------------------------------------ events and labels

    def _placer(self, ax: Axes) -> _Placer:
        """Label placement inside the map frame, around the scale bar and war markers."""
        frame = ax.bbox
        placer = _Placer(frame=Bbox.from_extents(frame.x0 + 2, frame.y0 + 2, frame.x1 - 2,
                                                 frame.y1 - 2))
        placer.block(self.scale_box, MARKER_WEIGHT)
        for box in self.obstacles:
            placer.block(box, MARKER_WEIGHT / 2)
        return placer

    def _markers(self, ax: Axes, events: gpd.GeoDataFrame, placer: _Placer) -> list[_Group]:
        """Every mapped event's marker, clustered by spot; returns groups in label order."""
        geoms = _projected(self.marked).loc[events.index]
        frame_box = ax.bbox
        pad = self.inch(0.12)
        inner = Bbox.from_extents(frame_box.x0 + pad, frame_box.y0 + pad, frame_box.x1 - pad,
                                  frame_box.y1 - pad)
        marker = MARKER_PX * self.st.px_pt * self.px_per_in / 72  # marker size in px
        points = [(row, *ax.transData.transform((geom.x, geom.y)))
                  for (_, row), geom in zip(events.iterrows(), geoms.values, strict=True)]
        groups = _cluster(points, marker, inner)
        inv = ax.transData.inverted()
        for group in groups:
            for row, (px, py) in zip(group.rows, group.spots(), strict=True):
                mx, my = inv.transform((px, py))
                if row["id"] == self.view.event:
                    ax.scatter([mx], [my], s=(marker * 1.9 * 72 / self.px_per_in) ** 2,
                               facecolors="none", edgecolors=HIGHLIGHT,
                               linewidths=2.2 * self.st.px_pt, zorder=29)
                _draw_marker(ax, mx, my, row, self.st, 30, gid=f"event-{row['id']}")
            placer.block(group.box(), MARKER_WEIGHT)
        selected = self.view.event
        # the selected event first, then off-map groups (pinned to an edge), big before small
        groups.sort(key=lambda g: (not any(r["id"] == selected for r in g.rows), not g.off,
                                   -len(g.rows)))
        return groups

    def _region_labels(self, ax: Axes, placer: _Placer) -> None:
        size = self.st.font("region")
        x0, x1 = ax.get_xlim()
        y0, y1 = ax.get_ylim()
        view_box = shapely.box(x0, y0, x1, y1)
        px_per_m2 = ax.bbox.width * ax.bbox.height / view_box.area
        entries = list(self.region_labels.items())
        for i, (row_id, (text, geom, dark)) in enumerate(entries):
            visible = shapely.intersection(geom, view_box)
            above = [g for _, (_, g, _) in entries[i + 1:]]
            if above:  # e.g. Georgia's label goes where Abkhazia is not drawn over it
                visible = shapely.difference(visible, shapely.union_all(above))
            parts = [p for p in shapely.get_parts(visible) if p.geom_type == "Polygon"]
            if not parts:
                continue
            largest = max(parts, key=lambda p: p.area)
            w, h = _text_size(self.renderer, text, size, "bold")
            if largest.area * px_per_m2 < 0.5 * w * h:  # too little of it shows to name it
                continue
            anchor = polylabel(largest, tolerance=math.sqrt(largest.area) / 50)
            ax_x, ax_y = ax.transData.transform((anchor.x, anchor.y))
            candidates = [(Bbox.from_bounds(ax_x - w / 2, ax_y - h / 2, w, h), (0, 0))]
            step = self.inch(0.15)
            candidates += [(Bbox.from_bounds(ax_x - w / 2 + dx * step * r, ax_y - h / 2
                                             + dy * step * r, w, h), (dx, dy))
                           for r in (1, 2, 3) for dx, dy in _DIRECTIONS]
            box, _ = placer.place(candidates, weight=3.0)
            cx, cy = ax.transData.inverted().transform(((box.x0 + box.x1) / 2,
                                                        (box.y0 + box.y1) / 2))
            backing = ({"boxstyle": "round,pad=0.2", "facecolor": PAPER, "edgecolor": "none",
                        "alpha": 0.7} if dark else None)  # text stays text: no path effects
            ax.text(cx, cy, text, parse_math=False, fontsize=size, color="#5c4a2a",
                    ha="center", va="center", fontweight="bold", fontstyle="italic", zorder=25,
                    linespacing=1.1, gid=f"label-{row_id}", clip_on=True, bbox=backing)

    def _event_label(self, ax: Axes, placer: _Placer, group: _Group) -> None:
        """One boxed label per cluster: the place(s), then one line per event by date."""
        size = self.st.font("event")
        rows = group.rows
        places = list(dict.fromkeys(p for r in rows for p in (r["places"][:1] or ["?"])))
        header = " / ".join(shorten(str(p), MAX_NAME_CHARS) for p in places)
        if group.off:
            header = f"{_arrow(*group.direction)} {header} (off map)"
        lines = [header]
        for r in rows[:MAX_GROUP_LINES]:
            when = short_span(r["start"], r["end"], r["date_precision"])
            text = _value(r.get("label"), None) or r["title"]
            lines.append(f"{when}  {shorten(str(text), MAX_TITLE_CHARS)}")
        if len(rows) > MAX_GROUP_LINES:
            lines.append(f"+ {len(rows) - MAX_GROUP_LINES} more")
        text = "\n".join(lines)
        pad = 0.25 * size * self.px_per_in / 72
        w, h = _text_size(self.renderer, text, size)
        w, h = w + 2 * pad, h + 2 * pad
        cx, cy = group.x, group.y
        gap = group.box().width / 2 + self.inch(0.03)
        step = self.inch(0.22)
        prefer = None
        if group.off:
            prefer = (-int(np.sign(group.direction[0])), -int(np.sign(group.direction[1])))
        radii = [0, step, 2 * step, 3.5 * step, 5 * step, 7 * step, 10 * step, 14 * step]
        candidates = _candidates(cx, cy, w, h, gap, radii, prefer)
        placed, info = placer.place(candidates)
        radius = float(info)  # type: ignore[arg-type]
        inv = ax.transData.inverted()
        tx, ty = inv.transform((placed.x0 + pad, placed.y1 - pad))
        ax.text(tx, ty, text, parse_math=False, fontsize=size, color=INK, ha="left", va="top",
                zorder=40, linespacing=1.2, gid="event-label", clip_on=True,
                bbox={"boxstyle": f"square,pad={0.25}", "facecolor": PAPER,
                      "edgecolor": "#9a9a9a", "linewidth": 0.4 * self.page.scale,
                      "alpha": 0.92})
        if radius > 0:  # leader from the marker group to the nearest point of the label
            lx = min(max(cx, placed.x0), placed.x1)
            ly = min(max(cy, placed.y0), placed.y1)
            ux, uy = cx - lx, cy - ly
            dist = math.hypot(ux, uy) or 1.0
            sx, sy = cx - ux / dist * gap * 0.8, cy - uy / dist * gap * 0.8
            (ax0, ay0), (ax1, ay1) = inv.transform([(sx, sy), (lx, ly)])
            ax.add_line(Line2D([ax0, ax1], [ay0, ay1], color="#7a7a7a",
                               linewidth=0.5 * self.page.scale, zorder=39))

    # ------------------------------------------------------------ legend and inset

    def _panel(self, panel: Bbox, extent: tuple[float, float, float, float]) -> None:
        """Legends from the top, the locator inset below; the inset gives way before type."""
        preferred = min(panel.width * 0.8, panel.height * 0.35)
        smallest = panel.height * 0.2
        gap = self.inch(0.15)
        scale = 1.0
        while True:
            legends = self._legends(panel, scale)
            used = panel.y1 - min((lg.get_window_extent(self.renderer).y0 for lg in legends),
                                  default=panel.y1)
            room = panel.height - used - gap
            if room >= smallest or scale < 0.62:
                break
            for lg in legends:
                self.fig.legends.remove(lg)
            scale *= 0.92
        inset_h = min(preferred, room)
        if inset_h >= panel.height * 0.12:  # else the legends need the whole panel
            self._inset(Bbox.from_bounds(panel.x0, panel.y0, panel.width, inset_h), extent)

    def _legends(self, box: Bbox, scale: float) -> list[Legend]:
        size, title_size = self.st.font("legend") * scale, self.st.font("legend_title") * scale
        chars = max(18, int(box.width / (size * 0.55 * self.px_per_in / 72)) - 6)
        y = box.y1
        legends = []
        for block in legend_blocks(self.shown):
            handles = [self._handle(layer, entry) for layer, entry in block.rows]
            labels = [textwrap.fill(shorten(entry.label, MAX_LINE_CHARS), chars)
                      for _, entry in block.rows]
            legend = Legend(self.fig, handles, labels, loc="upper left",
                            bbox_to_anchor=(box.x0 / self.fig.bbox.width,
                                            y / self.fig.bbox.height),
                            bbox_transform=self.fig.transFigure, frameon=False,
                            fontsize=size, title=textwrap.fill(block.title, chars + 4),
                            title_fontproperties={"size": title_size, "weight": "bold"},
                            alignment="left", borderaxespad=0, borderpad=0,
                            labelspacing=0.35, handlelength=1.8, handleheight=1.0,
                            handletextpad=0.6)
            legend.set_gid(f"legend-{block.group}")
            self.fig.legends.append(legend)
            legends.append(legend)
            y = legend.get_window_extent(self.renderer).y0 - self.inch(0.12) * scale
        return legends

    def _handle(self, layer: Layer, entry: LegendEntry) -> Patch | Line2D:
        px_pt = self.st.px_pt
        if entry.kind == "fill":
            fills = layer.frame.loc[layer.frame["fill"] == entry.fill, "fill_opacity"]
            opacity = float(fills.iloc[0]) if len(fills) else 1.0
            face = ("none" if entry.fill is None else paper_colour(entry.fill, opacity)
                    if layer.spec.role == "base" else to_rgba(entry.fill, opacity))
            width = (1.2 if entry.dash else 0.6) * px_pt  # dashed: a disputed count
            return Patch(facecolor=face, edgecolor=entry.color, linewidth=width,
                         linestyle=(0, (2.5, 1.5)) if entry.dash else "solid")
        if entry.kind == "note":  # text only, e.g. "Recognitions checked to 2026-01"
            return Patch(facecolor="none", edgecolor="none")
        if entry.kind == "line":
            rows = layer.frame.loc[layer.frame["color"] == entry.color, "weight"]
            width = float(rows.iloc[0] if len(rows) else 1.5) * px_pt
            return Line2D([], [], color=entry.color, linewidth=width,
                          linestyle=_dashes(entry.dash, width, px_pt))
        symbol = style.SYMBOLS.get(entry.marker, style.SYMBOLS["circle"])
        size = MARKER_PX * px_pt * (1.35 if symbol.mpl == "*" else 1.0) * 0.8
        return Line2D([], [], linestyle="none", marker=symbol.mpl, markersize=size,
                      markerfacecolor="none" if entry.hollow else (entry.fill or entry.color),
                      markeredgecolor=entry.color if entry.hollow else PAPER,
                      markeredgewidth=(1.6 if entry.hollow else 0.6) * px_pt)

    def _inset(self, box: Bbox, extent: tuple[float, float, float, float]) -> None:
        """Locator: the world around the map, the map's extent as a red rectangle."""
        ax = self.fig.add_axes(self._fig_rect(box))
        ax.set_gid("inset")
        width = min(2 * MERCATOR_HALF, max((extent[2] - extent[0]) * 7, 4.5e6))
        height = width * box.height / box.width
        cx, cy = (extent[0] + extent[2]) / 2, (extent[1] + extent[3]) / 2
        cy = min(max(cy, -MERCATOR_HALF + height / 2), MERCATOR_HALF - height / 2)
        rect = (cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2)
        ax.set_xlim(rect[0], rect[2])
        ax.set_ylim(rect[1], rect[3])
        ax.set_facecolor(style.SEA)
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_linewidth(0.5 * self.page.scale)
            spine.set_edgecolor(MUTED_INK)
        world = _world_mercator(self.ev.root)
        clipped = shapely.clip_by_rect(world.geometry.values, *rect)
        keep = ~shapely.is_empty(clipped)
        faces = ["#c9b98a" if iso == "268" else "#e9e6df" for iso in world["iso_n3"][keep]]
        ax.add_collection(PathCollection([_polygon_path(g) for g in clipped[keep]],
                                         facecolors=faces, edgecolors="#a0a0a0",
                                         linewidths=0.2 * self.page.scale), autolim=False)
        ax.add_patch(Rectangle((extent[0], extent[1]), extent[2] - extent[0],
                               extent[3] - extent[1], facecolor="none", edgecolor="#d7301f",
                               linewidth=1.1 * self.page.scale, zorder=5))
        ax.text(0.02, 0.03, "Map extent", transform=ax.transAxes, fontsize=self.st.font(
            "scale") * 0.9, color="#d7301f", va="bottom", ha="left")


# ---------------------------------------------------------------- output


def figure_bytes(rendered: RenderedMap, fmt: Format) -> bytes:
    """The page as PNG (dpi in pHYs), SVG (text as text) or PDF (embedded TrueType)."""
    if fmt not in FORMATS:
        raise UsageError(f"unsupported image format {fmt!r}; use {', '.join(FORMATS)}")
    description = f"caucmap view: {rendered.query}"
    metadata: dict[str, str | None] = {
        "png": {"Title": rendered.title, "Description": description, "Software": "caucmap"},
        "svg": {"Title": rendered.title, "Description": description, "Date": None},
        "pdf": {"Title": rendered.title, "Subject": description, "Creator": "caucmap"},
    }[fmt]
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "pdf.fonttype": 42,
                                "svg.hashsalt": "caucmap"}):
        rendered.figure.savefig(buffer, format=fmt, dpi=rendered.page.dpi,
                                facecolor=PAPER, metadata=metadata)
    return buffer.getvalue()


def render_bytes(ev: Evidence, view: ViewState, fmt: Format, *, size: str = "A4",
                 dpi: int = 300) -> bytes:
    """Render and encode in one call (what :mod:`caucmap.export` uses)."""
    return figure_bytes(render(ev, view, size=size, dpi=dpi), fmt)
