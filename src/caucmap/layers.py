"""Framework-neutral map layers: GeoDataFrames with their style, legend and attribution.

One layer model feeds three outputs: folium (:mod:`caucmap.render_web`), matplotlib
(:mod:`caucmap.render_static`) and GeoJSON/CSV (:mod:`caucmap.tables`).

    >>> layers = build_layers(default_evidence(), ViewState())
    >>> layers["events"].frame[["id", "start", "date_precision"]]
    >>> layers["events"].spec.dated               # its role: see LayerSpec, REGISTRY

``build_layers`` is the one place that decides what a view holds (the world view
included); renderers, the CLI and downloads iterate it and read each layer's
:class:`LayerSpec`, never its name. A new layer is a builder plus one ``register`` line.

Style lives in columns (``color``, ``fill``, ``marker``...; see ``STYLE_COLUMNS``),
tooltips are plain text: renderers escape them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Literal, TypeVar

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.ops import polylabel

from caucmap import freshness, geodata, search, style
from caucmap.dates import date_label, format_date, short_span
from caucmap.evidence import Evidence
from caucmap.models import Citation, Event, Evidenced, LayerName, Place, Recognition
from caucmap.naming import Naming, all_names, place_name
from caucmap.records import disagreements, dispute_line
from caucmap.viewstate import ViewState, Worldview

STYLE_COLUMNS = (
    "color", "fill", "fill_opacity", "weight", "dash", "marker", "hollow", "opacity", "label",
    "label_at", "tooltip", "look",
)
LOOK = ["marker", "color", "hollow", "opacity"]  # what makes two point symbols the same
K = TypeVar("K")
NE_ATTRIBUTION = "Boundaries: Natural Earth (public domain); shown for reference, not endorsement"
ENTITY_NAMES = {"ABK": "abkhazia", "SOS": "south-ossetia"}


@dataclass(frozen=True)
class LegendEntry:
    label: str
    kind: Literal["fill", "line", "marker", "note"]  # a note is text with no symbol
    color: str
    fill: str | None = None
    dash: str = ""
    marker: str = ""
    hollow: bool = False


@dataclass(frozen=True, eq=False)
class Layer:
    """One map layer: features with style columns, a legend and where the data came from."""

    name: str
    title: str
    frame: gpd.GeoDataFrame
    legend: tuple[LegendEntry, ...]
    attribution: str
    # the geodata file holding these features' geometry, and the column that keys them;
    # lets the web map have the browser fetch (and cache) geometry instead of resending it
    geometry_file: str | None = None
    key: str = "id"

    @property
    def spec(self) -> LayerSpec:
        """Its entry in the registry: role, order, legend group (see :class:`LayerSpec`)."""
        return REGISTRY[self.name]

    def data(self) -> gpd.GeoDataFrame:
        """The features without style columns: what downloads and the CLI give out."""
        return self.frame.drop(columns=[c for c in STYLE_COLUMNS if c in self.frame.columns])


def look_codes(frame: pd.DataFrame) -> np.ndarray:
    """One small integer per distinct point symbol (shape, colour, hollow, opacity); a
    missing value reads as no symbol, no colour, filled, opaque. Plain lists, not a
    pandas factorize: most frames are a few rows, built on a rerun."""
    def filled(column: str, default: object) -> list[object]:
        return [default if v is None or v != v else v for v in frame[column].tolist()]

    keys = zip(filled("marker", ""), filled("color", ""),
               map(bool, filled("hollow", False)), map(float, filled("opacity", 1.0)),
               strict=True)
    seen: dict[tuple, int] = {}
    return np.fromiter((seen.setdefault(k, len(seen)) for k in keys), np.int64, len(frame))


def styled_frame(rows: list[dict], geometry: list, columns: tuple[str, ...] = ()
                 ) -> gpd.GeoDataFrame:
    """Rows as a layer frame, every style column present (what a builder returns);
    with no rows, ``columns`` keep an empty layer drawable."""
    table = pd.DataFrame(rows) if rows else pd.DataFrame(columns=list(columns))
    frame = gpd.GeoDataFrame(table, geometry=geometry, crs="EPSG:4326")
    for column in STYLE_COLUMNS:
        if column not in frame.columns:
            frame[column] = None
    # computed once per built layer, so a rerun only selects rows
    frame["look"] = look_codes(frame)
    return frame


def _citations(ev: Evidence, record: Evidenced) -> list[dict[str, object]]:
    def one(c: Citation) -> dict[str, object]:
        source = ev.sources[c.source]
        return {"source": c.source, "outlet": source.outlet, "excerpt": c.excerpt,
                "published": source.published,
                "published_precision": source.published_precision,
                "published_label": format_date(source.published, source.published_precision),
                "address": source.address}
    return [one(c) for c in record.all_citations()]


def _references(record: Evidenced) -> list[dict[str, str]]:
    return [r.model_dump() for r in record.references]


def _region_label(ev: Evidence, region_id: str, fallback: str, naming: Naming) -> str:
    place = next((p for p in ev.places.values() if p.polygon == region_id), None)
    return place_name(place, naming) if place else fallback


def label_point(geom: shapely.Geometry) -> shapely.Point:
    """Where a region's name goes: the pole of inaccessibility of its largest part."""
    parts = getattr(geom, "geoms", [geom])
    return polylabel(max(parts, key=lambda g: g.area), tolerance=0.01)


