"""Render layers with folium: the web map of the app and the standalone HTML export.

    >>> parts = web_map(ev, view)          # the map of the view for every date
    >>> html = standalone_html(ev, view)  # one offline file with the same layers

The map holds every date: dated features carry their day numbers and the browser
applies the date window (``app/static/caucmap/timefilter.js``: time strip, playback),
so a slider move re-renders nothing here (the app's ``map_frame`` sends the same map).
Every text from sources or the catalogue is escaped here before it reaches Leaflet,
whose tooltips and popups are raw HTML.
"""

from __future__ import annotations

import base64
import html
import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import ClassVar

import folium
import geopandas as gpd
import numpy as np
import shapely
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from jinja2 import Template

from caucmap import style, web_labels
from caucmap.assets import elements, icon_path_element, vendored_file
from caucmap.evidence import Evidence
from caucmap.layers import (
    LOOK,
    Layer,
    LegendEntry,
    build_layers,
    day_numbers,
    legend_blocks,
    look_codes,
)
from caucmap.markup import text_html
from caucmap.naming import Naming
from caucmap.published import Publish
from caucmap.records import build_card, card_html
from caucmap.safeio import read_text
from caucmap.settings import GEODATA_URL, SCRIPTS_URL, scripts_dir, vendor_dir
from caucmap.shorten import shorten, shorten_lines
from caucmap.viewstate import EARLIEST, MAX_ZOOM, MIN_ZOOM, ViewState, today

EVENT_REF = re.compile(r"ref: (#\d+|[a-z0-9][a-z0-9-]*)")
WINDOW_REPORT = re.compile(r"^window: (\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2}) #\d+$")
DRAWN_REPORT = re.compile(r"^drawn #\d+$")
MAX_ICONS = 2000  # beyond this many points, compact columns and canvas circles
WORLD_CENTER = (20.0, 10.0)
WORLD_ZOOM = 2
DEFAULT_VIEW = ViewState()
LEAFLET_ONLY = ("leaflet", "leaflet_css")
MAX_TIP_LINE = 400  # a tooltip line wraps at 360 px (CSS); past this it is cut (~6 lines)
MAX_LEGEND_CHARS = 120
SCRIPTS = ("geometry", "points", "timefilter", "labels", "page")  # app/static/caucmap/*.js
MANY_FEATURES = 100  # past this, a fetched layer sends its commonest style once (the world)


def tooltip_html(text: str) -> str:
    """A tooltip's text as safe HTML, each line cut to fit: a tooltip follows the pointer."""
    return text_html(shorten_lines(text, MAX_TIP_LINE))


def symbol_svg(name: str, colour: str, *, hollow: bool = False, opacity: float = 1.0,
               size: int = 18) -> str:
    """An inline SVG marker shared by map icons and the legend."""
    sym = style.SYMBOLS[name]
    fill = "none" if hollow else colour
    paint = (f'fill="{fill}" stroke="{colour}" stroke-width="{2.2 if hollow else 1.2}" '
             f'opacity="{opacity}"')
    shape = (f'<circle cx="10" cy="10" r="7" {paint}/>' if not sym.svg_points
             else f'<polygon points="{sym.svg_points}" {paint}/>')
    halo = '<circle cx="10" cy="10" r="9.5" fill="white" opacity="0.55"/>'
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
            f'viewBox="0 0 20 20">{halo}{shape}</svg>')


def legend_swatch(entry: LegendEntry) -> str:
    if entry.kind == "note":  # text only, e.g. "Recognitions checked to 2026-01"
        return ""
    if entry.kind == "marker":
        return symbol_svg(entry.marker, entry.color, hollow=entry.hollow)
    if entry.kind == "line":
        dash = f' stroke-dasharray="{entry.dash}"' if entry.dash else ""
        return ('<svg width="28" height="12"><line x1="1" y1="6" x2="27" y2="6" '
                f'stroke="{entry.color}" stroke-width="2.5"{dash}/></svg>')
    dash = ' stroke-dasharray="3 2" stroke-width="1.6"' if entry.dash else ' stroke-width="0.8"'
    return (f'<svg width="20" height="14"><rect x="1" y="1" width="18" height="12" '
            f'fill="{entry.fill}" stroke="{entry.color}"{dash}/></svg>')


