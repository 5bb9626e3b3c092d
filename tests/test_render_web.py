"""The folium renderer: compact payloads, escaping, and the standalone offline HTML export."""

from __future__ import annotations

import base64
import hashlib
import html as html_lib
import json
import re
from datetime import date
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pytest
import shapely
from harness import offline_browser
from hostile_root import HOSTILE_EVENT, HOSTILE_VIEW, LONG, PWN_IMG, make_hostile_root

from caucmap.evidence import Evidence, load_evidence
from caucmap.export import export_view
from caucmap.layers import Layer, day_numbers
from caucmap.published import Published
from caucmap.render_web import (
    MAX_ICONS,
    MAX_TIP_LINE,
    POINT_COLUMNS,
    PointLayer,
    WebMap,
    drawn_report,
    event_ref,
    fetched_files,
    legend_html,
    resolve_ref,
    standalone_html,
    web_map,
)
from caucmap.viewstate import ViewState
from caucmap.web_labels import INLINE_MAX, Labels


def synthetic_layer(n: int, seed: int = 7) -> Layer:
    rng = np.random.default_rng(seed)
    x, y = rng.uniform(39.5, 47, n), rng.uniform(40.8, 44, n)
    looks = [("star", "#b2182b"), ("circle", "#525252")]
    pick = rng.integers(0, 2, n)
    frame = gpd.GeoDataFrame({
        "id": [f"syn-{i}" for i in range(n)], "marker": [looks[i][0] for i in pick],
        "color": [looks[i][1] for i in pick], "hollow": rng.random(n) < 0.5, "opacity": 1.0,
        "tooltip": "<b>x</b>",
    }, geometry=shapely.points(x, y), crs=4326)
    return Layer("events", "Events", frame, (), "")


def columns(blob: bytes, n: int, m: int) -> dict[str, np.ndarray]:
    """The buffer read back as points.js reads it: POINT_COLUMNS one after another."""
    out, at = {}, 0
    for name, dtype, length in POINT_COLUMNS:
        count = {"n": n, "m": m}[length]
        out[name] = np.frombuffer(blob, dtype=dtype, count=count, offset=at)
        at += count * np.dtype(dtype).itemsize
    assert at == len(blob)
    return out


@pytest.mark.parametrize("published", [False, True], ids=["inline", "published"])
def test_large_layers_are_sent_as_compact_columns(published: bool, tmp_path: Path) -> None:
    layer = synthetic_layer(MAX_ICONS + 500)
    layer = Layer(layer.name, layer.title, layer.frame.assign(  # ten records with no place
        start=date(2008, 8, 7), end=date(2008, 8, 12), geometry=[None] * 10 + list(
            layer.frame.geometry[10:])), (), "")
    publish = Published(tmp_path / "cache", "/app/static/cache") if published else None
    points = PointLayer(layer, "cm-events", publish=publish)
    assert points.rows == [] and points.columns is not None
    n, m = points.columns["n"], points.columns["m"]
    if published:  # a file named by its content, and nothing inline
        assert points.data is None
        name = points.columns["url"].removeprefix("/app/static/cache/")
        blob = (tmp_path / "cache" / name).read_bytes()
        assert name == f"map-{hashlib.sha256(blob).hexdigest()[:24]}.bin"
    else:
        blob = base64.b64decode(points.data)
    got = columns(blob, n, m)
    placed = layer.frame[layer.frame.geometry.notna()]
    assert (n, m) == (len(placed), 10) and points.unplaced == []  # all in the buffer
    lat, lon, icons = got["lat"] / 1e5, got["lon"] / 1e5, got["icon"]
    geoms = placed.geometry
    assert np.allclose(lat, geoms.y, atol=1e-5) and np.allclose(lon, geoms.x, atol=1e-5)
    starts, ends = day_numbers(placed)
    assert (got["start"] == starts).all() and (got["end"] == ends).all()
    aug7, aug12 = date(2008, 8, 7).toordinal(), date(2008, 8, 12).toordinal()
    assert (got["unplaced_start"] == aug7).all() and (got["unplaced_end"] == aug12).all()
    assert {points.icons[i]["color"] for i in icons} == set(layer.frame["color"])
    for i in (0, 1234, len(icons) - 1):
        icon = points.icons[icons[i]]
        assert icon["color"] == placed["color"].iloc[i]
        assert icon["hollow"] == bool(placed["hollow"].iloc[i])
    assert len(blob) == 17 * n + 8 * m  # far under one folium Marker each


