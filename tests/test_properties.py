"""Property-based tests: generated catalogues, URLs, export options and events.

Each property is what a reader or contributor relies on whatever they feed in: a clear
error or a valid result, never an unhandled exception, and nothing written on failure.
Example counts are bounded (``max_examples``) so the file runs in well under a minute
on two cores; the counts are listed in ``docs/mutation.md``.
"""

from __future__ import annotations

import calendar
import copy
import csv
import hashlib
import io
import json
import shutil
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from PIL import Image

from caucmap.errors import EvidenceError, UsageError
from caucmap.evidence import Evidence, default_evidence, load_evidence
from caucmap.export import export_view
from caucmap.layers import build_layers, events_layer
from caucmap.models import Category, DateBasis, DatePrecision, Event, LocationPrecision
from caucmap.render_static import parse_size
from caucmap.tables import to_csv, to_geojson
from caucmap.viewstate import ALL_LAYERS, EARLIEST, MAX_ZOOM, MIN_ZOOM, ViewState, today

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE_FILES = {  # file -> the key its list of records is under
    "catalogue/events.yaml": "events",
    "catalogue/actors.yaml": "actors",
    "catalogue/recognitions.yaml": "recognitions",
    "catalogue/war2008.yaml": "features",
    "geodata/gazetteer.yaml": "places",
    "seeds/sources.yaml": "sources",
}
# generated examples need no per-example deadline (a render takes a second), and build
# a scratch project inside the test body rather than through a function-scoped fixture
BOUNDED = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}

ODD_STRINGS = [
    "2014-02-30", "2014-13-01", "9999-12-31", "0001-01-01", "1990-01-01", "yesterday",
    "2014-11-24T10:00:00", "atlantis", "../etc/passwd", "/etc/passwd", "", " ", "\x00",
    "\u202e", "<script>alert(1)</script>", '=HYPERLINK("http://x")', "a" * 300, "day",
    "month", "year", "range", "moscow", "sochi", "raul-khajimba", "events", "ABK", "1e309",
]
WRONG_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(), st.text(max_size=40), st.dates(),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text("abcdefghij_", max_size=6), st.integers(), max_size=2),
    st.sampled_from(ODD_STRINGS),
)


# ---------------------------------------------------------------- scratch projects


@cache
def _documents() -> dict[str, Any]:
    """The real catalogue files, parsed once; each example edits a deep copy."""
    return {rel: yaml.safe_load((ROOT / rel).read_text(encoding="utf-8"))
            for rel in CATALOGUE_FILES}


@contextmanager
def _project() -> Iterator[Path]:
    """A throwaway copy of seeds/, catalogue/ and geodata/ (hypothesis runs many per test)."""
    with tempfile.TemporaryDirectory(prefix="caucmap-prop-") as tmp:
        root = Path(tmp)
        for name in ("seeds", "catalogue", "geodata"):
            shutil.copytree(ROOT / name, root / name)
        yield root


def _snapshot(root: Path) -> dict[str, tuple[int, int, str]]:
    """Every file under ``root`` with its mode, mtime and content hash."""
    return {str(p.relative_to(root)): (p.stat().st_mode, p.stat().st_mtime_ns,
                                       hashlib.sha256(p.read_bytes()).hexdigest())
            for p in sorted(root.rglob("*")) if p.is_file()}


def _load_is_clear(root: Path) -> Evidence | None:
    """Load ``root``: the evidence, or None after an EvidenceError; nothing is written."""
    before = _snapshot(root)
    try:
        ev = load_evidence(root)
    except EvidenceError as exc:
        assert exc.problems, "an EvidenceError lists at least one problem"
        for problem in exc.problems:
            assert "\n" not in str(problem), problem  # one line per problem
        ev = None
    assert _snapshot(root) == before, "loading wrote to the project"
    return ev


