"""The context layer on a printed map: what a reader needs to find their way.

Rivers, lakes and the ranges' faint tint are drawn at the layer's place in the stack
(under the political layers) by :func:`context_shown` plus the ordinary artists; the
names, place dots and peak triangles come last (:func:`draw_context`), placed with the
map's :class:`~caucmap.render_static.labels.Placer` after every event and region label,
and a name that finds no free spot is dropped rather than drawn over anything.

Which features show follows the web map: a feature appears when its ``min_zoom`` is at
or below the export's equivalent web zoom (:func:`web_zoom`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import shapely
from matplotlib.axes import Axes
from matplotlib.colors import to_hex
from matplotlib.transforms import Bbox
from shapely.ops import polylabel

from caucmap import style
from caucmap.layers import Layer
from caucmap.render_static.artists import projected
from caucmap.render_static.labels import DIRECTIONS, Placer, candidates
from caucmap.render_static.look import (
    MAX_NAME_CHARS,
    PAPER,
    Sheet,
    cell,
    on_dark,
    paper_colour,
    text_size,
)
from caucmap.render_static.page import NOMINAL_MAP_PX
from caucmap.shorten import shorten

CSS_PX_PER_IN = 96  # a browser's pixels per inch: the web map's scale on a screen
WATER_TEXT = "#3f6f9c"  # river and lake names: the water's blue, dark enough to read
RELIEF_TEXT = "#7a6446"  # range names and peak triangles
DIVISION_TEXT = "#8a8a8a"
KIND_ORDER = {"place": 0, "range": 1, "peak": 2, "lake": 3, "river": 4, "division": 5}
RIVER_SPOTS = (0.5, 0.35, 0.65, 0.2, 0.8)  # along a river's longest visible part
BACKING_PAD = 0.15  # x type size: a name's backing on a dark fill
HELD_WEIGHT = 0.5  # a place's spot, held while region and event labels are placed


def web_zoom(view_zoom: float, frame_px: float, sheet: Sheet) -> float:
    """The web map's zoom for a frame ``frame_px`` wide showing the view's extent.

    The extent is what a ``NOMINAL_MAP_PX`` wide Leaflet map shows at ``view_zoom``; a
    map as wide as the frame on an A4 page, in a browser's pixels, shows it at this
    zoom (type scales with the page, so a page of any size reads like A4).
    """
    css_px = frame_px / (sheet.st.scale * sheet.px_per_in) * CSS_PX_PER_IN
    return view_zoom + math.log2(css_px / NOMINAL_MAP_PX)


def context_shown(layer: Layer, zoom: float) -> Layer:
    """The features the web map shows at ``zoom`` (snapped to a whole level, as Leaflet
    does), as a layer of their own."""
    keep = layer.frame["min_zoom"].astype(float) <= math.floor(zoom + 0.5)
    return replace(layer, frame=layer.frame[keep.to_numpy()])


@dataclass(frozen=True)
class Look:
    """How one kind of name is set: type size (A4 points), colour, style, letter case."""

    size: float
    colour: str
    italic: bool = False
    spaced: bool = False  # upper case, letter-spaced (ranges and divisions)
    weight: str = "normal"


def _look(kind: str, rank: int) -> Look:
    if kind == "place":
        return Look(7.4 if rank <= 1 else 6.6 if rank <= 3 else 6.0, style.CONTEXT_INK,
                    weight="bold" if rank <= 1 else "normal")
    if kind == "range":
        return Look(7.0, RELIEF_TEXT, italic=True, spaced=True)
    if kind == "division":
        return Look(5.6, DIVISION_TEXT, spaced=True)
    if kind in ("river", "lake"):
        return Look(6.0, WATER_TEXT, italic=True)
    return Look(5.8, RELIEF_TEXT)  # peaks


def spaced(text: str) -> str:
    """Upper case with a space between letters and three between words, as maps set
    names that span an area."""
    return "   ".join(" ".join(word.upper()) for word in text.split())


def hold_symbols(ax: Axes, sheet: Sheet, placer: Placer, layer: Layer) -> list[Bbox]:
    """Block the spots of the shown places and peaks, lightly, so that region and
    event labels placed before the context keep off them where they can (a region's
    name moves off Java rather than hide it); :func:`draw_context` frees them again."""
    frame = layer.frame
    points = frame.geometry.geom_type.eq("Point").to_numpy() & frame["kind"].isin(
        ["place", "peak"]).to_numpy()
    held = []
    for kind, geom in zip(frame["kind"][points], projected(layer)[points], strict=True):
        x, y = ax.transData.transform((geom.x, geom.y))
        r = _symbol_radius(sheet, str(kind))
        box = Bbox.from_extents(x - r, y - r, x + r, y + r)
        if placer.frame.contains(x, y):
            placer.block(box, HELD_WEIGHT)
            held.append(box)
    return held


def draw_context(ax: Axes, sheet: Sheet, placer: Placer, layer: Layer,
                 markers: Sequence[Bbox], areas: Sequence[Layer],
                 held: Sequence[Bbox] = ()) -> int:
    """Names, place dots and peak triangles of the shown context, lowest priority first
    placed last: a name without a free spot is left out. Returns how many were drawn.

    ``markers`` are the event and war symbols' boxes: a place under one is marked by
    it already (no dot) and still named beside it; a place under a label is left out.
    ``areas`` are the layers whose fills a name may sit on (a dark one gets a backing);
    ``held`` the spots :func:`hold_symbols` kept, freed here.
    """
    placer.unblock(held)
    frame = layer.frame
    if not len(frame):
        return 0
    rows = frame.drop(columns=frame.geometry.name).to_dict("records")
    geoms = projected(layer).to_numpy()
    order = sorted(range(len(rows)), key=lambda i: (
        int(rows[i]["rank"]), KIND_ORDER.get(str(rows[i]["kind"]), 9), i))
    view = _view_box(ax)
    symbols: dict[str, list[tuple[float, float]]] = {"place": [], "peak": []}
    drawn = 0
    for i in order:
        row, geom = rows[i], geoms[i]
        text = str(cell(row["label"], ""))
        if not text or geom is None:
            continue
        kind = str(row["kind"])
        look = _look(kind, int(row["rank"]))
        shown = shorten(spaced(text) if look.spaced else text, MAX_NAME_CHARS * 2)
        size = look.size * sheet.st.scale
        w, h = text_size(sheet.renderer, shown, size, look.weight)
        pad = BACKING_PAD * size * sheet.px_per_in / 72  # room for a backing, and air
        w, h = w + 2 * pad, h + 2 * pad
        if kind == "river" and geom.geom_type != "Point":
            spot = _river_spot(ax, placer, geom, view, w, h)
            if spot is None:
                continue
            (x, y), angle, box = spot
        elif geom.geom_type in ("Polygon", "MultiPolygon"):
            anchor = _area_anchor(ax, geom, view, w, h)
            if anchor is None:
                continue
            step = sheet.inch(0.15)
            box = _free([(Bbox.from_bounds(anchor[0] + dx * step * r - w / 2,
                                           anchor[1] + dy * step * r - h / 2, w, h), None)
                         for r in (0, 1, 2) for dx, dy in DIRECTIONS], placer)
            if box is None:
                continue
            x, y = (box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2
            angle = 0.0
        else:
            placed = _point_spot(sheet, placer, kind, ax.transData.transform((geom.x, geom.y)),
                                 w, h, markers)
            if placed is None:
                continue
            (x, y), box, symbol = placed
            if symbol is not None:
                symbols["peak" if kind == "peak" else "place"].append(symbol)
            angle = 0.0
        placer.block(box)
        backing = None
        if on_dark(_ground(ax, (x, y), areas)):
            backing = {"boxstyle": f"round,pad={BACKING_PAD}", "facecolor": PAPER,
                       "edgecolor": "none", "alpha": 0.7}
        dx, dy = ax.transData.inverted().transform((x, y))
        ax.text(dx, dy, shown, parse_math=False, fontsize=size, color=look.colour,
                fontstyle="italic" if look.italic else "normal", fontweight=look.weight,
                ha="center", va="center", rotation=angle, rotation_mode="anchor",
                zorder=23, clip_on=True, gid=f"context-{row['id']}", bbox=backing)
        drawn += 1
    _draw_symbols(ax, sheet, symbols)
    return drawn


def _view_box(ax: Axes) -> shapely.Geometry:
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    return shapely.box(x0, y0, x1, y1)


def _free(options: Sequence[tuple[Bbox, object]], placer: Placer) -> Bbox | None:
    """The first free box of ``options`` (not blocked yet), or None."""
    return next((box for box, _ in options if placer.free(box)), None)


def _point_spot(sheet: Sheet, placer: Placer, kind: str, xy: Sequence[float], w: float,
                h: float, markers: Sequence[Bbox]
                ) -> tuple[tuple[float, float], Bbox, tuple[float, float] | None] | None:
    """Where the name of a point feature goes: centre and box of a free label beside
    its symbol, and the symbol's display spot (None when an event or war symbol marks
    the place already); None when it has no room."""
    x, y = float(xy[0]), float(xy[1])
    if kind in ("division", "river", "lake", "range"):  # a name standing for an area
        box = _free([(Bbox.from_bounds(x - w / 2, y - h / 2, w, h), None)], placer)
        if box is None:
            return None
        return ((box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2), box, None
    r = _symbol_radius(sheet, kind)
    dot = Bbox.from_extents(x - r, y - r, x + r, y + r)
    marked = any(dot.overlaps(m) for m in markers)
    if not marked and not placer.free(dot):
        return None  # under a label: neither the dot nor its name
    radii = [0, sheet.inch(0.06), sheet.inch(0.14)]  # beside it, else a little off
    label = _free(candidates(x, y, w, h, r + sheet.inch(0.02), radii), placer)
    if label is None:
        return None
    if not marked:
        placer.block(dot)
    return ((label.x0 + label.x1) / 2, (label.y0 + label.y1) / 2), label, (
        None if marked else (x, y))


def _symbol_radius(sheet: Sheet, kind: str) -> float:
    return sheet.inch(0.03 if kind == "peak" else 0.025)


def _draw_symbols(ax: Axes, sheet: Sheet, symbols: dict[str, list[tuple[float, float]]]
                  ) -> None:
    """Place dots and peak triangles, one collection each."""
    pt = 72 / sheet.px_per_in
    looks = {"place": ("o", 2.0, style.CONTEXT_INK, PAPER),
             "peak": ("^", 2.4, RELIEF_TEXT, "none")}
    for kind, spots in symbols.items():
        if not spots:
            continue
        marker, across, face, edge = looks[kind]
        data = ax.transData.inverted().transform(spots)
        ax.scatter(data[:, 0], data[:, 1], marker=marker,
                   s=(across * _symbol_radius(sheet, kind) * pt) ** 2, facecolors=face,
                   edgecolors=edge, linewidths=0.3 * sheet.st.scale, zorder=22,
                   gid=f"context-{kind}-symbols")


def _area_anchor(ax: Axes, geom: shapely.Geometry, view: shapely.Geometry, w: float,
                 h: float) -> tuple[float, float] | None:
    """Display point inside the visible part of an area (a range, a lake) where its name
    goes; None when too little of it shows to carry the name."""
    visible = shapely.intersection(geom, view)
    parts = [p for p in shapely.get_parts(visible) if p.geom_type == "Polygon"]
    if not parts:
        return None
    largest = max(parts, key=lambda p: p.area)
    px_per_m2 = ax.bbox.width * ax.bbox.height / view.area
    if largest.area * px_per_m2 < 0.4 * w * h:
        return None
    anchor = polylabel(largest, tolerance=math.sqrt(largest.area) / 50)
    x, y = ax.transData.transform((anchor.x, anchor.y))
    return float(x), float(y)


def _river_spot(ax: Axes, placer: Placer, geom: shapely.Geometry, view: shapely.Geometry,
                w: float, h: float) -> tuple[tuple[float, float], float, Bbox] | None:
    """Centre, angle and box of a river's name set along its longest visible stretch,
    just beside the line; None when no stretch is long enough or none is free."""
    parts = [p for p in shapely.get_parts(shapely.intersection(geom, view))
             if p.geom_type == "LineString"]
    if not parts:
        return None
    line = max(parts, key=lambda p: p.length)
    xy = ax.transData.transform(shapely.get_coordinates(line))
    display = shapely.LineString(xy)
    if display.length < 1.4 * w:
        return None
    for fraction in RIVER_SPOTS:
        at = fraction * display.length
        if at < w / 2 or display.length - at < w / 2:
            continue
        a, b = display.interpolate(at - w / 2), display.interpolate(at + w / 2)
        angle = math.degrees(math.atan2(b.y - a.y, b.x - a.x))
        if angle > 90:
            angle -= 180
        elif angle < -90:
            angle += 180
        mid = display.interpolate(at)
        normal = np.radians(angle + 90)
        cx, cy = mid.x + math.cos(normal) * h * 0.75, mid.y + math.sin(normal) * h * 0.75
        rad = math.radians(angle)
        bw = abs(w * math.cos(rad)) + abs(h * math.sin(rad))
        bh = abs(w * math.sin(rad)) + abs(h * math.cos(rad))
        box = Bbox.from_bounds(cx - bw / 2, cy - bh / 2, bw, bh)
        if placer.free(box):
            return (cx, cy), angle, box
    return None


def _ground(ax: Axes, xy: tuple[float, float], areas: Sequence[Layer]) -> tuple[float, ...]:
    """The colour a name at display ``xy`` sits on: the area fills under it, composited
    bottom up over the paper."""
    point = shapely.Point(ax.transData.inverted().transform(xy))
    under = paper_colour(PAPER, 1.0)
    for layer in areas:
        geoms = projected(layer)
        hits = np.flatnonzero(shapely.contains(geoms.values, point))
        for i in hits:
            row = layer.frame.iloc[int(i)]
            fill = cell(row["fill"], None)
            if fill is not None:
                under = paper_colour(str(fill), float(cell(row["fill_opacity"], 1.0)),
                                     under=to_hex(under))
    return under