def test_publishing_keeps_the_newest_files(tmp_path: Path) -> None:
    publish = Published(tmp_path, "/x", keep=2)
    first = publish(b"one", ".bin")
    assert publish(b"one", ".bin") == first  # the same content, the same name, written once
    publish(b"two", ".bin")
    publish(b"three", ".json")
    assert sorted(p.read_bytes() for p in tmp_path.iterdir()) == [b"three", b"two"]


def test_many_labels_are_published_as_a_table_that_rebuilds_them(tmp_path: Path) -> None:
    """Past INLINE_MAX the names go beside the map as {keys, rows}; labels.js rebuilds
    each item from its row, leaving out the keys an item does not set (null)."""
    items = [{"lat": 42.0 + i / 1e3, "lon": 43.0, "text": f"Place &lt;{i}&gt;", "priority": 3,
              "minZoom": 7, "cls": "cm-place", **({"dot": "cm-place-dot"} if i % 2 else {})}
             for i in range(INLINE_MAX + 1)]
    labels = Labels(items, Published(tmp_path, "/x"))
    assert labels.url is not None and labels.url.endswith(".json")
    table = json.loads((tmp_path / labels.url.removeprefix("/x/")).read_text())
    rebuilt = [{k: v for k, v in zip(table["keys"], row, strict=True) if v is not None}
               for row in table["rows"]]
    assert rebuilt == items
    assert Labels(items[:INLINE_MAX], Published(tmp_path, "/x")).url is None  # few: inline


def test_the_files_a_map_fetches_are_named_for_its_frame(tmp_path: Path) -> None:
    """Geometry, a published label table and published point columns: every file the
    script fetches is in the list the app's frame requests up front, once each."""
    publish = Published(tmp_path, "/x")
    parts = web_map(load_evidence(), ViewState(), publish=publish)
    m = parts.base
    many = [{"lat": 42.0, "lon": 43.0 + i / 1e3, "text": f"p{i}"} for i in range(INLINE_MAX + 1)]
    Labels(many, publish).add_to(m)
    PointLayer(synthetic_layer(MAX_ICONS + 1), "cm-events", publish=publish).add_to(m)
    script = m.get_root().render()
    urls = fetched_files(m)
    asked = set(re.findall(r'"(/[^"]+\.(?:geojson|json|bin))"', script))
    assert len(urls) == len(set(urls)) and set(urls) == asked
    assert {u.rsplit(".", 1)[1] for u in urls} == {"geojson", "json", "bin"}


def test_point_refs_resolve_to_the_event_drawn_there() -> None:
    layer = synthetic_layer(MAX_ICONS + 10)
    assert event_ref("x<br>ref: #17") == "#17"
    assert resolve_ref("#17", layer) == "syn-17"
    assert resolve_ref("#999999", layer) is None
    assert event_ref("Title\nref: russia-abkhazia-treaty-signed") == "russia-abkhazia-treaty-signed"


def test_only_the_maps_own_drawn_report_lets_the_controls_out() -> None:
    assert drawn_report("drawn #1") and drawn_report(" drawn #12\n")
    for other in (None, "", "drawn", "drawn #x", "window: 2014-01-01..2014-02-01 #3",
                  "Title drawn #1", "drawn #1<br>ref: #4"):
        assert not drawn_report(other), other
    assert event_ref("drawn #1") is None  # nor is it taken for a click on a point


def test_small_layers_escape_tooltips() -> None:
    points = PointLayer(synthetic_layer(5), "cm-events")
    assert all("&lt;b&gt;x&lt;/b&gt;" in row[3] for row in points.rows)


