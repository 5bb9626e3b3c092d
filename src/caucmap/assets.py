"""Make folium maps load Leaflet & co. from caucmap's own files, so they work offline.

folium (and so streamlit-folium) tells the browser to fetch Leaflet, jQuery,
Bootstrap, Font Awesome and plugins from public CDNs; with no internet the map
frame stays blank.  ``scripts/vendor_assets.py`` keeps pinned copies of those
files in ``app/static/vendor/`` (see its README); this module points folium at
them.

In a Streamlit app showing the map with streamlit-folium, as the bench's naive variant
does (Streamlit serves ``app/static/`` at ``/app/static/`` when
``server.enableStaticServing = true``; the app's own frame, ``app/map_frame.py``, takes
the same links)::

    import folium
    from streamlit_folium import st_folium
    from caucmap.assets import icon_path_element, localise_assets, remote_assets

    localise_assets()                   # once, before rendering any map
    m = folium.Map(location=[42.3, 43.4], zoom_start=8, tiles=None)
    icon_path_element().add_to(m)       # before any marker with Leaflet's default icon
    ...
    assert not remote_assets(m)         # nothing left that would need the internet
    st_folium(m, ...)

For a standalone HTML file that opens with no server and no internet::

    from caucmap.assets import inline_assets
    from caucmap.settings import vendor_dir
    html = inline_assets(m.get_root().render(), vendor_dir(root))
    Path("map.html").write_text(html, encoding="utf-8")

Behind a proxy with ``server.baseUrlPath = "x"`` pass ``url_prefix="/x/app/static/vendor"``.
"""

from __future__ import annotations

import base64
import html as htmllib
import json
import mimetypes
import re
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path

import branca.colormap
import branca.element
import folium
import folium.elements
from folium.plugins import FastMarkerCluster, MarkerCluster
from folium.template import Template

from caucmap.settings import STATIC_URL, VENDOR_URL

__all__ = [
    "DEFAULT_URL_PREFIX",
    "LEAFLET_IMAGES",
    "LOCALISED_CLASSES",
    "LOCAL_ASSETS",
    "UnvendoredAssetError",
    "icon_path_element",
    "icon_path_script",
    "inline_assets",
    "local_url",
    "localise_assets",
    "remote_assets",
]

#: Where Streamlit serves the vendored files (:func:`caucmap.settings.vendor_dir`).
DEFAULT_URL_PREFIX = VENDOR_URL

#: Leaflet's default marker images, relative to the vendor folder (trailing slash as Leaflet
#: wants).
LEAFLET_IMAGES = "leaflet-1.9.3/images/"

_FOLIUM_CDN_ROTATE = (
    "https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/"
    "leaflet.awesome.rotate.min.css"
)
_CDNJS = "https://cdnjs.cloudflare.com/ajax/libs"
_JSDELIVR = "https://cdn.jsdelivr.net/npm"

#: Every CDN URL that folium 0.20's Map, MarkerCluster and FastMarkerCluster
#: reference -> the vendored copy, relative to the vendor folder.
LOCAL_ASSETS: dict[str, str] = {
    # folium.Map default_js
    f"{_JSDELIVR}/leaflet@1.9.3/dist/leaflet.js": "leaflet-1.9.3/leaflet.js",
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery-3.7.1/jquery.min.js",
    f"{_JSDELIVR}/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js":
        "bootstrap-5.2.2/js/bootstrap.bundle.min.js",
    # folium names 2.0.2; npm has 2.0.5 (same code, see app/static/vendor/README.md)
    f"{_CDNJS}/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.js":
        "leaflet.awesome-markers-2.0.5/leaflet.awesome-markers.js",
    # folium.Map default_css
    f"{_JSDELIVR}/leaflet@1.9.3/dist/leaflet.css": "leaflet-1.9.3/leaflet.css",
    f"{_JSDELIVR}/bootstrap@5.2.2/dist/css/bootstrap.min.css":
        "bootstrap-5.2.2/css/bootstrap.min.css",
    "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css":
        "bootstrap3-glyphicons-3.4.1/css/bootstrap-glyphicons.css",
    f"{_JSDELIVR}/@fortawesome/fontawesome-free@6.2.0/css/all.min.css":
        "fontawesome-free-6.2.0/css/all.min.css",
    f"{_CDNJS}/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.css":
        "leaflet.awesome-markers-2.0.5/leaflet.awesome-markers.css",
    _FOLIUM_CDN_ROTATE: "folium-awesome-rotate/leaflet.awesome.rotate.min.css",
    # MarkerCluster / FastMarkerCluster
    f"{_CDNJS}/leaflet.markercluster/1.1.0/leaflet.markercluster.js":
        "leaflet.markercluster-1.1.0/leaflet.markercluster.js",
    f"{_CDNJS}/leaflet.markercluster/1.1.0/MarkerCluster.css":
        "leaflet.markercluster-1.1.0/MarkerCluster.css",
    f"{_CDNJS}/leaflet.markercluster/1.1.0/MarkerCluster.Default.css":
        "leaflet.markercluster-1.1.0/MarkerCluster.Default.css",
}

