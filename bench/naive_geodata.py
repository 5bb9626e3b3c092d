"""Build ``bench/naive_geodata.geojson``: the raw 10m geometry the naive variant sends.

    $ python -m bench.naive_geodata --raw ../shared/geodata-raw    # only to rebuild it

The naive variant (``bench/naive_app.py``) reads this committed file on every rerun,
so ``make bench`` runs from a clone with nothing beside it. It holds what the naive
app used to cut from the raw inputs on each rerun: Georgia, Russia, Armenia,
Azerbaijan and Turkey from world-atlas ``countries-10m.json`` and Abkhazia and South
Ossetia from Natural Earth's 10m disputed areas, repaired (``make_valid``) and
clipped to :data:`caucmap.geobuild.EXTENT`, never simplified: 368 kB, about the map
payload the naive variant measured before (412 kB with its markers). Natural Earth is
public domain; world-atlas's packaging is ISC (see ``geodata/README.md``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import geopandas as gpd
import shapely

from caucmap.atomic import write_atomic
from caucmap.geobuild import DISPUTED_FILE, EXTENT

OUT = Path(__file__).resolve().parent / "naive_geodata.geojson"
COUNTRIES = {"268": "GEO", "643": "RUS", "051": "ARM", "031": "AZE", "792": "TUR"}
BREAKAWAY = {"Abkhazia": "ABK", "South Ossetia": "SOS"}


def polygons(geom: shapely.Geometry) -> shapely.Geometry:
    """The polygonal part of a repaired geometry, clipped to the map extent."""
    clipped = shapely.clip_by_rect(shapely.make_valid(geom), *EXTENT)
    parts = [p for p in shapely.get_parts(clipped) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts)


def raw_regions(raw: Path) -> gpd.GeoDataFrame:
    """The seven polygons, ids and names, from the raw inputs in ``raw``."""
    countries = gpd.read_file(raw / "countries-10m.json", layer="countries")
    countries = countries[countries["id"].isin(list(COUNTRIES))]
    disputed = gpd.read_file(raw / DISPUTED_FILE)
    disputed = disputed[disputed["BRK_NAME"].isin(list(BREAKAWAY))]
    rows = [{"id": COUNTRIES[i], "name": n, "geometry": polygons(g)}
            for i, n, g in zip(countries["id"], countries["name"], countries.geometry,
                               strict=True)]
    rows += [{"id": BREAKAWAY[n], "name": n, "geometry": polygons(g)}
             for n, g in zip(disputed["BRK_NAME"], disputed.geometry, strict=True)]
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.naive_geodata",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--raw", type=Path, default=Path("../shared/geodata-raw"))
    args = parser.parse_args(argv)
    if not (args.raw / "countries-10m.json").exists():
        print(f"no {args.raw / 'countries-10m.json'}: the committed {OUT.name} stays",
              file=sys.stderr)
        return 2
    write_atomic(OUT, raw_regions(args.raw).to_json() + "\n", overwrite=True)
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
