"""Names on the web map, placed by the browser without collisions (``labels.js``).

Every labelled feature of a layer (a ``label`` and a ``label_at`` point) becomes one item
for ``caucmap.labels(parent, items)``: region names, the context layer's places, rivers,
ranges, peaks and divisions, and any dated feature's short label. The browser shows an
item from its ``minZoom``, places items by ``priority`` (lower first) so that none
overlaps another, and re-places them on every zoom and pan; a dated item (``start``,
``end`` day numbers) hides outside the date window. Text is escaped here, since a
label's HTML goes into the page as is.

    >>> items = label_items(layer)                 # what the browser receives
    >>> Labels(items).add_to(feature_group_or_map)

Thousands of names (a large gazetteer's places) go beside the map's message as a file
the browser fetches, when the renderer can publish one (``caucmap.published``).
"""

from __future__ import annotations

import json
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, MacroElement
from jinja2 import Template

from caucmap import style
from caucmap.layers import Layer
from caucmap.markup import text_html
from caucmap.published import Publish
from caucmap.shorten import shorten

MAX_LABEL_CHARS = 40  # a name on the map
#: a context feature's kind -> its label's CSS class; places and peaks get a dot beside
KIND_CLASS = {"place": "cm-place", "river": "cm-water", "lake": "cm-water",
              "range": "cm-range", "peak": "cm-peak", "division": "cm-division"}
DOTTED = ("place", "peak")
#: records' short labels yield to towns, rivers and peaks (rank 6 or better), which a
#: reader needs to find the place, and win over villages and division names
DATED_PRIORITY = 6.5
DATED_MIN_ZOOM = 8  # records' short labels ("Tskhinvali, 7-11 Aug 2008") from this zoom
MAJOR_RANK = 2  # places of this rank or better (capitals, region centres) are set bolder
INLINE_MAX = 500  # labels in the map's message; more are fetched beside it, when they can be

CSS = f"""
<style>
.cm-label{{pointer-events:none}}
.cm-label .cm-text{{position:absolute;white-space:nowrap}}
.cm-place,.cm-water,.cm-range,.cm-peak,.cm-division{{font:11.5px/1.15 sans-serif;
 color:{style.CONTEXT_INK};text-shadow:0 0 2px #fff,0 0 2px #fff,0 0 3px #fff}}
.cm-place.cm-major{{font-weight:600;font-size:12.5px;color:#333}}
.cm-water{{color:#4f7ea8;font-style:italic;font-size:11px}}
.cm-range{{color:{style.CONTEXT_RELIEF};font-style:italic;letter-spacing:.25em;font-size:12px}}
.cm-peak{{font-size:10.5px}}
.cm-division{{color:#8a8a8a;font-size:10px;letter-spacing:.12em;text-transform:uppercase}}
.cm-dot{{position:absolute;left:-3px;top:-3px;width:4px;height:4px;border-radius:50%;
 background:{style.CONTEXT_INK};border:1px solid #fff}}
.cm-dot.cm-peak-dot{{border-radius:0;background:none;border:none;left:-4px;top:-5px;width:0;
 height:0;border-left:4px solid transparent;border-right:4px solid transparent;
 border-bottom:7px solid {style.CONTEXT_RELIEF}}}
.leaflet-cm-context-pane{{pointer-events:none}}
.cm-dated-label{{font:600 11px/1.15 sans-serif;color:#7a0019;background:rgba(255,255,255,.8);
 padding:0 3px;border-radius:2px}}
</style>
"""


class Labels(MacroElement):
    """One set of labels for the browser's collision manager (``app/static/caucmap/labels.js``)."""

    _template = Template("""
{% macro script(this, kwargs) %}
{%- if this.url %}
caucmap.fetchLabels({{ this._parent.get_name() }}, {{ this.url|tojson }});
{%- else %}
caucmap.labels({{ this._parent.get_name() }}, {{ this.items|tojson }});
{%- endif %}
{% endmacro %}
""")

    def __init__(self, items: list[dict[str, Any]], publish: Publish | None = None) -> None:
        super().__init__()
        self._name = "Labels"
        self.items = items
        self.url = None
        if publish is not None and len(items) > INLINE_MAX:
            # as columns: the keys once, then one row of values an item (null: not set)
            keys = sorted({key for item in items for key in item})
            table = {"keys": keys, "rows": [[item.get(key) for key in keys] for item in items]}
            self.url = publish(json.dumps(table, separators=(",", ":")).encode(), ".json")

    def render(self, **kwargs: Any) -> None:
        # once per page, however many layers bring labels
        self.get_root().header.add_child(Element(CSS), name="caucmap_labels_css")
        super().render(**kwargs)


def labelled_rows(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The rows with a name to show and a point to show it at."""
    if "label" not in frame.columns or "label_at" not in frame.columns:
        return frame.iloc[:0]
    named = frame["label"].map(lambda text: isinstance(text, str) and bool(text))
    placed = frame["label_at"].map(lambda at: isinstance(at, shapely.Point))
    return frame[named & placed]


def label_items(layer: Layer) -> list[dict[str, Any]]:
    """The layer's labels as browser items, in priority order.

    A context row (it has ``kind`` and ``min_zoom``) is styled by kind and shown from its
    zoom, ranked by its ``rank``; any other layer's labels (the regions' names) come
    first, at every zoom, and are always drawn (``keep``), as before labels collided.
    """
    rows = labelled_rows(layer.frame)
    context = "min_zoom" in rows.columns and "kind" in rows.columns
    dated = "start" in rows.columns and "end" in rows.columns
    items = []
    for row in rows.itertuples():
        item: dict[str, Any] = {"lat": round(row.label_at.y, 4), "lon": round(row.label_at.x, 4),
                                "text": text_html(shorten(row.label, MAX_LABEL_CHARS))}
        if context:
            rank = int(row.rank)
            cls = KIND_CLASS.get(row.kind, "cm-place")
            major = row.kind == "place" and rank <= MAJOR_RANK
            item.update(priority=rank, minZoom=int(row.min_zoom),
                        cls=f"{cls} cm-major" if major else cls)
            if row.kind in DOTTED:
                item["dot"] = "cm-peak-dot" if row.kind == "peak" else "cm-place-dot"
        elif dated and not pd.isna(row.start):  # a record's short label: while in the window
            item.update(priority=DATED_PRIORITY, minZoom=DATED_MIN_ZOOM, cls="cm-dated-label",
                        beside=True,
                        start=row.start.toordinal(), end=row.end.toordinal())
        else:
            item.update(priority=0, minZoom=0, cls="cm-region-label", keep=True)
        items.append(item)
    return sorted(items, key=lambda item: (item["priority"], item["minZoom"]))


def label_elements(layer: Layer, publish: Publish | None = None) -> list[MacroElement]:
    """What draws a layer's names on the web map (nothing when it has none)."""
    items = label_items(layer)
    return [Labels(items, publish)] if items else []


def drawn_shapes(layer: Layer) -> Layer:
    """The features the map draws as geometry: not the points whose label (with its dot)
    draws them, nor features with neither stroke nor fill (the context layer's ranges,
    which only have a name)."""
    frame = layer.frame
    points = shapely.get_type_id(np.asarray(frame.geometry.values)) == 0
    labelled = frame.index.isin(labelled_rows(frame).index)
    unpainted = (frame["weight"].fillna(1.0) == 0) & frame["fill"].isna()
    dropped = (points & labelled) | unpainted.to_numpy()
    if not dropped.any():
        return layer
    return Layer(layer.name, layer.title, frame[~dropped], layer.legend, layer.attribution,
                 geometry_file=layer.geometry_file, key=layer.key)
