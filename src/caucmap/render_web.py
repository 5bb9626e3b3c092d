"""Render layers with folium: the web map of the app and the standalone HTML export.

    >>> parts = web_map(ev, view)          # base map + date-dependent feature groups
    >>> st_folium(parts.base, feature_group_to_add=parts.groups, ...)
    >>> html = standalone_html(ev, view)  # one offline file with the same layers

The base map holds what does not change with the date slider (regions, borders,
labels), so streamlit-folium can swap the feature groups without remounting the
map. Every text from sources or the catalogue is escaped here before it reaches
Leaflet, whose tooltips and popups are raw HTML.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import folium
import geopandas as gpd

from caucmap import style
from caucmap.evidence import Evidence
from caucmap.layers import Layer, LegendEntry, build_layers, world_layer
from caucmap.viewstate import ViewState

TILE_NOTE = "No tile server: the basemap is drawn from bundled Natural Earth data."
EVENT_REF = re.compile(r"ref: ([a-z0-9][a-z0-9-]*)")
DEFAULT_CENTER = (42.4, 43.4)
DEFAULT_ZOOM = 7
WORLD_CENTER = (20.0, 10.0)
WORLD_ZOOM = 2


def text_html(text: str) -> str:
    """Plain text to safe HTML, keeping line breaks."""
    return html.escape(text).replace("\n", "<br>")


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
    if entry.kind == "marker":
        return symbol_svg(entry.marker, entry.color, hollow=entry.hollow)
    if entry.kind == "line":
        dash = f' stroke-dasharray="{entry.dash}"' if entry.dash else ""
        return ('<svg width="28" height="12"><line x1="1" y1="6" x2="27" y2="6" '
                f'stroke="{entry.color}" stroke-width="2.5"{dash}/></svg>')
    return (f'<svg width="20" height="14"><rect x="1" y="1" width="18" height="12" '
            f'fill="{entry.fill}" stroke="{entry.color}" stroke-width="0.8"/></svg>')


def legend_html(layers: dict[str, Layer]) -> str:
    """A compact HTML legend of every symbol the layers draw."""
    rows = []
    for layer in layers.values():
        for entry in layer.legend:
            rows.append(f'<div class="cm-legend-row">{legend_swatch(entry)} '
                        f"<span>{html.escape(entry.label)}</span></div>")
    return '<div class="cm-legend">' + "".join(rows) + "</div>"


def _geojson(layer: Layer, *, tooltip: bool = True) -> folium.GeoJson:
    """A styled GeoJson layer; the style travels in properties, the tooltip escaped."""
    frame = layer.frame
    data = gpd.GeoDataFrame(
        {
            "tip": [text_html(t or "") for t in frame["tooltip"]],
            "s_color": frame["color"], "s_fill": frame["fill"],
            "s_fo": frame["fill_opacity"].fillna(0.0), "s_w": frame["weight"].fillna(1.0),
            "s_dash": frame["dash"].fillna(""),
        },
        geometry=frame.geometry, crs=frame.crs,
    ).to_json(drop_id=True)

    def style_function(feature: dict) -> dict:
        p = feature["properties"]
        return {"color": p["s_color"], "fillColor": p["s_fill"] or "none",
                "fillOpacity": p["s_fo"] if p["s_fill"] else 0.0, "weight": p["s_w"],
                "dashArray": p["s_dash"] or None}

    return folium.GeoJson(
        data, name=layer.title, style_function=style_function,
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False) if tooltip else None,
        smooth_factor=1.0,
    )


def _label(lat: float, lon: float, text: str, css_class: str) -> folium.Marker:
    icon = folium.DivIcon(html=f'<div class="{css_class}">{text_html(text)}</div>',
                          icon_size=(160, 36), icon_anchor=(80, 18))
    return folium.Marker((lat, lon), icon=icon, interactive=False)


def _popup(row: object) -> str:
    """Title, date, place and every excerpt with its outlet: the evidence at a click."""
    parts = [f"<b>{html.escape(row.title)}</b>", html.escape(row.date_label)]
    for cit in row.citations:
        parts.append(f"<blockquote>\u201c{html.escape(cit['excerpt'])}\u201d<br>"
                     f"<i>{html.escape(cit['outlet'])}, {html.escape(cit['published'])}</i>"
                     "</blockquote>")
    for ref in row.references:
        parts.append(f"<div>Reference: {html.escape(ref['title'])}</div>")
    return "".join(parts)


def _point_markers(layer: Layer, group: folium.FeatureGroup) -> None:
    for row in layer.frame.itertuples():
        geom = row.geometry
        if geom is None or geom.geom_type != "Point":
            continue
        icon = folium.DivIcon(
            html=symbol_svg(row.marker, row.color, hollow=bool(row.hollow),
                            opacity=float(row.opacity or 1.0)),
            icon_size=(18, 18), icon_anchor=(9, 9), class_name="cm-marker")
        tip = f"{row.tooltip}\nref: {row.id}"
        folium.Marker(
            (geom.y, geom.x), icon=icon, tooltip=folium.Tooltip(text_html(tip)),
            popup=folium.Popup(_popup(row), max_width=360),
        ).add_to(group)


def _war_group(layer: Layer) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=layer.title)
    frame = layer.frame
    shapes = frame[frame.geometry.geom_type != "Point"]
    if not shapes.empty:
        _geojson(Layer(layer.name, layer.title, shapes, layer.legend, layer.attribution)
                 ).add_to(group)
    _point_markers(layer, group)
    return group


def _events_group(layer: Layer) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=layer.title)
    _point_markers(layer, group)
    return group


@dataclass
class WebMap:
    """The pieces st_folium takes: a stable base map and per-view feature groups."""

    base: folium.Map
    groups: list[folium.FeatureGroup]
    layers: dict[str, Layer]


CSS = """
<style>
.cm-region-label{font:600 13px/1.1 sans-serif;color:#333;text-align:center;
 text-shadow:0 0 3px #fff,0 0 3px #fff;white-space:nowrap;pointer-events:none}
.cm-marker{background:none;border:none}
.leaflet-container{background:SEA_COLOUR}
.cm-legend{background:#fff;padding:6px 8px;font:12px sans-serif;border:1px solid #bbb}
.cm-legend-row{display:flex;align-items:center;gap:6px;margin:2px 0}
blockquote{margin:4px 0 6px 0;padding-left:6px;border-left:3px solid #ccc}
</style>
""".replace("SEA_COLOUR", style.SEA)


def _base_map(layers: dict[str, Layer], center: tuple[float, float], zoom: int) -> folium.Map:
    base = folium.Map(location=center, zoom_start=zoom, tiles=None,
                      prefer_canvas=True, control_scale=True, min_zoom=2, max_zoom=13,
                      attribution_control=True)
    base.get_root().header.add_child(folium.Element(CSS))
    for name in ("world", "regions", "borders"):
        if name in layers:
            _geojson(layers[name]).add_to(base)
    if "regions" in layers:
        for row in layers["regions"].frame.itertuples():
            if row.label:
                point = row.geometry.representative_point()
                _label(point.y, point.x, row.label, "cm-region-label").add_to(base)
    return base


def web_map(ev: Evidence, view: ViewState, *, at_view: bool = False) -> WebMap:
    """The app's map for a view: base layers in the map, date-driven layers as groups.

    The app keeps the base map's centre fixed (st_folium moves it via ``center``/``zoom``
    without a remount); ``at_view=True`` bakes the view's extent in, for exports.
    """
    center, zoom = ((view.lat, view.lon), view.zoom) if at_view else (DEFAULT_CENTER,
                                                                      DEFAULT_ZOOM)
    if view.world:
        layers = {"world": world_layer(ev, view.end)}
        return WebMap(_base_map(layers, WORLD_CENTER, WORLD_ZOOM), [], layers)
    layers = build_layers(ev, view)
    groups = []
    if "recognition" in layers:
        group = folium.FeatureGroup(name=layers["recognition"].title)
        _geojson(layers["recognition"]).add_to(group)
        groups.append(group)
    if "war2008" in layers:
        groups.append(_war_group(layers["war2008"]))
    if "events" in layers:
        groups.append(_events_group(layers["events"]))
    return WebMap(_base_map(layers, center, zoom), groups, layers)


def standalone_html(ev: Evidence, view: ViewState) -> str:
    """One self-contained interactive HTML file of the view, assets inlined, offline."""
    from caucmap.assets import inline_assets

    parts = web_map(ev, view, at_view=True)
    m = parts.base
    for group in parts.groups:
        group.add_to(m)
    legend = folium.Element(
        '<div style="position:absolute;bottom:24px;left:10px;z-index:1000;max-width:320px">'
        + legend_html(parts.layers) + "</div>")
    m.get_root().html.add_child(legend)
    return inline_assets(m.get_root().render())


def context_html(text: str, span: tuple[int, int] | None) -> str:
    """A source's full text, escaped, with the excerpt's span marked: 'read in context'."""
    if span is None:
        return f'<pre class="cm-source">{html.escape(text)}</pre>'
    start, end = span
    return ('<pre class="cm-source" style="white-space:pre-wrap;font-size:0.85em">'
            f"{html.escape(text[:start])}<mark id=\"cm-excerpt\">{html.escape(text[start:end])}"
            f"</mark>{html.escape(text[end:])}</pre>")


def event_ref(tooltip: str | None) -> str | None:
    """The event id in a clicked marker's tooltip text (markers end with 'ref: <id>')."""
    match = EVENT_REF.search(tooltip or "")
    return match.group(1) if match else None
