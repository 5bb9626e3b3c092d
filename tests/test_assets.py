"""The map must not need the internet: vendored assets, localised folium, inlined export."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import branca.colormap
import folium
import pytest
from folium.plugins import FastMarkerCluster, MarkerCluster
from harness import offline_browser, running_app

from caucmap.assets import (
    DEFAULT_URL_PREFIX,
    LEAFLET_IMAGES,
    LOCAL_ASSETS,
    LOCALISED_CLASSES,
    UnvendoredAssetError,
    icon_path_element,
    icon_path_script,
    inline_assets,
    local_url,
    localise_assets,
    remote_assets,
)
from caucmap.settings import vendor_dir

ROOT = Path(__file__).resolve().parents[1]
VENDOR_DIR = vendor_dir(ROOT)
ARTIFACTS = ROOT / "tests" / "artifacts"
MANIFEST = json.loads((VENDOR_DIR / "manifest.json").read_text(encoding="utf-8"))

REMOTE_TAG_RE = re.compile(
    r"""<(?:script\b[^>]*\bsrc|link\b[^>]*\bhref)\s*=\s*["']?\s*(?:https?:)?//""", re.I
)
ANY_SRC_TAG_RE = re.compile(r"""<script\b[^>]*\bsrc\s*=|<link\b[^>]*\bhref\s*=""", re.I)


@pytest.fixture(scope="session")
def pristine_defaults() -> dict[str, list[list[str]]]:
    """folium's own default_js/css lists, read in a fresh interpreter (never localised)."""
    code = (
        "import json, folium\n"
        "from folium.plugins import MarkerCluster, FastMarkerCluster\n"
        "out = {}\n"
        "for c in (folium.Map, MarkerCluster, FastMarkerCluster):\n"
        "    for a in ('default_js', 'default_css'):\n"
        "        out[c.__name__ + '.' + a] = [list(e) for e in getattr(c, a)]\n"
        "print(json.dumps(out))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    return json.loads(proc.stdout)


@pytest.fixture
def restore_folium() -> Iterator[None]:
    """Undo localise_assets() after a test, so tests don't depend on each other's order."""
    saved = {
        (cls, attr): cls.__dict__.get(attr, None)
        for cls in LOCALISED_CLASSES
        for attr in ("default_js", "default_css")
    }
    # start from folium's own CDN lists, whatever ran before in this process (the
    # AppTest runs the app, which localises them)
    cdn_of = {local_url(cdn): cdn for cdn in LOCAL_ASSETS}
    for (cls, attr), value in saved.items():
        if value is not None:
            setattr(cls, attr, [(name, cdn_of.get(url, url)) for name, url in value])
    yield
    for (cls, attr), value in saved.items():
        if value is None:
            if attr in cls.__dict__:
                delattr(cls, attr)
        else:
            setattr(cls, attr, value)


def sample_map() -> folium.Map:
    """A small Abkhazia/South Ossetia-area map: a polygon, a circle marker, markers, clusters.

    The polygon is a test shape, not a boundary.
    """
    # tiles=None leaves L.map without maxZoom, which MarkerCluster needs ("Map has no
    # maxZoom specified"): folium passes unknown kwargs through as Leaflet options.
    m = folium.Map(location=[42.6, 42.8], zoom_start=7, tiles=None, width=900, height=600,
                   maxZoom=18)
    icon_path_element().add_to(m)
    folium.GeoJson(
        {
            "type": "Feature",
            "properties": {"name": "test polygon"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[43.6, 42.1], [44.5, 42.1], [44.5, 42.6], [43.6, 42.6],
                                 [43.6, 42.1]]],
            },
        },
        style_function=lambda _f: {"color": "#b2182b", "fillColor": "#ef8a62", "weight": 3},
    ).add_to(m)
    folium.CircleMarker([42.2279, 43.9686], radius=12, color="#2166ac", fill=True,
                        fill_opacity=0.8, tooltip="Tskhinvali").add_to(m)
    folium.Marker([43.0015, 41.0234], tooltip="Sukhumi (default icon)").add_to(m)
    folium.Marker([42.5, 41.8], icon=folium.Icon(icon="info-sign")).add_to(m)  # glyphicon
    folium.Marker([42.3, 42.7], icon=folium.Icon(prefix="fa", icon="star", color="red")).add_to(m)
    MarkerCluster(locations=[[42.9, 41.5], [42.91, 41.51], [42.92, 41.49]]).add_to(m)
    FastMarkerCluster([[42.0, 42.0], [42.01, 42.01]]).add_to(m)
    m.fit_bounds([[41.9, 40.8], [43.2, 44.6]])
    return m


