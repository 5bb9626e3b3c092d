"""The app's Review page under AppTest, on a scratch project with a real ``caucmap add``.

Each test copies the project, adds ``eval/articles/03-ossetia-treaty.html`` through the
real pipeline and drives the real app: accepts land in the catalogue (and on the map
without a restart), refusals write nothing, source text reaches the page escaped.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from harness import opened
from streamlit.testing.v1 import AppTest

from caucmap.evidence import load_evidence
from caucmap.ingest.pipeline import add_page
from caucmap.ingest.queue import QUEUE, load_queue

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "app" / "streamlit_app.py")
ARTICLE = REPO / "eval" / "articles" / "03-ossetia-treaty.html"
PSAKI = "kavkazbulletin-2015-03-18-s005"  # "Jen Psaki said on Tuesday ..." in Washington, D.C.
STOLTENBERG = "kavkazbulletin-2015-03-18-s006"  # "... said in Brussels ...", no date


@pytest.fixture
def queued(scratch: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scratch project with the treaty article added and its candidates waiting."""
    add_page(scratch, ARTICLE)
    monkeypatch.setenv("CAUCMAP_ROOT", str(scratch))
    return scratch


def open_review() -> AppTest:
    at = opened(AppTest.from_file(APP, default_timeout=90))  # it always opens on the map
    at.session_state["page"] = "Review"
    at.run()
    assert not at.exception, at.exception
    return at


def html_text(at: AppTest) -> str:
    return " ".join(h.proto.body for h in at.get("html"))


def problem(at: AppTest) -> str:
    return " ".join(h.proto.body for h in at.get("html") if "cm-review-problem" in h.proto.body)


def field(cid: str, name: str) -> str:
    return f"rv-{cid}-{name}"


def status(root: Path, cid: str) -> dict:
    return next(c for c in load_queue(root) if c["id"] == cid)


def snapshot(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for d in ("seeds", "catalogue", "geodata", "review")
            for p in sorted((root / d).rglob("*")) if p.is_file() and p.name != ".lock"}


def shown_count(at: AppTest) -> int:
    text = next(m.value for m in at.markdown if "cm-event-count" in m.value)
    return int(text.split("<b>")[1].split("</b>")[0])


def test_accept_with_edits_lands_in_the_catalogue_and_on_the_map(queued: Path) -> None:
    at = open_review()
    waiting = len(load_queue(queued))
    assert any(f"{waiting} candidate(s) waiting" in m.value for m in at.markdown)
    page = html_text(at)
    assert "Kavkaz Bulletin" in page and "2015-03-18" in page
    assert '<mark id="cm-excerpt">In Washington, State Department spokeswoman Jen Psaki' in page
    assert "new: Washington, D.C. (-77.01, 38.90, GeoNames 4140963)" in page
    assert "new: Jen Psaki (State Department spokeswoman)" in page

    # an edited category and date (widened to the month: 'Tuesday' still falls in it, so
    # the sentence still backs it), and a known place added beside a proposed one whose
    # name holds a comma (the --set form splits on commas)
    at.selectbox(key=field(PSAKI, "category")).set_value("recognition")
    at.selectbox(key=field(PSAKI, "date_precision")).set_value("month")
    at.date_input(key=field(PSAKI, "start")).set_value(date(2015, 3, 1))
    at.date_input(key=field(PSAKI, "end")).set_value(date(2015, 3, 31))
    at.multiselect(key=field(PSAKI, "places")).select("tbilisi")
    at.button(key=field(PSAKI, "accept")).click().run()
    assert not at.exception, at.exception

    done = status(queued, PSAKI)
    assert done["status"] == "accepted"
    event = load_evidence(queued).event(done["event"])
    assert event is not None
    assert event.category.value == "recognition" and event.cameo == "054"
    assert (event.start, event.end) == (date(2015, 3, 1), date(2015, 3, 31))
    assert event.date_precision.value == "month"
    assert "by the reviewer" in (event.date_note or "") and "'Tuesday'" in event.date_note
    assert [p.id for p in event.places] == ["washington-d-c", "tbilisi"]
    assert "jen-psaki" in event.actors
    # the success line names the event from the reloaded evidence: no stale cache
    assert f"\u201c{event.title}\u201d" in html_text(at) and done["event"] in html_text(at)
    assert field(PSAKI, "accept") not in [b.key for b in at.button]  # no longer waiting

    at.session_state["page"] = "Map"
    at.slider(key="dates").set_value((date(2015, 3, 1), date(2015, 3, 31))).run()
    march = sum(e.overlaps(date(2015, 3, 1), date(2015, 3, 31))
                for e in load_evidence(queued).events)
    assert shown_count(at) == march
    assert event.title in at.selectbox(key="event").options


