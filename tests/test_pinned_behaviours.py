"""One test per behaviour that a planted one-line bug once broke without any test noticing.

Issue 9 planted 33 realistic bugs; 16 survived the whole suite. Each test here is
named after the behaviour it pins and fails on the bug it names (each was checked
by planting the bug by hand and watching the test fail).
"""

from __future__ import annotations

import csv
import io
import os
import re
import resource
import signal
from datetime import date, timedelta
from pathlib import Path

import pytest
from catalogue_edits import (
    HOSTILE_EVENT,
    HOSTILE_IMG,
    HOSTILE_OUTLET,
    add_hostile_event,
    edit_yaml,
    problems,
)

from caucmap.atomic import TargetExistsError, write_atomic
from caucmap.dates import date_label, format_date
from caucmap.evidence import Evidence, load_evidence
from caucmap.layers import (
    UNCERTAIN_LEGEND,
    build_layers,
    events_layer,
    recognitions_of,
    war_layer,
)
from caucmap.models import DateBasis, Dated, DatePrecision, Recognition
from caucmap.render_static import render
from caucmap.render_web import legend_html, standalone_html
from caucmap.tables import to_csv
from caucmap.viewstate import ViewState, Worldview, today

NOT_IN_ANY_SOURCE = "These words were never printed by any outlet in the seeds."


# ---------------------------------------------------------------- the loader's checks


def test_claim_excerpt_missing_from_its_source_is_rejected(scratch: Path) -> None:
    def tamper(data: dict) -> None:
        event = next(e for e in data["events"] if e.get("claims"))
        event["claims"][0]["excerpt"] = NOT_IN_ANY_SOURCE
        tamper.entry = event["id"]  # type: ignore[attr-defined]

    edit_yaml(scratch / "catalogue" / "events.yaml", tamper)
    found = problems(scratch)
    assert any(f"entry '{tamper.entry}'" in p  # type: ignore[attr-defined]
               and "field 'claims[0].excerpt'" in p and "not found verbatim" in p
               for p in found), found


@pytest.mark.parametrize("group", ["citations", "claims"])
def test_actor_role_excerpt_missing_from_its_source_is_rejected(scratch: Path,
                                                                group: str) -> None:
    where: dict[str, str] = {}

    def tamper(data: dict) -> None:
        for actor in data["actors"]:
            for r, role in enumerate(actor.get("roles") or []):
                if role.get(group):
                    role[group][0]["excerpt"] = NOT_IN_ANY_SOURCE
                    where.update(entry=actor["id"], field=f"roles[{r}].{group}[0].excerpt")
                    return

    edit_yaml(scratch / "catalogue" / "actors.yaml", tamper)
    assert where, f"no actor role with {group} in the catalogue"
    found = problems(scratch)
    assert any(f"entry '{where['entry']}'" in p and f"field '{where['field']}'" in p
               and "not found verbatim" in p for p in found), found


@pytest.mark.parametrize(("relpath", "key"), [
    ("catalogue/events.yaml", "events"),
    ("catalogue/actors.yaml", "actors"),
    ("catalogue/recognitions.yaml", "recognitions"),
    ("catalogue/war2008.yaml", "features"),
    ("geodata/gazetteer.yaml", "places"),
    ("seeds/sources.yaml", "sources"),
])
def test_duplicate_id_is_rejected(scratch: Path, relpath: str, key: str) -> None:
    first: dict[str, str] = {}

    def duplicate(data: dict) -> None:
        first["id"] = data[key][0]["id"]
        data[key].append(dict(data[key][0]))

    edit_yaml(scratch / relpath, duplicate)
    found = problems(scratch)
    assert any(p.startswith(f"{relpath}:") and f"entry '{first['id']}'" in p
               and "duplicate id" in p for p in found), found