def _region_description(region_id: str, name: str, worldview: Worldview) -> tuple[str, str]:
    """(status, description) of a focus region under a worldview; attributed, not asserted."""
    if region_id in ENTITY_NAMES:
        if worldview is Worldview.RUSSIA:
            return ("state_per_russia", f"{name}: an independent state in Russia's view "
                    "(recognised by Russia since 26 August 2008)")
        return ("breakaway_region", f"{name}: breakaway region of Georgia; Georgia, the EU and "
                "NATO regard it as Georgian territory occupied by Russia")
    if region_id == "GEO":
        if worldview is Worldview.RUSSIA:
            return ("un_member_state", f"{name}, drawn without Abkhazia and South Ossetia as "
                    "in Russia's view")
        return ("un_member_state", f"{name}: UN member state, internationally recognised "
                "territory including Abkhazia and South Ossetia")
    return ("un_member_state", name)


@lru_cache(maxsize=16)
def regions_layer(ev: Evidence, worldview: Worldview, naming: Naming) -> Layer:
    """Georgia, the two regions, Russia (clipped) and muted neighbours."""
    raw = geodata.read_layer(ev.root, "regions")
    rows, geoms = [], []
    for rec in raw.itertuples():
        focus = rec.role == "focus"
        name = ev.localise(_region_label(ev, rec.id, rec.name, naming), naming)
        status, description = _region_description(rec.id, name, worldview)
        description = ev.localise(description, naming)
        geom = rec.geometry
        fill = style.REGION_FILL.get(rec.id, style.REGION_FILL["other"])
        if worldview is Worldview.RUSSIA and rec.id in style.REGION_FILL_RUSSIA_VIEW:
            fill = style.REGION_FILL_RUSSIA_VIEW[rec.id]
        if worldview is Worldview.RUSSIA and rec.id == "GEO":
            geom = geodata.georgia_core(ev.root)
        note = f" ({ev.localise(rec.note, naming)})" if rec.note else ""
        # Georgia's name goes on its core, not on the regions inside it
        label_at = label_point(geodata.georgia_core(ev.root) if rec.id == "GEO" else geom)
        rows.append({
            "id": rec.id, "name": name, "status": status, "role": rec.role,
            "clipped": bool(rec.clipped), "description": description,
            "color": style.LINE_INTERNATIONAL if focus else style.MUTED_STROKE,
            "fill": fill, "fill_opacity": 1.0 if focus else 0.6, "weight": 0.6,
            "label": name if focus else "", "label_at": label_at if focus else None,
            "tooltip": description + note + (" [map clipped]" if rec.clipped else ""),
        })
        geoms.append(geom)
    legend = [LegendEntry("Georgia", "fill", style.LINE_INTERNATIONAL, style.REGION_FILL["GEO"])]
    if worldview is Worldview.RUSSIA:
        legend += [
            LegendEntry(f"{_region_label(ev, rid, rid, naming)} (state in Russia's view)", "fill",
                        style.LINE_INTERNATIONAL, style.REGION_FILL_RUSSIA_VIEW[rid])
            for rid in ("ABK", "SOS")
        ]
    else:
        legend.append(LegendEntry("Breakaway regions of Georgia", "fill", style.LINE_INTERNATIONAL,
                                  style.REGION_FILL["ABK"]))
    legend.append(LegendEntry("Russia", "fill", style.LINE_INTERNATIONAL, style.REGION_FILL["RUS"]))
    return Layer("regions", "Countries and regions", styled_frame(rows, geoms), tuple(legend),
                 NE_ATTRIBUTION, geometry_file="regions")


def abl_term(worldview: Worldview, naming: Naming) -> str:
    """What a region's boundary line is called: the worldview decides what it is (a state
    border only in Russia's view); within the international view the naming convention
    chooses Georgia's "occupation line" or the neutral "administrative boundary line"."""
    if worldview is Worldview.RUSSIA:
        return "state border"
    return "occupation line" if naming is Naming.GEORGIAN else "administrative boundary line"


