"""The context layer: names follow the convention, never contradict the regions, stay
small on the wire, and its data rebuilds byte for byte."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import shapely

from caucmap import geobuild
from caucmap.evidence import Evidence
from caucmap.geocontext import context_rows
from caucmap.layers import context_layer
from caucmap.models import LayerName
from caucmap.naming import Naming
from caucmap.render_web import web_map
from caucmap.viewstate import ALL_LAYERS, ViewState
from caucmap.web_labels import label_items

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT.parent / "shared" / "geodata-raw"
PAYLOAD_BUDGET = 60_000  # bytes the context may add to the default view's map (issue 12)


def _labels(ev: Evidence, naming: Naming) -> dict[str, str]:
    frame = context_layer(ev, ViewState(naming=naming)).frame
    return dict(zip(frame["id"], frame["label"], strict=True))


def test_russian_naming_renames_gazetteer_places(ev: Evidence) -> None:
    english, russian = _labels(ev, Naming.ENGLISH), _labels(ev, Naming.RUSSIAN)
    assert english["place-tskhinvali"] == "Tskhinvali"
    assert russian["place-tskhinvali"] == "Tskhinval"
    assert russian["place-akhalgori"] == "Leningor"
    assert _labels(ev, Naming.GEORGIAN)["place-sokhumi"] == "Sokhumi"
    # what the browser receives changes with them
    texts = {i["text"] for i in label_items(context_layer(ev, ViewState(naming=Naming.RUSSIAN)))}
    assert {"Tskhinval", "Leningor", "Sukhum"} <= texts and "Tskhinvali" not in texts


def test_gazetteer_places_replace_their_natural_earth_twins(ev: Evidence) -> None:
    frame = context_layer(ev, ViewState()).frame
    assert list(frame["label"]).count("Tskhinvali") == 1
    row = frame[frame["id"] == "place-tskhinvali"].iloc[0]
    assert row["gazetteer"] == "tskhinvali" and row["min_zoom"] <= 6


def test_no_division_label_names_or_sits_in_a_breakaway_region(ev: Evidence) -> None:
    frame = context_layer(ev, ViewState()).frame
    assert "Abkhazia" not in set(frame["label"]) and "South Ossetia" not in set(frame["label"])
    regions = {f["properties"]["id"]: shapely.geometry.shape(f["geometry"]) for f in json.loads(
        (ROOT / "geodata" / "regions.geojson").read_text(encoding="utf-8"))["features"]}
    divisions = frame[frame["kind"] == "division"]
    assert len(divisions) >= 15
    for rid in ("ABK", "SOS"):
        inside = [n for n, g in zip(divisions["name"], divisions.geometry, strict=True)
                  if regions[rid].contains(g)]
        assert inside == [], (rid, inside)


def test_context_adds_at_most_60_kb_to_the_default_map(ev: Evidence) -> None:
    view = ViewState()
    without = view.with_(layers=frozenset(n for n in ALL_LAYERS if n != LayerName.CONTEXT))
    sizes = [len(web_map(ev, v).base.get_root().render().encode()) for v in (view, without)]
    assert 0 < sizes[0] - sizes[1] <= PAYLOAD_BUDGET, sizes


def test_context_data_rebuilds_byte_identical() -> None:
    if not RAW.is_dir():
        pytest.skip(f"raw inputs not found at {RAW}")
    breakaway = {f["properties"]["id"]: shapely.geometry.shape(f["geometry"]) for f in json.loads(
        (ROOT / "geodata" / "regions.geojson").read_text(encoding="utf-8"))["features"]
        if f["properties"]["id"] in ("ABK", "SOS")}
    texts = [geobuild._feature_collection(context_rows(RAW, breakaway), geobuild.WEB_DIGITS)
             for _ in range(2)]
    assert texts[0] == texts[1]
    assert texts[0] == (ROOT / "geodata" / "context.geojson").read_text(encoding="utf-8")
    assert texts[0] == (ROOT / "app" / "static" / "geodata" / "context.geojson").read_text(
        encoding="utf-8")
