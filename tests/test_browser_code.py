"""caucmap's browser code lives in app/static/caucmap/*.js: served to the app, inlined."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import folium
import pytest
from harness import offline_browser
from test_render_web import synthetic_layer

from caucmap import render_web
from caucmap.assets import inline_assets
from caucmap.evidence import Evidence
from caucmap.render_web import MAX_ICONS, SCRIPTS, BrowserCode, PointLayer, standalone_html
from caucmap.settings import SCRIPTS_URL, scripts_dir, vendor_dir
from caucmap.viewstate import ViewState

ROOT = Path(__file__).resolve().parents[1]
FILES = [scripts_dir(ROOT) / f"{name}.js" for name in SCRIPTS]


def test_no_javascript_is_left_in_python_strings() -> None:
    source = Path(render_web.__file__).read_text(encoding="utf-8")
    for marker in ("L.geoJSON(", "L.Layer.extend", "getContext(", "L.marker("):
        assert marker not in source, marker


def test_the_standalone_file_inlines_every_script(ev: Evidence) -> None:
    page = standalone_html(ev, ViewState())
    for name, path in zip(SCRIPTS, FILES, strict=True):
        assert f"/* {SCRIPTS_URL}/{name}.js */" in page
        assert path.read_text(encoding="utf-8").splitlines()[-2] in page
    assert f'src="{SCRIPTS_URL}' not in page


@pytest.mark.skipif(shutil.which("node") is None, reason="node not installed")
@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_scripts_parse(path: Path) -> None:
    done = subprocess.run(["node", "--check", str(path)], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr


@pytest.mark.browser
def test_canvas_points_draw_from_the_inlined_script(tmp_path: Path, chromium: str) -> None:
    """Past MAX_ICONS points the layer is one canvas in its pane, hit-tested on hover."""
    m = folium.Map(location=(42.4, 43.2), zoom_start=6, tiles=None)
    BrowserCode(ROOT).add_to(m)
    folium.map.CustomPane("cm-events", z_index=450).add_to(m)
    group = folium.FeatureGroup(name="points").add_to(m)
    PointLayer(synthetic_layer(MAX_ICONS + 50), "cm-events").add_to(group)
    scripts = {f"{SCRIPTS_URL}/{path.stem}.js": path for path in FILES}
    out = tmp_path / "points.html"
    out.write_text(inline_assets(m.get_root().render(), vendor_dir(ROOT), scripts=scripts),
                   encoding="utf-8")
    with offline_browser() as (ctx, blocked):
        page = ctx.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(out.as_uri())
        canvas = page.locator(".leaflet-cm-events-pane canvas")
        canvas.wait_for(state="attached", timeout=30_000)
        painted = page.evaluate(
            "() => { const c = document.querySelector('.leaflet-cm-events-pane canvas');"
            " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
            " let n = 0; for (let i = 3; i < d.length; i += 4) { if (d[i]) n++; } return n; }")
        assert painted > 1000 and errors == [] and blocked == []
