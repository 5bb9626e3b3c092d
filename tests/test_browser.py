"""The real app in real headless Chromium, offline: what a person sees and does.

Skipped only when chromium is absent outside CI; in CI (CI=true) a missing browser fails.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from harness import MAP_FRAME, offline_browser, running_app
from playwright.sync_api import BrowserContext, FrameLocator, Page

from caucmap.evidence import default_evidence
from caucmap.style import SEA

Ctx = tuple[BrowserContext, list[str]]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

pytestmark = pytest.mark.browser


@pytest.fixture
def context(chromium: str) -> Iterator[Ctx]:
    with offline_browser() as (ctx, blocked):
        yield ctx, blocked


def map_frame(page: Page) -> FrameLocator:
    page.wait_for_selector(MAP_FRAME, timeout=60_000)
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(".cm-region-label").first.wait_for(timeout=60_000)
    return frame


def wait_for_regions(page: Page) -> list[str]:
    """Region ids Leaflet has drawn, once all four are there (geometry is fetched)."""
    return page.frame_locator(MAP_FRAME).locator("body").evaluate(
        "() => new Promise(done => { const t0 = Date.now(); (function poll() {"
        " const ids = new Set(Object.values(window.map._layers)"
        "   .filter(l => l.feature && l.feature.properties).map(l => l.feature.properties.id));"
        " if (['GEO','ABK','SOS','RUS'].every(i => ids.has(i)) || Date.now() - t0 > 20000)"
        "   done([...ids]); else setTimeout(poll, 100); })(); })")


def event_count(page: Page) -> int:
    text = page.locator("#cm-event-count").inner_text(timeout=30_000)
    return int(re.search(r"\d+", text).group())


def test_map_draws_offline_slider_filters_and_click_shows_excerpt(app_url: str,
                                                                  context: Ctx) -> None:
    ctx, blocked = context
    page = ctx.new_page()
    page.goto(app_url)
    frame = map_frame(page)
    labels = frame.locator(".cm-region-label").all_inner_texts()
    for name in ("Georgia", "Abkhazia", "South Ossetia", "Russia"):
        assert name in labels
    drawn = wait_for_regions(page)
    assert {"GEO", "ABK", "SOS", "RUS"} <= set(drawn), drawn
    total = len(default_evidence().events)
    assert event_count(page) == total
    markers = frame.locator(".cm-marker").count()
    assert markers > 0
    # the map's own rules come after Leaflet's stylesheet: the sea is ours, tooltips wrap
    looks = frame.locator("body").evaluate(
        "() => [getComputedStyle(document.querySelector('.leaflet-container')).backgroundColor,"
        " getComputedStyle(document.querySelector('.leaflet-tooltip-pane')"
        "   .appendChild(Object.assign(document.createElement('div'),"
        "     {className: 'leaflet-tooltip'}))).whiteSpace]")
    sea = tuple(int(SEA[i:i + 2], 16) for i in (1, 3, 5))
    assert looks == [f"rgb{sea}", "normal"], looks  # "rgb(223, 233, 242)"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "app_default.png"), full_page=False)

    # move the start of the date range to the end: the range shrinks to today
    thumb = page.get_by_role("slider").first
    thumb.focus()
    thumb.press("End")
    page.wait_for_function("n => !document.querySelector('#cm-event-count')"
                           ".innerText.includes(String(n))", arg=total, timeout=30_000)
    assert event_count(page) < total
    frame.locator(".cm-marker").first.wait_for(state="detached", timeout=30_000)
    thumb.press("Home")
    page.wait_for_function("n => document.querySelector('#cm-event-count').innerText"
                           ".includes(String(n))", arg=total, timeout=30_000)
    frame.locator(".cm-marker").first.wait_for(timeout=30_000)

    # click a marker: its evidence appears beside the map
    frame.locator(".cm-marker").first.click(force=True)
    page.locator(".cm-excerpt").first.wait_for(timeout=30_000)
    assert "\u201c" in page.locator(".cm-excerpt").first.inner_text()
    page.screenshot(path=str(ARTIFACTS / "app_event_selected.png"), full_page=False)
    assert blocked == [], blocked


def test_url_with_parameters_opens_that_view(app_url: str, context: Ctx) -> None:
    ctx, blocked = context
    page = ctx.new_page()
    page.goto(f"{app_url}/?from=2014-11-01&to=2014-11-30&naming=georgian&lat=42.9&lon=41.6"
              "&zoom=8")
    frame = map_frame(page)
    labels = frame.locator(".cm-region-label").all_inner_texts()
    assert any("Tskhinvali region" in label for label in labels), labels
    assert {"GEO", "ABK", "SOS", "RUS"} <= set(wait_for_regions(page))
    centre = frame.locator("body").evaluate("() => [map.getCenter(), map.getZoom()]")
    assert abs(centre[0]["lat"] - 42.9) < 0.01 and abs(centre[0]["lng"] - 41.6) < 0.01
    assert centre[1] == 8
    expected = sum(e.overlaps(date(2014, 11, 1), date(2014, 11, 30))
                   for e in default_evidence().events)
    assert event_count(page) == expected
    page.screenshot(path=str(ARTIFACTS / "app_url_view.png"), full_page=False)
    assert blocked == [], blocked


def test_bad_url_notice_stays_until_dismissed(app_url: str, context: Ctx) -> None:
    ctx, blocked = context
    page = ctx.new_page()
    page.goto(f"{app_url}/?from=2099-01-01&naming=klingon")
    map_frame(page)  # the map is drawn and has sent its first extent back (a rerun)
    notice = page.locator("[data-testid='stAlert']", has_text="klingon")
    notice.wait_for(timeout=30_000)
    page.wait_for_timeout(4_000)
    assert notice.is_visible() and "2099-01-01" in notice.inner_text()
    page.get_by_role("button", name="\u2715").click()
    notice.wait_for(state="detached", timeout=30_000)
    assert blocked == [], blocked


def test_broken_catalogue_error_page_then_fixed_without_restart(scratch: Path,
                                                                 context: Ctx) -> None:
    ctx, blocked = context
    events = scratch / "catalogue" / "events.yaml"
    good = events.read_bytes()
    events.write_text(good.decode().replace("id: abkhazia\n", "id: atlantis\n", 2))
    with running_app(env={"CAUCMAP_ROOT": str(scratch)}) as url:
        page = ctx.new_page()
        page.goto(url)
        page.get_by_text("The evidence base could not be loaded").wait_for(timeout=60_000)
        page.locator(".cm-problems li").first.wait_for(timeout=30_000)
        problems = page.locator(".cm-problems li").all_inner_texts()
        assert sum("unknown place id 'atlantis'" in p for p in problems) == 2, problems
        assert all(p.startswith("catalogue/events.yaml:") for p in problems), problems
        assert "caucmap validate" in page.locator("[data-testid='stMain']").inner_text()
        html = page.content()
        assert str(scratch) not in html and "Traceback" not in html
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "app_error_page.png"), full_page=False)
        events.write_bytes(good)  # the contributor fixes it; the server keeps running
        page.get_by_role("button", name="Reload").click()
        map_frame(page)
        assert page.get_by_text("could not be loaded").count() == 0
    assert blocked == [], blocked


def test_a_marker_clicked_again_selects_its_event_again(app_url: str, context: Ctx) -> None:
    """Click a marker, pick another event in the panel, click the same marker: the panel
    shows the marker's event again (the map's report changes on every click)."""
    ctx, _ = context
    page = ctx.new_page()
    page.goto(app_url)
    frame = map_frame(page)
    heading = page.locator("[data-testid=stMain] h3").first
    marker = frame.locator(".cm-marker").first
    marker.click(force=True)
    heading.wait_for(timeout=30_000)
    first = heading.inner_text()
    page.locator("[data-testid=stSelectbox]").first.click()
    other = page.get_by_role("option").filter(has_not_text=first).nth(1)
    picked = other.inner_text()
    other.click()
    page.wait_for_function("t => document.querySelector('[data-testid=stMain] h3')"
                           "?.innerText === t", arg=picked, timeout=30_000)
    marker.click(force=True)
    page.wait_for_function("t => document.querySelector('[data-testid=stMain] h3')"
                           "?.innerText === t", arg=first, timeout=30_000)