@lru_cache(maxsize=16)
def borders_layer(ev: Evidence, worldview: Worldview, naming: Naming) -> Layer:
    """International borders and the regions' boundary lines, drawn per worldview."""
    raw = geodata.read_layer(ev.root, "borders")
    rows = []
    as_state = worldview is Worldview.RUSSIA
    for rec in raw.itertuples():
        abl = rec.kind == "administrative_boundary_line"
        if abl:
            region = next(r for r in (rec.left, rec.right) if r in ENTITY_NAMES)
            name = f"{_region_label(ev, region, region, naming)} {abl_term(worldview, naming)}"
            description = (f"{name}: an international state border in Russia's view" if as_state
                           else f"{name}: the line of control between the breakaway region and "
                           "the rest of Georgia, not an international border")
        else:
            name = ev.localise(rec.name, naming)
            description = f"{name}: international border"
        dashed = abl and not as_state
        rows.append({
            "id": rec.id, "kind": rec.kind, "name": name, "left": rec.left, "right": rec.right,
            "description": description,
            "color": style.LINE_ABL if dashed else style.LINE_INTERNATIONAL,
            "weight": 2.6 if abl else 1.4, "dash": style.DASH_ABL if dashed else "",
            "tooltip": description,
        })
    legend = [LegendEntry("International border", "line", style.LINE_INTERNATIONAL)]
    if as_state:
        legend[0] = LegendEntry(ev.localise("International border (incl. Abkhazia and South "
                                            "Ossetia in Russia's view)", naming),
                                "line", style.LINE_INTERNATIONAL)
    else:
        legend.append(LegendEntry(
            f"Boundary line of a breakaway region ({abl_term(worldview, naming)})", "line",
            style.LINE_ABL, dash=style.DASH_ABL))
    return Layer("borders", "Contested borders", styled_frame(rows, list(raw.geometry)),
                 tuple(legend), NE_ATTRIBUTION, geometry_file="borders")


def recognitions_of(ev: Evidence, entity: str, at: date) -> list[Recognition]:
    """The states recognising ``entity`` on ``at`` beyond dispute."""
    return [r for r in ev.recognitions if r.entity == entity and r.active_on(at)]


def disputed_on(ev: Evidence, entity: str, at: date) -> list[Recognition]:
    """The states whose withdrawal from recognising ``entity`` is disputed on ``at``."""
    return [r for r in ev.recognitions if r.entity == entity and r.status_on(at) == "disputed"]


def count_label(low: int, high: int, *, disputed: str = ", disputed") -> str:
    """'4', or '4 or 5, disputed' when some states' status is disputed."""
    if low == high:
        return str(low)
    return f"{low} {'or' if high == low + 1 else 'to'} {high}{disputed}"


def _recognition_line(r: Recognition, at: date | None = None) -> str:
    """'Nauru since December 2009', with a withdrawal only if it happened by ``at``."""
    line = f"{r.state} since {format_date(r.since, r.since_precision)}"
    if r.withdrawn and (at is None or r.withdrawn <= at):
        when = format_date(r.withdrawn, r.withdrawn_precision or "day")
        status = r.status_on(at) if at is not None else None
        line += (f", withdrawal disputed since {when}" if status == "disputed"
                 else f", withdrawn {when}")
        settled = r.disputed.until if r.disputed else None
        if settled and status != "disputed" and (at is None or settled <= at):
            line += (f" (disputed until "
                     f"{format_date(settled, r.disputed.until_precision or 'day')})")
    return line


def _dispute_lines(r: Recognition, at: date) -> list[str]:
    """Who said what about a disputed withdrawal, up to ``at``: attributed, not decided."""
    said = [c for c in (r.disputed.claims if r.disputed else []) if c.date <= at]
    return [f"  {c.by} ({format_date(c.date, c.date_precision)}): "
            f"{'still recognised' if c.says == 'recognised' else 'withdrawn'}" for c in said]


@lru_cache(maxsize=4)
def recognition_days(ev: Evidence) -> tuple[date, ...]:
    """The days on which a recognition count or its tooltip can change (recognitions,
    withdrawals, disputes and what each side said), earliest first, from ``date.min``:
    the layer as of any day equals the layer as of the last of these on or before it."""
    days = {date.min}
    for r in ev.recognitions:
        days |= {r.since, *([r.withdrawn] if r.withdrawn else [])}
        if r.disputed:
            days |= {c.date for c in r.disputed.claims}
            days |= {r.disputed.until} if r.disputed.until else set()
    return tuple(sorted(days))


def freshness_note(ev: Evidence, at: date) -> LegendEntry | None:
    """'Recognitions checked to 2026-01' for the legend, flagged when ``at`` is later."""
    done = freshness.checked(ev.root, "recognition")
    if done is None:
        return None
    label = done.legend() + ("" if done.covers(at) else
                             f"; later changes may be missing as of {at.isoformat()}")
    return LegendEntry(label, "note", style.LINE_INTERNATIONAL)


def recognition_layer(ev: Evidence, view: ViewState) -> Layer:
    """Abkhazia and South Ossetia shaded by how many UN member states recognise them."""
    return _recognition_layer(ev, view.naming, view.end)