#: The folium classes whose default_js/default_css localise_assets() rewrites.
LOCALISED_CLASSES: tuple[type[folium.elements.JSCSSMixin], ...] = (
    folium.Map,
    MarkerCluster,
    FastMarkerCluster,
)

_ATTRS = ("default_js", "default_css")

# streamlit-folium adds these itself (not via default_js) when a branca ColorMap
# is on the map; they are not vendored, so remote_assets() reports them.
_STREAMLIT_FOLIUM_COLORMAP_JS = (
    "https://d3js.org/d3.v4.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/d3/3.5.5/d3.min.js",
)


class UnvendoredAssetError(ValueError):
    """folium asks for a file that app/static/vendor/ does not hold.

    Raised instead of quietly letting the browser go to a CDN (which fails
    offline): typically after a folium upgrade changed a version in its URLs,
    or when a plugin we have not vendored is used.  Fix by extending
    scripts/vendor_assets.py and LOCAL_ASSETS.
    """


def _prefix(url_prefix: str) -> str:
    return url_prefix.rstrip("/")


def _is_remote(url: str) -> bool:
    return bool(re.match(r"^(?:[a-z][a-z0-9+.-]*:)?//", url.strip(), re.IGNORECASE))


def _vendored_rel(url: str, url_prefix: str) -> str | None:
    """The vendor-folder-relative path a CDN or already-localised URL stands for."""
    url = url.strip()
    if url in LOCAL_ASSETS:
        return LOCAL_ASSETS[url]
    if _is_remote(url):
        return None
    bare = re.split(r"[?#]", url, maxsplit=1)[0]
    prefix = _prefix(url_prefix)
    for rel in LOCAL_ASSETS.values():
        # exact match under our prefix, or localised earlier under another prefix
        if bare in (rel, f"{prefix}/{rel}") or bare.endswith(f"/{rel}"):
            return rel
    return None


def local_url(url: str, url_prefix: str = DEFAULT_URL_PREFIX) -> str:
    """The local URL for a CDN (or already-local) asset URL.

    Raises UnvendoredAssetError naming ``url`` if we have no copy, so a map
    never silently falls back to the internet.
    """
    rel = _vendored_rel(url, url_prefix)
    if rel is None:
        raise UnvendoredAssetError(
            f"folium asks for {url!r}, which is not vendored in app/static/vendor; "
            "add it to scripts/vendor_assets.py and caucmap.assets.LOCAL_ASSETS"
        )
    return f"{_prefix(url_prefix)}/{rel}"


def localise_assets(url_prefix: str = DEFAULT_URL_PREFIX) -> None:
    """Point folium.Map's, MarkerCluster's and FastMarkerCluster's assets at local files.

    Rewrites the ``default_js``/``default_css`` class lists, which folium reads
    at render time and streamlit-folium reads to build the frame's <script>
    and <link> tags.  Idempotent (and may be called again with another
    prefix).  All-or-nothing: on an unknown URL it raises UnvendoredAssetError
    before changing anything.
    """
    new: dict[tuple[type, str], list[tuple[str, str]]] = {}
    for cls in LOCALISED_CLASSES:
        for attr in _ATTRS:
            entries = getattr(cls, attr)
            new[(cls, attr)] = [(name, local_url(url, url_prefix)) for name, url in entries]
    for (cls, attr), entries in new.items():
        setattr(cls, attr, entries)


def icon_path_script(url_prefix: str = DEFAULT_URL_PREFIX) -> str:
    """JS that tells Leaflet where its default marker images are.

    Needed because Leaflet guesses that folder from leaflet.css's computed
    background-image, and streamlit-folium attaches the CSS only after the
    scripts ran: in its frame the guess comes out as
    ``.../leaflet-1.9.3marker-icon.png`` and default markers are broken images
    (the app's own frame links the CSS first, but keeps the same rule).
    (inline_assets() swaps this for data: URIs, as a file has no image folder.)
    """
    return f"L.Icon.Default.imagePath = {json.dumps(f'{_prefix(url_prefix)}/{LEAFLET_IMAGES}')};"


