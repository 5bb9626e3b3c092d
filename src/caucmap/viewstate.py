"""One view state drives the web map, the static export and the downloads.

It round-trips through URL query parameters, so a copied link reopens the view:

    >>> view, notices = ViewState.from_query({"from": "2014-01-01", "naming": "russian"})
    >>> view.to_query()["naming"]
    'russian'

A bad or hostile parameter never raises: it falls back to the default and adds a
plain-text notice (the caller escapes it like any other text).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Container, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from caucmap.models import Category, LayerName
from caucmap.naming import Naming


class Worldview(StrEnum):
    INTERNATIONAL = "international"
    RUSSIA = "russia"


WORLDVIEW_LABELS: dict[Worldview, str] = {
    Worldview.INTERNATIONAL: "International / Georgia: breakaway regions of Georgia",
    Worldview.RUSSIA: "Russia: Abkhazia and South Ossetia as states",
}

EARLIEST = date(1990, 1, 1)
MIN_ZOOM, MAX_ZOOM = 2, 13  # the web map's limits
ALL_LAYERS: tuple[LayerName, ...] = (
    LayerName.RECOGNITION, LayerName.BORDERS, LayerName.WAR2008, LayerName.EVENTS,
    LayerName.CONTEXT,
)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,80}$")


def today() -> date:
    return date.today()


@dataclass(frozen=True)
class Filters:
    """What the reader narrowed the events to; empty means "all". Applied by
    :mod:`caucmap.search` to the map, list, timeline, downloads and exports alike."""

    categories: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    places: tuple[str, ...] = ()  # a region id includes every place inside it
    outlets: tuple[str, ...] = ()
    disputed: bool = False
    q: str = ""

    def active(self) -> bool:
        return bool(self.categories or self.actors or self.places or self.outlets
                    or self.disputed or self.q.strip())

    def describe(self, names: Mapping[str, str] | None = None) -> str:
        """The filters in words, for an export's subtitle ("" when none); ``names`` gives
        the display name of an id (category label, actor name, place name)."""
        shown = names or {}
        parts = [f"{label}: {', '.join(shown.get(v, v) for v in values)}" for label, values in (
            ("category", self.categories), ("actor", self.actors), ("place", self.places),
            ("outlet", self.outlets)) if values]
        if self.disputed:
            parts.append("disputed only")
        if self.q.strip():
            parts.append(f"search: \u201c{self.q.strip()}\u201d")
        return "; ".join(parts)


# URL parameter -> Filters field; lists are comma-separated
FILTER_PARAMS = {"category": "categories", "actor": "actors", "place": "places",
                 "outlet": "outlets"}
MAX_QUERY = 120


@dataclass(frozen=True)
class ViewState:
    """Everything that defines what a user sees. Defaults are the first-load view."""

    start: date = EARLIEST
    end: date = field(default_factory=today)
    layers: frozenset[LayerName] = frozenset(ALL_LAYERS)
    worldview: Worldview = Worldview.INTERNATIONAL
    naming: Naming = Naming.ENGLISH
    event: str | None = None
    world: bool = False
    lat: float = 42.5  # frames Sochi, Abkhazia, South Ossetia and Tbilisi at zoom 7
    lon: float = 43.1
    zoom: int = 7
    filters: Filters = Filters()

    def with_(self, **changes: object) -> ViewState:
        return replace(self, **changes)

    def shows(self, layer: LayerName) -> bool:
        return layer in self.layers

    def to_query(self) -> dict[str, str]:
        """Query parameters for the non-default parts of this view."""
        default = ViewState()
        out: dict[str, str] = {}
        if self.start != default.start:
            out["from"] = self.start.isoformat()
        if self.end != default.end:
            out["to"] = self.end.isoformat()
        if self.layers != default.layers:
            out["layers"] = ",".join(sorted(self.layers)) or "none"
        if self.worldview != default.worldview:
            out["worldview"] = self.worldview.value
        if self.naming != default.naming:
            out["naming"] = self.naming.value
        if self.event:
            out["event"] = self.event
        if self.world:
            out["world"] = "1"
        if (self.lat, self.lon, self.zoom) != (default.lat, default.lon, default.zoom):
            out.update(lat=f"{self.lat:.4f}", lon=f"{self.lon:.4f}", zoom=str(self.zoom))
        for param, attr in FILTER_PARAMS.items():
            if values := getattr(self.filters, attr):
                out[param] = ",".join(values)
        if self.filters.disputed:
            out["disputed"] = "1"
        if self.filters.q.strip():
            out["q"] = self.filters.q.strip()
        return out

    @classmethod
    def from_query(
        cls, params: Mapping[str, str | list[str]], known_events: Container[str] | None = None,
        resolve: Mapping[str, Callable[[str], str | None]] | None = None,
    ) -> tuple[ViewState, list[str]]:
        """Parse query parameters; each bad one falls back to its default with a notice.

        ``resolve`` maps a filter parameter (actor, place, outlet) to a function that turns
        what the URL says (an id or any spelling) into the catalogue's id, or None.
        """
        view = cls()
        notices: list[str] = []

        def get(name: str) -> str | None:
            value = params.get(name)
            if isinstance(value, list):
                value = value[-1] if value else None
            return None if value is None else str(value)[:200]

        def bad(name: str, value: str, why: str) -> None:
            notices.append(f"Ignored URL parameter {name}={value!r}: {why}; using the default.")

        changes: dict[str, object] = {}
        for name, attr in (("from", "start"), ("to", "end")):
            raw = get(name)
            if raw is None:
                continue
            parsed = parse_iso_date(raw)
            if parsed is None:
                bad(name, raw, "not a real date in YYYY-MM-DD form")
            elif not EARLIEST <= parsed <= today():
                bad(name, raw, f"outside {EARLIEST.isoformat()}..today")
            else:
                changes[attr] = parsed
        start, end = changes.get("start", view.start), changes.get("end", view.end)
        if start > end:  # type: ignore[operator]
            bad("from", str(start), "after 'to'")
            changes.pop("start")
        if (raw := get("layers")) is not None:
            names = [] if raw == "none" else [p for p in raw.split(",") if p]
            valid = {layer.value for layer in ALL_LAYERS}
            if all(n in valid for n in names):
                changes["layers"] = frozenset(LayerName(n) for n in names)
            else:
                bad("layers", raw, f"layers are {', '.join(sorted(valid))} or 'none'")
        for name, enum in (("worldview", Worldview), ("naming", Naming)):
            if (raw := get(name)) is not None:
                try:
                    changes[name] = enum(raw)
                except ValueError:
                    bad(name, raw, f"one of {', '.join(e.value for e in enum)}")
        if (raw := get("event")) is not None:
            if _ID.fullmatch(raw) and (known_events is None or raw in known_events):
                changes["event"] = raw
            else:
                bad("event", raw, "no such event")
        if (raw := get("world")) is not None:
            if raw in ("0", "1"):
                changes["world"] = raw == "1"
            else:
                bad("world", raw, "0 or 1")
        changes.update(_parse_extent(get, bad))
        filters = _parse_filters(get, bad, resolve or {})
        if filters != Filters():
            changes["filters"] = filters
        return replace(view, **changes), notices


def pixel_rounded(lat: float, lon: float, zoom: int) -> tuple[float, float, int]:
    """A map centre rounded to about one screen pixel at ``zoom``: stable, short URLs."""
    digits = max(0, math.ceil(math.log10(256 * 2**zoom / 360)))
    return round(lat, digits), round(lon, digits), zoom


def parse_iso_date(raw: str) -> date | None:
    """A real calendar date written YYYY-MM-DD, or None."""
    if not _DATE.fullmatch(raw):
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


def _parse_filters(get: Callable[[str], str | None], bad: Callable[[str, str, str], None],
                   resolve: Mapping[str, Callable[[str], str | None]]) -> Filters:
    """category/actor/place/outlet lists, disputed=1 and q=text; each bad value dropped."""
    changes: dict[str, object] = {}
    categories = {c.value for c in Category}
    for param, attr in FILTER_PARAMS.items():
        raw = get(param)
        if raw is None:
            continue
        kept = []
        for value in (v.strip() for v in raw.split(",")):
            if not value:
                continue
            if param == "category":
                found = value if value in categories else None
            elif param in resolve:
                found = resolve[param](value)
            else:
                found = value if param == "outlet" or _ID.fullmatch(value) else None
            if found is None:
                bad(param, value, f"no such {param}")
            elif found not in kept:
                kept.append(found)
        if kept:
            changes[attr] = tuple(kept)
    if (raw := get("disputed")) is not None:
        if raw in ("0", "1"):
            changes["disputed"] = raw == "1"
        else:
            bad("disputed", raw, "0 or 1")
    if (raw := get("q")) is not None:
        changes["q"] = " ".join(raw.split())[:MAX_QUERY]
    return Filters(**changes)  # type: ignore[arg-type]


def _parse_extent(
    get: Callable[[str], str | None], bad: Callable[[str, str, str], None]
) -> dict[str, object]:
    """lat/lon/zoom are taken together or not at all, within sane bounds."""
    raw = {k: get(k) for k in ("lat", "lon", "zoom")}
    if all(v is None for v in raw.values()):
        return {}
    try:
        lat, lon, zoom = float(raw["lat"] or ""), float(raw["lon"] or ""), int(raw["zoom"] or "")
    except ValueError:
        bad("lat/lon/zoom", "&".join(f"{k}={v}" for k, v in raw.items()), "need all three numbers")
        return {}
    if not (-85 <= lat <= 85 and -180 <= lon <= 180 and MIN_ZOOM <= zoom <= MAX_ZOOM):
        bad("lat/lon/zoom", f"{lat},{lon},{zoom}", "out of range")
        return {}
    return {"lat": lat, "lon": lon, "zoom": zoom}
