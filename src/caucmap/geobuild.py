"""Build the processed map layers in ``geodata/`` from the raw inputs in ``geodata-raw/``.

The raw folder (see its ``PROVENANCE.md``) holds Natural Earth data as shipped; the
app never reads it. This module turns it into three small, deterministic GeoJSON
files so that the map, the tests and the README all describe the same geometry:

- ``regions.geojson``: Georgia, Abkhazia, South Ossetia, Russia and the neighbours as
  one gap- and overlap-free polygon coverage, clipped to :data:`EXTENT`;
- ``borders.geojson``: international borders and the two administrative boundary
  lines, cut from the shared edges of that coverage so they lie exactly on it;
- ``world.geojson``: every country, plus capital points for states too small for the
  small-scale polygons, for the world-wide recognition view;
- ``populated_places.geojson``: Natural Earth populated places of the region (and the
  world's capitals) with their name variants and GeoNames ids, which ingest proposes as
  new gazetteer entries when an article names a place the gazetteer lacks;
- ``context.geojson``: places, rivers, lakes, ranges, peaks and division labels for
  reading the map (:mod:`caucmap.geocontext`), also copied for the browser.

Usage::

    caucmap build-geodata --raw ../shared/geodata-raw --out geodata --force

    >>> from pathlib import Path
    >>> from caucmap.geobuild import build_geodata
    >>> build_geodata(Path("../shared/geodata-raw"), Path("geodata"), force=True)
    [PosixPath('geodata/regions.geojson'), PosixPath('geodata/borders.geojson'), ...]

Existing outputs are never replaced unless ``force=True``
(:class:`caucmap.atomic.TargetExistsError` otherwise). Same inputs and library
versions give the same bytes.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterable
from itertools import combinations
from pathlib import Path
from typing import Any, TypeVar

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Geod
from shapely.geometry.base import BaseGeometry

from caucmap.atomic import TargetExistsError, write_atomic
from caucmap.geocontext import context_rows

#: Map extent (lon_min, lat_min, lon_max, lat_max); wide enough to include Moscow.
EXTENT: tuple[float, float, float, float] = (26.0, 36.0, 52.0, 57.5)
#: Snap-rounding grid of the regional layers in degrees (about 1 m); also their precision.
GRID = 1e-5
#: The 4.0.0 breakaway polygons stray up to 0.0017 deg (measured) from the 4.1.0 Georgia
#: outline along coast and border; their vertices are snapped onto it within this distance.
SNAP_TOLERANCE = 0.0025
#: Safety net after snapping: detached pieces of Georgia-core / ABK / SOS smaller than
#: this are merged into the Georgian neighbour sharing most edge with them.
SLIVER_MAX_KM2 = 10.0
#: Coverage (Visvalingam-Whyatt) tolerances in degrees: edges of focus polygons keep
#: detail; edges only between context countries, or their coasts, are simplified harder.
FOCUS_TOLERANCE = 0.005
CONTEXT_TOLERANCE = 0.05
#: Output grid of the world layer in degrees (about 100 m), plenty for a world view.
WORLD_GRID = 1e-3

REGION_FILE = "regions.geojson"
BORDER_FILE = "borders.geojson"
WORLD_FILE = "world.geojson"
PLACES_FILE = "populated_places.geojson"
CONTEXT_FILE = "context.geojson"
DISPUTED_FILE = "ne_10m_admin_0_disputed_areas.geojson"

#: ISO 3166-1 numeric -> (alpha-3, common English name) for every country in EXTENT.
#: Explicit on purpose: a new country in the extent must fail loudly, not get a guess.
EXTENT_COUNTRIES: dict[str, tuple[str, str]] = {
    "031": ("AZE", "Azerbaijan"),
    "051": ("ARM", "Armenia"),
    "100": ("BGR", "Bulgaria"),
    "112": ("BLR", "Belarus"),
    "268": ("GEO", "Georgia"),
    "300": ("GRC", "Greece"),
    "364": ("IRN", "Iran"),
    "368": ("IRQ", "Iraq"),
    "398": ("KAZ", "Kazakhstan"),
    "428": ("LVA", "Latvia"),
    "440": ("LTU", "Lithuania"),
    "498": ("MDA", "Moldova"),
    "642": ("ROU", "Romania"),
    "643": ("RUS", "Russia"),
    "760": ("SYR", "Syria"),
    "792": ("TUR", "Turkey"),
    "804": ("UKR", "Ukraine"),
}
#: Breakaway regions: id -> BRK_NAME in the Natural Earth disputed-areas layer (= name).
BREAKAWAY: dict[str, str] = {"ABK": "Abkhazia", "SOS": "South Ossetia"}
#: Areas that world-atlas (Natural Earth 4.1.0 default worldview) draws inside the
#: administering state, moved to the internationally recognised one, as Georgia keeps
#: Abkhazia and South Ossetia: BRK_NAME -> (from, to) ISO numeric.
RECOGNISED_TRANSFERS: dict[str, tuple[str, str]] = {"Crimea": ("643", "804")}
FOCUS = ("GEO", "ABK", "SOS", "RUS")
SEA = "~sea"  # internal label: water, and anything in the extent outside every country

_GEOD = Geod(ellps="WGS84")
_K = TypeVar("_K")


# ---------------------------------------------------------------- geometry helpers


def geodesic_area_km2(geom: BaseGeometry) -> float:
    """Area on the WGS84 ellipsoid in km2, whatever the ring orientation."""
    total = 0.0
    for poly in _polygon_list(geom):
        rings = [poly.exterior, *poly.interiors]
        areas = [abs(_GEOD.geometry_area_perimeter(ring)[0]) for ring in rings]
        total += areas[0] - sum(areas[1:])
    return total / 1e6


def _polygon_list(geom: BaseGeometry) -> list[BaseGeometry]:
    out: list[BaseGeometry] = []
    for part in shapely.get_parts(geom):
        if part.geom_type == "Polygon" and not part.is_empty:
            out.append(part)
        elif part.geom_type in ("MultiPolygon", "GeometryCollection"):
            out.extend(_polygon_list(part))
    return out


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    """Keep only the polygons of ``geom`` (make_valid and overlays may add lines or points)."""
    polys = _polygon_list(geom)
    return polys[0] if len(polys) == 1 else shapely.multipolygons(polys)


def _parts(geom: BaseGeometry) -> list[BaseGeometry]:
    return [p for p in shapely.get_parts(geom) if not p.is_empty]


def _dissolve(polys: Iterable[BaseGeometry]) -> BaseGeometry:
    """Union of polygons that share exact edges (faces of one noding), adding no vertices."""
    return _polygonal(shapely.coverage_union_all([p for g in polys for p in _parts(g)]))


def _unwrap_ring(coords: np.ndarray) -> np.ndarray:
    """Make a ring's longitudes continuous; close a ring that winds round a pole via the pole."""
    lon = np.unwrap(coords[:, 0], period=360.0)
    out = np.column_stack([lon, coords[:, 1]])
    if abs(lon[-1] - lon[0]) > 1e-9:  # encircles a pole (Antarctica)
        pole = -90.0 if coords[:, 1].mean() < 0 else 90.0
        out = np.vstack([out, [[lon[-1], pole], [lon[0], pole]], out[:1]])
    return out


