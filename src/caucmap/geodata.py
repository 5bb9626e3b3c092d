"""Read the processed map layers in ``geodata/`` once per process.

The files are built by :mod:`caucmap.geobuild` from ``../shared/geodata-raw``;
``geodata/README.md`` says where each came from.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import geopandas as gpd
import shapely

METRIC_CRS = "EPSG:32638"  # UTM 38N: metres across Georgia, for buffers and lengths


@cache
def read_layer(root: Path, name: str) -> gpd.GeoDataFrame:
    """``geodata/<name>.geojson`` as a GeoDataFrame in EPSG:4326 (cached; do not mutate)."""
    path = root / "geodata" / f"{name}.geojson"
    if not path.exists():
        raise FileNotFoundError(f"{path}: missing; rebuild with 'caucmap build-geodata'")
    frame = gpd.read_file(path, engine="pyogrio")
    return frame.set_crs("EPSG:4326", allow_override=True)


@cache
def region_geometry(root: Path, region_id: str) -> shapely.Geometry:
    regions = read_layer(root, "regions")
    match = regions.loc[regions["id"] == region_id, "geometry"]
    if match.empty:
        raise KeyError(f"geodata/regions.geojson has no region {region_id!r}")
    return match.iloc[0]


@cache
def georgia_core(root: Path) -> shapely.Geometry:
    """Georgia without Abkhazia and South Ossetia: how Russia's worldview draws Georgia."""
    return shapely.difference(
        region_geometry(root, "GEO"),
        shapely.union(region_geometry(root, "ABK"), region_geometry(root, "SOS")),
    )


def zone_beyond(root: Path, region_id: str, depth_km: float) -> shapely.Geometry:
    """A schematic strip ``depth_km`` wide on Georgia's side of a region's boundary line."""
    series = gpd.GeoSeries([region_geometry(root, region_id), georgia_core(root)], crs=4326)
    region, core = series.to_crs(METRIC_CRS)
    strip = shapely.intersection(shapely.buffer(region, depth_km * 1000), core)
    return gpd.GeoSeries([strip], crs=METRIC_CRS).to_crs(4326).iloc[0]