@lru_cache(maxsize=32)
def _recognition_layer(ev: Evidence, naming: Naming, at: date) -> Layer:
    """Cached: moving the start of the range keeps the end, and so this layer.

    A state whose withdrawal is disputed counts in the high count only: the region
    is shaded by the low one, outlined dashed, and labelled "4 or 5, disputed".
    """
    rows, geoms = [], []
    for entity in ENTITY_NAMES:
        name = _region_label(ev, entity, entity, naming)
        active = recognitions_of(ev, entity, at)
        disputed = disputed_on(ev, entity, at)
        low, high = len(active), len(active) + len(disputed)
        past = [r for r in ev.recognitions if r.entity == entity and r.withdrawn
                and r.withdrawn <= at and r not in disputed]
        lines = [_recognition_line(r) for r in active] or ["no UN member state"]
        count = count_label(low, high)
        tooltip = (f"{name}: recognised as an independent state by {count} UN member "
                   f"state(s) as of {at.isoformat()}:\n" + "\n".join(lines))
        for r in disputed:
            tooltip += f"\nDisputed: {_recognition_line(r, at)}\n" + "\n".join(
                _dispute_lines(r, at))
        if past:
            tooltip += "\nWithdrawn: " + "; ".join(_recognition_line(r) for r in past)
        rows.append({
            "id": entity, "name": name, "recognised_by": low, "count_low": low,
            "count_high": high, "count": count, "states": [r.state for r in active],
            "disputed": [r.state for r in disputed], "as_of": at.isoformat(),
            "color": style.LINE_INTERNATIONAL, "fill": style.recognition_colour(low),
            "fill_opacity": 0.75, "weight": 1.6 if disputed else 0.8,
            "dash": style.DASH_ABL if disputed else "",
            "label": (f"{name}\n{count_label(low, high, disputed='')} "
                      f"recognition{'' if high == 1 else 's'}{' (disputed)' if disputed else ''}"),
            "tooltip": tooltip,
        })
        geoms.append(geodata.region_geometry(ev.root, entity))
    plain = sorted({style.recognition_class(r["recognised_by"]): r["fill"]
                    for r in rows if not r["disputed"]}.items())
    legend = [LegendEntry(f"Recognised by {label}", "fill", style.LINE_INTERNATIONAL, fill)
              for label, fill in plain]
    legend += [LegendEntry(f"{r['name']}: {r['count']} states ({', '.join(r['disputed'])}: "
                           "withdrawal disputed); dashed outline", "fill",
                           style.LINE_INTERNATIONAL, r["fill"], dash=style.DASH_ABL)
               for r in rows if r["disputed"]]
    note = freshness_note(ev, at)
    return Layer("recognition", f"Recognition as of {at.isoformat()}", styled_frame(rows, geoms),
                 (*legend, *([note] if note else [])),
                 "Recognitions: caucmap catalogue (cited / referenced)",
                 geometry_file="regions")


WORLD_DISPUTED = "#e3c8e8"  # a state whose withdrawal one side denies


def world_layer(ev: Evidence, at: date, naming: Naming = Naming.ENGLISH) -> Layer:
    """One feature per country: does it recognise Abkhazia / South Ossetia on ``at``?"""
    raw = geodata.read_layer(ev.root, "world")
    by_state: dict[str, dict[str, Recognition]] = {}
    for r in ev.recognitions:
        by_state.setdefault(r.iso_n3, {})[r.entity] = r
    totals = {}  # the regions' counts, on every row: what a CSV reader filters by
    for entity in ENTITY_NAMES:
        low = len(recognitions_of(ev, entity, at))
        totals[entity] = count_label(low, low + len(disputed_on(ev, entity, at)))
    rows = []
    for rec in raw.itertuples():
        recs = by_state.get(rec.iso_n3, {})
        abk, sos = recs.get("ABK"), recs.get("SOS")
        on_abk, on_sos = bool(abk and abk.active_on(at)), bool(sos and sos.active_on(at))
        abk_status = abk.status_on(at) if abk else None
        sos_status = sos.status_on(at) if sos else None
        disputed = "disputed" in (abk_status, sos_status)
        withdrawn = any(r.withdrawn and r.withdrawn <= at for r in recs.values())
        plain = style.REGION_FILL["GEO"] if rec.iso_n3 == "268" else style.REGION_FILL["other"]
        fill = ("#3f007d" if on_abk and on_sos else "#9e9ac8" if on_abk or on_sos
                else WORLD_DISPUTED if disputed else "#bdbdbd" if withdrawn else plain)
        tip = rec.name
        known = sorted((e, r) for e, r in recs.items() if r.since <= at)  # nothing from after
        if known:
            tip += "\n" + "\n".join(f"{_region_label(ev, e, e, naming)}: "
                                    f"{_recognition_line(r, at)}" for e, r in known)
        rows.append({
            "iso_n3": rec.iso_n3, "name": rec.name,
            "recognizes_abkhazia": on_abk, "recognizes_south_ossetia": on_sos,
            "abkhazia_status": abk_status, "south_ossetia_status": sos_status,
            "disputed": disputed, "abkhazia_recognised_by": totals["ABK"],
            "south_ossetia_recognised_by": totals["SOS"],
            "abkhazia_since": abk.since.isoformat() if abk else None,
            "abkhazia_withdrawn": abk.withdrawn.isoformat() if abk and abk.withdrawn else None,
            "south_ossetia_since": sos.since.isoformat() if sos else None,
            "south_ossetia_withdrawn": (sos.withdrawn.isoformat() if sos and sos.withdrawn
                                        else None),
            "as_of": at.isoformat(),
            "color": "#8a8a8a", "fill": fill, "fill_opacity": 0.9, "weight": 0.4,
            "marker": "circle" if rec.geometry_kind == "capital_point" else "",
            "tooltip": tip,
        })
    legend = (
        LegendEntry("Recognises both", "fill", "#8a8a8a", "#3f007d"),
        LegendEntry("Recognises one", "fill", "#8a8a8a", "#9e9ac8"),
        LegendEntry("Withdrawal disputed (counted as neither)", "fill", "#8a8a8a",
                    WORLD_DISPUTED),
        LegendEntry("Withdrew recognition", "fill", "#8a8a8a", "#bdbdbd"),
        LegendEntry("Georgia", "fill", "#8a8a8a", "#f1e3b9"),
    )
    note = freshness_note(ev, at)
    legend = (*legend, *([note] if note else []))
    return Layer("world", f"Recognising states as of {at.isoformat()}",
                 styled_frame(rows, list(raw.geometry)), legend, NE_ATTRIBUTION,
                 geometry_file="world", key="name")