def fix_antimeridian(geom: BaseGeometry) -> BaseGeometry:
    """Repair a world-atlas (Multi)Polygon, cutting rings that jump across +-180 deg.

    world-atlas TopoJSON lets rings run across the antimeridian (fine for d3's
    spherical rendering, a self-intersecting smear in the plane: Russia, Fiji,
    Antarctica). Such rings are unwrapped to continuous longitudes, repaired, cut at
    +-180 and shifted back into [-180, 180], so Leaflet draws Chukotka and Fiji at both
    map edges. All other polygons are just repaired (quantisation self-intersections).
    """
    polys = []
    crossing = False
    for poly in _polygon_list(geom):
        rings = [np.asarray(poly.exterior.coords), *(np.asarray(r.coords) for r in poly.interiors)]
        if not any(len(r) > 1 and np.abs(np.diff(r[:, 0])).max() > 180.0 for r in rings):
            polys.append(poly)
            continue
        crossing = True
        shell = _unwrap_ring(rings[0])
        holes = []
        for hole in map(_unwrap_ring, rings[1:]):
            hole[:, 0] += 360.0 * round((shell[:, 0].mean() - hole[:, 0].mean()) / 360.0)
            holes.append(hole)
        polys.append(shapely.Polygon(shell, holes))
    fixed = _polygonal(shapely.make_valid(shapely.multipolygons(polys)))
    if not crossing:
        return fixed
    pieces = []
    for k in (-1, 0, 1):
        window = shapely.box(-180.0 + 360.0 * k, -90.0, 180.0 + 360.0 * k, 90.0)
        piece = shapely.intersection(fixed, window)
        if not piece.is_empty:
            pieces.append(shapely.transform(piece, lambda xy, k=k: xy - [360.0 * k, 0.0]))
    return _polygonal(shapely.make_valid(shapely.union_all(pieces)))