def _outcome(ev: Evidence | None) -> None:
    """A catalogue that loads can be drawn and downloaded, with every layer."""
    event("catalogue: " + ("loads" if ev else "EvidenceError"))
    if ev is None:
        return
    layers = build_layers(ev, ViewState())
    json.loads(to_geojson(layers["events"]))
    to_csv(layers["events"])


# ---------------------------------------------------------------- generated catalogues


def _walk(data: st.DataObject, node: Any) -> list[Any]:
    """A random path of keys and indices into ``node`` (possibly empty)."""
    path: list[Any] = []
    while isinstance(node, dict | list) and node and data.draw(st.booleans(), label="deeper"):
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        key = data.draw(st.sampled_from(keys), label="key")
        path.append(key)
        node = node[key]
    return path


def _edit(data: st.DataObject, docs: dict[str, Any]) -> str:
    """One realistic mistake in one catalogue file: a wrong value, a missing or unknown
    field, a duplicate record, an empty list or a document of the wrong shape.

    Returns the file edited."""
    rel = data.draw(st.sampled_from(sorted(CATALOGUE_FILES)), label="file")
    key = CATALOGUE_FILES[rel]
    doc = docs[rel]
    if not (isinstance(doc, dict) and isinstance(doc.get(key), list) and doc[key]):
        return rel
    records = doc[key]
    kind = data.draw(st.sampled_from(["set", "delete", "add", "duplicate", "empty",
                                      "document"]), label="kind")
    if kind == "document":
        docs[rel] = data.draw(st.one_of(WRONG_VALUES, st.just({key: None}),
                                        st.just({"other": records}), st.just([records])),
                              label="document")
    elif kind == "empty":
        doc[key] = []
    elif kind == "duplicate":
        records.append(copy.deepcopy(data.draw(st.sampled_from(records), label="record")))
    else:
        index = data.draw(st.integers(0, len(records) - 1), label="index")
        path = [index, *_walk(data, records[index])]
        parent = records
        for step in path[:-1]:
            parent = parent[step]
        last = path[-1]
        if kind == "set":
            parent[last] = data.draw(WRONG_VALUES, label="value")
        elif kind == "delete":
            del parent[last]
        elif isinstance(parent[last], dict):
            parent[last][data.draw(st.sampled_from(["titel", "id", "extra", "start"]))] = (
                data.draw(WRONG_VALUES, label="value"))
    return rel


@settings(max_examples=40, **BOUNDED)
@given(data=st.data())
def test_edited_catalogues_load_or_fail_clearly_and_write_nothing(data: st.DataObject) -> None:
    docs = copy.deepcopy(_documents())
    edited = {_edit(data, docs) for _ in range(data.draw(st.integers(1, 3), label="edits"))}
    with _project() as root:
        for rel in edited:
            (root / rel).write_text(yaml.safe_dump(docs[rel], allow_unicode=True,
                                                   sort_keys=False), encoding="utf-8")
        _outcome(_load_is_clear(root))


def _nested(depth: int) -> str:
    return "events:\n  - id: " + "[" * depth + "]" * depth + "\n"


def _aliases(levels: int, width: int, under: str) -> str:
    """Anchors referring to anchors: ``width ** levels`` leaves once expanded."""
    lines = ['a0: &a0 ["lol"]']
    for level in range(1, levels + 1):
        refs = ", ".join([f"*a{level - 1}"] * width)
        lines.append(f"a{level}: &a{level} [{refs}]")
    body = {"id": f"  - id: *a{levels}\n", "title": f"  - id: x\n    title: *a{levels}\n",
            "list": f"  - *a{levels}\n", "events": ""}[under]
    top = f"events: *a{levels}\n" if under == "events" else "events:\n" + body
    return "\n".join(lines) + "\n" + top


