"""Export a view as a file: one path for the CLI (``caucmap export``) and the app's downloads.

    >>> from caucmap.export import export_bytes, export_view
    >>> export_view(ev, view, Path("briefing.pdf"), size="A4")       # refuses to overwrite
    PosixPath('briefing.pdf')
    >>> png = export_bytes(ev, view, "png", size="16:9", dpi=144)   # 1920x1080 for a slide

PNG, SVG and PDF are drawn by :mod:`caucmap.render_static` (see its docstring for
sizes, extent and style conventions); HTML is the standalone web map of
:func:`caucmap.render_web.standalone_html`. Files are written atomically
(:func:`caucmap.atomic.write_atomic`); a bad format, size or dpi raises
:class:`caucmap.errors.UsageError`, which the CLI prints in one line (exit 2).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast

from caucmap.atomic import check_target, write_atomic
from caucmap.dates import short_span
from caucmap.errors import UsageError
from caucmap.evidence import Evidence
from caucmap.layers import Layer, LayerSpec, build_layers
from caucmap.render_static import FORMATS, Format, parse_size, render_bytes
from caucmap.render_static.renderer import view_description
from caucmap.shorten import shorten
from caucmap.tables import to_csv, to_geojson
from caucmap.viewstate import ViewState

ExportFormat = Literal["png", "svg", "pdf", "html"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = (*FORMATS, "html")
MEDIA_TYPES: dict[ExportFormat, str] = {
    "png": "image/png",
    "svg": "image/svg+xml",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
}


def format_of(out: Path) -> ExportFormat:
    """The export format a file name asks for, from its suffix."""
    suffix = Path(out).suffix.lower().lstrip(".")
    if suffix not in EXPORT_FORMATS:
        shown = f"'.{suffix}'" if suffix else "no suffix"
        raise UsageError(f"--out {out}: unsupported format ({shown}); use "
                         + ", ".join(f".{f}" for f in EXPORT_FORMATS))
    return cast(ExportFormat, suffix)


def export_bytes(ev: Evidence, view: ViewState, fmt: str, *, size: str = "A4",
                 dpi: int = 300) -> bytes:
    """The view encoded as ``fmt`` (png, svg, pdf or html): what a download button serves."""
    if fmt not in EXPORT_FORMATS:
        raise UsageError(f"unsupported format {fmt!r}; use {', '.join(EXPORT_FORMATS)}")
    if fmt == "html":
        from caucmap.render_web import standalone_html  # folium: only when asked for

        return with_text_alternative(standalone_html(ev, view), ev, view).encode("utf-8")
    if view.world:
        raise UsageError("the world view exports as HTML only; turn the world view off for "
                         "PNG, SVG or PDF")
    return render_bytes(ev, view, cast(Format, fmt), size=size, dpi=dpi)


def export_view(ev: Evidence, view: ViewState, out: Path, *, size: str = "A4", dpi: int = 300,
                overwrite: bool = False) -> Path:
    """Write the view to ``out`` in the format its suffix names; return the path.

    Everything a user can get wrong (suffix, size, dpi, a missing or unwritable folder,
    an existing file) is checked before the map is drawn, so a mistake costs no
    rendering time; the error names ``out``, never a temporary file.
    """
    out = Path(out)
    fmt = format_of(out)
    if fmt != "html":
        parse_size(size, dpi)
        if view.world:
            raise UsageError("the world view exports as HTML only; turn the world view off "
                             "for PNG, SVG or PDF")
    check_target(out, overwrite=overwrite)  # folder, permission, existing file: race-free later
    return write_atomic(out, export_bytes(ev, view, fmt, size=size, dpi=dpi),
                        overwrite=overwrite)


SR_ONLY_CSS = (".cm-sr-only{position:absolute;width:1px;height:1px;padding:0;margin:-1px;"
               "overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}")


def text_alternative(ev: Evidence, view: ViewState) -> tuple[str, str]:
    """The map in words, as HTML: a visually hidden description (for screen readers)
    and a ``<noscript>`` list of what is drawn (for a page without its script)."""
    description = html.escape(view_description(ev, view))
    hidden = f'<div id="cm-map-description" class="cm-sr-only">{description}</div>'
    sections = []
    for layer in build_layers(ev, view).values():
        frame = layer.frame
        if layer.spec.records and len(frame):
            items = [f"{short_span(r.start, r.end, r.date_precision)}: {shorten(r.title, 160)}"
                     + (f" ({', '.join(r.places)})" if getattr(r, "places", None) else "")
                     for r in frame.itertuples()]
        else:
            items = [entry.label for entry in layer.legend]
        if items:
            lines = "".join(f"<li>{html.escape(str(item))}</li>" for item in items)
            sections.append(f"<h2>{html.escape(layer.title)}</h2><ul>{lines}</ul>")
    listing = f"<noscript><p>{description}</p>{''.join(sections)}</noscript>"
    return hidden, listing


def with_text_alternative(page: str, ev: Evidence, view: ViewState) -> str:
    """The standalone map page with its text alternative: the description first in the
    body (the map's container points at it) and the listing for readers without script."""
    hidden, listing = text_alternative(ev, view)
    page = page.replace("</head>", f"<style>{SR_ONLY_CSS}</style></head>", 1)
    page = re.sub(r"<body[^>]*>", lambda m: m.group(0) + hidden + listing, page, count=1)
    return re.sub(r'(<div class="folium-map" id="[^"]+")',
                  r'\1 role="region" aria-describedby="cm-map-description"', page, count=1)


@dataclass(frozen=True)
class Download:
    """One data download: a button's label, the file's name and type, and how to make it."""

    label: str
    file_name: str
    mime: str
    build: Callable[[], str]  # called on click: nothing is built on a rerun


def data_downloads(ev: Evidence, view: ViewState) -> list[Download]:
    """Every layer of the view as GeoJSON and as CSV, topmost first (the events, usually).

    What a layer gives is its spec's data (the recognition layer: one row per country).
    """
    out = []
    for name, layer in reversed(build_layers(ev, view).items()):
        def data(spec: LayerSpec = layer.spec) -> Layer:
            return spec.data(ev, view)

        out += [Download(f"{layer.title} GeoJSON", f"caucmap-{name}.geojson",
                         "application/geo+json", lambda data=data: to_geojson(data())),
                Download(f"{layer.title} CSV", f"caucmap-{name}.csv", "text/csv",
                         lambda data=data: to_csv(data()))]
    return out
