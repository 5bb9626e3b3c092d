"""The context layer's names in the real app under Chromium: placed, and never overlapping.

The 2008 war view (zoomed on Tskhinvali) is where the issue found empty polygons; its
names must be there and readable, which labels.js guarantees by collision avoidance.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import MAP_FRAME, offline_browser
from playwright.sync_api import Page

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
WAR_VIEW = "from=2008-08-01&to=2008-08-31&lat=42.25&lon=44.0&zoom=9"
# every placed label's text and box (and the markers'), once labels.js has placed them
BOXES = """() => new Promise(done => { const t0 = Date.now(); (function poll() {
  const box = e => { const r = e.getBoundingClientRect();
    return {text: e.innerText, x: r.left, y: r.top, w: r.width, h: r.height,
            region: e.classList.contains('cm-region-label')}; };
  const els = [...document.querySelectorAll('.cm-label .cm-text')];
  if (els.some(e => e.innerText === 'Tbilisi') || Date.now() - t0 > 30000) {
    done({labels: els.map(box), markers: [...document.querySelectorAll('.cm-marker')].map(box)});
  } else { setTimeout(poll, 100); } })(); })"""
WIDE_VIEW = "from=2008-08-01&to=2008-08-31&lat=42.5&lon=43.5&zoom=7"


def _overlap(a: dict, b: dict) -> bool:
    return (a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"]
            and a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"])


def _clashes(boxes: dict) -> list[tuple[str, str]]:
    """Names covering one another; the regions' names are always drawn."""
    names = [b for b in boxes["labels"] if not b["region"]]
    return [(a["text"], b["text"]) for i, a in enumerate(names) for b in names[i + 1:]
            if _overlap(a, b)]


def _open(page: Page, url: str) -> dict:
    page.goto(url)
    page.wait_for_selector(MAP_FRAME, timeout=60_000)
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(".cm-label .cm-text").first.wait_for(timeout=60_000)
    page.wait_for_timeout(1000)  # markers and labels settle (the window, a late placement)
    return frame.locator("body").evaluate(BOXES)


def test_war_view_names_tskhinvali_and_gori_without_overlaps(app_url: str, chromium: str
                                                             ) -> None:
    with offline_browser() as (ctx, blocked):
        page = ctx.new_page()
        page.set_viewport_size({"width": 1440, "height": 1000})
        boxes = _open(page, f"{app_url}/?{WAR_VIEW}")
        by_text = {b["text"]: b for b in boxes["labels"]}
        assert {"Tskhinvali", "Gori", "Java", "Akhalgori", "Liakhvi"} <= set(by_text), sorted(
            by_text)
        assert not _overlap(by_text["Tskhinvali"], by_text["Gori"])
        assert _clashes(boxes) == []
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "context_war_view_1440x1000.png"))
        # zoomed out, many more names compete for the same room
        boxes = _open(page, f"{app_url}/?{WIDE_VIEW}")
        assert len(boxes["labels"]) > 10 and _clashes(boxes) == []
        assert blocked == [], blocked