class _IconPath(branca.element.MacroElement):
    """A map child whose only job is to run icon_path_script() in the map's script."""

    _template = Template(
        "{% macro script(this, kwargs) %}\n    {{ this.js }}\n{% endmacro %}"
    )

    def __init__(self, js: str) -> None:
        super().__init__()
        self._name = "IconPath"
        self.js = js


def icon_path_element(url_prefix: str = DEFAULT_URL_PREFIX) -> branca.element.MacroElement:
    """icon_path_script() as a folium element: ``icon_path_element().add_to(m)``.

    Add it to the Map (not to the Figure's header): streamlit-folium only runs
    the ``script`` macros of the map and its children, and drops/does not
    execute scripts in the header.  Add it before markers that use Leaflet's
    default icon, since children run in the order they were added.
    """
    return _IconPath(icon_path_script(url_prefix))


def elements(element: branca.element.Element) -> Iterator[branca.element.Element]:
    """``element`` and every element under it, parents first."""
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from elements(child)


def remote_assets(element: branca.element.Element) -> list[str]:
    """URLs that rendering ``element`` (a Map, usually) would fetch from off-machine.

    Mirrors what a map's frame loads: every JSCSSMixin's default_js/default_css
    in the tree, plus the d3 scripts streamlit-folium adds by itself whenever a
    branca ColorMap is on the map (those can't be localised: keep ColorMaps off
    maps shown with st_folium, or its frame waits for d3 forever; the app's frame
    adds no d3, and a ColorMap there fails on ``d3 is not defined``).
    Empty means the map can be shown offline (tiles aside).
    """
    urls: list[str] = []
    for el in elements(element):
        if isinstance(el, branca.colormap.ColorMap):
            urls.extend(_STREAMLIT_FOLIUM_COLORMAP_JS)
        for attr in _ATTRS:
            urls.extend(url for _, url in getattr(el, attr, []) if _is_remote(url))
    return list(dict.fromkeys(urls))


# --------------------------------------------------------------------------- inline

_ATTR_RE = re.compile(r"""([^\s=/>]+)\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+)""")
# one pass over the page, so inlined code is never itself rescanned for tags
_TAG_RE = re.compile(
    r"<script\b(?P<script>[^>]*)>\s*</script\s*>|<link\b(?P<link>[^>]*?)/?>", re.IGNORECASE
)
_STYLE_BLOCK_RE = re.compile(r"<style\b[^>]*>(.*?)</style\s*>", re.IGNORECASE | re.DOTALL)
_CSS_URL_RE = re.compile(r"""url\(\s*(['"]?)([^'")]*)\1\s*\)""", re.IGNORECASE)
_CSS_IMPORT_RE = re.compile(r"@import\b", re.IGNORECASE)
_REMOTE_CSS_URL_RE = re.compile(
    r"""url\(\s*['"]?((?:https?:)?//[^'")\s]+)""", re.IGNORECASE
)


def _attrs(tag_attrs: str) -> dict[str, str]:
    return {
        k.lower(): htmllib.unescape(v[1:-1] if v[:1] in "\"'" else v)
        for k, v in _ATTR_RE.findall(tag_attrs)
    }


def _mime(path: Path) -> str:
    known = {".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf",
             ".svg": "image/svg+xml", ".png": "image/png", ".gif": "image/gif"}
    return known.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or (
        "application/octet-stream"
    )


@cache
def _data_uri(path: Path) -> str:
    return f"data:{_mime(path)};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def vendored_file(url: str, vendor_dir: Path, url_prefix: str = DEFAULT_URL_PREFIX) -> Path:
    """Our copy, in ``vendor_dir``, of the asset a CDN or localised URL stands for."""
    rel = _vendored_rel(url, url_prefix)
    if rel is None:
        raise UnvendoredAssetError(f"{url!r} is not vendored in app/static/vendor")
    return _vendored_file(rel, vendor_dir)


def _vendored_file(rel: str, vendor_dir: Path) -> Path:
    path = (vendor_dir / rel).resolve()
    root = vendor_dir.resolve()
    if root not in path.parents or not path.is_file():
        raise UnvendoredAssetError(f"vendored file {rel!r} is missing from {vendor_dir}")
    return path


def _inline_css(rel: str, vendor_dir: Path) -> str:
    """A vendored stylesheet with its images and fonts turned into data: URIs."""
    path = _vendored_file(rel, vendor_dir)
    css = path.read_text(encoding="utf-8")
    if _CSS_IMPORT_RE.search(css):
        raise UnvendoredAssetError(f"{rel}: @import is not supported by inline_assets()")

    def repl(match: re.Match[str]) -> str:
        ref = match.group(2).strip()
        if not ref or ref.startswith(("data:", "#")):
            return match.group(0)
        if _is_remote(ref):
            raise UnvendoredAssetError(f"{rel} refers to {ref!r}, which is off-machine")
        target_rel = (path.parent / re.split(r"[?#]", ref, maxsplit=1)[0]).resolve()
        try:
            target_rel = target_rel.relative_to(vendor_dir.resolve())
        except ValueError:
            raise UnvendoredAssetError(f"{rel} refers to {ref!r}, outside {vendor_dir}") from None
        return f'url("{_data_uri(_vendored_file(str(target_rel), vendor_dir))}")'

    return _CSS_URL_RE.sub(repl, css).replace("</style", "<\\/style")


