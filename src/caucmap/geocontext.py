"""The context layer's data: places, rivers, lakes, ranges, peaks and division labels.

Built by :func:`caucmap.geobuild.build_geodata` into ``geodata/context.geojson`` (and
the browser's copy) from the Natural Earth files in ``geodata-raw`` plus a few features
Natural Earth lacks, each with a reference address (:data:`EXTRA_FEATURES`). Everything
is clipped to :data:`CONTEXT_EXTENT` and simplified, so the file stays small and the map
reads as a map (issue 12). Each feature carries a stable ``id``, a ``kind``, English
``name`` and, where Natural Earth gives one, ``name_ru``, a ``rank`` (lower is more
important: it wins a label collision) and a ``min_zoom`` (the web map's zoom from which
its label shows).

The gazetteer's own places are not in this file: the layer builder adds them at run
time (:func:`caucmap.layers.context_layer`), so accepting a new place in review never
leaves this file stale. ``geonameid`` on a Natural Earth place lets the builder replace
it by the gazetteer's entry for the same place.

Natural Earth's admin-1 label for "Abkhazia" (and any division label inside Abkhazia or
South Ossetia) is never written: the project's region layer names those, per worldview.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

#: What the context layer covers (lon_min, lat_min, lon_max, lat_max): Georgia, the
#: North Caucasus and the neighbours' nearest cities.
CONTEXT_EXTENT: tuple[float, float, float, float] = (36.0, 39.0, 50.0, 46.5)
#: Simplification tolerances in degrees (Douglas-Peucker, topology kept): about 500 m for
#: rivers and lake shores, 2 km for the mountain-range areas drawn as faint tints.
LINE_TOLERANCE = 0.005
RANGE_TOLERANCE = 0.02
#: Rivers shorter than this inside the extent (degrees) are dropped: slivers at its edge.
MIN_RIVER_LENGTH = 0.1

KINDS = ("place", "river", "lake", "range", "peak", "division")

#: Features Natural Earth 10m lacks, each from a cited page. Liakhvi: a label point only
#: (the river is not in Natural Earth 10m), midway between two referenced points on its
#: course, Tskhinvali (on its banks) and its mouth at Gori (41.97306 N, 44.10806 E).
EXTRA_FEATURES: tuple[dict[str, Any], ...] = (
    # the input's "CAUCASUS MTS." is a sliver off Baku (clipped before it reached us):
    # the range is named at a point on its main ridge, on the Tusheti-Chechnya stretch
    {"id": "range-greater-caucasus", "kind": "range", "name": "Greater Caucasus",
     "name_ru": "Большой Кавказ", "elevation": None, "lon": 45.6, "lat": 42.55, "rank": 2,
     "min_zoom": 5, "source": "https://en.wikipedia.org/wiki/Greater_Caucasus"},
    {"id": "peak-kazbek", "kind": "peak", "name": "Kazbek", "name_ru": "Казбек",
     "elevation": 5054, "lon": 44.51833, "lat": 42.69917, "rank": 6, "min_zoom": 8,
     "source": "https://en.wikipedia.org/wiki/Mount_Kazbek"},
    {"id": "river-great-liakhvi", "kind": "river", "name": "Liakhvi", "name_ru": "Лиахви",
     "elevation": None, "lon": round((43.975 + 44.10806) / 2, 4),
     "lat": round((42.2325 + 41.97306) / 2, 4), "rank": 5, "min_zoom": 9,
     "source": "https://en.wikipedia.org/wiki/Great_Liakhvi"},
)

#: Natural Earth's names for ranges and divisions, as the map prints them.
DISPLAY_NAMES: dict[str, str] = {
    "CAUCASUS MTS.": "Greater Caucasus",
    "PONTIC MOUNTAINS": "Pontic Mountains",
    "Mingevir Reservoir": "Mingachevir Reservoir",
    "Kiz?lirmak": "Kizilirmak",
    "Adygey": "Adygea",
    "Astrakhan'": "Astrakhan",
    "Ingush": "Ingushetia",
    "Kabardin-Balkar": "Kabardino-Balkaria",
    "Karachay-Cherkess": "Karachay-Cherkessia",
    "Kalmyk": "Kalmykia",
    "Stavropol'": "Stavropol",
    "Ajaria": "Adjara",
}
#: Division labels never written: the project's own regions say these, per worldview
#: (Natural Earth's "Abkhazia" admin-1), or a city label says it already ("Tbilisi").
SKIPPED_DIVISIONS = frozenset({"Abkhazia", "Tbilisi"})
#: Division label points Natural Earth puts inside a breakaway region, moved to a point of
#: the same division outside it (Shida Kartli's falls in South Ossetia; here between
#: Khashuri and Kareli), so the label does not name the region under any worldview.
MOVED_DIVISIONS: dict[str, tuple[float, float]] = {"Shida Kartli": (43.75, 41.98)}
#: Divisions labelled: Georgia's regions and Russia's North Caucasus subjects.
DIVISION_COUNTRIES = {"Georgia": (8, 7), "Russia": (6, 5)}  # admin -> (min_zoom, rank)

Row = tuple[dict[str, Any], BaseGeometry]
MIN_RANGE_AREA = 0.01  # square degrees, about 100 km2


def _read(raw: Path, name: str) -> list[dict[str, Any]]:
    with (raw / name).open(encoding="utf-8") as handle:
        return list(json.load(handle)["features"])


def _props(fid: str, kind: str, name: str, *, rank: int, min_zoom: int,
           name_ru: str | None = None, geonameid: int | None = None,
           elevation: int | None = None, source: str = "Natural Earth 4.0.0") -> dict[str, Any]:
    """One feature's properties, every key present in every feature (a regular table)."""
    return {"id": fid, "kind": kind, "name": name, "name_ru": name_ru, "geonameid": geonameid,
            "elevation": elevation, "rank": rank, "min_zoom": min_zoom, "source": source}


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def _inside(point: BaseGeometry) -> bool:
    return bool(shapely.contains_xy(shapely.box(*CONTEXT_EXTENT), point.x, point.y))