def _uncertain(date_precision: str, location_precision: str) -> bool:
    return date_precision != "day" or location_precision != "exact"


# the data keys of _event_row and _all_war's rows: an empty layer's columns (style added)
EVENT_COLUMNS = (
    "id", "title", "summary", "category", "cameo", "start", "end", "date_precision",
    "date_basis", "date_label", "location_precision", "place_ids", "places", "actors", "layers",
    "disputed", "citations", "references",
)
WAR_COLUMNS = (
    "id", "title", "summary", "kind", "start", "end", "date_precision", "date_label",
    "location_precision", "citations", "references",
)


@lru_cache(maxsize=8)
def _all_events(ev: Evidence, naming: Naming) -> gpd.GeoDataFrame:
    """Every event as a styled row, built once per naming; filtering is a mask on this."""
    rows, geoms = [], []
    for e in ev.events:
        rows.append(_event_row(ev, e, naming))
        first = ev.places.get(e.places[0].id) if e.places else None
        geoms.append(shapely.Point(first.lon, first.lat) if first else None)
    return styled_frame(rows, geoms, EVENT_COLUMNS)


def _event_row(ev: Evidence, e: Event, naming: Naming) -> dict:
    symbol, colour = style.CATEGORY_STYLE[e.category]
    loc = e.places[0].precision.value if e.places else "unknown"
    places = [place_name(ev.places[p.id], naming) for p in e.places]
    disputes = disagreements(ev, e, naming)
    title = ev.localise(e.title, naming)
    tip = [title, date_label(e), f"Place: {', '.join(places) or 'unknown'} ({loc})",
           style.CATEGORY_LABELS[e.category], *(dispute_line(d) for d in disputes)]
    return {
        "id": e.id, "title": title, "summary": ev.localise(e.summary, naming),
        "category": e.category.value, "cameo": e.cameo,
        "start": e.start, "end": e.end,
        "date_precision": e.date_precision.value, "date_basis": e.date_basis.value,
        "date_label": date_label(e), "location_precision": loc,
        "place_ids": [p.id for p in e.places], "places": places, "actors": list(e.actors),
        "layers": [layer.value for layer in e.layers],
        "disputed": sorted(d.about for d in disputes),
        "citations": _citations(ev, e), "references": _references(e),
        "color": colour, "marker": symbol, "hollow": _uncertain(e.date_precision.value, loc),
        "opacity": 0.55 if loc in ("region", "country") else 1.0, "weight": 1.5,
        "fill": colour, "fill_opacity": 0.9, "tooltip": "\n".join(tip),
    }


def _marker_legend(
    pairs: Mapping[K, tuple[str, str]], label: Callable[[K], str]
) -> tuple[LegendEntry, ...]:
    return tuple(LegendEntry(label(key), "marker", colour, colour, marker=symbol)
                 for key, (symbol, colour) in pairs.items())


UNCERTAIN_LEGEND = LegendEntry("Hollow: date or place uncertain", "marker", "#525252",
                               marker="circle", hollow=True)