RAW_DOCUMENTS = st.one_of(
    st.integers(1, 3000).map(_nested),
    st.builds(_aliases, st.integers(1, 6), st.integers(1, 8),
              st.sampled_from(["id", "title", "list", "events"])),
    st.sampled_from([
        "events: []\n", "events:\n", "events: {}\n", "events: [null]\n", "events: [[]]\n",
        "events: !!python/object/apply:os.system ['true']\n", "events: !!binary aGk=\n",
        "events: &e [*e]\n", "? [a, b]\n: c\nevents: []\n", "events: [1, 2]\n",
        "%YAML 1.1\n---\nevents: []\n...\n---\nevents: []\n", "\ufeffevents: []\n",
        "events:\n  - {id: a, id: b}\n", "events: [{<<: {id: x}}]\n",
    ]),
)


@settings(max_examples=30, **BOUNDED)
@given(text=RAW_DOCUMENTS, rel=st.sampled_from(sorted(CATALOGUE_FILES)))
def test_yaml_aliases_nesting_and_tags_load_or_fail_clearly(text: str, rel: str) -> None:
    key = CATALOGUE_FILES[rel]
    with _project() as root:
        (root / rel).write_text(text.replace("events", key), encoding="utf-8")
        _outcome(_load_is_clear(root))


# ---------------------------------------------------------------- URL query strings


@cache
def _known_events() -> frozenset[str]:
    return frozenset(list(default_evidence().record_ids())[:5])


PARAMS = ["from", "to", "layers", "worldview", "naming", "event", "world", "lat", "lon", "zoom"]
PARAM_VALUES = st.one_of(
    st.text(max_size=30),
    st.dates(date(1980, 1, 1), date.today() + timedelta(days=400)).map(date.isoformat),
    st.lists(st.sampled_from([*(layer.value for layer in ALL_LAYERS), "regions", "x", ""]),
             max_size=5).map(",".join),
    st.sampled_from(["none", "international", "russia", "georgian", "russian", "english", "0",
                     "1", "nan", "inf", "-0", "1e9", "7", "42.5", "43.1"]),
    st.floats().map(str),
    st.integers(-200, 200).map(str),
    st.sampled_from(["known-a", "<img src=x onerror=alert(1)>", "A", "x" * 500]),
)
QUERIES = st.dictionaries(
    st.one_of(st.sampled_from(PARAMS), st.text(max_size=8)),
    st.one_of(PARAM_VALUES, st.lists(PARAM_VALUES, max_size=3)),
    max_size=10,
)


def _valid(view: ViewState, known: frozenset[str]) -> None:
    assert EARLIEST <= view.start <= view.end <= today()
    assert view.layers <= frozenset(ALL_LAYERS)
    assert MIN_ZOOM <= view.zoom <= MAX_ZOOM
    assert -85 <= view.lat <= 85 and -180 <= view.lon <= 180
    assert view.event is None or view.event in known


@settings(max_examples=300, **BOUNDED)
@given(query=QUERIES, use_known=st.booleans())
def test_any_query_string_gives_a_valid_view_and_round_trips(query: dict, use_known: bool
                                                             ) -> None:
    known = _known_events() | {"known-a"} if use_known else None
    view, notices = ViewState.from_query(query, known)
    event(f"query: {min(len(notices), 3)}{'+' if len(notices) > 2 else ''} notice(s)")
    _valid(view, known or frozenset([view.event]))
    assert all(isinstance(n, str) and "\n" not in n and len(n) < 600 for n in notices)
    assert len(notices) <= len(query)
    again, more = ViewState.from_query(view.to_query(), known)
    assert more == []
    # the centre is written to 4 decimals (about 10 m): a view from the app, rounded
    # to its pixels, round-trips exactly; any other comes back within that rounding
    assert replace(again, lat=view.lat, lon=view.lon) == view
    assert abs(again.lat - view.lat) <= 5e-5 and abs(again.lon - view.lon) <= 5e-5
    assert ViewState.from_query(again.to_query(), known) == (again, [])


# ---------------------------------------------------------------- export options