def test_reject_needs_a_reason_and_a_breaking_accept_writes_nothing(queued: Path) -> None:
    at = open_review()
    before = snapshot(queued)

    at.button(key=field(STOLTENBERG, "reject")).click().run()
    assert at.error and "nothing was written" in at.error[0].value
    assert "Say why you reject it" in problem(at)
    assert snapshot(queued) == before and status(queued, STOLTENBERG)["status"] == "pending"

    # day precision with a month's precision: the verified copy fails, nothing is written
    at.selectbox(key=field(STOLTENBERG, "date_precision")).set_value("month")
    at.button(key=field(STOLTENBERG, "accept")).click().run()
    assert not at.exception, at.exception
    assert at.error and "nothing was written" in at.error[0].value
    assert "would break the catalogue" in problem(at) and "month precision" in problem(at)
    assert snapshot(queued) == before and status(queued, STOLTENBERG)["status"] == "pending"
    assert field(STOLTENBERG, "accept") in [b.key for b in at.button]  # still there to fix

    at.text_input(key=field(STOLTENBERG, "why")).input("NATO's words, not an event of its own")
    at.button(key=field(STOLTENBERG, "reject")).click().run()
    gone = status(queued, STOLTENBERG)
    assert gone["status"] == "rejected" and gone["why"] == "NATO's words, not an event of its own"
    assert snapshot(queued) | {queued / QUEUE: b""} == before | {queued / QUEUE: b""}
    assert field(STOLTENBERG, "reject") not in [b.key for b in at.button]


def test_source_text_is_escaped(scratch: Path, monkeypatch: pytest.MonkeyPatch,
                                tmp_path_factory: pytest.TempPathFactory) -> None:
    page = tmp_path_factory.mktemp("pages") / "hostile.txt"
    page.write_text(
        "Tskhinvali parliament <b>votes</b> on treaty\n\n"
        "TSKHINVALI, March 20 (Test Wire) - South Ossetia's President Leonid Tibilov signed a "
        "decree on Friday in Tskhinvali <img src=x onerror=alert(1)> & said the treaty "
        "<script>alert(2)</script> was a historic step.\n\n"
        "The de facto parliament is expected to ratify the document next week, officials "
        "said. Georgia condemned the move as annexation of its territory.\n")
    add_page(scratch, page, outlet="Test <i>Wire</i>", address="https://example.invalid/2015/03/20/x")
    monkeypatch.setenv("CAUCMAP_ROOT", str(scratch))
    at = open_review()
    body = html_text(at)
    assert "&lt;img src=x onerror=alert(1)&gt; &amp; said" in body
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in body
    assert "Test &lt;i&gt;Wire&lt;/i&gt;" in body
    assert "<img" not in body and "<script" not in body and "<i>Wire" not in body


def test_empty_queue_says_so_with_the_add_command(scratch: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAUCMAP_ROOT", str(scratch))
    at = open_review()
    assert at.info and "Nothing waiting for review" in at.info[0].value
    assert "caucmap add PAGE" in at.info[0].value
    assert not [b for b in at.button if (b.key or "").startswith("rv-")]