def _transfer(geoms: dict[_K, BaseGeometry], area: BaseGeometry, src: _K, dst: _K) -> None:
    """Move the parts of ``geoms[src]`` lying mostly inside ``area`` over to ``geoms[dst]``.

    Whole parts move (Crimea is a separate part of world-atlas Russia at every scale),
    so no new edges and no slivers appear. Raises if nothing matches, so a change in
    the inputs cannot silently undo the transfer.
    """
    moved, kept = [], []
    for part in _polygon_list(geoms[src]):
        inside = geodesic_area_km2(shapely.intersection(part, area))
        (moved if inside > 0.5 * geodesic_area_km2(part) else kept).append(part)
    if not moved:
        raise ValueError(f"no part of {src} lies inside the area to transfer to {dst}")
    geoms[src] = _polygonal(shapely.multipolygons(kept))
    geoms[dst] = _polygonal(shapely.make_valid(shapely.union_all([geoms[dst], *moved])))


# ---------------------------------------------------------------- readers


def _read_countries(path: Path) -> list[tuple[str | None, str, BaseGeometry]]:
    """world-atlas TopoJSON (object ``countries``) as (ISO numeric or None, name, geometry)."""
    frame = gpd.read_file(path, layer="countries")
    return [
        (num if isinstance(num, str) else None, str(name), geom)
        for num, name, geom in zip(frame["id"], frame["name"], frame.geometry, strict=True)
        if geom is not None and not geom.is_empty
    ]


def _read_disputed(raw: Path, names: Iterable[str]) -> dict[str, BaseGeometry]:
    """Natural Earth 4.0.0 disputed-area polygons by BRK_NAME, repaired; exactly one each."""
    frame = gpd.read_file(raw / DISPUTED_FILE)
    out: dict[str, BaseGeometry] = {}
    for name in names:
        rows = frame[frame["BRK_NAME"] == name]
        if len(rows) != 1:
            raise ValueError(f"{DISPUTED_FILE}: expected one {name!r} polygon, found {len(rows)}")
        out[name] = _polygonal(shapely.make_valid(rows.geometry.iloc[0]))
    return out


# ---------------------------------------------------------------- regional coverage


def _extent_countries(raw: Path) -> dict[str, BaseGeometry]:
    """Repaired, unclipped 10m polygons of every country touching EXTENT, keyed by alpha-3."""
    extent = shapely.box(*EXTENT)
    by_num: dict[str, BaseGeometry] = {}
    for num, name, geom in _read_countries(raw / "countries-10m.json"):
        if not shapely.intersects(shapely.envelope(geom), extent):
            continue
        fixed = fix_antimeridian(geom)
        if not shapely.intersects(fixed, extent):
            continue
        if num not in EXTENT_COUNTRIES:
            raise KeyError(f"{name!r} (id {num}) is in the extent; add it to EXTENT_COUNTRIES")
        by_num[num] = fixed
    areas = _read_disputed(raw, RECOGNISED_TRANSFERS)
    for brk_name, (src, dst) in RECOGNISED_TRANSFERS.items():
        _transfer(by_num, areas[brk_name], src, dst)
    return {EXTENT_COUNTRIES[num][0]: geom for num, geom in by_num.items()}


def _owner_key(cid: str) -> tuple[int, str]:
    """Which country wins a face claimed by several (quantisation overlaps): focus first."""
    return (FOCUS.index(cid), "") if cid in FOCUS else (len(FOCUS), cid)


