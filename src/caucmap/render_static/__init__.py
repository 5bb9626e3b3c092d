"""Briefing-ready static maps (PNG, SVG, PDF) drawn with matplotlib from the shared layers.

A browser screenshot has UI chrome, no legend, no sources and screen resolution;
this draws the same :func:`caucmap.layers.build_layers` output as the web map, by
reading the layers' style columns, onto a page with a title, legend, scale bar,
locator inset, attribution and a footer naming the sources of the events shown.

    >>> from caucmap.evidence import default_evidence
    >>> from caucmap.viewstate import ViewState
    >>> rendered = render(default_evidence(), ViewState(), size="A4", dpi=300)
    >>> png = figure_bytes(rendered, "png")          # or "svg", "pdf"
    >>> x, y = rendered.to_pixel(39.73, 43.59)       # Sochi, image pixels from the top left
    >>> rendered.sources                             # what the footer lists
    (('Sputnik', datetime.date(2014, 11, 23)), ...)

Conventions (so that a picture can be checked against the app):

- **Extent.** The view's Leaflet ``zoom`` is read as the extent a ``NOMINAL_MAP_PX``
  (1000 px) wide Leaflet map shows: ``360 / 2**zoom * (1000 / 256)`` degrees of
  longitude across, centred on ``lat``/``lon``. The height follows from the map
  frame's aspect on the page, in Web Mercator (EPSG:3857, conformal like Leaflet's).
- **Sizes.** ``A4`` and ``A5`` are landscape pages (297x210 mm, 210x148 mm);
  ``16:9`` is a widescreen slide of 13.333x7.5 in (PowerPoint's default), so
  ``dpi=144`` gives exactly 1920x1080 px; ``WxH`` is pixels, and the page is
  ``W/dpi`` x ``H/dpi`` inches (at least 1000x700 px). Type, line widths and
  markers scale with the page (relative to A4), so a pixel size looks the same
  whatever the dpi and the dpi only sets the PNG's physical size (its pHYs chunk).
- **Style.** Leaflet pixel widths (``weight``, dashes) become points at
  ``0.6 pt/px`` on A4. The bottom layer (regions) is composited over white paper,
  as there is no tile base underneath; layers above keep their ``fill_opacity``.
  Beyond the regional layers' clip box (low zooms) the world layer's countries
  are drawn as a muted base. A feature's ``label`` is drawn once, from the topmost
  layer labelling that id, where no labelled feature above covers it.
- **Events.** Every event of the events layer with a place is drawn (events without
  one are counted in the footer). Markers that would overlap are spread on a small
  ring (a spiral for more than ``RING_MAX``) and share one label listing them by
  date; events outside the frame are drawn at its edge, their label starting with
  an arrow towards them. Labels are placed greedily
  (candidates around the marker, then further out with a leader line) avoiding
  markers, other labels and the scale bar; ``RenderedMap.label_overlaps`` counts
  those that could not be placed free. The footer lists the outlet and publication
  date of every source cited by the events drawn, and nothing else.

SVG keeps text as ``<text>`` (no path effects, ``svg.fonttype: none``); PDF embeds
TrueType fonts. Nothing is rasterised in the vector formats. Figures are built on
``matplotlib.figure.Figure`` with the Agg canvas: no pyplot state.

The pieces, lowest first (each imports only those before it): ``look`` (paper, ink,
type sizes, Mercator; text measuring), ``page`` (sizes and extent), ``artists``
(geometry to matplotlib, legend symbols, scale bar, inset), ``labels`` (placement,
clusters, edge pins) and ``renderer`` (the page composed, and its encoding).
"""

from caucmap.render_static.look import paper_colour
from caucmap.render_static.page import Page, parse_size, view_extent
from caucmap.render_static.renderer import (
    FORMATS,
    Format,
    RenderedMap,
    figure_bytes,
    render,
    render_bytes,
)

__all__ = ["FORMATS", "Format", "Page", "RenderedMap", "figure_bytes", "paper_colour",
           "parse_size", "render", "render_bytes", "view_extent"]