VIEWS = st.sampled_from([
    ViewState(), ViewState(start=date(2014, 11, 1), end=date(2014, 11, 30)),
    ViewState(world=True), ViewState(layers=frozenset()),
    ViewState(start=date(2008, 8, 1), end=date(2008, 8, 31), lat=43.0, lon=41.0, zoom=9),
])
GOOD_SIZES = st.one_of(
    st.sampled_from(["A5", "a5", " A5 ", "16:9", "1000X700"]),
    st.tuples(st.integers(1000, 1400), st.integers(700, 1000)).map(lambda p: f"{p[0]}x{p[1]}"),
)
BAD_SIZES = st.one_of(
    st.sampled_from(["A3", "banana", "", "0x0", "1e3x700", "999x700", "1000x699", "3000x500",
                     "12001x8000", "1000x700x2", "-1000x700"]),
    st.text(max_size=12),
)
GOOD_DPIS, BAD_DPIS = st.integers(72, 96), st.one_of(st.integers(-1000, 71),
                                                    st.integers(601, 10**9))
GOOD_SUFFIXES = st.sampled_from([".png", ".svg", ".pdf", ".html", ".PNG", ".Svg"])
BAD_SUFFIXES = st.sampled_from([".bmp", "", ".svg.gz", ".tar.gz", ".", ".png.", ".htm"])


def _mostly(good: st.SearchStrategy, bad: st.SearchStrategy) -> st.SearchStrategy:
    """Three draws in four from ``good``: enough whole exports get drawn, not only errors."""
    return st.sampled_from([good, good, good, bad]).flatmap(lambda chosen: chosen)


# a file's name: "." or ".." would name the folder the test itself writes into
NAMES = st.text("abcXYZ019 _-.üé\u202e", min_size=1, max_size=12).filter(
    lambda name: name.strip(".") != "")


def _valid_file(path: Path, suffix: str, size: str, dpi: int) -> None:
    body = path.read_bytes()
    fmt = suffix.lower()
    if fmt == ".png":
        assert Image.open(path).size == parse_size(size, dpi).pixels
    elif fmt == ".svg":
        ET.fromstring(body)
    elif fmt == ".pdf":
        assert body.startswith(b"%PDF") and b"%%EOF" in body[-64:]
    else:
        assert b"<html" in body[:2000] and body.rstrip().endswith(b"</html>")


@settings(max_examples=20, **BOUNDED)
@given(view=VIEWS, name=NAMES, suffix=_mostly(GOOD_SUFFIXES, BAD_SUFFIXES),
       size=_mostly(GOOD_SIZES, BAD_SIZES), dpi=_mostly(GOOD_DPIS, BAD_DPIS),
       where=st.sampled_from(["new", "new", "existing", "no-folder", "a-folder"]),
       overwrite=st.booleans())
def test_export_options_give_a_clear_error_or_a_valid_file(
        view: ViewState, name: str, suffix: str, size: str, dpi: int, where: str,
        overwrite: bool) -> None:
    ev = default_evidence()
    with tempfile.TemporaryDirectory(prefix="caucmap-export-") as tmp:
        folder = Path(tmp)
        out = folder / (name + suffix)
        if where == "existing":
            out.write_bytes(b"keep")
        elif where == "no-folder":
            out = folder / "missing" / out.name
        elif where == "a-folder":
            out.mkdir()
        before = _snapshot(folder)
        try:
            written = export_view(ev, view, out, size=size, dpi=dpi, overwrite=overwrite)
        except (UsageError, OSError) as exc:  # what the CLI prints in one line (exit 2)
            event(f"export: {type(exc).__name__}")
            assert str(exc) and "\n" not in str(exc) and ".tmp" not in str(exc), exc
            assert _snapshot(folder) == before, "a failed export wrote or removed a file"
            return
        event(f"export: wrote {suffix.lower()}")
        assert written == out
        assert sorted(p.name for p in folder.iterdir()) == [out.name]  # no temporary left
        _valid_file(out, suffix, size, dpi)