def legend_html(layers: dict[str, Layer]) -> str:
    """A compact legend of what the layers draw: one collapsible block per legend group
    (its heading the group's layer), the rows of a group wrapping side by side."""
    blocks = []
    for block in legend_blocks(layers):
        rows = "".join(
            f'<span class="cm-legend-row">{legend_swatch(entry)}'
            f"{html.escape(shorten(entry.label, MAX_LEGEND_CHARS))}</span>"
            for _, entry in block.rows)
        blocks.append(f'<details class="cm-legend-group" open=""><summary>'
                      f"{html.escape(shorten(block.title, MAX_LEGEND_CHARS))}</summary>"
                      f'<div class="cm-legend-rows">{rows}</div></details>')
    return f'<div class="cm-legend">{LEGEND_CSS}{"".join(blocks)}</div>'


LEGEND_CSS = """<style>
.cm-legend{display:flex;flex-wrap:wrap;gap:2px 18px;font-size:12px;line-height:1.3}
.cm-legend-group summary{font-weight:600;cursor:pointer}
.cm-legend-rows{display:flex;flex-wrap:wrap;gap:1px 12px;max-width:560px}
.cm-legend-row{display:inline-flex;align-items:center;gap:5px}
</style>"""


def _leaflet_style(row: object) -> dict[str, object]:
    """The Leaflet path options of one styled row."""
    fill = row.fill if isinstance(row.fill, str) else None
    return {"color": row.color, "weight": float(row.weight or 1.0),
            "fillColor": fill or "none", "fillOpacity": float(row.fill_opacity or 0) if fill else 0,
            "dashArray": row.dash or None, "opacity": float(row.opacity or 1.0)}


class BrowserCode(JSCSSMixin, MacroElement):
    """caucmap's own scripts (``app/static/caucmap/*.js``) on the base map: the app's map
    frame loads a base map's ``default_js`` before any map script runs, and the
    standalone export inlines them like the vendored files.

    With ``publish`` (the app) they go as one published file, Leaflet first
    (``bundles_leaflet``): one request, cached by the browser under its content's name.
    """

    default_js: ClassVar[list[tuple[str, str]]] = [
        (f"caucmap_{name}", f"{SCRIPTS_URL}/{name}.js") for name in SCRIPTS]
    _template = Template("")

    def __init__(self, root: Path, publish: Publish | None = None) -> None:
        super().__init__()
        self._name = "BrowserCode"
        self.bundles_leaflet = publish is not None
        if publish is not None:
            leaflet = vendored_file(dict(folium.Map.default_js)["leaflet"], vendor_dir(root))
            files = [leaflet, *(scripts_dir(root) / f"{name}.js" for name in SCRIPTS)]
            code = "\n;\n".join(f.read_text(encoding="utf-8") for f in files)
            self.default_js = [("caucmap", publish(code.encode("utf-8"), ".js"))]


