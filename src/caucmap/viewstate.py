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

from caucmap.models import LayerName
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
)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,80}$")


def today() -> date:
    return date.today()


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
        return out

    @classmethod
    def from_query(
        cls, params: Mapping[str, str | list[str]], known_events: Container[str] | None = None
    ) -> tuple[ViewState, list[str]]:
        """Parse query parameters; each bad one falls back to its default with a notice."""
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
