"""The evidence panel in real Chromium: beside each field, what backs it.

Saves ``tests/artifacts/evidence_panel_treaty.png``: the 2014 treaty's date, its
disputed place (Moscow or Sochi) and its actors, each with the excerpt or reference
that backs it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import MAP_FRAME, offline_browser

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

pytestmark = pytest.mark.browser


def test_panel_shows_the_backing_of_date_place_and_actors(app_url: str, chromium: str) -> None:
    with offline_browser() as (ctx, blocked):
        page = ctx.new_page()
        page.set_viewport_size({"width": 1500, "height": 3200})  # the whole panel at once
        page.goto(f"{app_url}/?event=russia-abkhazia-treaty-signed&from=2014-11-01"
                  "&to=2014-11-30")
        page.locator(".cm-excerpt").first.wait_for(timeout=90_000)
        panel = page.get_by_text("Backed by:", exact=False)
        text = "\n".join(panel.all_inner_texts())
        assert "Sputnik (claim): 'Monday' = 2014-11-24" in text
        assert "Agenda.ge (claim): Sochi" in text
        assert "The Moscow Times: Khadzhimba" in text
        ARTIFACTS.mkdir(exist_ok=True)
        page.frame_locator(MAP_FRAME).locator(
            ".cm-region-label").first.wait_for(timeout=60_000)
        page.screenshot(path=str(ARTIFACTS / "evidence_panel_treaty.png"))
        assert "disputed" in page.locator("p", has_text="Place:").first.inner_text()
        assert blocked == [], blocked