class FetchedGeoJson(MacroElement):
    """Areas and lines: geometry the browser fetches once from ``app/static/geodata`` (and
    caches), or inline GeoJSON (a standalone file; the war's computed lines and zones).

    Only the per-feature style and tooltip tables travel with the map, keyed by a
    property. ``epochs`` holds one table per day a layer drawn as of the window's end
    changes on (see ``LayerSpec.changes``); ``days`` gives each feature its day numbers,
    so that the browser shows it while it overlaps the window.
    """

    _template = Template("""
{% macro script(this, kwargs) %}
caucmap.geometry({{ this._parent.get_name() }}, {{ this.options|tojson }}
                 {%- if this.inline %}, {{ this.inline }}{% endif %});
{% endmacro %}
""")

    def __init__(self, layer: Layer, pane: str, *, inline: str | None = None,
                 url_prefix: str = GEODATA_URL, epochs: list[tuple[date, Layer]] = (),
                 days: dict[str, tuple[int, int]] | None = None) -> None:
        super().__init__()
        self._name = "FetchedGeoJson"
        self.key = layer.key
        self.inline = inline
        self.options = {"key": self.key, "pane": pane, "days": days,
                        "kind": layer.name if days else None,
                        "url": None if inline else f"{url_prefix}/{layer.geometry_file}.geojson"}
        self.options.update(_style_tables(layer))
        if epochs:
            self.options["epochs"] = [{"day": day.toordinal(), "iso": day.isoformat(),
                                       **_style_tables(at)} for day, at in epochs]


def _style_tables(layer: Layer) -> dict[str, object]:
    """Styles and tooltips by key; past ``MANY_FEATURES`` the commonest style is sent once
    as a fallback, and only the features that differ from it travel."""
    rows = list(layer.frame.itertuples())
    looks = [_leaflet_style(r) for r in rows]
    fallback = _commonest(looks) if len(rows) > MANY_FEATURES else None
    styles = {getattr(r, layer.key): look for r, look in zip(rows, looks, strict=True)
              if fallback is None or look != fallback}
    tips = {getattr(r, layer.key): tooltip_html(r.tooltip) for r in rows
            if r.tooltip and (fallback is None or "\n" in r.tooltip)}
    return {"styles": styles, "tips": tips, "fallback": fallback}


def _commonest(looks: list[dict[str, object]]) -> dict[str, object]:
    """The style most features share (the world's plain countries): sent once, as a fallback."""
    counts = Counter(json.dumps(look, sort_keys=True) for look in looks)
    return json.loads(counts.most_common(1)[0][0])


def _script_json(text: str) -> str:
    return text.replace("</", "<\\/")  # inside <script>: "</" must not close the tag early


def _computed_shapes(layer: Layer, pane: str) -> FetchedGeoJson:
    """Computed geometry (war lines and zones): sent with the map, it is small."""
    frame = layer.frame
    data = gpd.GeoDataFrame({"id": frame["id"]}, geometry=frame.geometry,
                            crs=frame.crs).to_json(drop_id=True)
    starts, ends = day_numbers(frame)
    days = {i: (s, e) for i, s, e in zip(frame["id"], starts.tolist(), ends.tolist(),
                                          strict=True)}
    return FetchedGeoJson(layer, pane, inline=_script_json(data), days=days)


def _fetched(ev: Evidence, layer: Layer, pane: str, *, standalone: bool,
             epochs: list[tuple[date, Layer]] = ()) -> FetchedGeoJson:
    inline = None
    if standalone:  # the catalogue's own geodata, so another root exports its own geometry
        path = ev.root / "geodata" / f"{layer.geometry_file}.geojson"
        inline = _script_json(read_text(path, root=ev.root, kind="geodata"))
    return FetchedGeoJson(layer, pane, inline=inline, epochs=epochs)


def _card_popup(ev: Evidence, naming: Naming, record_id: str) -> str:
    """The evidence card of a clicked record (standalone HTML: there is no panel)."""
    record = ev.record(record_id)
    return card_html(build_card(ev, record, naming)) if record else ""