# ----------------------------------------------------------------- vendored files


def test_every_folium_default_url_is_vendored(pristine_defaults: dict) -> None:
    seen = set()
    for where, entries in pristine_defaults.items():
        assert entries, f"{where} is empty: has folium changed how it lists assets?"
        for _name, url in entries:
            assert url in LOCAL_ASSETS, f"{where} asks for {url}, which is not vendored"
            assert (VENDOR_DIR / LOCAL_ASSETS[url]).is_file(), LOCAL_ASSETS[url]
            seen.add(url)
    assert seen == set(LOCAL_ASSETS), "LOCAL_ASSETS lists URLs folium no longer asks for"


def test_css_references_resolve_to_vendored_files() -> None:
    for rel in {r for r in LOCAL_ASSETS.values() if r.endswith(".css")}:
        css_path = VENDOR_DIR / rel
        for ref in re.findall(r"""url\(\s*['"]?([^'")]+)""", css_path.read_text("utf-8")):
            if ref.startswith(("data:", "#")):
                continue
            assert "//" not in ref, f"{rel} refers off-machine: {ref}"
            assert (css_path.parent / ref.split("?")[0]).is_file(), f"{rel}: {ref} missing"


def test_manifest_matches_files_and_licences_exist() -> None:
    import hashlib

    on_disk = {p.relative_to(VENDOR_DIR).as_posix() for p in VENDOR_DIR.rglob("*") if p.is_file()}
    listed = {"manifest.json", "README.md"}
    for directory, info in MANIFEST["packages"].items():
        names = set(info["files"])
        assert names & {"LICENSE", "LICENSE.txt", "MIT-LICENCE.txt", "NOTICE"}, directory
        for rel, sha in info["files"].items():
            data = (VENDOR_DIR / directory / rel).read_bytes()
            assert hashlib.sha256(data).hexdigest() == sha, f"{directory}/{rel} was edited"
            listed.add(f"{directory}/{rel}")
    assert on_disk == listed, f"stray or missing files: {on_disk ^ listed}"


def test_no_source_maps_and_total_is_small() -> None:
    files = [p for p in VENDOR_DIR.rglob("*") if p.is_file()]
    assert not [p for p in files if p.suffix == ".map"]
    total = sum(p.stat().st_size for p in files)
    print(f"vendored assets: {total / 1024:.0f} KiB in {len(files)} files")
    assert total < 2 * 1024 * 1024


def test_readme_names_every_package_and_the_refetch_command() -> None:
    readme = (VENDOR_DIR / "README.md").read_text(encoding="utf-8")
    for directory, info in MANIFEST["packages"].items():
        assert directory in readme
        if info["npm"]:
            assert f"`{info['npm']}`" in readme and info["version"] in readme
    assert "python scripts/vendor_assets.py --force" in readme


