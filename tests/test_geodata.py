"""The committed layers in ``geodata/`` keep the promises made in ``geodata/README.md``.

Most tests read the committed files only; ``test_rebuild_is_byte_identical`` rebuilds
them from ``../shared/geodata-raw`` to prove they are current and reproducible.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from pyproj import Geod
from shapely.geometry import shape

from caucmap.atomic import TargetExistsError
from caucmap.geobuild import build_geodata

ROOT = Path(__file__).resolve().parents[1]
GEODATA = ROOT / "geodata"
RAW = Path(__file__).resolve().parents[2] / "shared" / "geodata-raw"
FILES = ("regions.geojson", "borders.geojson", "world.geojson", "populated_places.geojson",
         "context.geojson")
# Geodesic areas of the raw polygons, from geodata-raw/PROVENANCE.md.
RAW_AREA_KM2 = {"GEO": 69_574, "ABK": 8_638, "SOS": 4_465}
EXTENT = (26.0, 36.0, 52.0, 57.5)
GEOD = Geod(ellps="WGS84")


def area_km2(geom: shapely.Geometry) -> float:
    """Geodesic area, computed here independently of caucmap.geobuild."""
    total = 0.0
    for poly in shapely.get_parts(geom):
        if poly.geom_type != "Polygon":
            continue
        rings = [poly.exterior, *poly.interiors]
        areas = [abs(GEOD.geometry_area_perimeter(r)[0]) for r in rings]
        total += areas[0] - sum(areas[1:])
    return total / 1e6


def _load(name: str) -> dict[str, Any]:
    return json.loads((GEODATA / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def regions() -> dict[str, tuple[dict[str, Any], shapely.Geometry]]:
    return {
        f["properties"]["id"]: (f["properties"], shape(f["geometry"]))
        for f in _load("regions.geojson")["features"]
    }


@pytest.fixture(scope="module")
def geom(regions: dict[str, tuple[dict[str, Any], shapely.Geometry]]) -> dict[str, Any]:
    """Region geometries plus ``core`` = Georgia without Abkhazia and South Ossetia."""
    out = {rid: g for rid, (_, g) in regions.items()}
    out["core"] = shapely.difference(out["GEO"], shapely.union(out["ABK"], out["SOS"]))
    return out


@pytest.fixture(scope="module")
def borders() -> list[tuple[dict[str, Any], shapely.Geometry]]:
    return [(f["properties"], shape(f["geometry"])) for f in _load("borders.geojson")["features"]]


@pytest.fixture(scope="module")
def world() -> list[tuple[dict[str, Any], shapely.Geometry]]:
    return [(f["properties"], shape(f["geometry"])) for f in _load("world.geojson")["features"]]


# ---------------------------------------------------------------- files


@pytest.mark.parametrize(("name", "max_kb"), [(FILES[0], 150), (FILES[1], 150), (FILES[2], 300)])
def test_files_are_compact_feature_collections(name: str, max_kb: int) -> None:
    text = (GEODATA / name).read_text(encoding="utf-8")
    assert len(text.encode()) <= max_kb * 1024
    assert "\n" not in text.rstrip("\n"), "compact JSON, one line"
    doc = json.loads(text)
    assert doc["type"] == "FeatureCollection"
    assert "crs" not in doc  # RFC 7946: EPSG:4326 implied
    digits = max(len(m) for m in re.findall(r"\.(\d+)", text.split('"geometry"', 1)[1]))
    assert digits <= 5


# ---------------------------------------------------------------- regions


def test_region_ids_and_properties(regions: dict[str, tuple[dict[str, Any], Any]]) -> None:
    keys = {"id", "name", "status", "role", "clipped", "area_km2", "area_km2_raw", "note"}
    assert {"GEO", "ABK", "SOS", "RUS", "ARM", "AZE", "TUR"} <= set(regions)
    for rid, (props, _) in regions.items():
        assert set(props) == keys, rid
        assert re.fullmatch(r"[A-Z]{3}", rid)
        assert isinstance(props["clipped"], bool)
        assert isinstance(props["note"], str)
        assert (props["area_km2_raw"] is None) == props["clipped"], rid
    expect = {
        "GEO": ("Georgia", "un_member_state", "focus", False),
        "ABK": ("Abkhazia", "breakaway_region", "focus", False),
        "SOS": ("South Ossetia", "breakaway_region", "focus", False),
        "RUS": ("Russia", "un_member_state", "focus", True),
    }
    for rid, (name, status, role, clipped) in expect.items():
        props = regions[rid][0]
        assert (props["name"], props["status"], props["role"], props["clipped"]) == (
            name,
            status,
            role,
            clipped,
        )
    assert all(p["role"] == "context" for rid, (p, _) in regions.items() if rid not in expect)
    assert "3,900" in regions["SOS"][0]["note"]  # the known caveat is stated, not hidden


def test_every_country_in_the_extent_is_present(geom: dict[str, Any]) -> None:
    box = shapely.box(*EXTENT)
    land = shapely.union_all([g for rid, g in geom.items() if rid != "core"])
    assert shapely.covers(box, land)
    assert shapely.contains(geom["RUS"], shapely.Point(37.6, 55.75))  # Moscow
    assert shapely.contains(geom["UKR"], shapely.Point(34.1, 45.0))  # Crimea: recognised as Ukraine
    # countries that only just reach into the extent are there too
    for rid in ("BLR", "KAZ", "IRN", "IRQ", "SYR", "ROU", "BGR", "GRC", "MDA", "LVA", "LTU"):
        assert rid in geom


def test_all_region_geometry_valid(geom: dict[str, Any]) -> None:
    for rid, g in geom.items():
        assert g.is_valid and not g.is_empty, rid
        assert g.geom_type in ("Polygon", "MultiPolygon"), rid


@pytest.mark.parametrize("rid", ["GEO", "ABK", "SOS"])
def test_focus_areas_within_one_percent_of_raw(
    rid: str, regions: dict[str, tuple[dict[str, Any], Any]]
) -> None:
    props, g = regions[rid]
    measured = area_km2(g)
    assert measured == pytest.approx(RAW_AREA_KM2[rid], rel=0.01)
    assert props["area_km2_raw"] == pytest.approx(RAW_AREA_KM2[rid], rel=0.001)
    assert props["area_km2"] == pytest.approx(measured, abs=0.1)


def test_area_properties_match_geometry(regions: dict[str, tuple[dict[str, Any], Any]]) -> None:
    for rid, (props, g) in regions.items():
        assert props["area_km2"] == pytest.approx(area_km2(g), abs=0.1), rid


@pytest.mark.parametrize("rid", ["ABK", "SOS"])
def test_regions_inside_georgia(rid: str, geom: dict[str, Any]) -> None:
    inside = area_km2(shapely.intersection(geom[rid], geom["GEO"])) / area_km2(geom[rid])
    assert inside >= 0.99


def test_georgia_is_exactly_core_plus_regions(geom: dict[str, Any]) -> None:
    parts = [geom["core"], geom["ABK"], geom["SOS"]]
    union = shapely.union_all(parts)
    assert area_km2(union) == pytest.approx(area_km2(geom["GEO"]), rel=1e-4)
    assert area_km2(shapely.symmetric_difference(union, geom["GEO"])) < 0.01
    assert sum(area_km2(p) for p in parts) == pytest.approx(area_km2(geom["GEO"]), rel=1e-4)
    assert geom["core"].geom_type == "Polygon", "no slivers of core left beside the regions"


def test_coverage_has_no_gaps_or_overlaps(geom: dict[str, Any]) -> None:
    ids = [rid for rid in geom if rid != "GEO"]  # core replaces GEO in the coverage
    assert shapely.coverage_is_valid([geom[rid] for rid in ids])
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            if shapely.intersects(geom[a], geom[b]):
                assert area_km2(shapely.intersection(geom[a], geom[b])) < 0.01, (a, b)
    # and no narrow gaps (slivers) between neighbours, e.g. Georgia and Russia
    assert shapely.coverage_is_valid([geom[rid] for rid in ids], gap_width=0.01)


# ---------------------------------------------------------------- borders


def test_border_properties_and_kinds(borders: list[tuple[dict[str, Any], Any]]) -> None:
    keys = {"id", "kind", "name", "left", "right"}
    ids = {p["id"] for p, _ in borders}
    assert len(ids) == len(borders)
    for props, line in borders:
        assert set(props) == keys
        assert props["kind"] in ("international", "administrative_boundary_line")
        assert line.geom_type in ("LineString", "MultiLineString")
        assert line.is_valid and not line.is_empty
    assert {"ABL-ABK", "ABL-SOS", "GEO-RUS", "ABK-RUS", "SOS-RUS"} <= ids
    assert {"GEO-ARM", "GEO-AZE", "GEO-TUR"} <= ids
    by_id = {p["id"]: p for p, _ in borders}
    assert (by_id["ABL-ABK"]["left"], by_id["ABL-ABK"]["right"]) == ("ABK", "GEO")
    assert (by_id["ABL-SOS"]["left"], by_id["ABL-SOS"]["right"]) == ("SOS", "GEO")
    assert by_id["ABL-SOS"]["kind"] == "administrative_boundary_line"
    for bid in ("GEO-RUS", "ABK-RUS", "SOS-RUS"):
        assert by_id[bid]["name"] == "Georgia \N{EN DASH} Russia"
        assert by_id[bid]["kind"] == "international"
        assert by_id[bid]["right"] == "RUS"


def test_borders_lie_on_both_polygon_edges(
    borders: list[tuple[dict[str, Any], Any]], geom: dict[str, Any]
) -> None:
    def polygon(rid: str) -> shapely.Geometry:
        return geom["core"] if rid == "GEO" else geom[rid]

    for props, line in borders:
        for side in ("left", "right"):
            edge = shapely.boundary(polygon(props[side]))
            off = shapely.difference(line, shapely.buffer(edge, 1e-7))
            assert off.length < 1e-9, (props["id"], side)


def test_left_polygon_is_left_of_the_line(
    borders: list[tuple[dict[str, Any], Any]], geom: dict[str, Any]
) -> None:
    for props, line in borders:
        left = geom["core"] if props["left"] == "GEO" else geom[props["left"]]
        right = geom["core"] if props["right"] == "GEO" else geom[props["right"]]
        for part in shapely.get_parts(line):
            xy = np.asarray(part.coords)
            i = int(np.argmax(np.hypot(*np.diff(xy, axis=0).T)))  # longest segment
            mid, step = (xy[i] + xy[i + 1]) / 2, xy[i + 1] - xy[i]
            normal = np.array([-step[1], step[0]]) / np.hypot(*step) * 1e-4
            assert left.contains(shapely.Point(mid + normal)), props["id"]
            assert right.contains(shapely.Point(mid - normal)), props["id"]


def test_abl_lines_are_the_region_boundaries_inside_georgia(
    borders: list[tuple[dict[str, Any], Any]], geom: dict[str, Any]
) -> None:
    lines = {p["id"]: g for p, g in borders}
    for rid in ("ABK", "SOS"):
        abl = lines[f"ABL-{rid}"]
        inner = shapely.intersection(shapely.boundary(geom[rid]), shapely.boundary(geom["core"]))
        assert abl.length == pytest.approx(inner.length, rel=1e-9)
        assert shapely.hausdorff_distance(abl, inner) < 1e-7
        # an ABL crosses Georgia from outline to outline, never along coast or border:
        # beyond ~2 km from its ends it stays >~500 m inside (a 4.0.0/4.1.0 misalignment
        # strip once put 50 km of "ABL" about 30 m off Abkhazia's coast)
        assert len(shapely.get_parts(abl)) == 1, rid
        ends = shapely.buffer(shapely.MultiPoint([abl.coords[0], abl.coords[-1]]), 0.02)
        inland = shapely.difference(abl, ends)
        assert shapely.distance(inland, shapely.boundary(geom["GEO"])) > 0.005, rid
    # Georgia-Russia segments together are exactly Georgia's border with Russia
    gr = shapely.union_all([lines["GEO-RUS"], lines["ABK-RUS"], lines["SOS-RUS"]])
    shared = shapely.intersection(shapely.boundary(geom["GEO"]), shapely.boundary(geom["RUS"]))
    assert gr.length == pytest.approx(shared.length, rel=1e-6)


# ---------------------------------------------------------------- world


def test_world_properties_and_validity(world: list[tuple[dict[str, Any], Any]]) -> None:
    assert len(world) > 200
    for props, g in world:
        assert set(props) == {"iso_n3", "name", "geometry_kind"}
        assert props["iso_n3"] is None or re.fullmatch(r"\d{3}", props["iso_n3"]), props
        assert g.is_valid and not g.is_empty, props["name"]
        kind = "capital_point" if g.geom_type == "Point" else "polygon"
        assert props["geometry_kind"] == kind, props["name"]
        xy = shapely.get_coordinates(g)
        assert (np.abs(xy[:, 0]) <= 180).all() and (np.abs(xy[:, 1]) <= 90).all()
        for ring in shapely.get_rings(shapely.get_parts(g)) if kind == "polygon" else []:
            xy = shapely.get_coordinates(ring)
            jump = np.abs(np.diff(xy[:, 0])) >= 180  # allowed only along a pole (Antarctica)
            at_pole = (np.abs(xy[:-1, 1]) == 90) & (np.abs(xy[1:, 1]) == 90)
            assert not (jump & ~at_pole).any(), f"{props['name']} crosses the antimeridian"
    nums = [p["iso_n3"] for p, _ in world if p["iso_n3"]]
    assert len(nums) == len(set(nums))


def test_world_has_the_recognising_states(world: list[tuple[dict[str, Any], Any]]) -> None:
    kinds = {p["iso_n3"]: p["geometry_kind"] for p, _ in world}
    for num in ("643", "760", "558", "862", "548", "520", "798", "268", "242"):
        assert num in kinds, num
    assert kinds["798"] == "capital_point"  # Tuvalu: in no small-scale polygon file
    by_num = {p["iso_n3"]: g for p, g in world}
    assert by_num["643"].bounds[0] == -180 and by_num["643"].bounds[2] > 179  # Chukotka split
    assert by_num["804"].contains(shapely.Point(34.1, 45.0))  # Crimea drawn as Ukraine


# ---------------------------------------------------------------- rebuild


def test_rebuild_is_byte_identical(tmp_path: Path) -> None:
    if not RAW.is_dir():
        pytest.skip(f"raw inputs not found at {RAW} (../shared/geodata-raw next to the project)")
    written = build_geodata(RAW, tmp_path)
    assert [p.name for p in written] == list(FILES)
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (GEODATA / name).read_bytes(), (
            f"geodata/{name} is stale: run caucmap build-geodata --force"
        )
    with pytest.raises(TargetExistsError):
        build_geodata(RAW, tmp_path)