def _layer_elements(ev: Evidence, layer: Layer, naming: Naming, *, standalone: bool,
                    epochs: list[tuple[date, Layer]] = (), publish: Publish | None = None
                    ) -> list[MacroElement]:
    """What draws one layer, from its spec: areas and lines (fetched from the static
    geodata, or sent inline when computed), points (with their evidence cards in a
    standalone file), and its features' names. A dated layer's features carry their day
    numbers, an as-of layer one style table per day it changes on (``epochs``): the
    browser applies the date window."""
    spec, frame, pane = layer.spec, layer.frame, f"cm-{layer.name}"
    if layer.geometry_file is not None:
        drawn = web_labels.drawn_shapes(layer)  # a labelled point is drawn as its label
        out: list[MacroElement] = [_fetched(ev, drawn, pane, standalone=standalone,
                                            epochs=epochs)]
    else:
        out = []
        shapes = frame[~_is_point(frame) & frame.geometry.notna()]
        if spec.geometry != "point" and not shapes.empty:
            out.append(_computed_shapes(Layer(layer.name, layer.title, shapes, layer.legend,
                                              layer.attribution), pane))
        if spec.geometry in ("point", "mixed"):
            popup = partial(_card_popup, ev, naming) if standalone and spec.records else None
            out.append(PointLayer(layer, pane, popup=popup, publish=publish))
    out += web_labels.label_elements(layer, publish)  # placed by labels.js, no collisions
    return out


def _is_point(frame: gpd.GeoDataFrame) -> np.ndarray:
    return shapely.get_type_id(np.asarray(frame.geometry.values)) == 0  # None gives -1