def _leaflet_icon_patch(vendor_dir: Path) -> str:
    """JS giving Leaflet's default icon data: URIs, as an inlined file has no image folder."""
    images = {
        "iconUrl": "marker-icon.png",
        "iconRetinaUrl": "marker-icon-2x.png",
        "shadowUrl": "marker-shadow.png",
    }
    options = {
        key: _data_uri(_vendored_file(LEAFLET_IMAGES + name, vendor_dir))
        for key, name in images.items()
    }
    return (
        'L.Icon.Default.imagePath = "";\n'
        f"L.Icon.Default.mergeOptions({json.dumps(options)});"
    )


def _script(name: str, code: str) -> str:
    """Code as an inline <script> ("</script" inside it must not end the tag)."""
    code = re.sub(r"</(script)", r"<\\/\1", code, flags=re.IGNORECASE)
    return f"<script>/* {name} */\n{code}\n</script>"


def inline_assets(html: str, vendor_dir: Path, url_prefix: str = DEFAULT_URL_PREFIX,
                  scripts: Mapping[str, Path] | None = None) -> str:
    """Make a rendered folium page self-contained: it then opens offline from a file.

    Every ``<script src>`` and ``<link rel=stylesheet>`` that names a vendored
    asset (by its CDN URL or under ``url_prefix``) becomes an inline
    ``<script>``/``<style>``; CSS ``url(...)`` images and fonts become data:
    URIs, and Leaflet's default marker icon is given data: URIs too. ``scripts``
    maps the app's own script URLs to their files, inlined the same way. Raises
    UnvendoredAssetError naming every script/link (or CSS url) still pointing
    off-machine or at the local server (anything under ``STATIC_URL``).  Tile URLs
    inside the map's JS are not checked: pass ``tiles=None`` (or local tiles) for a
    fully offline map.
    """
    problems: list[str] = []
    leaflet_rel = LOCAL_ASSETS[f"{_JSDELIVR}/leaflet@1.9.3/dist/leaflet.js"]
    scripts = scripts or {}

    def is_local_server(url: str) -> bool:
        return url.strip().startswith((f"{_prefix(url_prefix)}/", f"{STATIC_URL}/"))

    def script_repl(match: re.Match[str]) -> str:
        attrs = _attrs(match.group("script"))
        src = attrs.get("src")
        if src is None:
            return match.group(0)
        if src in scripts:
            return _script(src, scripts[src].read_text(encoding="utf-8"))
        rel = _vendored_rel(src, url_prefix)
        if rel is None:
            if _is_remote(src) or is_local_server(src):
                problems.append(f"<script src={src!r}>")
            return match.group(0)
        out = _script(rel, _vendored_file(rel, vendor_dir).read_text(encoding="utf-8"))
        if rel == leaflet_rel:
            out += f"\n<script>\n{_leaflet_icon_patch(vendor_dir)}\n</script>"
        return out

    def link_repl(match: re.Match[str]) -> str:
        attrs = _attrs(match.group("link"))
        href = attrs.get("href")
        if href is None:
            return match.group(0)
        rel = _vendored_rel(href, url_prefix)
        is_sheet = "stylesheet" in attrs.get("rel", "").lower().split()
        if rel is None or not is_sheet:
            if _is_remote(href) or is_local_server(href):
                problems.append(f"<link href={href!r}>")
            return match.group(0)
        return f"<style>/* {rel} */\n{_inline_css(rel, vendor_dir)}\n</style>"

    for block in _STYLE_BLOCK_RE.findall(html):
        problems.extend(f"css url({u!r})" for u in _REMOTE_CSS_URL_RE.findall(block))
    out = _TAG_RE.sub(
        lambda m: script_repl(m) if m.group("script") is not None else link_repl(m), html
    )
    # icon_path_element()'s server path means nothing in a file; the patch above applies
    out = out.replace(icon_path_script(url_prefix), 'L.Icon.Default.imagePath = "";')
    if problems:
        raise UnvendoredAssetError(
            "inline_assets(): still pointing off-machine or at the app server: "
            + ", ".join(dict.fromkeys(problems))
        )
    return out