def events_layer(ev: Evidence, view: ViewState) -> Layer:
    """Events whose date range overlaps the view's and that pass its filters, styled by
    category and precision."""
    frame = _between("events", ev, view.naming, view.start, view.end)
    if view.filters.active():
        frame = frame[frame["id"].isin(search.matching_ids(ev, view.filters))]
    present = set(frame["category"].unique())
    shown = {c: style.CATEGORY_STYLE[c] for c in style.CATEGORY_STYLE if c.value in present}
    legend = (*_marker_legend(shown, lambda c: style.CATEGORY_LABELS[c]), UNCERTAIN_LEGEND)
    return Layer("events", "Events", frame, legend, "Events: caucmap catalogue, cited sources")


@lru_cache(maxsize=8)
def _all_war(ev: Evidence, naming: Naming) -> gpd.GeoDataFrame:
    rows, geoms = [], []
    for w in ev.war:
        symbol, colour = style.WAR_STYLE[w.kind]
        g = w.geometry
        names = [place_name(ev.places[p], naming) for p in g.place_ids()]
        if g.zone:
            geom = geodata.zone_beyond(ev.root, g.zone.around, g.zone.depth_km)
            label, label_at = None, None  # a zone is named by its tooltip and the legend
        else:
            points = [shapely.Point(ev.places[p].lon, ev.places[p].lat) for p in g.place_ids()]
            geom = points[0] if len(points) == 1 else shapely.LineString(points)
            # a short label, as events have on printed maps: "Tskhinvali, 7-11 Aug 2008"
            where = names[0] if len(names) == 1 else f"{names[0]} \u2192 {names[-1]}"
            label = f"{where}, {short_span(w.start, w.end, w.date_precision.value)}"
            # a movement is named a third of the way along, near where it starts: its
            # middle is where a valley's river is named (the Liakhvi, Tskhinvali-Gori)
            label_at = geom if len(points) == 1 else geom.interpolate(0.3, normalized=True)
        title = ev.localise(w.title, naming)
        rows.append({
            "id": w.id, "title": title, "summary": ev.localise(w.summary, naming),
            "kind": w.kind, "start": w.start, "end": w.end,
            "date_precision": w.date_precision.value, "date_label": date_label(w),
            "location_precision": w.location_precision,
            "citations": _citations(ev, w), "references": _references(w),
            "color": colour, "fill": colour, "fill_opacity": 0.25 if g.zone else 0.9,
            "weight": 3.5 if g.line else 1.5, "dash": "4 4" if g.zone else "",
            "marker": symbol, "opacity": 1.0,
            "hollow": _uncertain(w.date_precision.value, w.location_precision),
            "tooltip": f"{title}\n{date_label(w)}\n{w.kind.replace('_', ' ')}",
            "label": label, "label_at": label_at,
        })
        geoms.append(geom)
    return styled_frame(rows, geoms, WAR_COLUMNS)


def war_layer(ev: Evidence, view: ViewState) -> Layer:
    """The 2008 war: places, movements (lines) and schematic zones within the date range."""
    frame = _between("war2008", ev, view.naming, view.start, view.end)
    present = set(frame["kind"].unique())
    kinds = {k: v for k, v in style.WAR_STYLE.items() if k in present}
    legend = _marker_legend(kinds, lambda k: f"2008 war: {k.replace('_', ' ')}")
    return Layer("war2008", "The 2008 war", frame, legend,
                 "2008 war: caucmap catalogue; zones are schematic")


#: a gazetteer place's kind -> (min_zoom, rank) on the context layer: capitals and region
#: centres first, towns when zoomed in, villages and sites (the Roki tunnel) close up
GAZETTEER_ZOOM: dict[str, tuple[int, int]] = {
    "capital": (6, 1), "city": (7, 3), "town": (8, 4), "feature": (9, 5), "village": (10, 5),
    "residence": (10, 6),
}
CONTEXT_ATTRIBUTION = ("Places, rivers, relief: Natural Earth (public domain) and the caucmap "
                       "gazetteer")
CONTEXT_COLUMNS = ("id", "kind", "name", "name_en", "name_ru", "gazetteer", "rank", "min_zoom",
                   "elevation", "source")


def context_layer(ev: Evidence, view: ViewState) -> Layer:
    """Place names, rivers, lakes, ranges, peaks and division labels for reading the map."""
    return _context_layer(ev, view.naming)


def _gazetteer_twin(ev: Evidence, rec: object) -> Place | None:
    """The gazetteer's entry for a Natural Earth place: same GeoNames id, or one of its
    names within about 5 km."""
    geonameid = int(rec.geonameid) if pd.notna(rec.geonameid) else None
    for place in ev.places.values():
        if place.kind not in GAZETTEER_ZOOM:
            continue
        if geonameid and place.coordinates_from.get("natural_earth_geonameid") == geonameid:
            return place
        near = abs(place.lon - rec.geometry.x) + abs(place.lat - rec.geometry.y) < 0.05
        if near and rec.name in all_names(place):
            return place
    return None


