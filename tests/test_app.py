"""The real Streamlit app under AppTest: widgets, filtering, URL state, what the map is given."""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import streamlit as st
from harness import MAP_COMPONENT, opened
from streamlit.testing.v1 import AppTest

from caucmap.evidence import default_evidence
from caucmap.naming import Naming
from caucmap.records import build_card, footnotes
from caucmap.render_web import SCRIPTS
from caucmap.viewstate import ViewState

APP = str(Path(__file__).resolve().parents[1] / "app" / "streamlit_app.py")


def run_app(params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    opened(at)
    assert not at.exception, at.exception
    return at


def map_args(at: AppTest) -> dict:
    """The JSON arguments the map's frame was sent."""
    comps = [c for c in at.get("component_instance")
             if c.proto.component_name.endswith(MAP_COMPONENT)]
    assert len(comps) == 1
    return json.loads(comps[0].proto.json_args)


def js_text(script: str) -> str:
    """A map script as the browser's JS sees its strings (JSON escapes decoded)."""
    for escape, char in (("\\u0026", "&"), ("\\u003c", "<"), ("\\u003e", ">"),
                         ("\\u0027", "'")):
        script = script.replace(escape, char)
    return script


def shown_count(at: AppTest) -> int:
    text = next(m.value for m in at.markdown if "cm-event-count" in m.value)
    return int(text.split("<b>")[1].split("</b>")[0])


def test_first_load_draws_the_four_regions_offline() -> None:
    at = run_app()
    args = map_args(at)
    for name in ("Georgia", "Abkhazia", "South Ossetia", "Russia"):
        assert name in args["script"]
    links = args["js_links"] + args["css_links"]
    served = Path(APP).parent  # Streamlit serves app/static at /app/static
    assert links and all(link.startswith("/app/static/") and
                         (served / link.removeprefix("/app/")).is_file() for link in links), links
    # our code: the four scripts as one file the browser caches
    bundle = [link for link in args["js_links"] if link.startswith("/app/static/cache/")]
    code = (served / bundle[0].removeprefix("/app/")).read_text(encoding="utf-8")
    assert len(bundle) == 1 and all(
        (served / "static" / "caucmap" / f"{name}.js").read_text(encoding="utf-8") in code
        for name in SCRIPTS)
    default = ViewState()
    assert args["center"] == [default.lat, default.lon] and args["zoom"] == default.zoom
    assert shown_count(at) == len(default_evidence().events)


def window_of(at: AppTest) -> tuple[int, int]:
    """The date window the page tells the map (day numbers), from its #cm-window marker."""
    text = next(m.value for m in at.markdown if 'id="cm-window"' in m.value)
    start, end = text.split('data-window="')[1].split('"')[0].split()
    return int(start), int(end)


def test_slider_moves_only_the_window_the_map_reads() -> None:
    at = run_app()
    before = map_args(at)
    at.slider(key="dates").set_value((date(2014, 11, 1), date(2014, 11, 30))).run()
    after = map_args(at)
    assert after == before  # the same map, byte for byte: nothing re-rendered or remounted
    assert window_of(at) == (date(2014, 11, 1).toordinal(), date(2014, 11, 30).toordinal())
    ev = default_evidence()
    expected = [e for e in ev.events if e.overlaps(date(2014, 11, 1), date(2014, 11, 30))]
    assert shown_count(at) == len(expected) < len(ev.events)
    # every placed event travels once, for all dates, with its day numbers
    assert all(after["script"].count(f"ref: {e.id}\"") == bool(e.places) for e in ev.events)
    assert at.query_params["from"] == "2014-11-01" and at.query_params["to"] == "2014-11-30"


def test_url_parameters_reopen_a_view() -> None:
    at = run_app({"from": "2014-11-01", "to": "2014-11-30", "naming": "georgian",
                  "worldview": "russia", "layers": "borders,events"})
    assert at.slider(key="dates").value == (date(2014, 11, 1), date(2014, 11, 30))
    assert at.radio(key="naming").value == "georgian"
    args = map_args(at)
    assert "Tskhinvali region" in args["script"]
    assert "South Ossetia" not in args["script"]  # every name follows the convention
    assert "Tskhinvali region state border" in args["script"]  # the worldview decides what
    assert "occupation line" not in args["script"]  # the line is, naming only its name
    assert "Russia&#x27;s view" in js_text(args["script"])
    # recognition and war layers are off: only the events' points are sent
    assert args["script"].count("caucmap.points(") == 1
    assert "caucmap.time(" in args["script"]


@pytest.mark.parametrize("params", [
    {"from": "2014-02-30"},
    {"event": "<img src=x onerror=alert(1)>"},
    {"naming": "<script>alert(1)</script>"},
    {"layers": "events,\"><svg onload=alert(1)>"},
    {"zoom": "1e9", "lat": "x", "lon": "y"},
])
def test_bad_parameters_fall_back_with_a_visible_escaped_notice(params: dict[str, str]) -> None:
    at = run_app(params)
    assert len(at.warning) == 1
    notice = at.warning[0].value  # markdown source: every '<' must be escaped to show as text
    assert re.search(r"(?<!\\)[<>&]", notice) is None, notice
    assert map_args(at)["center"] == [ViewState().lat, ViewState().lon]


def _kinds(node: object) -> Iterator[str]:
    yield node.type
    for child in getattr(node, "children", {}).values():
        yield from _kinds(child)


def test_a_cold_open_sends_the_map_and_holds_the_controls_back() -> None:
    """The first run sends the map with no kind of element whose scripts it would wait for;
    the controls, the legend and the page's style come once the map has drawn."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["event"] = "russia-abkhazia-treaty-signed"
    at.run()
    assert not at.exception, at.exception
    assert map_args(at)["script"]
    kinds = set(_kinds(at.main)) | set(_kinds(at.sidebar))
    assert kinds == {"main", "sidebar", "flex_container", "column", "markdown",
                     "component_instance"}, kinds
    assert not at.get("slider") and not at.get("radio") and not at.get("selectbox")
    assert not any("cm-event-count" in m.value or "<style>" in m.value for m in at.markdown)
    assert at.query_params["event"] == "russia-abkhazia-treaty-signed"  # the view is kept
    opened_page = opened(AppTest.from_file(APP, default_timeout=60))
    assert opened_page.slider(key="dates") and opened_page.radio(key="page")
    assert any("<style>" in m.value for m in opened_page.markdown)
    assert map_args(opened_page) == map_args(at)  # the same map: nothing remounts


def test_selecting_an_event_shows_its_evidence() -> None:
    ev = default_evidence()
    signing = next(e for e in ev.events if e.category.value == "treaty_signing"
                   and e.start == date(2014, 11, 24))
    at = run_app()
    at.selectbox(key="event").set_value(signing.id).run()
    assert not at.exception
    page = " ".join([*(m.value for m in at.markdown),
                     *(h.proto.body for h in at.get("html"))])
    for cit in signing.citations:
        assert cit.excerpt.split()[0] in page
    assert "Sources disagree on the place" in page
    assert at.query_params["event"] == signing.id


def test_hostile_catalogue_text_is_escaped_in_the_map(scratch: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    hostile = "<img src=x onerror=alert(1)>"
    (scratch / "seeds" / "evil.txt").write_text(
        f"Breaking: {hostile} happened in Sochi on 24 November 2014.\n")
    sources = scratch / "seeds" / "sources.yaml"
    sources.write_text(sources.read_text() + (
        "  - id: evil\n    file: evil.txt\n    outlet: 'Evil <b>Outlet</b>'\n"
        "    title: Evil\n    address: https://example.org/evil\n    published: 2014-11-24\n"
        "    published_precision: day\n    licence: test\n"))
    events = scratch / "catalogue" / "events.yaml"
    events.write_text(events.read_text() + (
        "  - id: evil-event\n    title: 'Attack <script>alert(2)</script>'\n"
        "    summary: 'x'\n    category: statement\n    start: 2014-11-24\n"
        "    end: 2014-11-24\n    date_precision: day\n    date_basis: stated\n"
        "    places: [{id: sochi, precision: exact}]\n    layers: [events]\n"
        f"    citations: [{{source: evil, excerpt: '{hostile} happened in Sochi on 24 November "
        "2014', supports: [date, place]}]\n"))
    monkeypatch.setenv("CAUCMAP_ROOT", str(scratch))
    default_evidence.cache_clear()
    st.cache_resource.clear()
    try:
        at = run_app({"event": "evil-event"})
        # what the browser's JS sees once it decodes the JSON string escapes
        group = js_text(map_args(at)["script"])
        assert "evil-event" in group
        assert hostile not in group and "<script>alert(2)" not in group
        assert "Attack &lt;script&gt;alert(2)&lt;/script&gt;" in group
        bodies = " ".join(h.proto.body for h in at.get("html"))
        assert hostile not in bodies and "&lt;img" in bodies
    finally:
        default_evidence.cache_clear()
        st.cache_resource.clear()


def test_world_view_shades_recognising_states_for_every_window_end() -> None:
    at = run_app({"world": "1", "to": "2012-06-01"})
    script = js_text(map_args(at)["script"])
    assert "/app/static/geodata/world.geojson" in script
    assert not any("cm-event-count" in m.value for m in at.markdown)
    assert window_of(at)[1] == date(2012, 6, 1).toordinal()
    # one style table per day recognition changes: Tuvalu recognised in 2012, not in 2015
    call = script.split("caucmap.geometry(", 1)[1]
    options, _ = json.JSONDecoder().raw_decode(call[call.index("{"):])
    epochs = options["epochs"]

    def tuvalu(day: date) -> dict:
        at_day = [e for e in epochs if e["day"] <= day.toordinal()][-1]
        return at_day["styles"].get("Tuvalu") or at_day["fallback"]

    assert tuvalu(date(2012, 6, 1))["fillColor"] == "#3f007d"  # recognises both
    assert tuvalu(date(2015, 6, 1))["fillColor"] == "#bdbdbd"  # withdrew in 2014


def test_timeline_and_sources_pages() -> None:
    at = run_app({"from": "2014-01-01", "to": "2015-12-31"})
    assert not at.get("vega_lite_chart")  # hidden pages are not built
    at.radio(key="page").set_value("Timeline").run()
    charts = at.get("vega_lite_chart")
    assert len(charts) == 1
    spec = json.loads(charts[0].proto.spec)
    assert "layer" in spec  # the selected-range band plus spans and points
    at.radio(key="page").set_value("Sources").run()
    page = " ".join(m.value for m in at.markdown)
    ev = default_evidence()
    for source in ev.sources.values():
        assert source.outlet.replace(".", "\\.") in page
    assert "Licence" in page and "Cited by" in page


def page_text(at: AppTest) -> str:
    """Every text a reader could see on the page: titles, markdown, HTML, notices, errors."""
    parts = [*(t.value for t in at.title), *(m.value for m in at.markdown),
             *(h.proto.body for h in at.get("html")), *(w.value for w in at.warning),
             *(e.value for e in at.error), *(str(x.value) for x in at.exception)]
    return "\n".join(parts)


def _break_events(root: Path) -> str:
    events = root / "catalogue" / "events.yaml"
    events.write_text(events.read_text().replace("id: abkhazia\n", "id: atlantis\n", 1))
    return "catalogue/events.yaml:"


def _break_yaml(root: Path) -> str:
    (root / "catalogue" / "actors.yaml").write_text("actors:\n  - id: [unclosed\n")
    return "catalogue/actors.yaml"


def _break_regions(root: Path) -> str:
    (root / "geodata" / "regions.geojson").write_text('{"type": "FeatureCollection", ')
    return "regions.geojson"


def _drop_borders(root: Path) -> str:
    (root / "geodata" / "borders.geojson").unlink()
    return "borders.geojson"


def _drop_seed(root: Path) -> str:
    next((root / "seeds").glob("000_*.txt")).unlink()
    return "seeds/sources.yaml"


@pytest.mark.parametrize("breakage", [_break_events, _break_yaml, _break_regions,
                                      _drop_borders, _drop_seed])
def test_broken_evidence_shows_an_error_page_then_a_fix_loads_without_restart(
        scratch: Path, monkeypatch: pytest.MonkeyPatch, breakage) -> None:
    pristine = {p: p.read_bytes() for p in scratch.rglob("*") if p.is_file()}
    where = breakage(scratch)
    monkeypatch.setenv("CAUCMAP_ROOT", str(scratch))
    at = run_app()
    assert at.title and "could not be loaded" in at.title[0].value
    text = page_text(at)
    problems = " ".join(h.proto.body for h in at.get("html") if "cm-problems" in h.proto.body)
    assert where in problems, problems
    assert "caucmap validate" in text
    assert str(scratch) not in text and "Traceback" not in text  # no server paths
    assert not [c for c in at.get("component_instance")
                if c.proto.component_name.endswith(MAP_COMPONENT)]
    for path, data in pristine.items():  # the contributor fixes the data; same server
        path.write_bytes(data)
    at.run()
    assert not at.exception, at.exception
    assert "could not be loaded" not in page_text(at)
    assert "Abkhazia" in map_args(at)["script"]


def test_problem_text_is_escaped_on_the_error_page(scratch: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    events = scratch / "catalogue" / "events.yaml"
    events.write_text(events.read_text().replace(
        "id: war-in-abkhazia-1992-1993\n", "id: '<img src=x onerror=alert(1)>'\n", 1))
    monkeypatch.setenv("CAUCMAP_ROOT", str(scratch))
    at = run_app()
    body = " ".join(h.proto.body for h in at.get("html") if "cm-problems" in h.proto.body)
    assert "&lt;img src=x" in body and "<img" not in body


def test_url_notice_stays_through_reruns_until_the_view_changes() -> None:
    at = run_app({"from": "2099-01-01", "naming": "klingon"})
    assert len(at.warning) == 1 and "klingon" in at.warning[0].value
    assert "from" not in at.query_params  # the URL is already the clean view
    at.session_state["extent"] = (42.51, 43.12, 7)  # the map reports where it opened
    at.run()
    at.run()
    assert len(at.warning) == 1 and "klingon" in at.warning[0].value
    at.radio(key="naming").set_value("russian").run()  # the reader changes the view
    assert not at.warning


def test_url_notice_closes_when_dismissed() -> None:
    at = run_app({"world": "maybe"})
    assert len(at.warning) == 1
    at.button(key="dismiss_notices").click().run()
    assert not at.warning
    at.run()
    assert not at.warning


def test_readers_never_get_tracebacks() -> None:
    """Streamlit's own error box shows no type, message or traceback (the log keeps them)."""
    config = tomllib.loads((Path(APP).parents[1] / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none"


def test_the_panel_is_the_evidence_card_with_a_footnote_to_copy_per_source() -> None:
    ev = default_evidence()
    treaty = "russia-abkhazia-treaty-signed"
    app = run_app({"event": treaty, "from": "2014-11-01", "to": "2014-11-30"})
    assert not app.exception, app.exception
    card = build_card(ev, ev.record(treaty), Naming.ENGLISH)
    codes = [c.value for c in app.code]
    assert codes[-len(footnotes(card, date.today())):] == footnotes(card, date.today())
    assert any("cm-claim" in h.proto.body and "Moscow" in h.proto.body for h in app.get("html"))