def _faces(
    countries: dict[str, BaseGeometry], breakaway: dict[str, BaseGeometry]
) -> dict[str, BaseGeometry]:
    """Node every boundary once, polygonize, and label each face: one exact coverage.

    Labels: a country's alpha-3; ``GEO`` for Georgia outside the breakaway polygons;
    ``ABK``/``SOS`` for their part inside Georgia (which clips them to Georgia); SEA
    for the rest of the extent. Noding all lines together with GRID snap-rounding
    gives neighbours identical vertices on shared edges.
    """
    extent = shapely.box(*EXTENT)
    margin = shapely.box(EXTENT[0] - 1, EXTENT[1] - 1, EXTENT[2] + 1, EXTENT[3] + 1)
    lines = [shapely.intersection(shapely.boundary(g), margin) for g in countries.values()]
    lines += [shapely.boundary(g) for g in breakaway.values()]
    lines.append(shapely.boundary(extent))
    noded = shapely.union_all(lines, grid_size=GRID)
    faces = np.array(_parts(shapely.polygonize(_parts(noded))))
    points = shapely.point_on_surface(faces)
    keep = shapely.contains(extent, points)
    faces, points = faces[keep], points[keep]

    ids = sorted(countries, key=_owner_key)
    inside = {cid: shapely.contains(countries[cid], points) for cid in ids}
    in_breakaway = {rid: shapely.contains(geom, points) for rid, geom in breakaway.items()}
    labelled: dict[str, list[BaseGeometry]] = {}
    for i, face in enumerate(faces):
        label = next((cid for cid in ids if inside[cid][i]), SEA)
        if label == "GEO":
            label = next((rid for rid in sorted(breakaway) if in_breakaway[rid][i]), "GEO")
        labelled.setdefault(label, []).append(face)
    return {label: _dissolve(polys) for label, polys in sorted(labelled.items())}


def _absorb_slivers(cover: dict[str, BaseGeometry]) -> list[str]:
    """Merge small detached pieces of GEO-core/ABK/SOS into the Georgian neighbour beside them.

    A safety net for the 4.0.0-vs-4.1.0 misalignment if snapping ever misses a spot:
    such pieces are artefacts, not territory. Georgia's outer outline never changes.
    Returns what was moved, e.g. ``["GEO->ABK 0.412 km2"]`` (empty for the current data).
    """
    georgian = ("GEO", "ABK", "SOS")
    log: list[str] = []
    for label in georgian:
        parts = sorted(_parts(cover[label]), key=geodesic_area_km2, reverse=True)
        keep = parts[:1]
        for part in parts[1:]:
            area = geodesic_area_km2(part)
            others = [o for o in georgian if o != label]
            shared = {
                o: shapely.length(shapely.intersection(part.boundary, cover[o].boundary))
                for o in others
            }
            target = max(others, key=lambda o: (shared[o], o))
            if area >= SLIVER_MAX_KM2 or shared[target] == 0.0:
                keep.append(part)
                continue
            cover[target] = _dissolve([cover[target], part])
            log.append(f"{label}->{target} {area:.3f} km2")
        cover[label] = _dissolve(keep)
    return log


def _simplify(cover: dict[str, BaseGeometry]) -> dict[str, BaseGeometry]:
    """Two coverage simplifications: every edge at FOCUS_TOLERANCE, context-only ones harder.

    Both passes keep the coverage boundary (the clip box) fixed; the sea polygon makes
    coastlines inner edges so they are simplified too. Pass 2 runs on the context
    countries plus the sea only: edges shared with a focus polygon are then on the
    sub-coverage's boundary, stay as pass 1 left them, and remain edge-matched.
    """
    labels = sorted(cover)
    geoms = [cover[k] for k in labels]
    cover = dict(
        zip(
            labels,
            shapely.coverage_simplify(geoms, FOCUS_TOLERANCE, simplify_boundary=False),
            strict=True,
        )
    )
    context = [k for k in labels if k not in FOCUS]
    geoms = [cover[k] for k in context]
    cover.update(
        zip(
            context,
            shapely.coverage_simplify(geoms, CONTEXT_TOLERANCE, simplify_boundary=False),
            strict=True,
        )
    )
    return cover