def test_claim_naming_an_unknown_place_is_rejected(scratch: Path) -> None:
    where: dict[str, str] = {}

    def tamper(data: dict) -> None:
        for event in data["events"]:
            for i, claim in enumerate(event.get("claims") or []):
                if claim["about"] == "place":
                    claim["value"] = "atlantis"
                    where.update(entry=event["id"], field=f"claims[{i}].value")
                    return

    edit_yaml(scratch / "catalogue" / "events.yaml", tamper)
    assert where, "no claim about a place in the catalogue"
    found = problems(scratch)
    assert any(f"entry '{where['entry']}'" in p and f"field '{where['field']}'" in p
               and "unknown place id 'atlantis'" in p for p in found), found


# ---------------------------------------------------------------- the URL


@pytest.mark.parametrize("name", ["from", "to"])
def test_a_date_after_today_in_the_url_falls_back_with_a_notice(name: str) -> None:
    tomorrow = (today() + timedelta(days=1)).isoformat()
    view, notices = ViewState.from_query({name: tomorrow})
    assert len(notices) == 1 and f"parameter {name}='{tomorrow}'" in notices[0], notices
    assert (view.start, view.end) == (ViewState().start, ViewState().end)


def test_today_itself_is_a_valid_end_date() -> None:
    view, notices = ViewState.from_query({"from": today().isoformat(),
                                          "to": today().isoformat()})
    assert notices == [] and view.start == view.end == today()


# ---------------------------------------------------------------- recognition


def test_a_recognition_ends_on_its_withdrawal_day(ev: Evidence) -> None:
    withdrawn = [r for r in ev.recognitions if r.withdrawn]
    assert withdrawn, "the catalogue records withdrawals (Vanuatu, Tuvalu)"
    for r in withdrawn:
        assert r.withdrawn is not None
        day_before = r.withdrawn - timedelta(days=1)
        assert r in recognitions_of(ev, r.entity, day_before)
        assert r not in recognitions_of(ev, r.entity, r.withdrawn)


def test_a_recognition_starts_on_its_first_day() -> None:
    r = Recognition(id="x", state="X", iso_n3="999", entity="ABK", since=date(2010, 5, 5),
                    since_precision="day", withdrawn=date(2011, 6, 6),
                    withdrawn_precision="day", references=[])
    assert not r.active_on(date(2010, 5, 4))
    assert r.active_on(date(2010, 5, 5)) and r.active_on(date(2011, 6, 5))
    assert not r.active_on(date(2011, 6, 6))


# ---------------------------------------------------------------- dates as shown


def _dated(start: date, end: date, precision: DatePrecision) -> Dated:
    return Dated(start=start, end=end, date_precision=precision, date_basis=DateBasis.STATED)


def test_month_and_year_events_are_not_labelled_as_days() -> None:
    month = _dated(date(2014, 10, 1), date(2014, 10, 31), DatePrecision.MONTH)
    year = _dated(date(2011, 1, 1), date(2011, 12, 31), DatePrecision.YEAR)
    day = _dated(date(2014, 11, 24), date(2014, 11, 24), DatePrecision.DAY)
    span = _dated(date(2017, 4, 18), date(2017, 4, 19), DatePrecision.RANGE)
    assert date_label(month) == "October 2014 (month precision)"
    assert date_label(year) == "2011 (year precision)"
    assert date_label(day) == "24 November 2014"
    assert date_label(span) == "18 April 2017 - 19 April 2017 (range)"
    assert format_date(date(2014, 10, 1), "month", short=True) == "Oct 2014"
    assert format_date(date(2011, 1, 1), "year", short=True) == "2011"


def test_catalogued_month_and_year_events_carry_their_precision_in_every_label(
        ev: Evidence) -> None:
    frame = events_layer(ev, ViewState()).frame
    vague = frame[frame["date_precision"].isin(["month", "year"])]
    assert len(vague) > 0
    for row in vague.itertuples():
        assert row.date_label.endswith(f"({row.date_precision} precision)"), row.date_label
        assert not re.match(r"\d{1,2} ", row.date_label), row.date_label  # no day number


