"""The date window in the browser (timefilter.js), in real headless Chromium, offline.

The map holds every date and the browser applies the window, so these tests check that
what the browser shows is exactly what the Python filter (`events_layer`) gives for the
same window, on the real catalogue (the app) and a synthetic one past the canvas
threshold (the standalone export, same scripts); that a slider move reaches the map
without re-rendering it; that brushing the strip moves the slider and the URL; and that
playback advances frame by frame.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from datetime import date
from itertools import pairwise
from pathlib import Path

import pytest
from harness import MAP_COMPONENT, MAP_FRAME, offline_browser, running_app
from playwright.sync_api import BrowserContext, Frame, Page

from caucmap.evidence import Evidence, default_evidence, load_evidence
from caucmap.layers import events_layer
from caucmap.render_web import MAX_ICONS, all_dates, point_rows, standalone_html
from caucmap.viewstate import ViewState

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench import synthetic

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
WINDOWS = [(date(2008, 8, 1), date(2008, 8, 31)), (date(2014, 11, 24), date(2014, 11, 24)),
           (date(2014, 1, 1), date(2015, 12, 31)), (date(1992, 1, 1), date(2007, 12, 31)),
           (date(2020, 3, 1), date(2020, 3, 1)), (date(1990, 1, 1), date(2026, 1, 1))]


@pytest.fixture
def context(chromium: str) -> Iterator[BrowserContext]:
    with offline_browser() as (ctx, _):
        yield ctx


def map_frame(page: Page) -> Frame:
    page.wait_for_selector(MAP_FRAME, timeout=60_000)
    frame = page.frame_locator(MAP_FRAME)
    frame.locator("#cm-map-status").wait_for(timeout=60_000)
    return next(f for f in page.frames if MAP_COMPONENT in f.url)


def shown_positions(target: Page | Frame, start: date, end: date) -> list[int]:
    """Set the browser's window and read back which event points it shows, by position."""
    return target.evaluate(
        "([s, e]) => { caucmap.setWindow(window.map || map_obj(), s, e);"
        " const m = (window.map || map_obj())._cm.masks.events;"
        " return Array.from(m).flatMap((on, i) => on ? [i] : []); }",
        [start.toordinal(), end.toordinal()])


def expected_positions(ev: Evidence, view: ViewState, start: date, end: date) -> list[int]:
    """The positions, among the points the map numbers, of what the Python filter keeps."""
    every = point_rows(events_layer(ev, all_dates(view)).frame)["id"].tolist()
    kept = set(events_layer(ev, view.with_(start=start, end=end)).frame["id"])
    return [i for i, ident in enumerate(every) if ident in kept]


def test_the_browser_shows_what_the_python_filter_keeps_real_catalogue(
        app_url: str, context: BrowserContext) -> None:
    page = context.new_page()
    page.goto(app_url)
    frame = map_frame(page)
    ev = default_evidence()
    for start, end in WINDOWS:
        got = shown_positions(frame, start, end)
        assert got == expected_positions(ev, ViewState(), start, end), (start, end)
    assert any(shown_positions(frame, s, e) for s, e in WINDOWS)  # not all empty


def test_the_browser_shows_what_the_python_filter_keeps_synthetic(
        tmp_path: Path, context: BrowserContext) -> None:
    root = synthetic.generate(tmp_path / "root", MAX_ICONS + 500)  # canvas mode
    ev = load_evidence(root)
    view = ViewState(start=date(2010, 1, 1), end=date(2010, 12, 31))
    page_file = tmp_path / "map.html"
    page_file.write_text(standalone_html(ev, view), encoding="utf-8")
    page = context.new_page()
    page.goto(page_file.as_uri())
    page.wait_for_selector("#cm-map-status", timeout=60_000)
    page.evaluate("() => { window.map_obj = () => Object.values(window).find("
                  "v => v instanceof L.Map); }")
    first = page.locator("#cm-map-status").inner_text()
    assert "2010-01-01 \u2013 2010-12-31" in first
    for start, end in [(date(2010, 1, 1), date(2010, 12, 31)), *WINDOWS]:
        got = shown_positions(page, start, end)
        assert got == expected_positions(ev, view, start, end), (start, end)


