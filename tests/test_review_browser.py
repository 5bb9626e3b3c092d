"""Tried as a new user would: ``caucmap add`` an article, accept it on the Review page.

The real app in headless Chromium, offline, on a scratch project: every candidate of
the treaty article is accepted with a click, the new events are on the map for March
2015, and the briefing export's Sources footer names the new source.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from harness import MAP_FRAME, offline_browser, running_app
from playwright.sync_api import BrowserContext, Page

from caucmap.evidence import load_evidence
from caucmap.ingest.pipeline import add_page
from caucmap.ingest.queue import load_queue
from caucmap.render_static import render
from caucmap.viewstate import ViewState

REPO = Path(__file__).resolve().parents[1]
ARTICLE = REPO / "eval" / "articles" / "03-ossetia-treaty.html"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
MARCH = "from=2015-03-01&to=2015-03-31"

pytestmark = pytest.mark.browser


@pytest.fixture
def context(chromium: str) -> Iterator[tuple[BrowserContext, list[str]]]:
    with offline_browser() as (ctx, blocked):
        yield ctx, blocked


def march_events(root: Path) -> set[str]:
    return {e.id for e in load_evidence(root).events
            if e.overlaps(date(2015, 3, 1), date(2015, 3, 31))}


def whole_page(page: Page, name: str) -> None:
    """Screenshot the whole Review page: Streamlit scrolls inside its main block, so the
    window is made as tall as the content first."""
    page.wait_for_timeout(500)  # let widgets loaded on demand (date inputs) draw
    tall = page.locator("[data-testid='stMainBlockContainer']").evaluate("e => e.scrollHeight")
    page.set_viewport_size({"width": 1400, "height": min(int(tall) + 200, 9000)})
    page.wait_for_timeout(500)
    page.screenshot(path=str(ARTIFACTS / name))
    page.set_viewport_size({"width": 1400, "height": 950})


def waiting(page: Page) -> int:
    text = page.get_by_text(re.compile(r"candidate\(s\) waiting")).inner_text(timeout=30_000)
    return int(re.search(r"(\d+) candidate", text).group(1))


def test_add_then_accept_all_on_the_review_page(scratch: Path, context) -> None:
    ctx, blocked = context
    before = march_events(scratch)
    known = {e.id for e in load_evidence(scratch).events}
    added = add_page(scratch, ARTICLE)
    ids = [c.id for c in added.candidates]
    ARTIFACTS.mkdir(exist_ok=True)
    with running_app(env={"CAUCMAP_ROOT": str(scratch)}) as url:
        page = ctx.new_page()
        page.goto(url)
        page.get_by_test_id("stRadioGroup").get_by_text("Review", exact=True).click(
            timeout=60_000)  # the page switch: a radio's label
        assert waiting(page) == len(ids)
        page.locator("mark").first.wait_for(timeout=30_000)
        page.locator("[data-testid='stDateInput'] input").first.wait_for(timeout=30_000)
        whole_page(page, "review_before.png")

        page.get_by_role("button", name="Reject").first.click()  # no reason given: refused
        refused = page.get_by_text("Say why you reject it")
        refused.wait_for(timeout=60_000)
        refused.scroll_into_view_if_needed()
        assert waiting(page) == len(ids)
        page.screenshot(path=str(ARTIFACTS / "review_refused.png"))

        clicks = []
        for n, cid in enumerate(ids):
            started = time.monotonic()
            page.get_by_role("button", name="Accept").first.click()
            page.locator(".cm-review-done", has_text=cid).wait_for(timeout=60_000)
            clicks.append(time.monotonic() - started)
            if n == 0:
                whole_page(page, "review_after_first.png")
        page.get_by_text("Nothing waiting for review").wait_for(timeout=30_000)
        page.screenshot(path=str(ARTIFACTS / "review_after_all.png"))
        print(f"\naccept clicks: {len(clicks)} in {sum(clicks):.1f} s "
              f"({', '.join(f'{c:.1f}' for c in clicks)})")

        decided = {c["id"]: c for c in load_queue(scratch)}
        assert all(decided[i]["status"] == "accepted" for i in ids)
        after = march_events(scratch)
        new = {decided[i]["event"] for i in ids} - known
        assert new and new <= after  # the new events fall in March 2015
        cited = {e.id for e in load_evidence(scratch).events_citing(added.source)}
        assert cited == {decided[i]["event"] for i in ids}  # corroborations cite it too

        page.goto(f"{url}/?{MARCH}")
        page.wait_for_selector(MAP_FRAME, timeout=60_000)
        count = page.locator("#cm-event-count").inner_text(timeout=30_000)
        assert int(re.search(r"\d+", count).group()) == len(after) > len(before)
        page.screenshot(path=str(ARTIFACTS / "review_map_march.png"), full_page=False)
    assert blocked == [], blocked

    out = scratch / "march.png"
    done = subprocess.run([sys.executable, "-m", "caucmap.cli", "--root", str(scratch), "export",
                           "--out", str(out), "--view", MARCH], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0 and out.stat().st_size > 0, done.stderr
    view, _ = ViewState.from_query(dict(parse_qsl(MARCH)))
    footer = render(load_evidence(scratch), view).sources
    assert ("Kavkaz Bulletin", date(2015, 3, 18)) in footer, footer