# ---------------------------------------------------------------- atomic writes


def test_write_atomic_swaps_in_a_new_file_instead_of_writing_into_the_old(
        tmp_path: Path) -> None:
    target = tmp_path / "map.svg"
    target.write_bytes(b"old contents")
    other_name = tmp_path / "hard-link"
    os.link(target, other_name)
    with target.open("rb") as reader:  # a reader that opened the file before the write
        write_atomic(target, b"new contents", overwrite=True)
        assert reader.read() == b"old contents"
    assert target.read_bytes() == b"new contents"
    assert other_name.read_bytes() == b"old contents"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hard-link", "map.svg"]


def test_write_atomic_leaves_no_partial_file_when_the_disk_fills(tmp_path: Path) -> None:
    """A write that fails halfway (here: a 4 KB file size limit) leaves no target.

    The limit is set in a forked child, so the code under test is the code imported here.
    """
    target = tmp_path / "map.png"
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 0
        try:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
            write_atomic(target, b"x" * 100_000)
        except OSError:
            code = 3
        except BaseException:
            code = 4
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 3  # the write failed with an OSError
    assert list(tmp_path.iterdir()) == []


def test_write_atomic_refuses_to_overwrite_unless_asked(tmp_path: Path) -> None:
    target = tmp_path / "briefing.pdf"
    target.write_bytes(b"keep me")
    with pytest.raises(TargetExistsError, match=r"briefing\.pdf"):
        write_atomic(target, b"replacement")
    assert target.read_bytes() == b"keep me"
    write_atomic(target, b"replacement", overwrite=True)
    assert target.read_bytes() == b"replacement"


def test_write_atomic_writes_text_as_utf8(tmp_path: Path) -> None:
    target = tmp_path / "layer.geojson"
    write_atomic(target, "Sokhumi \u2013 \u10e1\u10dd\u10ee\u10e3\u10db\u10d8")
    assert target.read_bytes() == "Sokhumi \u2013 \u10e1\u10dd\u10ee\u10e3\u10db\u10d8".encode()


# ---------------------------------------------------------------- escaping
# (the evidence panel's escaping is pinned in test_pinned_app_escaping.py)


@pytest.fixture
def hostile_root(scratch: Path) -> Path:
    add_hostile_event(scratch)
    return scratch


def test_html_export_popup_escapes_excerpt_and_outlet(hostile_root: Path) -> None:
    ev = load_evidence(hostile_root)
    page = standalone_html(ev, ViewState(start=date(2014, 11, 24), end=date(2014, 11, 24)))
    assert HOSTILE_EVENT in page
    # the popup is a JSON string inside the page's script: decode what JS would see
    decoded = page.replace("\\u003c", "<").replace("\\u003e", ">").replace("\\u0026", "&")
    decoded = decoded.replace('\\"', '"').replace("\\/", "/")
    assert HOSTILE_IMG not in decoded and HOSTILE_OUTLET not in decoded
    assert "&lt;img src=x onerror=alert(1)&gt;" in decoded
    assert "Evil &lt;b&gt;Outlet&lt;/b&gt;" in decoded


def test_legend_labels_are_escaped(scratch: Path) -> None:
    def rename(data: dict) -> None:
        place = next(p for p in data["places"] if p.get("polygon") == "ABK")
        place["names"]["english"] = HOSTILE_IMG

    edit_yaml(scratch / "geodata" / "gazetteer.yaml", rename)
    ev = load_evidence(scratch)
    legend = legend_html(build_layers(ev, ViewState(worldview=Worldview.RUSSIA)))
    assert "&lt;img src=x onerror=alert(1)&gt; (state in Russia&#x27;s view)" in legend
    assert HOSTILE_IMG not in legend


# ---------------------------------------------------------------- the briefing export


