"""Geometry to matplotlib: a layer's features, drawn from its style columns.

Every function here draws onto an axes in Web Mercator metres (EPSG:3857) and
returns what a caller needs to know of it (display boxes for label placement, the
clip box's outline), never state for a later call to pick up.
"""

from __future__ import annotations

import math
import weakref
from functools import cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.colors import to_rgba
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.transforms import Bbox

from caucmap import geodata, style
from caucmap.layers import Layer, LegendEntry
from caucmap.render_static.look import (
    INK,
    MARKER_PX,
    MERCATOR,
    MERCATOR_HALF,
    MUTED_INK,
    PAPER,
    Sheet,
    Style,
    cell,
    dashes,
    paper_colour,
    text_size,
)

_PROJECTED: weakref.WeakKeyDictionary[Layer, gpd.GeoSeries] = weakref.WeakKeyDictionary()


def projected(layer: Layer) -> gpd.GeoSeries:
    """A layer's geometry in EPSG:3857 with polygons oriented; cached per (cached) layer."""
    hit = _PROJECTED.get(layer)
    if hit is None:
        geoms = layer.frame.geometry
        hit = gpd.GeoSeries(shapely.orient_polygons(geoms.to_crs(MERCATOR).values),
                            index=geoms.index, crs=MERCATOR)
        _PROJECTED[layer] = hit
    return hit


def polygon_path(geom: shapely.Geometry) -> MplPath:
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


def line_parts(geom: shapely.Geometry) -> list[np.ndarray]:
    return [shapely.get_coordinates(p) for p in shapely.get_parts(geom)
            if p.geom_type == "LineString" and not p.is_empty]