def point_rows(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The rows a point layer draws, in the order the browser numbers them."""
    return frame[_is_point(frame)]


#: The columns of a large point layer, in this order in one little-endian buffer
#: (canvasPoints in points.js reads them back): n points, 17 bytes each, and the days of
#: the m records with no place (counted, not drawn), 8 bytes each; Int32 columns first,
#: so that each starts at a multiple of 4 bytes
POINT_COLUMNS = (("lat", "<i4", "n"), ("lon", "<i4", "n"), ("start", "<i4", "n"),
                 ("end", "<i4", "n"), ("unplaced_start", "<i4", "m"),
                 ("unplaced_end", "<i4", "m"), ("icon", "u1", "n"))


def point_columns(columns: dict[str, np.ndarray]) -> bytes:
    """The buffer of ``POINT_COLUMNS``, one array each."""
    return b"".join(np.ascontiguousarray(columns[name], dtype=dtype).tobytes()
                    for name, dtype, _ in POINT_COLUMNS)


class PointLayer(MacroElement):
    """Point markers built in the browser from compact data, not one folium Marker each.

    Each distinct symbol is sent once. Up to ``max_icons`` points, a row is ``[lat, lon,
    icon, tooltip, popup, start, end]`` and markers are SVG icons. Past that (a large
    imported catalogue) the points travel as one binary buffer of ``POINT_COLUMNS``:
    coordinates quantised to 1e-5 degrees, start and end days and a symbol index, 17
    bytes a point, with the days of the records that have no place. With ``publish``
    (the app) the buffer is a file the browser fetches and caches, beside the map's
    message rather than in it; without (the standalone file) it is inlined as base64.
    Every point is sent for all dates; the browser shows those whose days overlap the
    date window (timefilter.js), and counts them under the layer's name. The browser
    projects them once and paints them all on one canvas (no Leaflet object per point),
    hit-tests hover and click itself, and names a clicked point by position
    (``ref: #N``), which the server maps back to the event.
    """

    _template = Template("""
{% macro script(this, kwargs) %}
{% if this.columns %}
caucmap.canvasPoints({{ this._parent.get_name() }}, {{ this.icons|tojson }},
                     {{ this.pane|tojson }}, {{ this.columns|tojson }}, {{ this.kind|tojson }}
                     {%- if this.data %}, "{{ this.data }}"{% endif %});
{%- else %}
caucmap.points({{ this._parent.get_name() }}, {{ this.icons|tojson }}, {{ this.rows|tojson }},
               {{ this.kind|tojson }});
{%- endif %}
{%- if this.unplaced %}
caucmap.unplaced({{ this._parent.get_name() }}, {{ this.unplaced|tojson }}, {{ this.kind|tojson }});
{%- endif %}
{% endmacro %}
""")
    # base64 holds only [A-Za-z0-9+/=]: safe in a JS string, no escaping pass over a megabyte

    def __init__(self, layer: Layer, pane: str, *, popup: Callable[[str], str] | None = None,
                 max_icons: int = MAX_ICONS, publish: Publish | None = None) -> None:
        super().__init__()
        self._name = "PointLayer"
        self.pane = pane  # canvas mode draws in the layer's pane
        self.kind = layer.name
        frame = layer.frame
        points = _is_point(frame)  # a mask, not a copy of a large frame
        every_start, every_end = day_numbers(frame)
        starts, ends = every_start[points], every_end[points]
        # records with no place are not drawn, but the window's count includes them
        none = frame.geometry.isna().to_numpy()
        looks = (frame["look"].to_numpy() if "look" in frame else look_codes(frame))[points]
        _, first, codes = np.unique(looks, return_index=True, return_inverse=True)
        self.icons = []
        for row in np.flatnonzero(points)[first]:
            m, c, h, o = frame[LOOK].iloc[row]
            self.icons.append({"svg": symbol_svg(str(m), str(c), hollow=bool(h),
                                                 opacity=float(o)),
                               "color": str(c), "hollow": bool(h), "opacity": float(o)})
        self.rows: list[list[object]] = []
        self.columns: dict[str, object] | None = None
        self.data: str | None = None
        xy = shapely.get_coordinates(np.asarray(frame.geometry.values)[points])
        if len(codes) > max_icons:
            scaled = np.rint(xy * 1e5)
            blob = point_columns({"lat": scaled[:, 1], "lon": scaled[:, 0], "start": starts,
                                  "end": ends, "unplaced_start": every_start[none],
                                  "unplaced_end": every_end[none], "icon": codes})
            self.columns = {"n": len(codes), "m": int(none.sum()),
                            "label": text_html(layer.title)}
            self.unplaced = []  # their days are in the buffer
            if publish is None:
                self.data = base64.b64encode(blob).decode("ascii")
            else:
                self.columns["url"] = publish(blob, ".bin")
            return
        self.unplaced = np.column_stack([every_start[none], every_end[none]]).tolist()
        # only the columns drawn, as lists: iterating whole rows of a wide frame costs more
        shown = frame[["id", "tooltip"]][points]
        for (x, y), code, ident, tooltip, start, end in zip(
                xy.tolist(), codes.tolist(), shown["id"].tolist(), shown["tooltip"].tolist(),
                starts.tolist(), ends.tolist(), strict=True):
            self.rows.append([round(y, 5), round(x, 5), code,
                              tooltip_html(f"{tooltip}\nref: {ident}"),
                              popup(ident) if popup else None, start, end])


@dataclass
class WebMap:
    """The map of a view for all dates (the browser applies the date window), and the
    layers it draws: their frames name what a click on the N-th point refers to."""

    base: folium.Map
    layers: dict[str, Layer]


class TimeControl(MacroElement):
    """The date window, the time strip and playback, in the map (timefilter.js).

    ``window`` is the first window in day numbers; the app leaves it out, as the page
    tells the map its window, and ``report`` sends brushed and paused windows back.
    """

    _template = Template("""
{% macro script(this, kwargs) %}
caucmap.time({{ this._parent.get_name() }}, {{ this.options|tojson }});
{% endmacro %}
""")

    def __init__(self, kinds: dict[str, str], *, window: tuple[date, date] | None,
                 report: bool) -> None:
        super().__init__()
        self._name = "TimeControl"
        start, end = window or (None, None)
        self.options = {"min": EARLIEST.toordinal(), "max": today().toordinal(),
                        "start": start and start.toordinal(), "end": end and end.toordinal(),
                        "kinds": kinds, "report": report}


CSS = """
<style>
.cm-region-label{font:600 13px/1.1 sans-serif;color:#333;text-align:center;
 text-shadow:0 0 3px #fff,0 0 3px #fff;white-space:nowrap;pointer-events:none}
.cm-marker{background:none;border:none}
.leaflet-container{background:SEA_COLOUR}
.cm-legend{background:#fff;padding:6px 8px;font:12px sans-serif;border:1px solid #bbb}
.cm-legend-row{display:flex;align-items:center;gap:6px;margin:2px 0}
blockquote{margin:4px 0 6px 0;padding-left:6px;border-left:3px solid #ccc}
.leaflet-popup-content,.cm-legend{overflow-wrap:anywhere}
.leaflet-tooltip{white-space:normal;width:max-content;max-width:360px;overflow-wrap:anywhere}
#map_div{height:100vh !important}
.cm-time{background:rgba(255,255,255,.92);padding:4px 6px;font:12px sans-serif;margin:0 0 6px 6px}
.cm-time-bar{display:flex;gap:6px;align-items:center;flex-wrap:wrap;margin-bottom:2px}
.cm-time-bar button,.cm-time-bar select{font:12px sans-serif;padding:1px 4px}
.cm-time-status{font-weight:600;white-space:pre-wrap}
.cm-time-strip{display:block;cursor:crosshair;touch-action:none}
.cm-time-strip:focus,.cm-time-bar :focus{outline:2px solid #2166ac;outline-offset:1px}
</style>
""".replace("SEA_COLOUR", style.SEA)


def _base_map(center: tuple[float, float], zoom: int, code: BrowserCode) -> folium.Map:
    base = folium.Map(location=center, zoom_start=zoom, tiles=None,
                      prefer_canvas=True, control_scale=True, min_zoom=MIN_ZOOM, max_zoom=MAX_ZOOM,
                      attribution_control=True)
    # our markers are SVG, so the frame needs Leaflet alone: not jQuery, Bootstrap, Font
    # Awesome and awesome-markers (~700 KB a cold load parses for nothing); in the app
    # Leaflet comes in our bundle
    base.default_js = [] if code.bundles_leaflet else [
        a for a in base.default_js if a[0] in LEAFLET_ONLY]
    base.default_css = [a for a in base.default_css if a[0] in LEAFLET_ONLY]
    base.get_root().header.add_child(folium.Element(CSS))
    icon_path_element().add_to(base)
    code.add_to(base)
    return base


def all_dates(view: ViewState) -> ViewState:
    """The view the browser receives: every date (it applies the window itself), so a
    slider move leaves the map as it is."""
    return view.with_(start=date.min, end=date.max)


def web_map(ev: Evidence, view: ViewState, *, start: tuple[float, float, int] | None = None,
            standalone: bool = False, publish: Publish | None = None) -> WebMap:
    """The map of a view, for every date: dated features carry their day numbers and the
    browser applies the date window (``TimeControl``).

    The app builds it once per catalogue and view without dates, opening at ``start``
    (lat, lon, zoom), which it keeps fixed for a session: the map's frame then pans via
    ``center``/``zoom`` without remounting. ``standalone=True`` opens at the view's
    extent and window and inlines the geometry, for the HTML export. The world view
    opens on the world. ``publish`` puts what would make the map's message large beside
    it, as files the browser fetches: a large point layer (``PointLayer``), thousands of
    names (``web_labels.Labels``) and caucmap's scripts (``BrowserCode``).
    """
    if view.world:
        (lat, lon), zoom = WORLD_CENTER, WORLD_ZOOM
    else:
        lat, lon, zoom = (view.lat, view.lon, view.zoom) if standalone else (
            start or (DEFAULT_VIEW.lat, DEFAULT_VIEW.lon, DEFAULT_VIEW.zoom))
    everything = all_dates(view)
    layers = build_layers(ev, everything)
    base = _base_map((lat, lon), zoom, BrowserCode(ev.root, publish))
    kinds = {}
    for layer in layers.values():
        spec = layer.spec
        folium.map.CustomPane(f"cm-{layer.name}", z_index=spec.z).add_to(base)
        epochs = [(day, spec.build(ev, view.with_(end=day))) for day in spec.changes(ev)
                  ] if spec.changes else []
        if spec.dated and not spec.changes and spec.geometry != "area":
            kinds[layer.name] = layer.title
        for element in _layer_elements(ev, layer, view.naming, standalone=standalone,
                                       epochs=epochs, publish=publish):
            element.add_to(base)
    TimeControl(kinds, window=(view.start, view.end) if standalone else None,
                report=not standalone).add_to(base)
    return WebMap(base, layers)


def fetched_files(m: folium.Map) -> list[str]:
    """The files the map's script fetches (geometry, many labels, point columns): the
    app's frame asks for them beside its scripts, not after them."""
    urls = []
    for e in elements(m):
        if isinstance(e, FetchedGeoJson):
            urls.append(e.options["url"])
        elif isinstance(e, web_labels.Labels):
            urls.append(e.url)
        elif isinstance(e, PointLayer) and e.columns:
            urls.append(e.columns.get("url"))
    return list(dict.fromkeys(u for u in urls if u))


def standalone_html(ev: Evidence, view: ViewState) -> str:
    """One self-contained interactive HTML file of the view, assets inlined, offline."""
    from caucmap.assets import inline_assets

    parts = web_map(ev, view, standalone=True)
    m = parts.base
    shown = build_layers(ev, view)  # the legend of the view's own window
    legend = folium.Element(
        '<div style="position:absolute;top:10px;right:10px;z-index:1000;max-width:340px">'
        + legend_html(shown) + "</div>")
    m.get_root().html.add_child(legend)
    scripts = {f"{SCRIPTS_URL}/{name}.js": scripts_dir(ev.root) / f"{name}.js"
               for name in SCRIPTS}
    return inline_assets(m.get_root().render(), vendor_dir(ev.root), scripts=scripts)


def context_html(text: str, span: tuple[int, int] | None) -> str:
    """A source's full text, escaped, with the excerpt's span marked: 'read in context'."""
    if span is None:
        return f'<pre class="cm-source">{html.escape(text)}</pre>'
    start, end = span
    return ('<pre class="cm-source" style="white-space:pre-wrap;font-size:0.85em">'
            f"{html.escape(text[:start])}<mark id=\"cm-excerpt\">{html.escape(text[start:end])}"
            f"</mark>{html.escape(text[end:])}</pre>")


def event_ref(tooltip: str | None) -> str | None:
    """What a clicked marker's tooltip refers to: an id, or '#N' for the N-th point.

    The ref is the tooltip's last line, so a title that happens to contain "ref: ..."
    cannot redirect a click.
    """
    matches = EVENT_REF.findall(tooltip or "")
    return matches[-1] if matches else None


def window_report(tooltip: str | None) -> tuple[str, tuple[date, date]] | None:
    """A window the reader brushed on the time strip or paused playback at, as the map
    reports it (timefilter.js): the report (each is new) and its dates, kept within the
    slider's range; None for anything else, or a malformed report."""
    found = WINDOW_REPORT.match((tooltip or "").strip())
    if not found:
        return None
    try:
        start, end = (date.fromisoformat(d) for d in found.groups())
    except ValueError:
        return None
    low, high = EARLIEST, today()
    start, end = (min(max(d, low), high) for d in sorted((start, end)))
    return found.group(0), (start, end)


def drawn_report(tooltip: str | None) -> bool:
    """Whether the map says it has drawn what it fetched (timefilter.js: ``cm.drawn``)."""
    return DRAWN_REPORT.match((tooltip or "").strip()) is not None


def resolve_ref(ref: str, layer: Layer) -> str | None:
    """An event id for a ref; '#N' is the N-th point the layer drew for the same view."""
    if not ref.startswith("#"):
        return ref
    rows = point_rows(layer.frame)
    position = int(ref[1:])
    return str(rows["id"].iloc[position]) if position < len(rows) else None