def _context_label_at(geom: shapely.Geometry) -> shapely.Point:
    """Points label themselves, areas at their pole of inaccessibility, a river on its
    longest part where it passes closest to the default view's centre (the reader's
    Caucasus, not its far end), kept off the part's ends."""
    if geom.geom_type == "Point":
        return geom
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return label_point(geom)
    line = max(shapely.get_parts(geom), key=lambda g: g.length)
    focus = shapely.Point(ViewState().lon, ViewState().lat)
    return line.interpolate(min(max(line.project(focus, normalized=True), 0.2), 0.8),
                            normalized=True)


def _context_style(kind: str, min_zoom: int) -> dict[str, object]:
    if kind == "river":
        return {"color": style.CONTEXT_WATER, "weight": 1.3 if min_zoom <= 6 else 0.8}
    if kind == "lake":
        return {"color": style.CONTEXT_WATER, "weight": 0.6, "fill": style.SEA,
                "fill_opacity": 1.0}
    if kind == "range":  # Natural Earth's outlines are too coarse to draw: a label only
        return {"color": style.CONTEXT_RELIEF, "weight": 0.0}
    return {"color": style.CONTEXT_INK, "weight": 0.0}


@lru_cache(maxsize=8)
def _context_layer(ev: Evidence, naming: Naming) -> Layer:
    """Natural Earth's context features plus the gazetteer's places, which replace their
    Natural Earth twins and take the naming convention (Sokhumi / Sukhum)."""
    raw = geodata.read_layer(ev.root, "context")
    west, south, east, north = raw.total_bounds
    rows, geoms, twins = [], [], set()
    for rec in raw.itertuples():
        twin = _gazetteer_twin(ev, rec) if rec.kind == "place" else None
        if twin is not None:  # drawn below, as the gazetteer's place
            twins.add((twin.id, rec.min_zoom, rec.rank))
            continue
        name = ev.localise(rec.name, naming) if rec.name else ""
        label = f"{name} {int(rec.elevation):,} m" if rec.kind == "peak" else name
        rows.append({
            "id": rec.id, "kind": rec.kind, "name": name, "name_en": rec.name,
            "name_ru": rec.name_ru, "gazetteer": None, "rank": int(rec.rank),
            "min_zoom": int(rec.min_zoom),
            "elevation": None if pd.isna(rec.elevation) else int(rec.elevation),
            "source": rec.source, **_context_style(rec.kind, int(rec.min_zoom)),
            "label": label, "label_at": _context_label_at(rec.geometry) if label else None,
        })
        geoms.append(rec.geometry)
    natural_earth = {pid: (zoom, rank) for pid, zoom, rank in twins}
    for place in sorted(ev.places.values(), key=lambda p: p.id):
        point = shapely.Point(place.lon, place.lat)
        if place.kind not in GAZETTEER_ZOOM or not (west <= place.lon <= east
                                                   and south <= place.lat <= north):
            continue
        zoom, rank = GAZETTEER_ZOOM[place.kind]
        ne_zoom, ne_rank = natural_earth.get(place.id, (zoom, rank))
        name = place_name(place, naming)
        rows.append({
            "id": f"place-{place.id}", "kind": "place", "name": name,
            "name_en": place.names.english, "name_ru": None, "gazetteer": place.id,
            "rank": min(rank, int(ne_rank)), "min_zoom": min(zoom, int(ne_zoom)),
            "elevation": None, "source": "caucmap gazetteer",
            **_context_style("place", zoom), "label": name, "label_at": point,
        })
        geoms.append(point)
    legend = (LegendEntry("Rivers and lakes", "line", style.CONTEXT_WATER),)
    frame = styled_frame(rows, geoms, CONTEXT_COLUMNS)
    return Layer("context", "Places and relief", frame, legend, CONTEXT_ATTRIBUTION,
                 geometry_file="context")


_ALL_DATED = {"events": _all_events, "war2008": _all_war}