def _places(raw: Path) -> list[Row]:
    """Natural Earth populated places in the extent; zoom and rank from its scale rank."""
    rows: list[Row] = []
    for feature in _read(raw, "ne_10m_populated_places_region.geojson"):
        p = feature["properties"]
        point = shapely.Point(p["LONGITUDE"], p["LATITUDE"])
        if not _inside(point):
            continue
        capital = p.get("ADM0CAP") == 1 or "capital" in (p.get("FEATURECLA") or "").lower()
        scale = int(p["SCALERANK"])
        if p.get("ADM0CAP") == 1:
            min_zoom, rank = 5, 1
        elif scale <= 4:
            min_zoom, rank = 6, 2
        elif scale <= 7:
            min_zoom, rank = 7, 3 if capital else 4
        else:
            min_zoom, rank = 8, 4 if capital else 5
        geonameid = p.get("GEONAMEID")
        rows.append((_props(
            f"place-{int(geonameid) if geonameid and geonameid > 0 else _slug(p['NAME'])}",
            "place", p.get("NAME_EN") or p["NAME"], rank=rank, min_zoom=min_zoom,
            name_ru=p.get("NAME_RU"), geonameid=int(geonameid) if geonameid and geonameid > 0
            else None), point))
    return rows


def _rivers(raw: Path) -> list[Row]:
    """Rivers merged by name (unnamed ones by their Natural Earth river number), clipped
    and simplified. The main rivers (the lake-centerlines file: Kura, Aras, Kuban) are
    labelled from zoom 6, the regional ones from Natural Earth's ``min_label``."""
    parts: dict[str, list[BaseGeometry]] = {}
    meta: dict[str, tuple[str, int, int]] = {}
    for file, major in (("ne_10m_rivers_lake_centerlines_region.geojson", True),
                        ("ne_10m_rivers_europe_region.geojson", False)):
        for feature in _read(raw, file):
            p = feature["properties"]
            name = DISPLAY_NAMES.get(p.get("name") or "", p.get("name") or "")
            key = _slug(name) if name else f"ne-{p['rivernum']}"
            parts.setdefault(key, []).append(shape(feature["geometry"]))
            zoom = 6 if major else max(7, math.floor(p.get("min_label") or 8))
            if key not in meta or zoom < meta[key][1]:
                meta[key] = (name, zoom, 5 if major or zoom <= 7 else 6)
    rows: list[Row] = []
    for key in sorted(parts):
        merged = shapely.line_merge(shapely.union_all(parts[key]))
        clipped = shapely.clip_by_rect(merged, *CONTEXT_EXTENT)
        lines = [g for g in shapely.get_parts(clipped) if g.geom_type == "LineString"]
        if not lines or sum(g.length for g in lines) < MIN_RIVER_LENGTH:
            continue
        geom = shapely.simplify(shapely.multilinestrings(lines), LINE_TOLERANCE)
        name, zoom, rank = meta[key]
        rows.append((_props(f"river-{key}", "river", name, rank=rank, min_zoom=zoom), geom))
    return rows


def _lakes(raw: Path) -> list[Row]:
    """Lakes whose label point lies in the extent (Sevan, Mingachevir), simplified."""
    rows: list[Row] = []
    for feature in _read(raw, "ne_10m_lakes_region.geojson"):
        p = feature["properties"]
        geom = shapely.make_valid(shape(feature["geometry"]))
        if not _inside(shapely.point_on_surface(geom)):
            continue
        name = DISPLAY_NAMES.get(p["name"], p["name"])
        zoom = max(6, math.floor(p.get("min_label") or 7))
        geom = shapely.simplify(geom, LINE_TOLERANCE)
        fid = f"lake-{_slug(name.removeprefix('Lake '))}"
        rows.append((_props(fid, "lake", name, rank=4, min_zoom=zoom), geom))
    return rows


