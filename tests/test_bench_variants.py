"""The bench measures every variant from the repository alone, and says why when it cannot.

The naive variant once read ``../shared/geodata-raw`` relative to its own file, so the
copy the browser bench serves (``bench/work/naive/``) failed on every machine and
RESULTS.md showed "n/a" and "n/ax" without a reason.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from harness import running_app
from streamlit.testing.v1 import AppTest

from caucmap.evidence import default_evidence

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # bench/ is a package at the project root, not installed
    sys.path.insert(0, str(ROOT))

from bench import browser, budgets, report  # noqa: E402


def test_the_staged_naive_app_runs_from_what_the_repository_holds() -> None:
    script = browser.stage_naive()  # the copy the browser bench serves
    assert script.parent != ROOT / "bench"
    at = AppTest.from_file(str(script), default_timeout=120).run()
    assert not at.exception, at.exception
    located = sum(1 for e in default_evidence().events if e.places)
    assert at.markdown[-1].value == f"Events shown: {located}"
    (geojson,) = [c for c in at.get("component_instance")
                  if "streamlit_folium" in str(c.proto.component_name)]
    args = geojson.proto.json_args  # the raw 10m geometry, inline: about 370 kB
    assert "South Ossetia" in args and "Russia" in args and len(args) > 300_000


FAILED_NAIVE = {
    "catalogues": {"real": {
        "events": 38,
        "server": {"app": {"rerun_s": {"median": 0.2, "min": 0.2, "max": 0.2, "runs": 1}},
                   "naive": {"rerun_s": {"median": 2.0, "min": 2.0, "max": 2.0, "runs": 1}},
                   "floor": {"rerun_s": {"median": 0.01, "min": 0.01, "max": 0.01,
                                         "runs": 1}}},
        "browser": {"app": {"loaded_s": {"median": 3.0, "min": 3.0, "max": 3.0, "runs": 1}},
                    "naive": {"error": "server did not start: no chromium\nCopy\nAsk Google",
                              "peak_rss_mb": 200.0},
                    "floor_empty": {"loaded_s": {"median": 1.0, "min": 1.0, "max": 1.0,
                                                 "runs": 1}}},
    }},
    "export": {"png_a4_300dpi": {"median_s": 2.0, "min_s": 2.0, "max_s": 2.0, "runs": 1},
               "pdf_a4": {"median_s": 2.0, "min_s": 2.0, "max_s": 2.0, "runs": 1},
               "gif_a5_monthly_year": {"frames": 12, "size": "A5", "dpi": 120,
                                       "median_s": 7.2, "min_s": 7.0, "max_s": 7.5,
                                       "runs": 1, "per_frame_s": 0.6, "bytes": 600_000}},
}


def test_a_variant_that_could_not_run_is_named_with_its_reason() -> None:
    results = {**FAILED_NAIVE, "budgets": budgets.evaluate(FAILED_NAIVE)}
    text = report.render(results)
    assert "n/ax" not in text
    assert "- browser, naive: server did not start: no chromium\n" in text
    assert "Ask Google" not in text  # the first line of the error says it
    assert "| naive | **not measured** (below) |" in text


def test_the_gif_export_has_a_figure_and_a_budget_line() -> None:
    results = {**FAILED_NAIVE, "budgets": budgets.evaluate(FAILED_NAIVE)}
    text = report.render(results)
    assert ("Animated GIF (12 monthly frames of 2014 at A5, 120 dpi): 7.2 s [7.0-7.5] (n=1), "
            "0.6 s a frame") in text
    gif = [c for c in results["budgets"] if "animated GIF" in c["figure"]]
    assert [(c["value"], c["limit"], c["status"]) for c in gif] == [(7.2, 10.0, "PASS")]
    slow = {**FAILED_NAIVE, "export": {"gif_a5_monthly_year": {"error": "GEOSException: x"}}}
    (missing,) = [c for c in budgets.evaluate(slow) if "animated GIF" in c["figure"]]
    assert (missing["status"], missing["reason"]) == ("NOT MEASURED", "GEOSException: x")


@pytest.mark.browser
def test_a_cold_load_is_timed_by_the_page_itself(chromium: str) -> None:
    """The map's moment is the frame's own (a hook installed before its scripts), not when
    the harness noticed it, and the browser loads without request interception."""
    with running_app() as url:
        load = browser.load_once(url, "map", 120)
    assert load["seen_in_page"] and load["blocked_requests"] == 0
    assert 0 < load["shell_s"] < load["loaded_s"] <= load["noticed_s"] + 0.01


def test_the_server_side_bench_moves_the_apps_slider() -> None:
    """The worker opens the app as a browser does (its controls come after the map's
    report) and times reruns of slider moves; it once found no slider and ended early."""
    from bench import serverside

    out = serverside.run_worker(None, ["app"], 1, 120.0, "test")
    assert "error" not in out["app"], out["app"]
    assert out["app"]["reruns"] and out["app"]["reruns"][0]["events_shown"] is not None
