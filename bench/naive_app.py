"""The NAIVE variant of the dashboard's map: the baseline the real app is measured against.

What a first attempt with folium + streamlit-folium looks like, on purpose:

- geometry read on every rerun from the raw Natural Earth 10m files (world-atlas
  ``countries-10m.json`` for Georgia, Russia, Armenia, Azerbaijan, Turkey and the
  raw 10m disputed areas for Abkhazia and South Ossetia), clipped to the same extent
  as ``geodata/`` but never simplified, and sent inline with every map;
- the evidence base loaded (and verified) on every rerun: no caching;
- one ``folium.Marker`` with a popup per event in the date range;
- ``st_folium`` with its default arguments (no ``feature_group_to_add``, default
  ``returned_objects``), so every change remounts the map and a page load reruns.

Two deliberate departures, so that it measures rendering and data handling rather
than the network: Leaflet & co. come from the vendored files (``localise_assets``;
from CDNs the map frame would stay blank offline) and there is no tile layer (the
real app has none either). Same widget as the app: a date slider with key "dates".
The bench runs a copy next to a ``static`` link to ``app/static`` so those files
are served (Streamlit serves ``static/`` beside the main script).
"""

from __future__ import annotations

import html
from pathlib import Path

import folium
import geopandas as gpd
import shapely
import streamlit as st
from streamlit_folium import st_folium

from caucmap.assets import localise_assets
from caucmap.evidence import load_evidence
from caucmap.geobuild import DISPUTED_FILE, EXTENT
from caucmap.settings import project_root
from caucmap.viewstate import EARLIEST, today

RAW = Path(__file__).resolve().parents[1].parent / "shared" / "geodata-raw"
COUNTRIES = {"268": "GEO", "643": "RUS", "051": "ARM", "031": "AZE", "792": "TUR"}
BREAKAWAY = {"Abkhazia": "ABK", "South Ossetia": "SOS"}
FILL = {"GEO": "#f1e3b9", "ABK": "#e8a87c", "SOS": "#e8a87c", "RUS": "#d9d9d9"}


def polygons(geom: shapely.Geometry) -> shapely.Geometry:
    """The polygonal part of a repaired geometry, clipped to the map extent."""
    clipped = shapely.clip_by_rect(shapely.make_valid(geom), *EXTENT)
    parts = [p for p in shapely.get_parts(clipped) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts)


def raw_regions() -> gpd.GeoDataFrame:
    countries = gpd.read_file(RAW / "countries-10m.json", layer="countries")
    countries = countries[countries["id"].isin(list(COUNTRIES))]
    disputed = gpd.read_file(RAW / DISPUTED_FILE)
    disputed = disputed[disputed["BRK_NAME"].isin(list(BREAKAWAY))]
    rows = [{"id": COUNTRIES[i], "name": n, "geometry": polygons(g)}
            for i, n, g in zip(countries["id"], countries["name"], countries.geometry,
                               strict=True)]
    rows += [{"id": BREAKAWAY[n], "name": n, "geometry": polygons(g)}
             for n, g in zip(disputed["BRK_NAME"], disputed.geometry, strict=True)]
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


localise_assets()
ev = load_evidence(project_root())
start, end = st.sidebar.slider("Date range", min_value=EARLIEST, max_value=today(),
                               value=(EARLIEST, today()), key="dates", format="YYYY-MM-DD")
m = folium.Map(location=(42.4, 43.4), zoom_start=7, tiles=None)
folium.GeoJson(
    raw_regions().to_json(),
    style_function=lambda f: {"color": "#555", "weight": 1, "fillOpacity": 0.8,
                              "fillColor": FILL.get(f["properties"]["id"], "#eeeeee")},
    tooltip=folium.GeoJsonTooltip(fields=["name"]),
).add_to(m)
shown = 0
for event in ev.events:
    if not (event.places and event.overlaps(start, end)):
        continue
    place = ev.places[event.places[0].id]
    quotes = "".join(f"<blockquote>{html.escape(c.excerpt)}</blockquote>"
                     for c in event.citations)
    folium.Marker((place.lat, place.lon), tooltip=html.escape(event.title),
                  popup=folium.Popup(f"<b>{html.escape(event.title)}</b>{quotes}",
                                     max_width=360)).add_to(m)
    shown += 1
st_folium(m, height=560, use_container_width=True)
st.markdown(f"Events shown: {shown}")