def _load_vendor_script():
    spec = importlib.util.spec_from_file_location(
        "vendor_assets", ROOT / "scripts" / "vendor_assets.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("vendor_assets", module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_vendor_script_pins_what_assets_py_maps(tmp_path: Path) -> None:
    script = _load_vendor_script()
    produced = {
        f"{p.directory}/{dest}" for p in script.PACKAGES for dest in [*p.files.values(),
                                                                      *p.generated]
    } | {f"{d}/{f}" for d, files in script.GENERATED_ONLY.items() for f in files}
    assert set(LOCAL_ASSETS.values()) <= produced
    for pkg in script.PACKAGES:
        assert re.fullmatch(r"\d+\.\d+\.\d+", pkg.version), pkg  # pinned, no ranges
        assert pkg.integrity.startswith("sha512-")
    # refuses to overwrite without --force (offline: write a tiny tree directly)
    tree = {"demo-1.0.0": {"a.js": b"1;", "LICENSE": b"MIT"}}
    script.write_tree(tree, tmp_path, force=False)
    with pytest.raises(SystemExit, match="refusing to overwrite"):
        script.write_tree(tree, tmp_path, force=False)
    script.write_tree({"demo-1.0.0": {"b.js": b"2;"}}, tmp_path, force=True)
    assert not (tmp_path / "demo-1.0.0" / "a.js").exists()
    assert (tmp_path / "demo-1.0.0" / "b.js").read_bytes() == b"2;"


# ----------------------------------------------------------------- localise


def test_localise_assets_rewrites_and_is_idempotent(restore_folium: None) -> None:
    localise_assets()
    first = {(c, a): list(getattr(c, a)) for c in LOCALISED_CLASSES
             for a in ("default_js", "default_css")}
    localise_assets()
    second = {(c, a): list(getattr(c, a)) for c in LOCALISED_CLASSES
              for a in ("default_js", "default_css")}
    assert first == second
    for entries in first.values():
        for _name, url in entries:
            assert url.startswith(DEFAULT_URL_PREFIX + "/")
            assert (VENDOR_DIR / url.removeprefix(DEFAULT_URL_PREFIX + "/")).is_file()
    localise_assets("/proxied/app/static/vendor/")
    assert folium.Map.default_js[0][1] == "/proxied/app/static/vendor/leaflet-1.9.3/leaflet.js"


def test_rendered_map_loads_nothing_remote(restore_folium: None) -> None:
    localise_assets()
    m = sample_map()
    page = m.get_root().render()
    assert not REMOTE_TAG_RE.search(page), REMOTE_TAG_RE.search(page)
    assert "/app/static/vendor/leaflet.markercluster-1.1.0/leaflet.markercluster.js" in page
    assert remote_assets(m) == []
    assert icon_path_script() in page


def test_unvendored_asset_raises_naming_it_and_changes_nothing(
    restore_folium: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = "https://cdn.example.org/leaflet@9.9.9/dist/leaflet.js"
    monkeypatch.setattr(MarkerCluster, "default_js", [*MarkerCluster.default_js, ("x", url)])
    before = list(folium.Map.default_css)
    with pytest.raises(UnvendoredAssetError, match=re.escape(url)):
        localise_assets()
    assert folium.Map.default_css == before  # all-or-nothing
    with pytest.raises(UnvendoredAssetError):
        local_url("https://unpkg.com/something.js")


def test_remote_assets_flags_cdn_plugins_and_colormaps(restore_folium: None) -> None:
    m = folium.Map(tiles=None)
    assert any("leaflet@1.9.3" in u for u in remote_assets(m))  # not localised yet
    localise_assets()
    assert remote_assets(m) == []
    branca.colormap.LinearColormap(["white", "red"], vmin=0, vmax=1).add_to(m)
    assert "https://d3js.org/d3.v4.min.js" in remote_assets(m)  # streamlit-folium adds d3


def test_icon_path_points_at_leaflet_images() -> None:
    js = icon_path_script("/x/app/static/vendor/")
    assert js == f'L.Icon.Default.imagePath = "/x/app/static/vendor/{LEAFLET_IMAGES}";'
    for name in ("marker-icon.png", "marker-icon-2x.png", "marker-shadow.png"):
        assert (VENDOR_DIR / LEAFLET_IMAGES / name).is_file()


# ----------------------------------------------------------------- inline


def _assert_self_contained(page: str) -> None:
    assert not ANY_SRC_TAG_RE.search(page), ANY_SRC_TAG_RE.search(page)
    assert "/app/static/vendor" not in page
    assert 't.version="1.9.3"' in page  # Leaflet's own code is in the file
    assert "L.MarkerClusterGroup" in page
    assert "data:font/woff2;base64," in page
    assert "data:image/png;base64," in page


def test_inline_assets_of_localised_map(restore_folium: None) -> None:
    localise_assets()
    _assert_self_contained(inline_assets(sample_map().get_root().render(), VENDOR_DIR))


def test_inline_assets_of_cdn_map(restore_folium: None) -> None:
    _assert_self_contained(inline_assets(sample_map().get_root().render(), VENDOR_DIR))


@pytest.mark.parametrize(
    "tag",
    [
        '<script src="https://example.org/evil.js"></script>',
        "<link rel='stylesheet' href='//fonts.example.org/x.css'>",
        '<link rel="preconnect" href="https://cdn.jsdelivr.net"/>',
        '<script src="/app/static/vendor/not-vendored.js"></script>',
        "<style>.x{background:url(https://example.org/a.png)}</style>",
    ],
)
def test_inline_assets_rejects_what_it_cannot_inline(tag: str) -> None:
    page = folium.Map(tiles=None).get_root().render().replace("</head>", tag + "</head>")
    with pytest.raises(UnvendoredAssetError, match="off-machine"):
        inline_assets(page, VENDOR_DIR)


# ----------------------------------------------------------------- real browser, offline


@pytest.mark.browser
def test_inlined_map_draws_offline_in_chromium(tmp_path: Path, restore_folium: None,
                                               chromium: str) -> None:
    localise_assets()
    html_file = tmp_path / "offline_map.html"
    html_file.write_text(inline_assets(sample_map().get_root().render(), VENDOR_DIR),
                         encoding="utf-8")

    errors: list[str] = []
    with offline_browser() as (ctx, blocked):
        page = ctx.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(html_file.as_uri(), wait_until="load")
        page.wait_for_function(
            "window.L !== undefined && window.jQuery !== undefined"
            " && document.querySelectorAll('path.leaflet-interactive').length >= 2",
            timeout=15_000,
        )
        state = page.evaluate(
            """async () => {
                await document.fonts.ready;
                const imgs = [...document.querySelectorAll('img.leaflet-marker-icon')];
                return {
                    leaflet: window.L.version,
                    paths: document.querySelectorAll('path.leaflet-interactive').length,
                    icons: imgs.map(i => ({src: i.src.slice(0, 22), w: i.naturalWidth})),
                    awesome: document.querySelectorAll('[class*=awesome-marker-icon-]').length,
                    clusters: document.querySelectorAll('.marker-cluster').length,
                    fonts: [...document.fonts].filter(f => f.status === 'loaded')
                                              .map(f => f.family.replace(/"/g, '')),
                };
            }"""
        )
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "offline_map.png"))

    assert not errors, errors
    assert not blocked, f"the inlined page tried the network: {blocked}"
    assert state["leaflet"] == "1.9.3"
    assert state["paths"] >= 2  # GeoJSON polygon + CircleMarker
    assert state["icons"] and all(
        i["src"].startswith("data:image/png") and i["w"] > 0 for i in state["icons"]
    ), state["icons"]
    assert state["awesome"] == 2
    assert state["clusters"] >= 1
    assert "Glyphicons Halflings" in state["fonts"] and "Font Awesome 6 Free" in state["fonts"]