def test_the_app_fetches_a_large_layer_beside_the_map(tmp_path: Path,
                                                      context: BrowserContext) -> None:
    """Past the canvas threshold the app's map message holds no points nor thousands of
    names: the browser fetches them as files named by their content, shows the names,
    and shows the points the Python filter keeps. Fails if the buffer's layout in
    points.js and render_web disagree."""
    root = synthetic.generate(tmp_path / "root", MAX_ICONS + 500)
    ev = load_evidence(root)
    with running_app(env={"CAUCMAP_ROOT": str(root)}, timeout=180) as url:
        page = context.new_page()
        fetched: list[str] = []
        page.on("requestfinished", lambda r: fetched.append(r.url))
        maps: list[str] = []  # the websocket messages that carry the map
        page.on("websocket", lambda ws: ws.on("framereceived", lambda d: maps.append(
            d.decode("utf-8", "replace") if isinstance(d, bytes) else d)))
        page.goto(url)
        frame = map_frame(page)
        frame.wait_for_function("() => window.map._cm.masks && window.map._cm.masks.events",
                                timeout=60_000)
        cached = sorted(u.rsplit(".", 1)[1] for u in fetched if "/app/static/cache/map-" in u)
        assert cached == ["bin", "js", "json"], fetched  # points, our scripts, place names
        message = next(m for m in maps if "canvasPoints" in m)
        assert not re.search(r'"[A-Za-z0-9+/]{4000,}=*"', message)  # no inlined points
        assert '"cls": "cm-place"' not in message  # no inlined place names
        frame.wait_for_function("() => document.querySelectorAll('.cm-place').length > 0",
                                timeout=30_000)
        for start, end in WINDOWS[:4]:
            got = shown_positions(frame, start, end)
            assert got == expected_positions(ev, ViewState(), start, end), (start, end)
            # the status counts what the window holds, those with no place too (they
            # travel in the same buffer)
            held = events_layer(ev, ViewState(start=start, end=end)).frame
            status = frame.locator("#cm-map-status").inner_text()
            unplaced = int(held.geometry.isna().sum())
            assert re.search(rf"Events: {len(held)}\b", status), (start, end, status)
            assert (f"({unplaced} with no place" in status) == bool(unplaced), status
        assert "with no place" in frame.evaluate(  # the whole range has some
            "() => { caucmap.setWindow(window.map, 1, 3652059);"
            " return document.querySelector('#cm-map-status').innerText; }")


def test_slider_move_reaches_the_map_and_brushing_moves_the_slider(
        app_url: str, context: BrowserContext) -> None:
    page = context.new_page()
    page.goto(f"{app_url}/?from=2008-08-01&to=2008-08-31")
    frame = map_frame(page)
    status = page.frame_locator(MAP_FRAME).locator("#cm-map-status")
    ev = default_evidence()
    august = events_layer(ev, ViewState(start=date(2008, 8, 1), end=date(2008, 8, 31)))
    assert f"Events: {len(august.frame)}" in status.inner_text()
    drawn = frame.evaluate("() => document.querySelectorAll('#map_div .cm-marker').length")
    frame.evaluate("() => { window.cmMounted = true; }")  # gone if the map remounts

    thumb = page.get_by_role("slider").nth(1)  # the end of the range, to today
    thumb.focus()
    thumb.press("End")
    page.wait_for_function(
        f"() => !document.querySelector({MAP_FRAME!r}).contentDocument"
        ".querySelector('#cm-map-status').innerText.includes('2008-08-31')", timeout=30_000)
    later = events_layer(ev, ViewState(start=date(2008, 8, 1)))
    assert f"Events: {len(later.frame)}" in status.inner_text()
    assert frame.evaluate("() => window.cmMounted") is True  # the same map: kept, not rebuilt
    more = frame.evaluate("() => document.querySelectorAll('#map_div .cm-marker').length")
    assert more > drawn

    # brush 2014 on the strip: the map, then the slider and the URL follow
    strip = status.locator("xpath=../..").locator("canvas.cm-time-strip").bounding_box()
    low, high = date(1990, 1, 1).toordinal(), date.today().toordinal()

    def x_of(day: date) -> float:
        return strip["x"] + strip["width"] * (day.toordinal() - low) / (high - low)

    y = strip["y"] + strip["height"] / 2
    page.mouse.move(x_of(date(2014, 1, 15)), y)
    page.mouse.down()
    page.mouse.move(x_of(date(2014, 12, 15)), y, steps=4)
    page.mouse.up()
    page.wait_for_function("() => new URLSearchParams(location.search).get('from')"
                           "?.startsWith('2014-01')", timeout=30_000)
    thumbs = page.get_by_role("slider")
    for _ in range(60):  # the sidebar slider follows the brush
        values = [thumbs.nth(i).get_attribute("aria-valuetext") for i in range(2)]
        if values[0].startswith("2014-01") and values[1].startswith("2014-12"):
            break
        page.wait_for_timeout(500)
    assert values[0].startswith("2014-01") and values[1].startswith("2014-12"), values
    assert "2014-01" in status.inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "time_brushed.png"))


