"""Where labels go on a printed map: greedy placement, marker clusters, edge pins.

Placement works in display pixels on :class:`matplotlib.transforms.Bbox` boxes, so it
can be tested without drawing. A label takes the first free candidate box; when none
is free the least bad one (covering a marker costs ``MARKER_WEIGHT`` times covering a
label) and the miss is counted. Events at one spot share a ring of markers (a spiral
past ``RING_MAX``) and one label; events off the frame are pinned to its edge with an
arrow towards them. The ``draw_*`` functions put the results on the map.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations

import geopandas as gpd
import numpy as np
import shapely
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.transforms import Bbox
from shapely.ops import polylabel

from caucmap.dates import short_span
from caucmap.layers import Layer
from caucmap.render_static.artists import draw_marker, projected
from caucmap.render_static.look import (
    HIGHLIGHT,
    INK,
    MARKER_PX,
    MAX_NAME_CHARS,
    PAPER,
    Sheet,
    cell,
    text_size,
)
from caucmap.shorten import shorten

MAX_GROUP_LINES = 4
MAX_TITLE_CHARS = 40  # an event's title in a map label
RING_MAX = 8  # clusters up to this size are a ring, bigger ones a spiral
SPIRAL_SPACING = 0.68  # x marker size: about one marker between spiral neighbours
MARKER_WEIGHT = 25.0  # label placement: covering a marker is this much worse than a label

# a region's name, its geometry (EPSG:3857) and whether its fill is dark, by feature id
RegionLabels = dict[str, tuple[str, shapely.Geometry, bool]]


@dataclass
class Placer:
    """Greedy label placement in display space: the first free candidate wins.

    When none is free the least bad one is taken (counted in ``overlaps``): covering
    a marker costs far more than covering another label, leaving the frame most.
    """

    frame: Bbox
    taken: list[tuple[Bbox, float]] = field(default_factory=list)  # (box, cost weight)
    overlaps: int = 0

    def block(self, box: Bbox, weight: float = 1.0) -> None:
        self.taken.append((box, weight))

    def unblock(self, boxes: Sequence[Bbox]) -> None:
        """Free boxes blocked earlier (these very objects), e.g. spots held for a while."""
        held = {id(box) for box in boxes}
        self.taken = [(t, w) for t, w in self.taken if id(t) not in held]

    def free(self, box: Bbox) -> bool:
        inside = (box.x0 >= self.frame.x0 and box.x1 <= self.frame.x1
                  and box.y0 >= self.frame.y0 and box.y1 <= self.frame.y1)
        return inside and not any(box.overlaps(t) for t, _ in self.taken)

    def cost(self, box: Bbox) -> float:
        covered = sum(w * intersection_area(box, t) for t, w in self.taken)
        outside = box.width * box.height - intersection_area(box, self.frame)
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


def intersection_area(a: Bbox, b: Bbox) -> float:
    return (max(0.0, min(a.x1, b.x1) - max(a.x0, b.x0))
            * max(0.0, min(a.y1, b.y1) - max(a.y0, b.y0)))


DIRECTIONS = [(1, 0), (1, 1), (1, -1), (-1, 0), (-1, 1), (-1, -1), (0, 1), (0, -1)]


def candidates(x: float, y: float, w: float, h: float, gap: float, radii: Iterable[float],
                prefer: tuple[int, int] | None = None) -> list[tuple[Bbox, object]]:
    """Label boxes of size w x h around (x, y): 8 directions at each radius (display px)."""
    out: list[tuple[Bbox, object]] = []
    directions = list(DIRECTIONS)
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
class Group:
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


def cluster(points: Sequence[tuple[object, float, float]], marker: float,
             inner: Bbox) -> list[Group]:
    """Group event markers whose clusters would touch; off-frame ones pinned to the edge.

    Markers that would overlap are spread on a ring (like a map's "spiderfy") so each
    event's symbol stays visible; touching rings merge into one around their centre.
    """
    groups: list[Group] = []
    for row, x, y in points:
        cx, cy = min(max(x, inner.x0), inner.x1), min(max(y, inner.y0), inner.y1)
        off = (cx, cy) != (x, y)
        group = Group(cx, cy, off, (x - cx, y - cy), marker, [row], 1)
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


def arrow(dx: float, dy: float) -> str:
    angle = math.degrees(math.atan2(dy, dx)) % 360
    return "→↗↑↖←↙↓↘"[round(angle / 45) % 8]



# ---------------------------------------------------------------- on the map


def frame_placer(ax: Axes, scale_box: Bbox, obstacles: Sequence[Bbox]) -> Placer:
    """Label placement inside the map frame, around the scale bar and unlabelled markers."""
    frame = ax.bbox
    placer = Placer(frame=Bbox.from_extents(frame.x0 + 2, frame.y0 + 2, frame.x1 - 2,
                                            frame.y1 - 2))
    placer.block(scale_box, MARKER_WEIGHT)
    for box in obstacles:
        placer.block(box, MARKER_WEIGHT / 2)
    return placer


def draw_labelled_points(ax: Axes, sheet: Sheet, mapped: Sequence[tuple[Layer, gpd.GeoDataFrame]],
                         placer: Placer, selected: str | None) -> list[Group]:
    """Every mapped point of the labelled layers (the events), clustered by spot; the
    selected one ringed. Returns the groups in label order."""
    frame_box = ax.bbox
    pad = sheet.inch(0.12)
    inner = Bbox.from_extents(frame_box.x0 + pad, frame_box.y0 + pad, frame_box.x1 - pad,
                              frame_box.y1 - pad)
    st = sheet.st
    marker = MARKER_PX * st.px_pt * sheet.px_per_in / 72  # marker size in px
    points = [(row, *ax.transData.transform((geom.x, geom.y)))
              for layer, rows in mapped
              for (_, row), geom in zip(rows.iterrows(), projected(layer).loc[rows.index].values,
                                        strict=True)]
    groups = cluster(points, marker, inner)
    inv = ax.transData.inverted()
    for group in groups:
        for row, (px, py) in zip(group.rows, group.spots(), strict=True):
            mx, my = inv.transform((px, py))
            if row["id"] == selected:
                ax.scatter([mx], [my], s=(marker * 1.9 * 72 / sheet.px_per_in) ** 2,
                           facecolors="none", edgecolors=HIGHLIGHT,
                           linewidths=2.2 * st.px_pt, zorder=29)
            draw_marker(ax, mx, my, row, st, 30, gid=f"event-{row['id']}")
        placer.block(group.box(), MARKER_WEIGHT)
    # the selected event first, then off-map groups (pinned to an edge), big before small
    groups.sort(key=lambda g: (not any(r["id"] == selected for r in g.rows), not g.off,
                               -len(g.rows)))
    return groups


def draw_region_labels(ax: Axes, sheet: Sheet, placer: Placer, labels: RegionLabels) -> None:
    """Each region's name where enough of it shows, clear of what is placed already."""
    size = sheet.st.font("region")
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    view_box = shapely.box(x0, y0, x1, y1)
    px_per_m2 = ax.bbox.width * ax.bbox.height / view_box.area
    entries = list(labels.items())
    for i, (row_id, (text, geom, dark)) in enumerate(entries):
        visible = shapely.intersection(geom, view_box)
        above = [g for _, (_, g, _) in entries[i + 1:]]
        if above:  # e.g. Georgia's label goes where Abkhazia is not drawn over it
            visible = shapely.difference(visible, shapely.union_all(above))
        parts = [p for p in shapely.get_parts(visible) if p.geom_type == "Polygon"]
        if not parts:
            continue
        largest = max(parts, key=lambda p: p.area)
        w, h = text_size(sheet.renderer, text, size, "bold")
        if largest.area * px_per_m2 < 0.5 * w * h:  # too little of it shows to name it
            continue
        anchor = polylabel(largest, tolerance=math.sqrt(largest.area) / 50)
        ax_x, ax_y = ax.transData.transform((anchor.x, anchor.y))
        boxes = [(Bbox.from_bounds(ax_x - w / 2, ax_y - h / 2, w, h), (0, 0))]
        step = sheet.inch(0.15)
        boxes += [(Bbox.from_bounds(ax_x - w / 2 + dx * step * r, ax_y - h / 2
                                    + dy * step * r, w, h), (dx, dy))
                  for r in (1, 2, 3) for dx, dy in DIRECTIONS]
        box, _ = placer.place(boxes, weight=3.0)
        cx, cy = ax.transData.inverted().transform(((box.x0 + box.x1) / 2,
                                                    (box.y0 + box.y1) / 2))
        backing = ({"boxstyle": "round,pad=0.2", "facecolor": PAPER, "edgecolor": "none",
                    "alpha": 0.7} if dark else None)  # text stays text: no path effects
        ax.text(cx, cy, text, parse_math=False, fontsize=size, color="#5c4a2a",
                ha="center", va="center", fontweight="bold", fontstyle="italic", zorder=25,
                linespacing=1.1, gid=f"label-{row_id}", clip_on=True, bbox=backing)


def draw_group_label(ax: Axes, sheet: Sheet, placer: Placer, group: Group) -> None:
    """One boxed label per cluster: the place(s), then one line per event by date."""
    size = sheet.st.font("event")
    rows = group.rows
    places = list(dict.fromkeys(p for r in rows for p in (r["places"][:1] or ["?"])))
    header = " / ".join(shorten(str(p), MAX_NAME_CHARS) for p in places)
    if group.off:
        header = f"{arrow(*group.direction)} {header} (off map)"
    lines = [header]
    for r in rows[:MAX_GROUP_LINES]:
        when = short_span(r["start"], r["end"], r["date_precision"])
        text = cell(r.get("label"), None) or r["title"]
        lines.append(f"{when}  {shorten(str(text), MAX_TITLE_CHARS)}")
    if len(rows) > MAX_GROUP_LINES:
        lines.append(f"+ {len(rows) - MAX_GROUP_LINES} more")
    text = "\n".join(lines)
    pad = 0.25 * size * sheet.px_per_in / 72
    w, h = text_size(sheet.renderer, text, size)
    w, h = w + 2 * pad, h + 2 * pad
    cx, cy = group.x, group.y
    gap = group.box().width / 2 + sheet.inch(0.03)
    step = sheet.inch(0.22)
    prefer = None
    if group.off:
        prefer = (-int(np.sign(group.direction[0])), -int(np.sign(group.direction[1])))
    radii = [0, step, 2 * step, 3.5 * step, 5 * step, 7 * step, 10 * step, 14 * step]
    placed, info = placer.place(candidates(cx, cy, w, h, gap, radii, prefer))
    radius = float(info)  # type: ignore[arg-type]
    inv = ax.transData.inverted()
    tx, ty = inv.transform((placed.x0 + pad, placed.y1 - pad))
    ax.text(tx, ty, text, parse_math=False, fontsize=size, color=INK, ha="left", va="top",
            zorder=40, linespacing=1.2, gid="event-label", clip_on=True,
            bbox={"boxstyle": f"square,pad={0.25}", "facecolor": PAPER,
                  "edgecolor": "#9a9a9a", "linewidth": 0.4 * sheet.st.scale,
                  "alpha": 0.92})
    if radius > 0:  # leader from the marker group to the nearest point of the label
        lx = min(max(cx, placed.x0), placed.x1)
        ly = min(max(cy, placed.y0), placed.y1)
        ux, uy = cx - lx, cy - ly
        dist = math.hypot(ux, uy) or 1.0
        sx, sy = cx - ux / dist * gap * 0.8, cy - uy / dist * gap * 0.8
        (ax0, ay0), (ax1, ay1) = inv.transform([(sx, sy), (lx, ly)])
        ax.add_line(Line2D([ax0, ax1], [ay0, ay1], color="#7a7a7a",
                           linewidth=0.5 * sheet.st.scale, zorder=39))
