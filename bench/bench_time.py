"""Time in the browser (issue 13): a slider move end to end, and playback at 10k events.

    python -m bench.bench_time [--runs N] [--events 10000]   # writes bench/TIME_RESULTS.md

**Slider move.** In headless Chromium, on a warm server, one key press moves the end
of the date range by a day (alternately back and forth). Two clocks run from the press:
until the map's own status line shows the new window (``#cm-map-status`` in the map
frame: the browser has applied it), and until the page has settled (Streamlit's
``data-test-script-state`` leaves "running": its frontend has drawn the whole rerun).
The floor is the slider-only page (``floor_slider.py``) to its settled page, in the same
run, interleaved; the figures are ratios of medians.

**Cold open and the context layer.** Cold loads (a new offline Chromium each, warm
server) of the app's default view with and without the context layer (``?layers=``
without ``context``), and of the empty page, interleaved (``bench.browser.load_once``);
and the map's payload (the map component's arguments, rendered once per view) with and without
the context layer.

**Playback.** The standalone HTML export of a synthetic catalogue (the same scripts as
the app's map, with every event in canvas mode past ``MAX_ICONS``) plays back by month
at the fastest speed for a few seconds; frames are counted from the map's ``cmwindow``
events, and a ``longtask`` observer gives the longest main-thread task during playback.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

from bench import synthetic
from bench.browser import FLOOR_EMPTY, load_once
from bench.machine import describe
from caucmap.atomic import write_atomic
from caucmap.evidence import load_evidence
from caucmap.render_web import standalone_html
from caucmap.viewstate import ViewState
from tests.harness import MAP_FRAME, offline_browser, running_app

BENCH = Path(__file__).resolve().parent
APP = BENCH.parent / "app" / "streamlit_app.py"
FLOOR = BENCH / "floor_slider.py"
OUT = BENCH / "TIME_RESULTS.md"
SLIDER_RATIO_MAX = 3.0
PLAYBACK_FPS_MIN = 10.0
LONGEST_TASK_MAX_MS = 100.0
COLD_RATIO_MAX = 1.6
CONTEXT_MAX = 60_000  # bytes

RUN_DONE_JS = """() => document.querySelector('[data-testid="stApp"]')
  .getAttribute('data-test-script-state') !== 'running'"""
STATUS_JS = """() => { const f = document.querySelector(MAP_FRAME);
  const s = f && f.contentDocument.querySelector('#cm-map-status');
  return s ? s.innerText.slice(0, 23) : null; }""".replace("MAP_FRAME", repr(MAP_FRAME))


def slider_moves(url: str, *, with_map: bool, runs: int) -> list[tuple[float, float]]:
    """Seconds from a key press on the slider's end to (the map showing the new window,
    the rerun done as the browser sees it); the floor has no map: both are the latter."""
    times = []
    with offline_browser(intercept=False) as (ctx, _):
        page = ctx.new_page()
        page.goto(f"{url}/?from=2008-08-01&to=2008-08-31" if with_map else url)
        page.wait_for_function(RUN_DONE_JS, timeout=120_000)
        if with_map:
            page.wait_for_function(f"() => ({STATUS_JS})() !== null", timeout=120_000)
        page.wait_for_timeout(1500)  # the map's first report (its extent) and rerun settle
        page.wait_for_function(RUN_DONE_JS, timeout=60_000)
        thumb = page.get_by_role("slider").nth(1)
        for k in range(runs):
            before = page.evaluate(STATUS_JS) if with_map else None
            thumb.focus()
            t0 = time.perf_counter()
            thumb.press("ArrowLeft" if k % 2 == 0 else "ArrowRight")
            if with_map:
                page.wait_for_function(f"b => ({STATUS_JS})() !== b", arg=before,
                                       timeout=60_000, polling="raf")
            shown = time.perf_counter() - t0
            page.wait_for_timeout(20)  # the rerun message has left the server
            page.wait_for_function(RUN_DONE_JS, timeout=60_000, polling="raf")
            done = time.perf_counter() - t0
            times.append((shown if with_map else done, done))
            page.wait_for_timeout(300)
    return times


PLAY_JS = """async ([ms]) => {
  const map = Object.values(window).find(v => v instanceof L.Map);
  const tasks = [];
  const obs = new PerformanceObserver(l => l.getEntries().forEach(e => tasks.push(e.duration)));
  obs.observe({type: 'longtask'});
  let frames = 0;
  map.on('cmwindow', () => { frames += 1; });
  const strip = map._cmStrip;
  strip.step.value = 'month';
  strip.speed.value = '50';
  const opt = document.createElement('option'); opt.value = '50';
  strip.speed.appendChild(opt); strip.speed.value = '50';
  caucmap.setWindow(map, %d, %d);
  const t0 = performance.now();
  strip.start();
  await new Promise(r => setTimeout(r, ms));
  strip.stop(false);
  const secs = (performance.now() - t0) / 1000;
  obs.disconnect();
  return {frames, secs, fps: frames / secs, longest_task_ms: Math.max(0, ...tasks),
          long_tasks: tasks.length};
}"""


def playback(events: int, seconds: float) -> dict[str, float]:
    """Frames a second and the longest task while the standalone map plays back by month,
    asked for 20 frames a second (50 ms steps)."""
    root, _ = synthetic.ensure_root(events)
    ev = load_evidence(root)
    page_file = BENCH / "work" / f"playback-{events}.html"
    page_file.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(page_file, standalone_html(ev, ViewState()).encode("utf-8"), overwrite=True)
    start, end = date(1995, 1, 1).toordinal(), date(1995, 1, 31).toordinal()
    with offline_browser(intercept=False) as (ctx, _):
        page = ctx.new_page()
        page.goto(page_file.as_uri())
        page.wait_for_selector("#cm-map-status", timeout=120_000)
        page.wait_for_timeout(1000)
        return page.evaluate(PLAY_JS.replace("%d, %d", f"{start}, {end}"),
                             [int(seconds * 1000)])


NO_CONTEXT = "layers=borders,events,recognition,war2008"


def payloads() -> dict[str, int]:
    """Bytes of the map's component arguments, default view, with and without context."""
    sys.path.insert(0, str(APP.parent))
    import map_frame  # the app's own module: what the page sends

    from caucmap.evidence import default_evidence
    from caucmap.models import LayerName

    ev, view = default_evidence(), ViewState()
    without = view.with_(layers=view.layers - {LayerName.CONTEXT})
    size = {}
    for name, v in (("with_context", view), ("without_context", without)):
        args = map_frame.component_args(ev, v, (v.lat, v.lon, v.zoom))
        size[name] = len(json.dumps(args).encode("utf-8"))
    return size


