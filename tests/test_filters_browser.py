"""Filters and search in the real app under headless Chromium (issue 14).

A reader opens a link filtered to one actor, searches by a place's other spelling, then
clears the filters; the count, the results and the URL follow each step.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from harness import offline_browser
from test_browser import event_count, map_frame

from caucmap.evidence import default_evidence
from caucmap.search import matching_ids
from caucmap.viewstate import Filters

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
pytestmark = pytest.mark.browser


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def _wait_for_count(page, want: int) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_function(
        "n => { const el = document.querySelector('#cm-event-count');"
        " return el && el.innerText.match(/\\d+/) && +el.innerText.match(/\\d+/)[0] === n; }",
        arg=want, timeout=60_000)


def test_actor_link_search_and_clear(app_url: str, chromium: str) -> None:
    ev = default_evidence()
    lavrov = matching_ids(ev, Filters(actors=("sergey-lavrov",)))
    in_sokhumi = {e.id for e in ev.events if "sokhumi" in {p.id for p in e.places}}
    with offline_browser() as (ctx, _blocked):
        page = ctx.new_page()
        page.set_viewport_size({"width": 1440, "height": 1000})
        page.goto(f"{app_url}/?actor=sergey-lavrov")
        map_frame(page)
        _wait_for_count(page, len(lavrov))
        assert event_count(page) == len(lavrov)
        assert _query(page.url).get("actor") == ["sergey-lavrov"]
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "filters_actor.png"))

        box = page.get_by_label("Search titles, summaries and quotes")
        box.fill("Sukhum")
        box.press("Enter")
        page.wait_for_function("() => location.search.includes('q=Sukhum')", timeout=60_000)
        both = matching_ids(ev, Filters(actors=("sergey-lavrov",), q="Sukhum"))
        _wait_for_count(page, len(both))
        page.locator(".caucmap-hit").first.wait_for(timeout=60_000)
        hits = page.locator(".caucmap-hit").all_inner_texts()
        assert len(hits) == len(both)  # the other filters apply to the results too
        titles = {ev.event(i).title for i in in_sokhumi & lavrov}
        assert all(any(t in h for h in hits) for t in titles), (titles, hits)
        assert page.locator(".caucmap-hit mark").count() > 0
        page.screenshot(path=str(ARTIFACTS / "filters_search.png"))

        page.get_by_role("button", name="Clear filters").click()
        _wait_for_count(page, len(ev.events))
        query = _query(page.url)
        assert "actor" not in query and "q" not in query