STREAMLIT_APP = '''
import folium
import streamlit as st
from folium.plugins import MarkerCluster
from streamlit_folium import st_folium

from caucmap.assets import icon_path_element, localise_assets, remote_assets

localise_assets()
m = folium.Map(location=[42.6, 42.8], zoom_start=7, tiles=None, maxZoom=18)
icon_path_element().add_to(m)
folium.GeoJson({"type": "Polygon", "coordinates": [[[43.6, 42.1], [44.5, 42.1], [44.5, 42.6],
               [43.6, 42.6], [43.6, 42.1]]]}).add_to(m)
folium.CircleMarker([42.2279, 43.9686], radius=12, fill=True).add_to(m)
folium.Marker([43.0015, 41.0234]).add_to(m)
folium.Marker([42.5, 41.8], icon=folium.Icon(icon="info-sign")).add_to(m)
MarkerCluster(locations=[[42.9, 41.5], [42.91, 41.51]]).add_to(m)
st.write("remote:", remote_assets(m))
st_folium(m, width=800, height=450, key="offline-check")
'''


@pytest.mark.browser
def test_streamlit_folium_frame_uses_vendored_assets_offline(tmp_path: Path,
                                                             chromium: str) -> None:
    """A plain folium map in Streamlit (the bench's naive variant): Streamlit serves
    app/static/vendor, st_folium's frame loads it. The app's own frame: test_browser."""
    app_dir = tmp_path / "app"
    app_dir.mkdir()
    (app_dir / "static").symlink_to(ROOT / "app" / "static", target_is_directory=True)
    (app_dir / "app.py").write_text(STREAMLIT_APP, encoding="utf-8")
    with running_app(script=app_dir / "app.py") as base, offline_browser() as (ctx, blocked):
        page = ctx.new_page()
        page.goto(base, wait_until="domcontentloaded")
        frame = None
        for _ in range(120):
            frame = next((f for f in page.frames if "st_folium" in f.url), None)
            if frame is not None:
                break
            page.wait_for_timeout(500)
        assert frame is not None, "st_folium's frame never appeared"
        frame.wait_for_selector("path.leaflet-interactive", timeout=30_000)
        frame.wait_for_function(
            "[...document.querySelectorAll('img.leaflet-marker-icon')].every(i => i.complete)",
            timeout=10_000,
        )
        state = frame.evaluate(
            """() => ({
                leaflet: window.L.version,
                paths: document.querySelectorAll('path.leaflet-interactive').length,
                icons: [...document.querySelectorAll('img.leaflet-marker-icon')]
                           .map(i => [i.src, i.naturalWidth]),
                clusters: document.querySelectorAll('.marker-cluster').length,
            })"""
        )
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "streamlit_offline_map.png"))

    assert not blocked, f"the app tried the network: {blocked}"
    assert state["leaflet"] == "1.9.3"
    assert state["paths"] >= 2
    assert state["clusters"] >= 1
    icon_base = f"{base}{DEFAULT_URL_PREFIX}/{LEAFLET_IMAGES}marker-icon"
    assert state["icons"] and all(
        src.startswith(icon_base) and width > 0 for src, width in state["icons"]
    ), state["icons"]
