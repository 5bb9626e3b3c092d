"""Read the processed map layers in ``geodata/`` once per process, checked before use.

The files are built by :mod:`caucmap.geobuild` from ``../shared/geodata-raw``;
``geodata/README.md`` says where each came from. A layer is read through
:mod:`caucmap.safeio` and its shape checked (a FeatureCollection whose features carry
the properties the layers draw), so a broken file is one line naming it, not a
``JSONDecodeError`` or ``KeyError`` traceback. geopandas is imported only when a layer
is drawn: ``caucmap validate`` does not pay for it.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from caucmap.safeio import MissingFileError, UnsafeFileError, load_json, read_bytes, read_text

if TYPE_CHECKING:
    import geopandas as gpd
    import shapely

METRIC_CRS = "EPSG:32638"  # UTM 38N: metres across Georgia, for buffers and lengths

#: properties every feature of a layer needs, because the layers read them
REQUIRED_PROPERTIES: dict[str, tuple[str, ...]] = {
    "regions": ("id", "name", "role", "note", "clipped"),
    "borders": ("id", "kind", "name", "left", "right"),
    "world": ("iso_n3", "name"),
}
#: regions the map cannot be drawn without
REQUIRED_REGIONS = ("GEO", "ABK", "SOS")


def _name(name: str) -> str:
    return f"geodata/{name}.geojson"


def _features(data: Any, name: str) -> list[dict[str, Any]]:
    """The features of a parsed layer, or UnsafeFileError saying what is wrong with it."""
    shown = _name(name)
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise UnsafeFileError(shown, "not a GeoJSON FeatureCollection")
    features = data.get("features")
    if not isinstance(features, list):
        raise UnsafeFileError(shown, "a FeatureCollection needs a list under 'features'")
    required = REQUIRED_PROPERTIES.get(name, ())
    for i, feature in enumerate(features):
        props = feature.get("properties") if isinstance(feature, dict) else None
        geometry = feature.get("geometry", ...) if isinstance(feature, dict) else ...
        if not isinstance(props, dict) or not (geometry is None or isinstance(geometry, dict)):
            raise UnsafeFileError(shown, f"feature {i}: needs 'properties' (an object) and "
                                         "'geometry' (an object or null)")
        missing = [key for key in required if key not in props]
        if missing:
            raise UnsafeFileError(shown, f"feature {i}: missing properties {', '.join(missing)}")
    return features


def read_features(root: Path, name: str) -> list[dict[str, Any]]:
    """``geodata/<name>.geojson``'s features as parsed JSON, shape-checked.

    Not cached: the loader calls it on every (re)load, so a fixed file is seen.
    """
    try:
        text = read_text(root / "geodata" / f"{name}.geojson", root=root, kind="geodata")
    except FileNotFoundError:
        raise MissingFileError(_name(name), "file is missing; rebuild with 'caucmap "
                                            "build-geodata'") from None
    return _features(load_json(text, name=_name(name)), name)


def region_ids(root: Path) -> set[str]:
    """The region ids of ``geodata/regions.geojson``: what a place's ``polygon`` may name."""
    ids = {f["properties"]["id"] for f in read_features(root, "regions")}
    missing = [r for r in REQUIRED_REGIONS if r not in ids]
    if missing:
        raise UnsafeFileError(_name("regions"), f"no region {', '.join(missing)}; the map "
                                                "needs GEO, ABK and SOS")
    return ids


@cache
def read_layer(root: Path, name: str) -> gpd.GeoDataFrame:
    """``geodata/<name>.geojson`` as a GeoDataFrame in EPSG:4326 (cached; do not mutate)."""
    import geopandas as gpd

    read_features(root, name)  # the shape check: one clear line instead of a KeyError later
    data = read_bytes(root / "geodata" / f"{name}.geojson", root=root, kind="geodata")
    try:
        frame = gpd.read_file(io.BytesIO(data), engine="pyogrio")
    except Exception as exc:  # GDAL's errors are many and unnamed; the file is what is wrong
        raise UnsafeFileError(_name(name), f"not readable as GeoJSON: {exc}") from None
    return frame.set_crs("EPSG:4326", allow_override=True)


@cache
def region_geometry(root: Path, region_id: str) -> shapely.Geometry:
    regions = read_layer(root, "regions")
    match = regions.loc[regions["id"] == region_id, "geometry"]
    if match.empty or match.iloc[0] is None:
        raise UnsafeFileError(_name("regions"), f"has no geometry for region {region_id!r}")
    return match.iloc[0]


@cache
def georgia_core(root: Path) -> shapely.Geometry:
    """Georgia without Abkhazia and South Ossetia: how Russia's worldview draws Georgia."""
    import shapely

    return shapely.difference(
        region_geometry(root, "GEO"),
        shapely.union(region_geometry(root, "ABK"), region_geometry(root, "SOS")),
    )


def zone_beyond(root: Path, region_id: str, depth_km: float) -> shapely.Geometry:
    """A schematic strip ``depth_km`` wide on Georgia's side of a region's boundary line."""
    import geopandas as gpd
    import shapely

    series = gpd.GeoSeries([region_geometry(root, region_id), georgia_core(root)], crs=4326)
    region, core = series.to_crs(METRIC_CRS)
    strip = shapely.intersection(shapely.buffer(region, depth_km * 1000), core)
    return gpd.GeoSeries([strip], crs=METRIC_CRS).to_crs(4326).iloc[0]


def world_polygons(root: Path) -> gpd.GeoDataFrame:
    """The world's countries drawn as areas (not the island states drawn as points), cut
    at +-85 degrees where Web Mercator ends: for locator insets and a low-zoom base."""
    import geopandas as gpd
    import shapely

    world = read_layer(root, "world")
    world = world[world.geom_type.isin(["Polygon", "MultiPolygon"])]
    clipped = shapely.clip_by_rect(world.geometry.values, -180, -85, 180, 85)
    return gpd.GeoDataFrame({"iso_n3": world["iso_n3"].values}, geometry=clipped,
                            crs="EPSG:4326")


def world_beyond_regions(root: Path) -> tuple[gpd.GeoDataFrame, shapely.Geometry]:
    """Countries outside the regions file's box, and that box (EPSG:4326).

    The regional layers stop at their box; a map reaching past it goes on with these.
    Rows carry the region id where a country is in both (e.g. RUS), so the part of
    Russia beyond the box can be filled as Russia is.
    """
    import geopandas as gpd
    import shapely

    regions = read_layer(root, "regions")
    box = shapely.box(*regions.total_bounds)
    ids = dict(zip(regions["name"], regions["id"], strict=True))
    world = read_layer(root, "world")
    world = world[world.geom_type != "Point"]
    outside = shapely.difference(
        shapely.clip_by_rect(world.geometry.values, -180, -85, 180, 85), box)
    return (gpd.GeoDataFrame({"id": [ids.get(n) for n in world["name"]]}, geometry=outside,
                             crs="EPSG:4326"), box)