def _regional_coverage(raw: Path) -> tuple[dict[str, BaseGeometry], dict[str, Any]]:
    """The processed coverage (labels as in :func:`_faces`) and facts for the properties."""
    countries = _extent_countries(raw)
    disputed = _read_disputed(raw, BREAKAWAY.values())
    breakaway = {rid: disputed[brk_name] for rid, brk_name in BREAKAWAY.items()}
    extent = shapely.box(*EXTENT)
    facts: dict[str, Any] = {
        "raw_area": {k: geodesic_area_km2(g) for k, g in {**countries, **breakaway}.items()},
        "clipped": {k: not shapely.covers(extent, g) for k, g in countries.items()},
    }
    # Without snapping, a strip of "Georgia-core" up to ~150 m wide would run between
    # Abkhazia's coast and the sea, and the ABL would follow that coast for ~50 km.
    breakaway = {
        rid: _polygonal(shapely.make_valid(shapely.snap(geom, countries["GEO"], SNAP_TOLERANCE)))
        for rid, geom in breakaway.items()
    }
    cover = _faces(countries, breakaway)
    moved = _absorb_slivers(cover)
    if moved:  # none with the current inputs; worth a look (and a README line) if any appear
        warnings.warn(f"merged misalignment slivers: {', '.join(moved)}", stacklevel=2)
    if not shapely.coverage_is_valid(list(cover.values())):
        raise RuntimeError("faces do not form a valid coverage")
    cover = _simplify(cover)
    if not shapely.coverage_is_valid(list(cover.values())):
        raise RuntimeError("simplified layers do not form a valid coverage")
    for label, geom in cover.items():
        if geom.is_empty or not geom.is_valid:
            raise RuntimeError(f"{label}: invalid or empty after simplification")
    return cover, facts


# ---------------------------------------------------------------- GeoJSON output


def _coords(line: BaseGeometry, ndigits: int) -> list[list[float]]:
    xy = np.asarray(line.coords)[:, :2].tolist()
    return [[round(x, ndigits), round(y, ndigits)] for x, y in xy]


def _geojson_geometry(geom: BaseGeometry, ndigits: int) -> dict[str, Any]:
    """GeoJSON geometry with rounded coordinates; polygons RFC 7946 oriented (CCW shells)."""
    kind = geom.geom_type
    if kind == "Point":
        return {"type": "Point", "coordinates": [round(geom.x, ndigits), round(geom.y, ndigits)]}
    if kind in ("Polygon", "MultiPolygon"):
        polys = [
            [_coords(p.exterior, ndigits), *(_coords(r, ndigits) for r in p.interiors)]
            for p in shapely.get_parts(shapely.orient_polygons(geom))
        ]
        if len(polys) == 1:
            return {"type": "Polygon", "coordinates": polys[0]}
        return {"type": "MultiPolygon", "coordinates": polys}
    if kind in ("LineString", "MultiLineString"):
        lines = [_coords(line, ndigits) for line in shapely.get_parts(geom)]
        if len(lines) == 1:
            return {"type": "LineString", "coordinates": lines[0]}
        return {"type": "MultiLineString", "coordinates": lines}
    raise TypeError(f"unexpected geometry type {kind}")


Rows = list[tuple[dict[str, Any], BaseGeometry]]


def _feature_collection(rows: Rows, ndigits: int) -> str:
    """Compact, byte-stable GeoJSON text (EPSG:4326 is GeoJSON's only CRS: no crs member)."""
    doc = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": props, "geometry": _geojson_geometry(geom, ndigits)}
            for props, geom in rows
        ],
    }
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n"


def _country_name(label: str) -> str:
    """Common English name; ABK/SOS sections of a border are Georgia's."""
    if label in BREAKAWAY:
        return "Georgia"
    return next(name for a3, name in EXTENT_COUNTRIES.values() if a3 == label)


