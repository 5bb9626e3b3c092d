"""A cold open in real headless Chromium: the map first, the controls once it has drawn.

The first run sends the map alone (app/streamlit_app.py: ``controls_follow``); the map
starts from the window in the page's address, as the sidebar's #cm-window marker is not
there yet (page.js), says when it has drawn what it fetched ("drawn #n", timefilter.js),
and only that report brings the controls: the fallback timer is set far beyond the test
here. The map fills the window from the start and keeps its place when they come, and its
frame asks for the geometry beside its scripts (app/map_component).
"""

from __future__ import annotations

from datetime import date

import pytest
from harness import MAP_FRAME, offline_browser, on_every_map_js, running_app

from caucmap.settings import CONTROLS_AFTER_ENV

pytestmark = pytest.mark.browser
# noted in the map's frame before any of its scripts: the first window the map applies,
# and whether the page's #cm-window marker existed then
FIRST_WINDOW_JS = on_every_map_js("""
  this.once('cmwindow', e => {
    window.__cmFirst = [e.start, e.end, !!window.parent.document.getElementById('cm-window')];
  });
""")


def test_the_controls_follow_the_maps_report_and_the_map_keeps_its_place(
        chromium: str) -> None:
    start, end = date(2014, 1, 1), date(2015, 12, 31)
    with running_app(env={CONTROLS_AFTER_ENV: "600"}) as url, \
            offline_browser() as (ctx, blocked):
        page = ctx.new_page()
        page.add_init_script(FIRST_WINDOW_JS)
        page.goto(f"{url}/?from={start}&to={end}")
        frame = page.frame_locator(MAP_FRAME)
        frame.locator("#cm-map-status").wait_for(timeout=60_000)
        first = frame.locator("body").evaluate("() => window.__cmFirst")
        # the window of the address, read before the page had its marker
        assert first == [start.toordinal(), end.toordinal(), False]
        held = page.locator(MAP_FRAME).bounding_box()
        assert page.locator(MAP_FRAME).get_attribute("aria-label").startswith("Map of Georgia")
        window_height = page.viewport_size["height"]  # the map fills it, the legend below
        assert 0.8 * window_height < held["height"] < window_height - held["y"]
        page.locator('[data-testid="stSidebar"] [data-testid="stSlider"]').wait_for(
            timeout=60_000)
        page.locator("#cm-event-count").wait_for(timeout=60_000)
        assert page.locator(MAP_FRAME).bounding_box() == held
        assert "2014-01-01" in frame.locator("#cm-map-status").inner_text()
        assert not blocked


# in the map's frame: when its script bundle arrived, and when each fetched file was asked for
REQUESTS_JS = """() => {
  const entries = performance.getEntriesByType('resource');
  const bundle = entries.find(e => /\\/cache\\/map-[0-9a-f]+\\.js$/.test(e.name));
  return {bundle: bundle ? bundle.responseEnd : null,
          files: Object.fromEntries(entries.filter(e => /\\.geojson$/.test(e.name))
                                    .map(e => [e.name.split('/').pop(), e.startTime]))};
}"""


def test_the_frame_asks_for_the_maps_files_beside_its_scripts(chromium: str) -> None:
    """The geometry is requested as the frame opens, not once the scripts have run."""
    with running_app() as url, offline_browser() as (ctx, blocked):
        page = ctx.new_page()
        page.goto(url)
        frame = page.frame_locator(MAP_FRAME)
        frame.locator("#cm-map-status").wait_for(timeout=60_000)
        seen = frame.locator("body").evaluate(REQUESTS_JS)
        assert seen["bundle"] is not None
        assert {"regions.geojson", "borders.geojson"} <= set(seen["files"]), seen
        assert all(start < seen["bundle"] for start in seen["files"].values()), seen
        assert not blocked