def draw_polygons(ax: Axes, layer: Layer, geoms: gpd.GeoSeries, box: shapely.Geometry,
                   st: Style, *, on_paper: bool, zorder: float,
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
        fill, opacity = cell(row["fill"], None), float(cell(row["fill_opacity"], 1.0))
        if fill is None:
            faces.append((0, 0, 0, 0))
        elif on_paper:
            faces.append(paper_colour(str(fill), opacity))
        else:
            faces.append(to_rgba(str(fill), opacity))
        edges.append(to_rgba(str(cell(row["color"], INK)), float(cell(row["opacity"], 1.0))))
        width = float(cell(row["weight"], 1.0)) * st.px_pt
        widths.append(width)
        styles.append(dashes(row["dash"], width, st.px_pt))
        paths.append(polygon_path(clipped))
        if trim is not None:
            outlines.append(line_parts(shapely.difference(shapely.boundary(clipped), trim)))
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


def draw_lines(ax: Axes, layer: Layer, geoms: gpd.GeoSeries, box: tuple[float, ...],
                st: Style, zorder: float) -> None:
    frame = layer.frame
    segments, colours, widths, styles = [], [], [], []
    for i, geom in enumerate(geoms.values):
        if geom is None or geom.geom_type not in ("LineString", "MultiLineString"):
            continue
        row = frame.iloc[i]
        width = float(cell(row["weight"], 1.0)) * st.px_pt
        for part in line_parts(shapely.clip_by_rect(geom, *box)):
            segments.append(part)
            colours.append(to_rgba(str(cell(row["color"], INK)),
                                   float(cell(row["opacity"], 1.0))))
            widths.append(width)
            styles.append(dashes(row["dash"], width, st.px_pt))
    if segments:
        ax.add_collection(LineCollection(segments, colors=colours, linewidths=widths,
                                         linestyles=styles, zorder=zorder, capstyle="round",
                                         joinstyle="round"), autolim=False)


def draw_marker(ax: Axes, x: float, y: float, row: object, st: Style, zorder: float,
                 gid: str | None = None) -> None:
    """One styled point (data coords): shape, hollow when uncertain, faded by ``opacity``.

    Hollow outlines get a white halo underneath so they read on dark fills too.
    """
    symbol = style.SYMBOLS.get(str(cell(row["marker"], "circle")), style.SYMBOLS["circle"])
    colour = str(cell(row["color"], INK))
    fill = str(cell(row["fill"], colour))
    opacity = float(cell(row["opacity"], 1.0))
    size = (MARKER_PX * st.px_pt * (1.35 if symbol.mpl == "*" else 1.0)) ** 2
    if bool(cell(row["hollow"], False)):
        ax.scatter([x], [y], marker=symbol.mpl, s=size, facecolors="none",
                   edgecolors=[to_rgba(PAPER, 0.85)], linewidths=3.4 * st.px_pt, zorder=zorder)
        ax.scatter([x], [y], marker=symbol.mpl, s=size, facecolors="none",
                   edgecolors=[to_rgba(colour, opacity)], linewidths=1.8 * st.px_pt,
                   zorder=zorder, gid=gid)
    else:
        ax.scatter([x], [y], marker=symbol.mpl, s=size, facecolors=[to_rgba(fill, opacity)],
                   edgecolors=[to_rgba(PAPER, opacity)], linewidths=0.8 * st.px_pt,
                   zorder=zorder, gid=gid)



def frame_axes(ax: Axes, rect: tuple[float, float, float, float], edge: str,
               width: float) -> None:
    """A map frame over ``rect`` (EPSG:3857): sea underneath, no ticks, a thin outline."""
    ax.set_xlim(rect[0], rect[2])
    ax.set_ylim(rect[1], rect[3])
    ax.set_facecolor(style.SEA)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_edgecolor(edge)
        spine.set_linewidth(width)


# ---------------------------------------------------------------- the world around the map


@cache
def world_mercator(root: Path) -> gpd.GeoDataFrame:
    """World countries in EPSG:3857 (areas, cut at +-85 deg), for inset and base."""
    frame = geodata.world_polygons(root).to_crs(MERCATOR)
    frame["geometry"] = shapely.orient_polygons(frame.geometry.values)
    return frame[~frame.geometry.is_empty]


@cache
def world_beyond_regions(root: Path) -> tuple[gpd.GeoDataFrame, shapely.Geometry]:
    """:func:`caucmap.geodata.world_beyond_regions` in EPSG:3857: the low-zoom base."""
    world, box = geodata.world_beyond_regions(root)
    frame = world.to_crs(MERCATOR)
    frame["geometry"] = shapely.orient_polygons(frame.geometry.values)
    frame = frame[~frame.geometry.is_empty]
    return frame, gpd.GeoSeries([box], crs="EPSG:4326").to_crs(MERCATOR).iloc[0]


def draw_world_base(ax: Axes, root: Path, base: Layer, box: shapely.Geometry,
                    st: Style) -> shapely.Geometry | None:
    """Countries beyond the regional layers' clip box, when the view reaches past it,
    filled as the base layer fills them (Russia), muted otherwise.

    Returns the box's outline (slightly widened) for trimming polygon outlines, so
    the clip box does not show as a line; None when the view is inside the box.
    """
    world, covered = world_beyond_regions(root)
    if shapely.covers(covered, box):
        return None
    fills = {row.id: paper_colour(str(row.fill), float(row.fill_opacity))
             for row in base.frame.itertuples()}
    other = paper_colour(style.REGION_FILL["other"], 0.6)
    paths, faces = [], []
    for rid, geom in zip(world["id"], shapely.intersection(world.geometry.values, box),
                         strict=True):
        if not geom.is_empty:
            paths.append(polygon_path(geom))
            faces.append(fills.get(rid, other))
    ax.add_collection(PathCollection(paths, facecolors=faces, edgecolors="none",
                                     zorder=0.5), autolim=False)
    trim = shapely.buffer(shapely.boundary(covered), 10.0)
    edges = shapely.difference(shapely.boundary(shapely.intersection(
        world.geometry.values, box)), trim)
    ax.add_collection(LineCollection([p for g in edges for p in line_parts(g)],
                                     colors=style.MUTED_STROKE,
                                     linewidths=0.3 * st.scale, zorder=0.6),
                      autolim=False)
    return trim


def draw_points(ax: Axes, layer: Layer, geoms: gpd.GeoSeries, rect: tuple[float, ...],
                st: Style, px_per_in: float, zorder: float) -> list[Bbox]:
    """Point features of a layer whose points are not labelled (e.g. the 2008 war);
    returns their display boxes, which labels should avoid."""
    x0, y0, x1, y1 = rect
    half = MARKER_PX * st.px_pt * px_per_in / 72 / 2
    boxes = []
    for i, geom in enumerate(geoms.values):
        if geom is None or geom.geom_type != "Point":
            continue
        if not (x0 <= geom.x <= x1 and y0 <= geom.y <= y1):
            continue
        draw_marker(ax, geom.x, geom.y, layer.frame.iloc[i], st, zorder)
        px, py = ax.transData.transform((geom.x, geom.y))
        boxes.append(Bbox.from_extents(px - half, py - half, px + half, py + half))
    return boxes


def draw_scale_bar(ax: Axes, extent: tuple[float, float, float, float], sheet: Sheet) -> Bbox:
    """A km bar true at the map's centre latitude (Mercator's scale varies with it);
    returns its display box, which labels should avoid."""
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
                               linewidth=0.5 * sheet.st.scale, zorder=20))
    size = sheet.st.font("scale")
    label = f"{km:g} km (true at {abs(lat):.1f}°{'N' if lat >= 0 else 'S'})"
    ax.text(x0, y0 + 1.8 * h, label, parse_math=False, fontsize=size, color=INK,
            va="bottom", ha="left", zorder=20, gid="scalebar")
    (bx0, by0), (bx1, _) = trans.transform([(x0, y0), (x0 + length, y0)])
    tw, th = text_size(sheet.renderer, label, size)
    pad = sheet.inch(0.04)
    box = Bbox.from_extents(bx0 - pad, by0 - pad, max(bx1, bx0 + tw) + pad,
                            by0 + 2.8 * h / (extent[3] - extent[1]) * ax.bbox.height
                            + th + pad)
    frame = ax.transData.inverted().transform(box)
    ax.add_patch(Rectangle(tuple(frame[0]), *(frame[1] - frame[0]), facecolor=PAPER,
                           edgecolor="none", alpha=0.75, zorder=19))
    return box