def _region_features(cover: dict[str, BaseGeometry], facts: dict[str, Any]) -> Rows:
    """``regions.geojson`` rows; GEO is re-assembled from core + ABK + SOS (edge-matched)."""
    georgia = _dissolve([cover["GEO"], cover["ABK"], cover["SOS"]])
    sos_area = geodesic_area_km2(cover["SOS"])
    west, south, east, north = EXTENT
    clip_note = f"Clipped to the map extent (lon {west:g}..{east:g}, lat {south:g}..{north:g})."
    crimea = (
        "Crimea, annexed by Russia in 2014 and internationally recognised as Ukraine's, "
        "is drawn as part of Ukraine (Natural Earth 4.1.0 draws it inside Russia)."
    )
    notes = {
        "GEO": "Internationally recognised territory of Georgia, including Abkhazia and South "
        "Ossetia (Natural Earth 4.1.0 outline).",
        "ABK": "Natural Earth 4.0.0 breakaway polygon, snapped and clipped to Georgia's outline.",
        "SOS": "Natural Earth 4.0.0 breakaway polygon, snapped and clipped to Georgia's outline. "
        f"It is coarser and larger ({sos_area:,.0f} km2) than the published area of about "
        "3,900 km2: treat its outline as approximate.",
        "RUS": crimea,
        "UKR": crimea,
    }
    rows: Rows = []
    for label in [*FOCUS, *sorted(k for k in cover if k not in FOCUS and k != SEA)]:
        geom = georgia if label == "GEO" else cover[label]
        clipped = bool(facts["clipped"].get(label, False))
        note = " ".join(n for n in (notes.get(label, ""), clip_note if clipped else "") if n)
        props = {
            "id": label,
            "name": BREAKAWAY.get(label) or _country_name(label),
            "status": "breakaway_region" if label in BREAKAWAY else "un_member_state",
            "role": "focus" if label in FOCUS else "context",
            "clipped": clipped,
            "area_km2": round(geodesic_area_km2(geom), 1),
            "area_km2_raw": None if clipped else round(facts["raw_area"][label], 1),
            "note": note,
        }
        rows.append((props, geom))
    return rows


def _border_order(label: str) -> tuple[int, str]:
    """Which side is ``left``: ABK, SOS, GEO(-core), RUS, then context countries A-Z."""
    first = ("ABK", "SOS", "GEO", "RUS")
    return (first.index(label), "") if label in first else (len(first), label)


def _border_features(cover: dict[str, BaseGeometry]) -> Rows:
    """Shared edges of the coverage, one feature per pair of neighbouring polygons.

    Each line runs with ``left`` on its left: the left polygon's boundary is oriented
    counter-clockwise and ``shared_paths`` keeps that direction. Edges with the sea
    (coasts) or the clip box are shared with no country and so never become borders.
    """
    labels = sorted((k for k in cover if k != SEA), key=_border_order)
    rows: Rows = []
    for left, right in combinations(labels, 2):
        a, b = cover[left], cover[right]
        if not shapely.intersects(shapely.envelope(a), shapely.envelope(b)):
            continue
        a_edge = shapely.boundary(shapely.orient_polygons(a))
        paths = shapely.get_parts(shapely.shared_paths(a_edge, shapely.boundary(b)))
        segments = [seg for path in paths for seg in _parts(path)]
        if not segments:
            continue
        line = shapely.line_merge(shapely.multilinestrings(segments), directed=True)
        if "GEO" in (left, right) and {left, right} & set(BREAKAWAY):
            region = left if left in BREAKAWAY else right
            props = {
                "id": f"ABL-{region}",
                "kind": "administrative_boundary_line",
                "name": f"{BREAKAWAY[region]} administrative boundary line",
            }
        else:
            props = {
                "id": f"{left}-{right}",
                "kind": "international",
                "name": f"{_country_name(left)} \N{EN DASH} {_country_name(right)}",
            }
        rows.append(({**props, "left": left, "right": right}, line))
    return rows


# ---------------------------------------------------------------- world layer


def _world_features(raw: Path) -> Rows:
    """110m countries; a state missing there comes from 50m, else as its 10m capital point.

    Nauru (520) is only in 50m and Tuvalu (798) only in 10m, but the recognition view
    must shade both, so the layer falls back per state instead of shipping 50m for all.
    """
    transfers = _read_disputed(raw, RECOGNISED_TRANSFERS)
    rows: dict[tuple[str, str], tuple[dict[str, Any], BaseGeometry]] = {}

    def add(num: str | None, name: str, geom: BaseGeometry, kind: str) -> None:
        rows[(num or "~", name)] = ({"iso_n3": num, "name": name, "geometry_kind": kind}, geom)

    seen: set[str] = set()
    for scale in ("110m", "50m"):
        countries = _read_countries(raw / f"countries-{scale}.json")
        geoms = {(num, name): fix_antimeridian(geom) for num, name, geom in countries}
        by_num = {num: key for key in geoms if (num := key[0]) is not None}
        for brk_name, (src, dst) in RECOGNISED_TRANSFERS.items():
            if src in by_num and dst in by_num and src not in seen and dst not in seen:
                _transfer(geoms, transfers[brk_name], by_num[src], by_num[dst])
        for (num, name), geom in geoms.items():
            if num in seen or (num is None and scale != "110m"):
                continue
            fixed = _polygonal(shapely.set_precision(geom, WORLD_GRID))
            if not fixed.is_empty:
                add(num, name, fixed, "polygon")
        seen.update(num for num, _ in geoms if num is not None)

    places = gpd.read_file(raw / "ne_10m_populated_places_region.geojson")
    capitals = places[places["ADM0CAP"] == 1].sort_values(["NAME", "LONGITUDE", "LATITUDE"])
    for num, name, geom in _read_countries(raw / "countries-10m.json"):
        if num is None or num in seen:
            continue
        near = capitals[shapely.dwithin(capitals.geometry.values, fix_antimeridian(geom), 0.05)]
        if len(near):
            add(
                num, name, shapely.set_precision(near.geometry.iloc[0], WORLD_GRID), "capital_point"
            )
            seen.add(num)
    return [rows[key] for key in sorted(rows)]


