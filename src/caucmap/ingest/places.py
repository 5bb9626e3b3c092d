"""Places named in a sentence: gazetteer entries first, then Natural Earth populated places.

    >>> finder = PlaceFinder.for_project(evidence)
    >>> [(p.id, p.text) for p in finder.find("Rallies in Sukhum and Leningor.")]
    [('sokhumi', 'Sukhum'), ('akhalgori', 'Leningor')]

The gazetteer knows every naming convention of a place (Georgian official, Russian /
de facto, common English) and the spellings the seeds use; transliterations are
folded by :mod:`caucmap.ingest.names`. A place the gazetteer lacks but Natural Earth
has (``geodata/populated_places.geojson``, built by ``caucmap build-geodata``) comes
back as a *proposed* gazetteer entry with its coordinates and GeoNames id.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from caucmap.evidence import Evidence
from caucmap.ingest.names import NameIndex
from caucmap.models import LocationPrecision, Place
from caucmap.naming import all_names
from caucmap.safeio import load_json, read_text

POPULATED_PLACES = Path("geodata") / "populated_places.geojson"
WORLD = Path("geodata") / "world.geojson"
MIN_NEW_NAME = 4  # Natural Earth has a Turkish town called "Of"
PRECISION_OF_KIND = {
    "region": LocationPrecision.REGION,
    "country": LocationPrecision.COUNTRY,
}


@dataclass(frozen=True)
class PlaceHit:
    """A place a sentence names: a gazetteer id, or a proposed new entry."""

    text: str
    span: tuple[int, int]
    kind: str
    lon: float
    lat: float
    id: str | None = None
    proposed: dict[str, Any] = field(default_factory=dict)

    @property
    def precision(self) -> LocationPrecision:
        return PRECISION_OF_KIND.get(self.kind, LocationPrecision.EXACT)

    def as_dict(self) -> dict[str, Any]:
        """The review queue's form: ``id`` or proposed ``name``, with lon, lat, precision."""
        head = {"id": self.id} if self.id else {"name": self.proposed["name"]}
        extra = {k: v for k, v in self.proposed.items() if k != "name"}
        return {**head, "text": self.text, "lon": self.lon, "lat": self.lat,
                "kind": self.kind, "precision": self.precision.value, **extra}


def read_populated_places(root: Path) -> list[dict[str, Any]]:
    """Natural Earth's populated places as processed into ``geodata/`` (empty if absent)."""
    path = root / POPULATED_PLACES
    if not path.exists():
        return []
    doc = load_json(read_text(path, root=root, kind="geodata"), name=str(POPULATED_PLACES))
    return [{**f["properties"], "lon": f["geometry"]["coordinates"][0],
             "lat": f["geometry"]["coordinates"][1]} for f in doc["features"]]


def read_state_names(root: Path) -> list[str]:
    """Every state of the world layer by name: states an article may name as actors."""
    path = root / WORLD
    if not path.exists():
        return []
    doc = load_json(read_text(path, root=root, kind="geodata"), name=str(WORLD))
    return sorted({f["properties"]["name"] for f in doc["features"]})


class PlaceFinder:
    """Built once per catalogue; ``find`` runs per sentence."""

    def __init__(self, places: Iterable[Place], populated: Iterable[dict[str, Any]]) -> None:
        self._places = {p.id: p for p in places}
        self._populated: dict[str, dict[str, Any]] = {}
        entries = [(name, place.id) for place in self._places.values()
                   for name in all_names(place)]
        for row in populated:
            key = f"ne:{row['geonameid'] or row['name']}"
            self._populated[key] = row
            names = {part for name in row["names"] for part in (name, name.split(",")[0])}
            entries += [(name, key) for name in sorted(names) if len(name) >= MIN_NEW_NAME]
        self._index = NameIndex(entries)  # gazetteer names first: they win a shared key

    @classmethod
    def for_project(cls, evidence: Evidence) -> PlaceFinder:
        return cls(evidence.places.values(), read_populated_places(evidence.root))

    def place(self, place_id: str) -> Place | None:
        return self._places.get(place_id)

    def find(self, sentence: str) -> list[PlaceHit]:
        hits: list[PlaceHit] = []
        for m in self._index.find(sentence):
            if m.key in self._places:
                p = self._places[m.key]
                hits.append(PlaceHit(m.text, m.span, p.kind, p.lon, p.lat, id=p.id))
                continue
            row = self._populated[m.key]
            proposed = {"name": row["name"], "country": row["country"],
                        "geonameid": row["geonameid"]}
            hits.append(PlaceHit(m.text, m.span, row["kind"], row["lon"], row["lat"],
                                 proposed=proposed))
        return hits