def test_sources_footer_lists_only_sources_of_drawn_events(ev: Evidence) -> None:
    """An event without a mapped place is not drawn, so its source is not in the footer."""
    for unmapped in (e for e in ev.events if not e.places):
        view = ViewState(start=unmapped.start, end=unmapped.end)
        drawn = [e for e in ev.events if e.places and e.overlaps(view.start, view.end)]
        shown = {(ev.sources[c.source].outlet, ev.sources[c.source].published)
                 for e in drawn for c in e.all_citations()}
        cited = {(ev.sources[c.source].outlet, ev.sources[c.source].published)
                 for c in unmapped.all_citations()}
        if not cited <= shown:
            break
    else:
        pytest.fail("no unmapped event cites a source that no drawn event cites")
    rendered = render(ev, view, size="A5", dpi=72)
    assert unmapped.id in rendered.unmapped and unmapped.id not in rendered.events
    assert set(rendered.sources) == shown
    footer = next(t for t in rendered.figure.texts if t.get_gid() == "sources").get_text()
    for outlet, _ in cited - shown:
        assert outlet not in footer.replace("\n", " ")


def test_hollow_symbol_is_explained_in_every_legend(ev: Evidence) -> None:
    view = ViewState(start=date(2014, 10, 1), end=date(2014, 11, 30))
    layer = events_layer(ev, view)
    assert layer.frame["hollow"].any(), "the window holds an uncertain event"
    assert UNCERTAIN_LEGEND in layer.legend and UNCERTAIN_LEGEND.hollow
    assert "Hollow: date or place uncertain" in legend_html({"events": layer})
    rendered = render(ev, view, size="A5", dpi=72)
    legend = next(lg for lg in rendered.figure.legends if lg.get_gid() == "legend-events")
    labels = [" ".join(t.get_text().split()) for t in legend.get_texts()]
    assert UNCERTAIN_LEGEND.label in labels
    handle = legend.legend_handles[labels.index(UNCERTAIN_LEGEND.label)]
    assert handle.get_markerfacecolor() == "none"  # drawn hollow, as on the map


# ---------------------------------------------------------------- the date filter


def _windows(ev: Evidence) -> list[tuple[date, date]]:
    """Windows on, just before and just after every record's edges, plus a few wide ones."""
    one = timedelta(days=1)
    out = {(date(1990, 1, 1), today()), (date(2008, 8, 1), date(2008, 8, 31)),
           (date(2014, 11, 1), date(2014, 11, 30))}
    for r in (*ev.events, *ev.war):
        out |= {(r.start, r.start), (r.end, r.end), (r.start - one, r.start - one),
                (r.end + one, r.end + one), (r.start - 30 * one, r.start - one),
                (r.end + one, r.end + 30 * one)}
    return sorted(out)


def test_date_filter_returns_exactly_the_overlapping_events(ev: Evidence) -> None:
    for lo, hi in _windows(ev):
        got = list(events_layer(ev, ViewState(start=lo, end=hi)).frame["id"])
        expected = [e.id for e in ev.events if e.start <= hi and e.end >= lo]
        assert got == expected, (lo, hi)


def test_date_filter_returns_exactly_the_overlapping_war_features(ev: Evidence) -> None:
    for lo, hi in _windows(ev):
        got = list(war_layer(ev, ViewState(start=lo, end=hi)).frame["id"])
        expected = [w.id for w in ev.war if w.start <= hi and w.end >= lo]
        assert got == expected, (lo, hi)


# ---------------------------------------------------------------- downloads


def test_csv_cell_with_a_carriage_return_stays_in_its_row(scratch: Path) -> None:
    def retitle(data: dict) -> None:
        data["events"][0]["title"] = "Talks\rin Sochi"

    edit_yaml(scratch / "catalogue" / "events.yaml", retitle)
    layer = events_layer(load_evidence(scratch), ViewState())
    rows = list(csv.DictReader(io.StringIO(to_csv(layer), newline="")))
    assert [r["event_id"] for r in rows] == list(layer.frame["id"])
    assert "Talks\rin Sochi" in {r["title"] for r in rows}
