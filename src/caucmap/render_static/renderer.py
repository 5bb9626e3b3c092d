"""The briefing page, composed: header, map, labels, legends and inset, footer.

Each step takes what it needs and returns what the next one needs (the map returns
its region labels and the boxes labels must avoid; the placer is built from them),
so the order of the steps is visible in :func:`render` and nothing is handed over
through attributes set on the way.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal
from xml.sax.saxutils import escape as xml_escape

import geopandas as gpd
import matplotlib
import shapely
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.transforms import Bbox

from caucmap import style
from caucmap.dates import format_date, short_day
from caucmap.errors import UsageError
from caucmap.evidence import Evidence
from caucmap.layers import Layer, build_layers, legend_blocks
from caucmap.naming import NAMING_LABELS, place_name
from caucmap.render_static.artists import (
    draw_inset,
    draw_lines,
    draw_points,
    draw_polygons,
    draw_scale_bar,
    draw_world_base,
    frame_axes,
    legend_handle,
    projected,
)
from caucmap.render_static.context import (
    context_shown,
    draw_context,
    hold_symbols,
    web_zoom,
)
from caucmap.render_static.labels import (
    RegionLabels,
    draw_group_label,
    draw_labelled_points,
    draw_region_labels,
    frame_placer,
)
from caucmap.render_static.look import (
    INK,
    MAX_LINE_CHARS,
    MAX_NAME_CHARS,
    MUTED_INK,
    PAPER,
    Sheet,
    Style,
    cell,
    on_dark,
    paper_colour,
    text_size,
    to_mercator,
    wrap_items,
)
from caucmap.render_static.page import Page, parse_size, view_extent
from caucmap.shorten import shorten
from caucmap.viewstate import WORLDVIEW_LABELS, ViewState

Format = Literal["png", "svg", "pdf"]
FORMATS: tuple[Format, ...] = ("png", "svg", "pdf")
MAX_FOOTER_LINES = 6
STAMP_SCALE = 2.0  # an animation frame's period, in title sizes
ENDORSEMENT_NOTE = "Boundaries are shown for reference and do not imply endorsement."
Extent = tuple[float, float, float, float]
Mapped = list[tuple[Layer, gpd.GeoDataFrame]]  # a labelled layer and its rows with a place


@dataclass
class RenderedMap:
    """A rendered figure plus what a test or caller needs to check it."""

    figure: Figure
    page: Page
    extent: Extent  # EPSG:3857 xmin, ymin, xmax, ymax
    events: tuple[str, ...]  # ids of the events drawn
    off_map: tuple[str, ...]  # drawn at the frame's edge, outside the extent
    unmapped: tuple[str, ...]  # in the events layer but without a place: not drawn
    sources: tuple[tuple[str, date], ...]  # (outlet, publication date) in footer order
    title: str
    subtitle: str
    query: str  # the view as app URL query parameters
    alt_text: str  # the map described in words: the files' metadata
    label_overlaps: int
    map_axes: Axes

    def to_pixel(self, lon: float, lat: float) -> tuple[float, float]:
        """Image pixel (x right, y down from the top left) of a lon/lat in the main map."""
        x, y = to_mercator().transform(lon, lat)
        dx, dy = self.map_axes.transData.transform((x, y))
        return float(dx), float(self.figure.bbox.height - dy)


@dataclass(frozen=True)
class MapDrawn:
    """What drawing the layers leaves for label placement."""

    region_labels: RegionLabels
    scale_box: Bbox  # display px
    obstacles: list[Bbox]  # unlabelled markers (display px)
    context: Layer | None  # the context features this page's zoom shows, named last


def render(ev: Evidence, view: ViewState, *, size: str = "A4", dpi: int = 300,
           stamp: str | None = None) -> RenderedMap:
    """Draw ``view`` as a briefing page (see :mod:`caucmap.render_static` for conventions).

    ``stamp`` (an animation frame's period) is written large at the header's top right.
    """
    page = parse_size(size, dpi)
    layers = build_layers(ev, view)
    base = next(v for v in layers.values() if v.spec.role == "base")
    marked = [v for v in layers.values() if v.spec.labels]  # their points are labelled
    # legends and attributions only for layers with something on the page
    shown = {k: v for k, v in layers.items() if v.spec.role == "base" or len(v.frame)}
    fig = Figure(figsize=(page.width_in, page.height_in), dpi=page.dpi, facecolor=PAPER)
    FigureCanvasAgg(fig)
    sheet = Sheet(fig, fig.canvas.get_renderer(), Style(page.scale), float(page.dpi))

    width = fig.bbox.width
    margin = sheet.inch(0.3)
    title, subtitle, top = _header(sheet, ev, view, base, marked, margin, stamp)
    mapped: Mapped = [(layer, layer.frame[layer.frame.geometry.notna()]) for layer in marked]
    unmapped = tuple(i for layer in marked
                     for i in layer.frame.loc[layer.frame.geometry.isna(), "id"])
    sources = _sources([rows for _, rows in mapped])
    footer_top = _footer(sheet, view, shown, margin, sources, bool(marked), len(unmapped))
    panel_w = sheet.inch(2.55)
    gap = sheet.inch(0.18)
    map_box = Bbox.from_extents(margin, footer_top + gap, width - margin - panel_w - gap,
                                top - gap)
    ax = fig.add_axes(sheet.rect(map_box))
    extent = view_extent(view, map_box.width / map_box.height)
    zoom = web_zoom(view.zoom, map_box.width, sheet)
    drawn = _draw_map(sheet, ax, ev, layers, base, extent, zoom)
    placer = frame_placer(ax, drawn.scale_box, drawn.obstacles)
    groups = draw_labelled_points(ax, sheet, mapped, placer, view.event)
    held = hold_symbols(ax, sheet, placer, drawn.context) if drawn.context else []
    draw_region_labels(ax, sheet, placer, drawn.region_labels)
    for group in groups:
        draw_group_label(ax, sheet, placer, group)
    if drawn.context is not None:  # lowest priority: names that find no room are left out
        areas = [layer for layer in layers.values() if layer.spec.role != "guide"]
        draw_context(ax, sheet, placer, drawn.context,
                     [g.box() for g in groups] + drawn.obstacles, areas, held)
    panel = Bbox.from_extents(width - margin - panel_w, map_box.y0, width - margin,
                              map_box.y1)
    _panel(sheet, ev, shown, panel, extent)
    return RenderedMap(
        figure=fig, page=page, extent=extent,
        events=tuple(row["id"] for g in groups for row in g.rows),
        off_map=tuple(row["id"] for g in groups if g.off for row in g.rows),
        unmapped=unmapped, sources=tuple((outlet, day) for outlet, day, _ in sources),
        title=title, subtitle=subtitle, query=_view_query(view),
        alt_text=_alt_text(title, view_parts(ev, view, marked), shown,
                           sum(len(g.rows) for g in groups), len(unmapped), _view_query(view)),
        label_overlaps=placer.overlaps, map_axes=ax,
    )


# ---------------------------------------------------------------- header and footer


def _title(view: ViewState, base: Layer, marked: Sequence[Layer]) -> str:
    frame = base.frame  # the world's countries have no region ids: the default names
    names = {i: shorten(n, MAX_NAME_CHARS) for i, n in
             zip(frame["id"], frame["name"], strict=True)} if "id" in frame else {}
    where = f"{names.get('ABK', 'Abkhazia')} and {names.get('SOS', 'South Ossetia')}"
    span = f"{short_day(view.start)} - {short_day(view.end)}"
    return f"{where}: events {span}" if marked else f"{where}, {span}"


def _sources(frames: Sequence[gpd.GeoDataFrame]) -> list[tuple[str, date, str]]:
    """(outlet, published, shown date) of every source the events cite, by date.

    One entry per source; two sources of one outlet on one day read the same and are
    listed once.
    """
    seen: dict[str, tuple[str, date, str]] = {}
    for frame in frames:
        for citations in frame["citations"]:
            for c in citations or []:
                shown = format_date(c["published"], c["published_precision"], short=True)
                seen.setdefault(c["source"], (c["outlet"], c["published"], shown))
    return sorted(set(seen.values()), key=lambda s: (s[1], s[0].lower()))


def _view_query(view: ViewState) -> str:
    query = view.to_query()
    return "&".join(f"{k}={v}" for k, v in query.items()) or "default"


def _header(sheet: Sheet, ev: Evidence, view: ViewState, base: Layer,
            marked: Sequence[Layer], margin: float, stamp: str | None = None
            ) -> tuple[str, str, float]:
    """Title and subtitle from the top (beside the stamp, if any); returns them and the
    top left for the map."""
    fig, renderer = sheet.fig, sheet.renderer
    width, top = fig.bbox.width - 2 * margin, fig.bbox.height - margin
    stamp_bottom = top
    if stamp:  # never over the map, where it could hide a label
        size = sheet.st.font("title") * STAMP_SCALE
        while text_size(renderer, stamp, size, "bold")[0] > width * 0.4 and size > 8:
            size *= 0.92
        stamp_w, stamp_h = text_size(renderer, stamp, size, "bold")
        sheet.text(fig.bbox.width - margin, top, stamp, fontsize=size, fontweight="bold",
                   color=INK, ha="right", va="top", gid="stamp")
        width -= stamp_w + sheet.inch(0.2)
        stamp_bottom = top - stamp_h
    title = _title(view, base, marked)
    size = sheet.st.font("title")
    while text_size(renderer, title, size, "bold")[0] > width and size > 8:
        size *= 0.92
    sheet.text(margin, top, title, fontsize=size, fontweight="bold", color=INK, va="top",
               gid="title")
    top -= text_size(renderer, title, size, "bold")[1] + sheet.inch(0.02)
    parts = view_parts(ev, view, marked)
    sub = sheet.st.font("subtitle")
    subtitle = "\n".join(wrap_items(renderer, parts, "  ·  ", sub, width))
    sheet.text(margin, top, subtitle, fontsize=sub, color=MUTED_INK, va="top",
               gid="subtitle", linespacing=1.2)
    top -= text_size(renderer, subtitle, sub)[1]
    return title, subtitle, min(top, stamp_bottom)


def view_parts(ev: Evidence, view: ViewState, marked: Sequence[Layer]) -> list[str]:
    """The subtitle's parts: dates, worldview, naming, filters and the selected event."""
    parts = [f"{short_day(view.start)} - {short_day(view.end)}",
             "Worldview: " + ev.localise(WORLDVIEW_LABELS[view.worldview], view.naming),
             f"Place names: {NAMING_LABELS[view.naming]}"]
    if view.filters.active():
        names = {c.value: label for c, label in style.CATEGORY_LABELS.items()}
        names |= {a.id: a.name for a in ev.actors.values()}
        names |= {p.id: place_name(p, view.naming) for p in ev.places.values()}
        parts.append(f"Events filtered: {view.filters.describe(names)}")
    chosen = [t for layer in marked for t in layer.frame.loc[layer.frame["id"] == view.event,
                                                               "title"]] if view.event else []
    if chosen:
        parts.append(f"Selected: {shorten(chosen[0], 60)}")
    return [shorten(part, MAX_LINE_CHARS) for part in parts]


def _alt_text(title: str, parts: Sequence[str], shown: Mapping[str, Layer], events: int,
              unmapped: int, query: str) -> str:
    """A text alternative of the map for a reader who cannot see it: what it is, for
    when, from which worldview, with which filters, what is drawn."""
    layers = ", ".join(layer.title for layer in shown.values())
    counted = f"{events} event(s) marked" + (f", {unmapped} without a place not drawn"
                                             if unmapped else "")
    return (f"Map: {title}. " + ". ".join(parts) + f". Layers: {layers}. {counted}. "
            f"View: {query}.")


def view_description(ev: Evidence, view: ViewState) -> str:
    """The text alternative of ``view`` without drawing it (the HTML export's)."""
    layers = build_layers(ev, view)
    base = next(v for v in layers.values() if v.spec.role == "base")
    marked = [v for v in layers.values() if v.spec.labels]
    shown = {k: v for k, v in layers.items() if v.spec.role == "base" or len(v.frame)}
    events = sum(int(layer.frame.geometry.notna().sum()) for layer in marked)
    unmapped = sum(int(layer.frame.geometry.isna().sum()) for layer in marked)
    return _alt_text(_title(view, base, marked), view_parts(ev, view, marked), shown, events,
                     unmapped, _view_query(view))


def _footer(sheet: Sheet, view: ViewState, shown: Mapping[str, Layer], margin: float,
            sources: list[tuple[str, date, str]], labelled: bool, unmapped: int) -> float:
    """Attribution and sources, bottom up; returns the footer's top (figure px)."""
    renderer = sheet.renderer
    width = sheet.fig.bbox.width - 2 * margin
    size = sheet.st.font("footer")
    notes = list(dict.fromkeys(layer.attribution for layer in shown.values()))
    if not any("endorse" in n for n in notes):
        notes.append(ENDORSEMENT_NOTE)
    if unmapped:
        notes.append(f"{unmapped} event(s) in range have no mapped place and are not drawn.")
    notes.append(f"caucmap; view: {_view_query(view)}")
    attribution = "\n".join(wrap_items(renderer, notes, " · ", size, width))
    if not labelled:
        body = ["Sources: none (events layer off)."]
    elif not sources:
        body = ["Sources: none (no events shown)."]
    else:
        items = [f"{shorten(outlet, MAX_NAME_CHARS)}, {day}" for outlet, _, day in sources]
        body = wrap_items(renderer, items, "; ", size, width, prefix="Sources: ")
        if len(body) > MAX_FOOTER_LINES:  # keep the page; say what was cut
            kept = body[:MAX_FOOTER_LINES]
            listed = sum(line.count(";") + 1 for line in kept) - 1
            kept[-1] = (kept[-1].rsplit(";", 1)[0] + f"; ... and {len(items) - listed} "
                        "more (see the CSV or HTML export)")
            body = kept
    y = margin
    sheet.text(margin, y, attribution, fontsize=size, color=MUTED_INK, va="bottom",
               gid="attribution", linespacing=1.2)
    y += text_size(renderer, attribution, size)[1] + sheet.inch(0.05)
    text = "\n".join(body)
    sheet.text(margin, y, text, fontsize=size, color=INK, va="bottom", gid="sources",
               linespacing=1.2)
    return y + text_size(renderer, text, size)[1]


# ---------------------------------------------------------------- the map


def _draw_map(sheet: Sheet, ax: Axes, ev: Evidence, layers: Mapping[str, Layer], base: Layer,
              extent: Extent, zoom: float) -> MapDrawn:
    """Every layer bottom up (the world beyond the regional box first, where the view
    reaches it), then the scale bar; returns what label placement needs.

    The context layer draws its water and relief in its place in the stack, only what
    the web map shows at ``zoom``; its names and symbols are left for the label step.
    """
    st = sheet.st
    frame_axes(ax, extent, INK, 0.6 * st.scale)
    pad = 0.05 * (extent[2] - extent[0])
    rect = (extent[0] - pad, extent[1] - pad, extent[2] + pad, extent[3] + pad)
    box = shapely.box(*rect)
    trim = draw_world_base(ax, ev.root, base, box, st)
    labels: RegionLabels = {}
    obstacles: list[Bbox] = []
    context = None
    for z, layer in enumerate(layers.values(), start=1):
        if layer.spec.role == "guide":
            layer = context = context_shown(layer, zoom)
            geoms = projected(layer)
            lakes = geoms.where(layer.frame["kind"].ne("range"))  # ranges: names only, as
            draw_polygons(ax, layer, lakes, box, st, on_paper=False, zorder=z)  # on the web
            draw_lines(ax, layer, geoms, rect, st, zorder=z + 0.5)
            continue
        geoms = projected(layer)
        on_paper = layer.spec.role == "base"
        draw_polygons(ax, layer, geoms, box, st, on_paper=on_paper, zorder=z,
                      trim=trim if on_paper else None)
        draw_lines(ax, layer, geoms, rect, st, zorder=z + 0.5)
        if not layer.spec.labels:
            obstacles += draw_points(ax, layer, geoms, rect, st, sheet.px_per_in, zorder=z + 0.7)
        frame = layer.frame
        if layer.spec.geometry != "area":  # names of areas; records are labelled apart
            continue
        for row_id, label, geom, fill, opacity in zip(
                frame.get("id", []), frame["label"], geoms.values, frame["fill"],
                frame["fill_opacity"], strict=False):
            if cell(label, None) and geom is not None:  # upper layers' labels win
                under = paper_colour(str(cell(fill, PAPER)), float(cell(opacity, 1)))
                labels.pop(str(row_id), None)  # keep drawing order: upper ones last
                labels[str(row_id)] = (shorten(str(label), MAX_NAME_CHARS), geom,
                                       on_dark(under))
    return MapDrawn(labels, draw_scale_bar(ax, extent, sheet), obstacles, context)


# ---------------------------------------------------------------- legend and inset


def _panel(sheet: Sheet, ev: Evidence, shown: Mapping[str, Layer], panel: Bbox,
           extent: Extent) -> None:
    """Legends from the top, the locator inset below; the inset gives way before type."""
    preferred = min(panel.width * 0.8, panel.height * 0.35)
    smallest = panel.height * 0.2
    gap = sheet.inch(0.15)
    scale = 1.0
    while True:
        legends = _legends(sheet, shown, panel, scale)
        used = panel.y1 - min((lg.get_window_extent(sheet.renderer).y0 for lg in legends),
                              default=panel.y1)
        room = panel.height - used - gap
        if room >= smallest or scale < 0.62:
            break
        for lg in legends:
            sheet.fig.legends.remove(lg)
        scale *= 0.92
    inset_h = min(preferred, room)
    if inset_h >= panel.height * 0.12:  # else the legends need the whole panel
        draw_inset(sheet, ev.root, Bbox.from_bounds(panel.x0, panel.y0, panel.width, inset_h),
                   extent)


def _legends(sheet: Sheet, shown: Mapping[str, Layer], box: Bbox,
             scale: float) -> list[Legend]:
    """One legend block per legend group, top down, at ``scale`` of the type size."""
    fig, st = sheet.fig, sheet.st
    size, title_size = st.font("legend") * scale, st.font("legend_title") * scale
    chars = max(18, int(box.width / (size * 0.55 * sheet.px_per_in / 72)) - 6)
    y = box.y1
    legends = []
    for block in legend_blocks(shown):
        handles = [legend_handle(layer, entry, st) for layer, entry in block.rows]
        labels = [textwrap.fill(shorten(entry.label, MAX_LINE_CHARS), chars)
                  for _, entry in block.rows]
        legend = Legend(fig, handles, labels, loc="upper left",
                        bbox_to_anchor=(box.x0 / fig.bbox.width, y / fig.bbox.height),
                        bbox_transform=fig.transFigure, frameon=False,
                        fontsize=size, title=textwrap.fill(block.title, chars + 4),
                        title_fontproperties={"size": title_size, "weight": "bold"},
                        alignment="left", borderaxespad=0, borderpad=0,
                        labelspacing=0.35, handlelength=1.8, handleheight=1.0,
                        handletextpad=0.6)
        legend.set_gid(f"legend-{block.group}")
        fig.legends.append(legend)
        legends.append(legend)
        y = legend.get_window_extent(sheet.renderer).y0 - sheet.inch(0.12) * scale
    return legends


# ---------------------------------------------------------------- output


def figure_bytes(rendered: RenderedMap, fmt: Format) -> bytes:
    """The page as PNG (dpi in pHYs), SVG (text as text) or PDF (embedded TrueType)."""
    if fmt not in FORMATS:
        raise UsageError(f"unsupported image format {fmt!r}; use {', '.join(FORMATS)}")
    description = rendered.alt_text
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
    data = buffer.getvalue()
    if fmt == "svg":  # a screen reader reads <title> and <desc>; matplotlib writes the first
        desc = f"<desc>{xml_escape(description)}</desc>".encode()
        data = data.replace(b"</title>", b"</title>\n" + desc, 1)
    return data


def render_bytes(ev: Evidence, view: ViewState, fmt: Format, *, size: str = "A4",
                 dpi: int = 300) -> bytes:
    """Render and encode in one call (what :mod:`caucmap.export` uses)."""
    return figure_bytes(render(ev, view, size=size, dpi=dpi), fmt)
