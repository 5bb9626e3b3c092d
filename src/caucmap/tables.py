"""Layers as downloadable data: GeoJSON FeatureCollections and ACLED-like CSV.

    >>> print(to_geojson(layers["events"]))      # EPSG:4326, style columns dropped
    >>> print(to_csv(layers["events"]))          # event_date, time_precision, ...
"""

from __future__ import annotations

import csv
import io
import json
import math
from datetime import date

import geopandas as gpd
import numpy as np
import shapely

from caucmap.layers import Layer

# ACLED: time_precision 1 exact day, 2 a known week, 3 a known month (or vaguer)
# geo_precision 1 named town, 2 near a town / part of a region, 3 a larger region
GEO_PRECISION = {"exact": 1, "area": 2, "region": 3, "country": 3}
EVENT_COLUMNS = [
    "event_id", "event_date", "end_date", "time_precision", "date_precision", "event_type",
    "title", "actors", "location", "latitude", "longitude", "geo_precision",
    "location_precision", "source", "notes", "citations",
]
# a spreadsheet runs a cell starting with one of these as a formula (OWASP: CSV injection)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _plain(value: object) -> object:
    """JSON-ready values: numpy scalars and arrays become Python, dates ISO text, NaN None."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def to_geojson(layer: Layer) -> str:
    """A GeoJSON FeatureCollection of the layer's data columns."""
    data = layer.data()
    columns = [c for c in data.columns if c != data.geometry.name]
    features = []
    for row, geom in zip(data[columns].itertuples(index=False), data.geometry, strict=True):
        features.append({
            "type": "Feature",
            "properties": {c: _plain(v) for c, v in zip(columns, row, strict=True)},
            "geometry": None if geom is None or geom.is_empty else shapely.geometry.mapping(geom),
        })
    collection = {"type": "FeatureCollection", "name": layer.name, "features": features}
    return json.dumps(collection, ensure_ascii=False)


def time_precision(start: date, end: date, precision: str) -> int:
    """ACLED's time_precision of a dated record (1 day, 2 week, 3 month or vaguer)."""
    if precision == "day":
        return 1
    span = (end - start).days
    return 2 if precision == "range" and span < 7 else 3


def _events_rows(data: gpd.GeoDataFrame) -> list[dict[str, object]]:
    rows = []
    for rec, geom in zip(data.itertuples(index=False), data.geometry, strict=True):
        outlets = dict.fromkeys(c["outlet"] for c in rec.citations)
        rows.append({
            "event_id": rec.id,
            "event_date": rec.start.isoformat(),
            "end_date": rec.end.isoformat(),
            "time_precision": time_precision(rec.start, rec.end, rec.date_precision),
            "date_precision": rec.date_precision,
            "event_type": rec.category,
            "title": rec.title,
            "actors": "; ".join(rec.actors),
            "location": "; ".join(rec.places),
            "latitude": None if geom is None else round(geom.y, 5),
            "longitude": None if geom is None else round(geom.x, 5),
            "geo_precision": GEO_PRECISION.get(rec.location_precision, ""),
            "location_precision": rec.location_precision,
            "source": "; ".join(outlets),
            "notes": rec.summary,
            "citations": " | ".join(f"{c['outlet']}: \u201c{c['excerpt']}\u201d"
                                    for c in rec.citations),
        })
    return rows


def _generic_rows(data: gpd.GeoDataFrame) -> list[dict[str, object]]:
    columns = [c for c in data.columns if c != data.geometry.name]
    rows = []
    for rec, geom in zip(data[columns].itertuples(index=False), data.geometry, strict=True):
        row = {c: _plain(v) for c, v in zip(columns, rec, strict=True)}
        row = {k: json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else v
               for k, v in row.items()}
        point = None if geom is None or geom.is_empty else geom.representative_point()
        row["latitude"] = None if point is None else round(point.y, 5)
        row["longitude"] = None if point is None else round(point.x, 5)
        rows.append(row)
    return rows


def spreadsheet_safe(value: object) -> object:
    """A text cell that would start a formula, quoted with a leading ``'``; numbers untouched.

    A title ``=HYPERLINK(...)`` stays text when the CSV is opened in a spreadsheet, while a
    negative longitude (a float, not text) stays a number.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(layer: Layer) -> str:
    """CSV with ACLED-like columns for a layer of events (its spec says ``csv="acled"``);
    properties plus a representative point else."""
    data = layer.data()
    acled = layer.spec.csv == "acled"
    rows = _events_rows(data) if acled else _generic_rows(data)
    fields = EVENT_COLUMNS if acled else [
        *(c for c in data.columns if c != data.geometry.name), "latitude", "longitude"]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({k: spreadsheet_safe(v) for k, v in row.items()} for row in rows)
    return out.getvalue()