def _ranges(raw: Path) -> list[Row]:
    """Mountain ranges (Natural Earth's Range/mtn areas): a faint tint and an italic label."""
    rows: list[Row] = []
    for feature in _read(raw, "ne_10m_geography_regions_polys_region.geojson"):
        p = feature["properties"]
        if p.get("featurecla") != "Range/mtn":
            continue
        name = DISPLAY_NAMES.get(p["name"], p["name"])
        geom = shapely.make_valid(shape(feature["geometry"]))
        geom = shapely.simplify(shapely.clip_by_rect(geom, *CONTEXT_EXTENT), RANGE_TOLERANCE)
        if geom.area < MIN_RANGE_AREA:  # a sliver left by clipping names nothing
            continue
        major = int(p["scalerank"]) <= 1
        rows.append((_props(f"range-{_slug(name)}", "range", name, rank=2 if major else 3,
                            min_zoom=5 if major else 6), geom))
    return rows


def _peaks(raw: Path) -> list[Row]:
    """Named summits with their elevation; Elbrus (scale rank 2) from zoom 6."""
    rows: list[Row] = []
    for feature in _read(raw, "ne_10m_geography_regions_elevation_points_region.geojson"):
        p = feature["properties"]
        if p.get("featurecla") != "mountain" or not p.get("name"):
            continue
        point = shape(feature["geometry"])
        if not _inside(point):
            continue
        name = p["name"].removeprefix("Gora ")  # Russian "mountain"
        major = int(p["scalerank"]) <= 2
        rows.append((_props(f"peak-{_slug(name)}", "peak", name, rank=4 if major else 6,
                            min_zoom=6 if major else 8, elevation=int(p["elevation"])),
                     point))
    return rows


def _divisions(raw: Path, breakaway: dict[str, BaseGeometry]) -> list[Row]:
    """First-order division labels of Georgia and Russia, one per name, none inside a
    breakaway region (see :data:`SKIPPED_DIVISIONS`, :data:`MOVED_DIVISIONS`)."""
    rows: dict[str, Row] = {}
    features = sorted(_read(raw, "ne_10m_admin_1_label_points_region.geojson"),
                      key=lambda f: (f["properties"]["adm1_code"], f["geometry"]["coordinates"]))
    for feature in features:
        p = feature["properties"]
        ne_name = p["name"]
        if p.get("admin") not in DIVISION_COUNTRIES or ne_name in SKIPPED_DIVISIONS:
            continue
        if p.get("featurecla") != "Admin-1 scale rank" or ne_name in rows:
            continue
        point = shapely.Point(MOVED_DIVISIONS.get(ne_name, feature["geometry"]["coordinates"]))
        if not _inside(point):
            continue
        inside = [rid for rid, geom in breakaway.items() if geom.contains(point)]
        if inside:
            raise ValueError(f"division label {ne_name!r} lies inside {inside[0]}: skip or "
                             "move it (SKIPPED_DIVISIONS, MOVED_DIVISIONS)")
        name = DISPLAY_NAMES.get(ne_name, ne_name)
        zoom, rank = DIVISION_COUNTRIES[p["admin"]]
        rows[ne_name] = (_props(f"division-{p['adm1_code'].lower()}", "division", name,
                                rank=rank, min_zoom=zoom), point)
    return list(rows.values())


def _extras() -> list[Row]:
    return [(_props(e["id"], e["kind"], e["name"], rank=e["rank"], min_zoom=e["min_zoom"],
                    name_ru=e["name_ru"], elevation=e["elevation"], source=e["source"]),
             shapely.Point(e["lon"], e["lat"])) for e in EXTRA_FEATURES]


def context_rows(raw: Path, breakaway: dict[str, BaseGeometry]) -> list[Row]:
    """Every context feature, ordered by kind then id (a stable file), ids unique.

    ``breakaway`` holds the regions' polygons (ABK, SOS): no division label may fall
    inside one.
    """
    rows = [*_places(raw), *_rivers(raw), *_lakes(raw), *_ranges(raw), *_peaks(raw),
            *_divisions(raw, breakaway), *_extras()]
    rows = [(p, g) for p, g in rows if not g.is_empty]
    rows.sort(key=lambda row: (KINDS.index(row[0]["kind"]), row[0]["id"]))
    ids = [p["id"] for p, _ in rows]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"context features share ids: {', '.join(duplicates)}")
    return rows
