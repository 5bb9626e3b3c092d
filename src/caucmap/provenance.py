"""Where every dataset comes from, under which licence: shown in the UI and exports."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Dataset:
    name: str
    description: str
    address: str
    licence: str


DATASETS: tuple[Dataset, ...] = (
    Dataset("Source articles (seeds/)", "five news articles, quoted verbatim as evidence",
            "https://agenda.ge/en/news/2014/2672",
            "copyright of each outlet; quoted for research and reporting"),
    Dataset("Natural Earth 1:10m admin-0 and disputed areas",
            "countries, breakaway areas, boundary lines, populated places (v4.0.0 / v4.1.0)",
            "https://www.naturalearthdata.com/", "public domain"),
    Dataset("Natural Earth 1:10m physical and admin-1 labels",
            "context layer: rivers, lakes, ranges, peaks, division labels (v4.0.0); Kazbek "
            "and the Liakhvi label point from referenced pages (geodata/README.md)",
            "https://www.naturalearthdata.com/", "public domain"),
    Dataset("world-atlas 2.0.2", "TopoJSON packaging of Natural Earth countries",
            "https://github.com/topojson/world-atlas", "ISC (packaging); data public domain"),
    Dataset("caucmap catalogue", "curated events, actors, recognitions and 2008 war features, "
            "each cited verbatim or referenced", "https://github.com/caucmap/caucmap",
            "CC BY 4.0 (our summaries); excerpts remain the outlets'"),
    Dataset("Leaflet, jQuery, Bootstrap, Font Awesome, Leaflet.markercluster",
            "map and UI assets served from app/static/vendor", "https://leafletjs.com/",
            "BSD-2-Clause, MIT, OFL/MIT (see app/static/vendor)"),
)
