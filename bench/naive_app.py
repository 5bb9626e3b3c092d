"""The NAIVE variant of the dashboard's map: the baseline the real app is measured against.

What a first attempt with folium + streamlit-folium looks like, on purpose:

- raw, never simplified Natural Earth 10m geometry (Georgia, Russia, Armenia,
  Azerbaijan, Turkey, Abkhazia and South Ossetia, clipped to the map extent) read
  from ``naive_geodata.geojson`` beside this script on every rerun and sent inline
  with every map; the file is committed (built by ``bench/naive_geodata.py``), so the
  variant runs from a clone with nothing beside it;
- the evidence base loaded (and verified) on every rerun: no caching;
- one ``folium.Marker`` with a popup per event in the date range;
- ``st_folium`` with its default arguments (no ``feature_group_to_add``, default
  ``returned_objects``), so every change remounts the map and a page load reruns.

Two deliberate departures, so that it measures rendering and data handling rather
than the network: Leaflet & co. come from the vendored files (``localise_assets``;
from CDNs the map frame would stay blank offline) and there is no tile layer (the
real app has none either). Same widget as the app: a date slider with key "dates".
The bench runs a copy next to a ``static`` link to ``app/static`` and a copy of the
geometry (Streamlit serves ``static/`` beside the main script).
"""

from __future__ import annotations

import html
from pathlib import Path

import folium
import geopandas as gpd
import streamlit as st
from streamlit_folium import st_folium

from caucmap.assets import localise_assets
from caucmap.evidence import load_evidence
from caucmap.settings import project_root
from caucmap.viewstate import EARLIEST, today

GEODATA = Path(__file__).resolve().parent / "naive_geodata.geojson"
FILL = {"GEO": "#f1e3b9", "ABK": "#e8a87c", "SOS": "#e8a87c", "RUS": "#d9d9d9"}

localise_assets()
ev = load_evidence(project_root())
start, end = st.sidebar.slider("Date range", min_value=EARLIEST, max_value=today(),
                               value=(EARLIEST, today()), key="dates", format="YYYY-MM-DD")
m = folium.Map(location=(42.4, 43.4), zoom_start=7, tiles=None)
folium.GeoJson(
    gpd.read_file(GEODATA).to_json(),
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
