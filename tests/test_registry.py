"""The layer registry: one place decides what a view holds, and every output follows it.

A tiny layer is registered here the way a new one would be (a builder and one
``register`` line) and must then reach the web map, the printed map, ``caucmap layer``
and the downloads without any of them being told its name.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
import shapely

from caucmap import layers
from caucmap.cli import main
from caucmap.evidence import Evidence
from caucmap.export import data_downloads
from caucmap.layers import Layer, LayerSpec, LegendEntry, build_layers, styled_frame
from caucmap.render_static import figure_bytes, render
from caucmap.render_web import standalone_html, web_map
from caucmap.viewstate import ViewState

LIBRARY = Path(layers.__file__).parent
RENDERERS = [LIBRARY / "render_web.py", *sorted((LIBRARY / "render_static").glob("*.py"))]
TIP = "Patch tooltip 7f3a"
LEGEND = "Patch legend 7f3a"
ATTRIBUTION = "Patch data: a test"


def _patch(ev: Evidence, view: ViewState) -> Layer:
    frame = styled_frame([{"id": "patch-1", "name": "Patch", "color": "#123456",
                           "fill": "#00ff00", "fill_opacity": 1.0, "weight": 1.0,
                           "tooltip": TIP}],
                         [shapely.box(44.6, 41.6, 45.0, 41.9)])  # east of Tbilisi
    return Layer("patch", "Test patch", frame,
                 (LegendEntry(LEGEND, "fill", "#123456", "#00ff00"),), ATTRIBUTION)


@pytest.fixture
def patch(monkeypatch: pytest.MonkeyPatch) -> LayerSpec:
    spec = LayerSpec("patch", _patch, "overlay", 440, dated=False, geometry="area",
                     legend_group="patch")
    monkeypatch.setitem(layers.REGISTRY, "patch", spec)
    return spec


def test_a_registered_layer_reaches_every_output(ev: Evidence, patch: LayerSpec,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    view = ViewState()
    assert list(build_layers(ev, view))[-2:] == ["patch", "events"]  # ordered by z
    assert "patch" not in build_layers(ev, view.with_(world=True))
    # the web map and the standalone HTML: its pane, tooltip and legend row
    html = standalone_html(ev, view)
    assert '"cm-patch"' in html and TIP in html and LEGEND in html
    # the printed map: drawn in its fill, in the legend, its attribution in the footer
    rendered = render(ev, view, dpi=72)
    x, y = rendered.to_pixel(44.8, 41.75)
    rendered.figure.canvas.draw()
    rgba = np.asarray(rendered.figure.canvas.buffer_rgba())
    assert tuple(rgba[round(y), round(x)][:3]) == (0, 255, 0)
    svg = figure_bytes(rendered, "svg").decode()
    assert 'id="legend-patch"' in svg and LEGEND in svg and ATTRIBUTION in svg
    # caucmap layer
    assert main(["layer", "patch"]) == 0
    feature = json.loads(capsys.readouterr().out)["features"][0]
    assert feature["properties"]["id"] == "patch-1" and "fill" not in feature["properties"]
    # the app's downloads
    offered = {d.label: d for d in data_downloads(ev, view)}
    assert "patch-1" in offered["Test patch CSV"].build()
    assert json.loads(offered["Test patch GeoJSON"].build())["name"] == "patch"


def test_the_world_view_is_decided_by_the_registry_too(ev: Evidence) -> None:
    world = web_map(ev, ViewState(world=True))
    assert list(world.layers) == ["world"]
    assert list(build_layers(ev, ViewState())) == [
        "regions", "context", "recognition", "borders", "war2008", "events"]
    assert [d.file_name for d in data_downloads(ev, ViewState(world=True))] == [
        "caucmap-world.geojson", "caucmap-world.csv"]


def test_no_renderer_knows_a_layer_by_name() -> None:
    for path in RENDERERS:
        text = path.read_text(encoding="utf-8")
        named = [n for n in layers.REGISTRY if re.search(rf"[\"']{n}[\"']", text)]
        assert named == [], f"{path.name} branches on {named}"