def day_numbers(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """A frame's start and end days as ``date.toordinal()`` (what the date filter and the
    browser compare: integers, not dates). An undated frame's features hold every day."""
    if "start" not in frame:
        return (np.full(len(frame), 1, np.int64),
                np.full(len(frame), date.max.toordinal(), np.int64))
    return tuple(np.fromiter((d.toordinal() for d in frame[column]), np.int64, len(frame))
                 for column in ("start", "end"))


@lru_cache(maxsize=16)
def _day_numbers(kind: str, ev: Evidence, naming: Naming) -> tuple[np.ndarray, np.ndarray]:
    """Start and end as day numbers, once per catalogue."""
    return day_numbers(_ALL_DATED[kind](ev, naming))


@lru_cache(maxsize=16)
def _between(kind: str, ev: Evidence, naming: Naming, start: date, end: date
             ) -> gpd.GeoDataFrame:
    """Rows whose date range overlaps start..end; cached, as one rerun asks for the same
    range several times (map, panel, downloads)."""
    starts, ends = _day_numbers(kind, ev, naming)
    mask = (starts <= end.toordinal()) & (ends >= start.toordinal())
    return _ALL_DATED[kind](ev, naming).loc[mask]


Role = Literal["base", "guide", "overlay"]
GeometryKind = Literal["area", "line", "point", "mixed"]
Builder = Callable[[Evidence, ViewState], Layer]


@dataclass(frozen=True)
class LayerSpec:
    """What a layer is to every output, so that none of them needs to know it by name."""

    name: str
    build: Builder
    # base: painted first, onto the paper (the regions, or the world); guide: reading
    # aids (place names, rivers, relief), drawn quietly and named last; else overlay
    role: Role
    z: int  # stacking order, bottom up; also the web map pane's z-index
    dated: bool  # changes with the date window: the web map swaps it, the base map keeps the rest
    geometry: GeometryKind
    legend_group: str  # layers of one group share a legend block
    toggle: LayerName | None = None  # the view's switch for it; None: always drawn
    world: bool = False  # part of the world view instead of the regional map
    records: bool = False  # its features are catalogue records with an evidence card
    labels: bool = False  # printed maps label its points (clustered, pinned to the frame's edge)
    table: Builder | None = None  # its data for the CLI and downloads, when not its features
    # for a layer drawn as of the view's end: the days it can change on, so a browser can
    # hold one table per such day and follow the date window itself
    changes: Callable[[Evidence], tuple[date, ...]] | None = None
    csv: Literal["acled", "properties"] = "properties"

    def in_view(self, view: ViewState) -> bool:
        return self.world == view.world and (self.toggle is None or view.shows(self.toggle))

    def data(self, ev: Evidence, view: ViewState) -> Layer:
        """What the CLI prints and a download holds for this layer."""
        return (self.table or self.build)(ev, view)


REGISTRY: dict[str, LayerSpec] = {}


def register(spec: LayerSpec) -> LayerSpec:
    """Add a layer to every output: web map, printed map, ``caucmap layer``, downloads."""
    REGISTRY[spec.name] = spec
    return spec


def _world_table(ev: Evidence, view: ViewState) -> Layer:
    return world_layer(ev, view.end, view.naming)


register(LayerSpec("regions", lambda ev, v: regions_layer(ev, v.worldview, v.naming),
                   "base", 350, dated=False, geometry="area", legend_group="regions"))
register(LayerSpec("recognition", recognition_layer, "overlay", 360, dated=True,
                   geometry="area", legend_group="recognition", toggle=LayerName.RECOGNITION,
                   table=_world_table,  # as data: one row per country, as of the view's end
                   changes=recognition_days))
register(LayerSpec("borders", lambda ev, v: borders_layer(ev, v.worldview, v.naming),
                   "overlay", 420, dated=False, geometry="line", legend_group="borders",
                   toggle=LayerName.BORDERS))
register(LayerSpec("war2008", war_layer, "overlay", 430, dated=True, geometry="mixed",
                   legend_group="war2008", toggle=LayerName.WAR2008, records=True))
register(LayerSpec("events", events_layer, "overlay", 450, dated=True, geometry="point",
                   legend_group="events", toggle=LayerName.EVENTS, records=True, labels=True,
                   csv="acled"))
# under the political layers: above the regions' fill, below the recognition shading
register(LayerSpec("context", context_layer, "guide", 355, dated=False, geometry="mixed",
                   legend_group="context", toggle=LayerName.CONTEXT))
register(LayerSpec("world", _world_table, "base", 350, dated=True, geometry="area",
                   legend_group="world", world=True, changes=recognition_days))


def build_layers(ev: Evidence, view: ViewState) -> dict[str, Layer]:
    """The layers a view holds, bottom to top: the one place that decides it."""
    specs = sorted((s for s in REGISTRY.values() if s.in_view(view)), key=lambda s: s.z)
    return {s.name: s.build(ev, view) for s in specs}


def record_layers(ev: Evidence, view: ViewState) -> list[Layer]:
    """Every layer of catalogue records (events, the war) in the view's window and
    filters, topmost first, whether toggled on or not: what the evidence panel lists."""
    specs = sorted((s for s in REGISTRY.values() if s.records), key=lambda s: -s.z)
    return [s.build(ev, view) for s in specs]


@dataclass(frozen=True)
class LegendBlock:
    """One legend heading and its rows, each with the layer that draws it."""

    group: str
    title: str
    rows: tuple[tuple[Layer, LegendEntry], ...]


def legend_blocks(layers: Mapping[str, Layer]) -> list[LegendBlock]:
    """The layers' legends by legend group, in drawing order; titled by a group's first layer."""
    blocks: dict[str, LegendBlock] = {}
    for layer in layers.values():
        rows = tuple((layer, entry) for entry in layer.legend)
        group = layer.spec.legend_group
        if group in blocks:
            rows = blocks[group].rows + rows
        blocks[group] = LegendBlock(group, blocks[group].title if group in blocks
                                    else layer.title, rows)
    return [b for b in blocks.values() if b.rows]