# ---------------------------------------------------------------- downloads of events


TEXTS = st.one_of(
    st.text(min_size=1, max_size=50),
    st.tuples(st.sampled_from(["=", "+", "-", "@", "\t", "\r", "'", '"', " ", ""]),
              st.text(max_size=20)).map("".join),
    st.sampled_from(['=HYPERLINK("http://x","y")', "a,b;c|d", 'say "hi"', "line\nbreak",
                     "cr\rhere", "<b>x</b>", "Sokhumi", "Tskhinvali region", "😀 ünïcode"]),
# a lone CR stays in its cell since tables.to_csv ends rows with CRLF (RFC 4180)
).filter(lambda t: t.strip())


@st.composite
def _events(draw: st.DrawFn, ev: Evidence) -> list[Event]:
    """Events with any dates, places, texts and citations the models accept."""
    out = []
    for i in range(draw(st.integers(0, 6))):
        start = draw(st.dates(EARLIEST, today()))
        precision = draw(st.sampled_from(list(DatePrecision)))
        end = start
        if precision is DatePrecision.MONTH:
            start = start.replace(day=1)
            end = start.replace(day=calendar.monthrange(start.year, start.month)[1])
        elif precision is DatePrecision.YEAR:
            start, end = date(start.year, 1, 1), date(start.year, 12, 31)
        elif precision is DatePrecision.RANGE:
            end = start + timedelta(days=draw(st.integers(1, 400)))
        places = draw(st.lists(st.sampled_from(sorted(ev.places)), max_size=2, unique=True))
        sources = draw(st.lists(st.sampled_from(sorted(ev.sources)), max_size=2))
        out.append(Event.model_validate({
            "id": f"gen-{i}", "title": draw(TEXTS), "summary": draw(TEXTS),
            "category": draw(st.sampled_from(list(Category))), "start": start, "end": end,
            "date_precision": precision, "date_basis": draw(st.sampled_from(list(DateBasis))),
            "places": [{"id": p, "precision": draw(st.sampled_from(list(LocationPrecision)))}
                       for p in places],
            "layers": ["events"],
            "citations": [{"source": s, "excerpt": draw(TEXTS)} for s in sources],
        }))
    return out


def _shows(cell: str, text: str) -> bool:
    """A CSV cell shows ``text``, or ``text`` defused of a spreadsheet formula prefix."""
    return cell == text or (cell.startswith("'") and cell[1:] == text)


@settings(max_examples=60, **BOUNDED)
@given(data=st.data())
def test_generated_events_survive_geojson_and_csv(data: st.DataObject) -> None:
    base = default_evidence()
    generated = data.draw(_events(base))
    ev = replace(base, events=tuple(generated))
    layer = events_layer(ev, ViewState())
    frame = layer.frame
    assert list(frame["id"]) == [e.id for e in generated]
    features = json.loads(to_geojson(layer))["features"]
    assert [f["properties"]["id"] for f in features] == list(frame["id"])
    for feature, row, record in zip(features, frame.itertuples(), generated, strict=True):
        props = feature["properties"]
        assert (props["title"], props["start"], props["end"]) == (
            row.title, row.start.isoformat(), row.end.isoformat())
        assert [c["excerpt"] for c in props["citations"]] == [c.excerpt for c in record.citations]
        if record.places:
            place = ev.places[record.places[0].id]
            assert feature["geometry"]["coordinates"] == [place.lon, place.lat]
        else:
            assert feature["geometry"] is None
    rows = list(csv.DictReader(io.StringIO(to_csv(layer))))
    assert [r["event_id"] for r in rows] == list(frame["id"])
    for r, row in zip(rows, frame.itertuples(), strict=True):
        assert _shows(r["title"], row.title) and _shows(r["notes"], row.summary), r
        assert (r["event_date"], r["end_date"]) == (row.start.isoformat(), row.end.isoformat())