def point_layers(parts: WebMap) -> list[PointLayer]:
    return [c for c in parts.base._children.values() if isinstance(c, PointLayer)]


def test_app_map_has_no_popups_but_the_html_export_does(ev: Evidence) -> None:
    """The app shows evidence beside the map; the standalone file carries it in popups."""
    app = point_layers(web_map(ev, ViewState()))
    assert app and all(row[4] is None for layer in app for row in layer.rows)
    exported = point_layers(web_map(ev, ViewState(), standalone=True))
    popups = " ".join(row[4] for layer in exported for row in layer.rows)
    signing = ev.event("russia-abkhazia-treaty-signed")
    assert signing is not None
    for cit in signing.citations:
        assert html_lib.escape(cit.excerpt) in popups


def test_standalone_html_loads_nothing_from_outside(ev: Evidence) -> None:
    page = standalone_html(ev, ViewState())
    assert not re.search(r"<(script|link)[^>]+(src|href)=[\"']https?://", page)
    assert "/app/static/geodata" not in page  # geometry is inlined, not fetched
    assert '"GEO"' in page and '"ABK"' in page


@pytest.mark.browser
def test_html_export_opens_offline_and_draws_the_regions(ev: Evidence, tmp_path: Path,
                                                         chromium: str) -> None:
    out = export_view(ev, ViewState(), tmp_path / "view.html")
    with offline_browser() as (ctx, blocked):
        page = ctx.new_page()
        page.goto(out.as_uri())
        ids = page.evaluate(
            "() => new Promise(done => { const t0 = Date.now(); (function poll() {"
            " const m = Object.values(window).find(v => v instanceof L.Map);"
            " const ids = m ? new Set(Object.values(m._layers).filter(l => l.feature)"
            "   .map(l => l.feature.properties.id)) : new Set();"
            " if (['GEO','ABK','SOS','RUS'].every(i => ids.has(i)) || Date.now() - t0 > 15000)"
            "   done([...ids]); else setTimeout(poll, 100); })(); })")
        assert {"GEO", "ABK", "SOS", "RUS"} <= set(ids)
        assert page.locator(".cm-marker").count() > 0
        page.locator(".cm-marker").first.click(force=True)
        assert page.locator(".leaflet-popup-content blockquote").count() >= 1
        page.screenshot(path=str(Path(__file__).parent / "artifacts" / "export_html.png"))
        assert [u for u in blocked if not u.startswith("file:")] == []


def test_folium_is_localised_for_the_app() -> None:
    from caucmap.assets import localise_assets

    localise_assets()
    assert all(url.startswith("/app/static/") for _, url in folium.Map.default_js)


def test_a_title_cannot_redirect_a_click() -> None:
    assert event_ref("Attack ref: evil-id<br>date<br>ref: real-id") == "real-id"


def test_long_tooltips_and_labels_are_cut_and_still_name_their_event(tmp_path: Path) -> None:
    ev = load_evidence(make_hostile_root(Path(__file__).resolve().parents[1], tmp_path))
    view, _ = ViewState.from_query(dict(p.split("=", 1) for p in HOSTILE_VIEW.split("&")),
                                   ev.record_ids())
    parts = web_map(ev, view)
    points = point_layers(parts)
    tips = {event_ref(html_lib.unescape(row[3].replace("<br>", "\n"))): row[3]
            for layer in points for row in layer.rows}
    tip = html_lib.unescape(tips[HOSTILE_EVENT]).split("<br>")
    assert all(len(line) <= MAX_TIP_LINE for line in tip), [len(line) for line in tip]
    assert tip[0].startswith('=HYPERLINK("http://x","y") <script>') and tip[0].endswith("\u2026")
    assert LONG[:MAX_TIP_LINE] not in tips[HOSTILE_EVENT]
    script = parts.base.get_root().render()
    assert LONG[:MAX_TIP_LINE] not in script  # region tooltips and labels are cut as well
    assert "cm-region-label" in script
    legend = legend_html(parts.layers)
    assert PWN_IMG not in legend and "&lt;img src=x" in legend
    assert LONG[:200] not in legend and "\u2026" in legend