def legend_handle(layer: Layer, entry: LegendEntry, st: Style) -> Patch | Line2D:
    """The symbol of one legend row, drawn as the layer draws it."""
    px_pt = st.px_pt
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
                      linestyle=dashes(entry.dash, width, px_pt))
    symbol = style.SYMBOLS.get(entry.marker, style.SYMBOLS["circle"])
    size = MARKER_PX * px_pt * (1.35 if symbol.mpl == "*" else 1.0) * 0.8
    return Line2D([], [], linestyle="none", marker=symbol.mpl, markersize=size,
                  markerfacecolor="none" if entry.hollow else (entry.fill or entry.color),
                  markeredgecolor=entry.color if entry.hollow else PAPER,
                  markeredgewidth=(1.6 if entry.hollow else 0.6) * px_pt)


def draw_inset(sheet: Sheet, root: Path, box: Bbox,
               extent: tuple[float, float, float, float]) -> None:
    """Locator: the world around the map, the map's extent as a red rectangle."""
    scale = sheet.st.scale
    ax = sheet.fig.add_axes(sheet.rect(box))
    ax.set_gid("inset")
    width = min(2 * MERCATOR_HALF, max((extent[2] - extent[0]) * 7, 4.5e6))
    height = width * box.height / box.width
    cx, cy = (extent[0] + extent[2]) / 2, (extent[1] + extent[3]) / 2
    cy = min(max(cy, -MERCATOR_HALF + height / 2), MERCATOR_HALF - height / 2)
    rect = (cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2)
    frame_axes(ax, rect, MUTED_INK, 0.5 * scale)
    world = world_mercator(root)
    clipped = shapely.clip_by_rect(world.geometry.values, *rect)
    keep = ~shapely.is_empty(clipped)
    faces = ["#c9b98a" if iso == "268" else "#e9e6df" for iso in world["iso_n3"][keep]]
    ax.add_collection(PathCollection([polygon_path(g) for g in clipped[keep]],
                                     facecolors=faces, edgecolors="#a0a0a0",
                                     linewidths=0.2 * scale), autolim=False)
    ax.add_patch(Rectangle((extent[0], extent[1]), extent[2] - extent[0],
                           extent[3] - extent[1], facecolor="none", edgecolor="#d7301f",
                           linewidth=1.1 * scale, zorder=5))
    ax.text(0.02, 0.03, "Map extent", transform=ax.transAxes, fontsize=sheet.st.font(
        "scale") * 0.9, color="#d7301f", va="bottom", ha="left")
