"""Hostile catalogue text in real headless Chromium: the app, the HTML export and the SVG export.

The catalogue (tests/hostile_root.py) carries ``<img onerror>``, ``<script>``,
``javascript:`` link targets, markdown links and emphasis, bare URLs and a
5,000-character word in titles, summaries, excerpts, outlets, addresses and the
place names that reach labels and legends. Each page is opened and poked (tooltips
hovered, popups opened, "Read in context" expanded), then checked: no dialog, no
``window.__pwned`` in any frame, no injected element, no link from data text, and
nothing wider than the window.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from harness import MAP_FRAME, offline_browser, running_app
from hostile_root import HOSTILE_EVENT, HOSTILE_VIEW, LONG, make_hostile_root
from playwright.sync_api import Frame, Page

from caucmap.evidence import Evidence, load_evidence
from caucmap.export import export_view
from caucmap.viewstate import ViewState

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

pytestmark = pytest.mark.browser

#: what a successful injection leaves behind in a document, counted per frame
INJECTED = """() => ({
  pwned: typeof window.__pwned !== 'undefined',
  img: document.querySelectorAll('img[src="x"], [onerror], [onload]').length,
  script: [...document.scripts].filter(s => /^\\s*window\\.__pwned/.test(s.text)).length,
  jslink: document.querySelectorAll('a[href^="javascript:" i]').length,
})"""
CLEAN = {"pwned": False, "img": 0, "script": 0, "jslink": 0}
#: widths in CSS px: the window, the document, and Streamlit's main area (if any)
WIDTHS = """() => { const m = document.querySelector('[data-testid="stMain"]');
  return {window: innerWidth, page: document.documentElement.scrollWidth,
          main: m ? m.scrollWidth : 0}; }"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_hostile_root(ROOT, tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="module")
def hostile_ev(hostile: Path) -> Evidence:
    return load_evidence(hostile)  # the hostile catalogue is valid: it must load


@pytest.fixture(scope="module")
def view(hostile_ev: Evidence) -> ViewState:
    parsed, notices = ViewState.from_query(dict(parse_qsl(HOSTILE_VIEW)), hostile_ev.record_ids())
    assert notices == [] and parsed.event == HOSTILE_EVENT
    return parsed


@pytest.fixture
def browser_page(chromium: str) -> Iterator[tuple[Page, list[str]]]:
    """A page whose dialogs (alert, confirm, prompt) are recorded and dismissed."""
    with offline_browser() as (ctx, blocked):
        page = ctx.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        yield page, dialogs
        assert [u for u in blocked if not u.startswith("file:")] == []


def assert_unharmed(page: Page, dialogs: list[str]) -> None:
    page.wait_for_timeout(500)  # a late onerror or timer would have fired by now
    assert dialogs == []
    for frame in page.frames:
        assert _injected(frame) == CLEAN, frame.url
    widths = page.evaluate(WIDTHS)
    assert widths["page"] <= widths["window"] and widths["main"] <= widths["window"], widths


def settle(page: Page) -> None:
    """Wait for Streamlit's rerun to finish, so the page shows what the reader gets."""
    page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')",
                           timeout=60_000)


def _injected(frame: Frame) -> dict[str, object]:
    return frame.evaluate(INJECTED)


def test_app_shows_hostile_text_as_text(hostile: Path, browser_page: tuple[Page, list[str]]
                                        ) -> None:
    page, dialogs = browser_page
    with running_app(env={"CAUCMAP_ROOT": str(hostile)}, timeout=120) as url:
        page.goto(f"{url}/?{HOSTILE_VIEW}")
        page.locator(".cm-excerpt").first.wait_for(timeout=90_000)
        frame = page.frame_locator(MAP_FRAME)
        frame.locator(".cm-region-label").first.wait_for(timeout=60_000)
        markers = frame.locator(".cm-marker")
        for i in range(markers.count()):  # every tooltip is rendered once
            markers.nth(i).dispatch_event("mouseover")  # off-screen markers too
        main = page.locator("[data-testid='stMain']")
        heading = main.locator("h3").first.inner_text()
        assert heading.startswith('=HYPERLINK("http://x","y") <script>window.__pwned=1</script>'
                                  " **bold** [x](javascript:alert(1))")
        assert "evil.example" in main.inner_text()  # shown as text...
        assert main.locator("a[href*='evil.example']").count() == 0  # ...never as a link
        settle(page)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "app_hostile_panel.png"), full_page=False)
        assert_unharmed(page, dialogs)

        main.get_by_text("Read in context").first.click()
        page.locator("mark#cm-excerpt").wait_for(timeout=30_000)
        assert LONG[:50] in page.locator(".cm-source").first.inner_text()
        assert_unharmed(page, dialogs)

        page.get_by_test_id("stRadioGroup").get_by_text("Sources", exact=True).click()
        main.get_by_text("Cited by").first.wait_for(timeout=30_000)
        assert_unharmed(page, dialogs)


def test_html_export_shows_hostile_text_as_text(hostile_ev: Evidence, view: ViewState,
                                                tmp_path: Path,
                                                browser_page: tuple[Page, list[str]]) -> None:
    page, dialogs = browser_page
    out = export_view(hostile_ev, view, tmp_path / "hostile.html")
    page.goto(out.as_uri())
    page.locator(".cm-marker").first.wait_for(timeout=30_000)
    markers = page.locator(".cm-marker")
    for i in range(markers.count()):  # every tooltip and popup is rendered once
        markers.nth(i).dispatch_event("mouseover")
        markers.nth(i).dispatch_event("click")
        assert_unharmed(page, dialogs)
    popup = page.locator(".leaflet-popup-content")
    assert popup.count() == 1 and popup.bounding_box()["width"] <= 400
    assert_unharmed(page, dialogs)


def test_svg_export_shows_hostile_text_as_text(hostile_ev: Evidence, view: ViewState,
                                               tmp_path: Path,
                                               browser_page: tuple[Page, list[str]]) -> None:
    page, dialogs = browser_page
    out = export_view(hostile_ev, view, tmp_path / "hostile.svg", dpi=72)
    page.goto(out.as_uri())
    page.locator("text").first.wait_for(state="attached", timeout=30_000)
    texts = " ".join(page.locator("text").all_text_contents())
    assert "<img src=x" in texts  # the markup is there, as characters
    assert page.evaluate("document.querySelectorAll('script, foreignObject, image').length") == 0
    assert_unharmed(page, dialogs)