def _place_features(raw: Path) -> Rows:
    """Populated places, one point each, with every Latin name Natural Earth gives."""
    with (raw / "ne_10m_populated_places_region.geojson").open(encoding="utf-8") as handle:
        features = json.load(handle)["features"]
    rows: Rows = []
    for feature in features:
        p = feature["properties"]
        alternates = [n.strip() for n in (p.get("NAMEALT") or "").split("|") if n.strip()]
        geonameid = p.get("GEONAMEID")
        props = {
            "name": p["NAME"],
            "names": sorted({p["NAME"], p.get("NAMEASCII") or p["NAME"],
                             p.get("NAME_EN") or p["NAME"], *alternates}),
            "country": p.get("ADM0NAME"),
            "admin1": p.get("ADM1NAME"),
            "kind": "capital" if p.get("ADM0CAP") == 1 else "city",
            "population": int(p.get("POP_MAX") or 0),
            "geonameid": int(geonameid) if geonameid and geonameid > 0 else None,
        }
        point = shapely.Point(p["LONGITUDE"], p["LATITUDE"])
        rows.append((props, point))
    return sorted(rows, key=lambda row: (row[0]["name"], row[0]["country"] or ""))


# ---------------------------------------------------------------- entry points


WEB_DIGITS = 4  # ~10 m: finer than the browser map's maximum zoom needs


def build_geodata(raw: Path, out: Path, *, web_out: Path | None = None,
                  force: bool = False) -> list[Path]:
    """Build regions, borders, world, places and context GeoJSON from ``raw`` into ``out``;
    return the paths.

    ``web_out`` (the app's ``static/geodata``) gets the map layers at 4 decimals (and the
    context layer): the browser fetches them once and caches them instead of receiving
    the geometry with every rerun. Refuses to replace existing files unless ``force``
    (``TargetExistsError``), and checks every target before computing anything, so a
    refused build writes nothing.
    """
    raw, out = Path(raw), Path(out)
    names = [REGION_FILE, BORDER_FILE, WORLD_FILE]
    targets = [out / name for name in names]
    if web_out is not None:
        targets += [Path(web_out) / name for name in names]
    targets += [out / PLACES_FILE, out / CONTEXT_FILE]
    if web_out is not None:
        targets.append(Path(web_out) / CONTEXT_FILE)
    if not force:
        for target in targets:
            if target.exists():
                raise TargetExistsError(f"{target}: already exists; pass --force to replace it")
    cover, facts = _regional_coverage(raw)
    rows = [_region_features(cover, facts), _border_features(cover), _world_features(raw)]
    digits = [5, 5, 3]
    texts = [_feature_collection(r, d) for r, d in zip(rows, digits, strict=True)]
    if web_out is not None:
        texts += [_feature_collection(r, min(d, WEB_DIGITS)) for r, d in
                  zip(rows, digits, strict=True)]
    texts.append(_feature_collection(_place_features(raw), WEB_DIGITS))
    breakaway = {rid: cover[rid] for rid in BREAKAWAY}
    # simplified to ~500 m, so 4 decimals (~10 m) lose nothing: one text for both copies
    context = _feature_collection(context_rows(raw, breakaway), WEB_DIGITS)
    texts += [context] * (2 if web_out is not None else 1)
    return [write_atomic(p, text, overwrite=force) for p, text in zip(targets, texts, strict=True)]