def cold_loads(runs: int) -> dict[str, list[float]]:
    """Seconds to the drawn map (the empty page: to its main block), cold browser."""
    out: dict[str, list[float]] = {"app": [], "app_without_context": [], "empty": []}
    with running_app(APP) as app, running_app(FLOOR_EMPTY) as empty:
        load_once(app, "map", 120)  # the servers' first loads are not timed
        load_once(empty, "empty", 120)
        for _ in range(runs):
            out["app"].append(float(load_once(app, "map", 120)["loaded_s"]))
            out["app_without_context"].append(
                float(load_once(f"{app}/?{NO_CONTEXT}", "map", 120)["loaded_s"]))
            out["empty"].append(float(load_once(empty, "empty", 120)["loaded_s"]))
    return out


def measure(runs: int, events: int, seconds: float) -> dict[str, object]:
    """Every figure of this module, in one dict (results.json's "time")."""
    started = time.perf_counter()
    with running_app(APP) as app_url, running_app(FLOOR) as floor_url:
        app, floor = [], []
        for _ in range(3):  # interleaved, so a busy neighbour falls on both alike
            floor += slider_moves(floor_url, with_map=False, runs=max(1, runs // 3))
            app += slider_moves(app_url, with_map=True, runs=max(1, runs // 3))
    play = playback(events, seconds)
    cold = cold_loads(max(1, runs // 3))
    return {"when": datetime.now(UTC).isoformat(timespec="seconds"), "machine": describe(),
            "slider_app_s": app, "slider_floor_s": floor, "playback": play, "events": events,
            "cold": cold, "payload": payloads(), "took_s": time.perf_counter() - started}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args(argv)
    results = measure(args.runs, args.events, args.seconds)
    write_atomic(BENCH / "work" / "time_results.json",
                 json.dumps(results, indent=1).encode("utf-8"), overwrite=True)
    text = "# Time in the browser: benchmark results\n\n" + section(results)
    write_atomic(OUT, text.encode("utf-8"), overwrite=True)
    print(text)
    return 0


def _med(xs: list[float]) -> str:
    return f"{statistics.median(xs) * 1000:.0f} ms [{min(xs) * 1000:.0f}-{max(xs) * 1000:.0f}]"


def section(r: dict) -> str:
    """The figures as Markdown: a budget table and the medians behind it."""
    play, m = r["playback"], r["machine"]
    shown = [a[0] for a in r["slider_app_s"]]
    app = [a[1] for a in r["slider_app_s"]]
    floor = [f[1] for f in r["slider_floor_s"]]
    ratio = statistics.median(app) / statistics.median(floor)
    map_ratio = statistics.median(shown) / statistics.median(floor)
    status = {True: "**PASS**", False: "**MISS**"}
    rows = [
        ("real catalogue: slider move to the map showing the new window / floor (median)",
         f"{map_ratio:.2f}x", f"<= {SLIDER_RATIO_MAX:.0f}x", status[map_ratio <= SLIDER_RATIO_MAX]),
        ("real catalogue: slider move to the page settled (rerun done) / floor (median)",
         f"{ratio:.2f}x", f"<= {SLIDER_RATIO_MAX:.0f}x", status[ratio <= SLIDER_RATIO_MAX]),
        (f"{r['events']:,} events: playback frames a second", f"{play['fps']:.1f}",
         f">= {PLAYBACK_FPS_MIN:.0f}", status[play["fps"] >= PLAYBACK_FPS_MIN]),
        (f"{r['events']:,} events: longest main-thread task during playback",
         f"{play['longest_task_ms']:.0f} ms", f"<= {LONGEST_TASK_MAX_MS:.0f} ms",
         status[play["longest_task_ms"] <= LONGEST_TASK_MAX_MS]),
    ]
    cold, size = r["cold"], r["payload"]
    cold_ratio = statistics.median(cold["app"]) / statistics.median(cold["empty"])
    added = size["with_context"] - size["without_context"]
    rows += [
        ("real catalogue: cold time-to-map / empty page's time-to-paint (median)",
         f"{cold_ratio:.2f}x", f"<= {COLD_RATIO_MAX}x", status[cold_ratio <= COLD_RATIO_MAX]),
        ("context layer: added to the default view's map payload", f"{added / 1000:.1f} kB",
         f"<= {CONTEXT_MAX / 1000:.0f} kB", status[added <= CONTEXT_MAX]),
    ]
    table = "\n".join(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows)
    return f"""Measured by `bench/bench_time.py` on {r['when']} in {r['took_s']:.0f} s
(commit {m['git_commit']}; {m['cores']} cores, load average {m['load_average_start']} at
start). Compare ratios, not seconds across runs. How each figure is taken: see the module
docstring of `bench/bench_time.py`.

| figure | measured | budget | status |
|---|---|---|---|
{table}

- Slider move, from the key press: the map shows the new window after {_med(shown)}, the
  page has settled (Streamlit's frontend marks the rerun done) after {_med(app)} (n={len(app)});
  the slider-only floor settles after {_med(floor)} (n={len(floor)}). The server's own rerun
  is a small part of either (see the server-side table above).
- Cold time-to-map: app {_med(cold['app'])}, app without the context layer
  {_med(cold['app_without_context'])}, empty page {_med(cold['empty'])} (n={len(cold['app'])}).
- Map payload, default view: {size['with_context'] / 1000:.1f} kB with the context layer,
  {size['without_context'] / 1000:.1f} kB without (sent once: a slider move resends nothing).
- Playback: {play['frames']} frames in {play['secs']:.1f} s, asked for 20 a second (by
  month, {r['events']:,} synthetic events in canvas mode); {play['long_tasks']} long
  task(s) (over 50 ms).
"""


if __name__ == "__main__":
    sys.exit(main())