def test_playback_advances_frame_by_frame_and_leaves_the_url_at_the_frame(
        app_url: str, context: BrowserContext) -> None:
    page = context.new_page()
    page.goto(f"{app_url}/?from=2014-11-01&to=2014-11-30")
    map_frame(page)
    # the controls arrive after the map: a busy page would stretch the samples' spacing
    page.locator("[data-testid=stSidebar] [data-testid=stSlider]").wait_for()
    inner = page.frame_locator(MAP_FRAME)
    status = inner.locator("#cm-map-status")
    inner.locator("select.cm-time-step").select_option("week")
    inner.locator("select.cm-time-speed").select_option("250")
    inner.locator("button.cm-time-play").click()
    seen = []
    for _ in range(12):
        page.wait_for_timeout(250)
        seen.append(status.inner_text().split("   ")[0])
    inner.locator("button.cm-time-play").click()  # pause: the URL keeps the frame shown
    frames = list(dict.fromkeys(seen))
    assert len(frames) >= 4, seen  # the window moved on, week by week
    starts = [date.fromisoformat(f[:10]) for f in frames]
    steps = [(b - a).days for a, b in pairwise(starts)]
    # forward by whole weeks, one week at its best: a slow sample may see a frame later
    # (so a dropped frame passes here; bench_time measures the frames a second)
    assert all(d > 0 and d % 7 == 0 for d in steps) and min(steps) == 7, frames
    shown = inner.locator("#cm-map-status").inner_text()[:10]
    page.wait_for_function(f"() => new URLSearchParams(location.search).get('from') === "
                           f"'{shown}'", timeout=30_000)


def test_the_map_previews_the_sidebar_slider_before_its_rerun(
        app_url: str, context: BrowserContext) -> None:
    """The slider's own thumbs move at once; the map follows them without waiting for
    the server (simulated: the thumb's value changes, no rerun is asked for)."""
    page = context.new_page()
    page.goto(f"{app_url}/?from=2008-08-01&to=2008-08-31")
    map_frame(page)
    page.locator("[data-testid=stSidebar] [data-testid=stSlider]").wait_for()  # after the map
    page.evaluate("() => document.querySelectorAll('[data-testid=stSidebar] "
                  "[data-testid=stSlider] input[type=range]')[1]"
                  ".setAttribute('aria-valuetext', '2008-08-15')")
    page.wait_for_function(
        f"() => document.querySelector({MAP_FRAME!r}).contentDocument"
        ".querySelector('#cm-map-status').innerText.startsWith('2008-08-01 \u2013 2008-08-15')",
        timeout=10_000)
    # no rerun: only the map moved
    assert page.evaluate("() => new URLSearchParams(location.search).get('to')") == "2008-08-31"


def test_the_time_control_fits_a_phones_map(app_url: str, context: BrowserContext) -> None:
    """On a phone the map is narrow: the status line wraps rather than push the time
    control past the map's edge."""
    page = context.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{app_url}/?from=2014-01-01&to=2015-12-31")
    frame = map_frame(page)
    boxes = frame.evaluate("""() => [document.querySelector('.leaflet-container'),
        document.querySelector('.cm-time')].map(e => e.getBoundingClientRect().right)""")
    assert boxes[1] <= boxes[0], boxes
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "time_phone.png"))
