"""Browser-side figures: cold time-to-map in headless Chromium, responsiveness, server memory.

    >>> measure([Variant("app", APP), Variant("floor_empty", FLOOR_EMPTY, mode="empty")],
    ...         loads=3, limit_s=300)

Each load is cold on the browser side: a new headless Chromium (``offline_browser``,
every off-localhost request aborted) with an empty cache, timed from ``goto`` until
Leaflet in the map frame holds the four regions (GEO, ABK, SOS, RUS: their geometry
is fetched, so this is the moment the map is really there), or for the empty floor
until Streamlit's main block is visible. Both moments are noted inside the page by a
hook installed before its scripts (``SEEN_JS``), on the machine's clock: the harness's
own round trips to the browser, slow while the page is busy, are not counted (they
added 0.1-0.3 s to the map's figure, less to the idle empty page's). The browser runs
without request interception (``offline_browser(intercept=False)``), which would turn
its HTTP cache off and hold every request for a round trip to Playwright. The server
side is warm: one untimed first load per server pays evidence loading and the first
render (reported apart as ``first_load_s``). Variants are interleaved load by load,
so noise from a busy neighbour falls on all of them alike.

Between the page's shell and the map there are the server's script run, the websocket
message carrying the map (``map_message_s``: when the map's element arrived) and
the browser's rendering until the map's iframe exists (``frame_s``, noted in the page),
waiting for the JS chunks of the elements on screen (``js_chunks_before_map``: those
done before the regions drew; ``js_chunks``: all of the load).

"Responsive" is read inside the map frame: the longest main-thread task seen during
the load (``PerformanceObserver('longtask')``, installed before any page script
runs) and the time for one ``requestAnimationFrame`` round-trip right after the map
has drawn. A frozen tab shows up as a long task of seconds and a late frame.
"""

from __future__ import annotations

import shutil
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from bench.procmem import memory_mb, server_pid
from bench.stats import summary
from tests.harness import MAP_COMPONENT, offline_browser, on_every_map_js, running_app
from tests.harness import MAP_FRAME as APP_MAP_FRAME

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
APP = REPO / "app" / "streamlit_app.py"
FLOOR_EMPTY = BENCH / "floor_empty.py"
NAIVE_STAGE = BENCH / "work" / "naive"
MAIN_BLOCK = '[data-testid="stApp"] [data-testid="stMainBlockContainer"]'
#: the app's map, or the naive variant's (streamlit-folium's frame)
MAP_FRAME = f"{APP_MAP_FRAME}, iframe[title*='streamlit_folium']"
APP_ERROR = '[data-testid="stException"]'
REGIONS = ("GEO", "ABK", "SOS", "RUS")
#: names of the map's component: the app's, the naive variant's (streamlit-folium)
MAP_COMPONENTS = (MAP_COMPONENT, "streamlit_folium.st_folium")

LONG_TASKS_JS = """
window.__cmLongTasks = [];
try {
  new PerformanceObserver(list => {
    for (const e of list.getEntries()) {
      const where = (e.attribution && e.attribution[0]) || {};
      window.__cmLongTasks.push([performance.timeOrigin + e.startTime, e.duration,
                                 where.containerType || e.name]);
    }
  }).observe({type: 'longtask', buffered: true});
} catch (e) { window.__cmLongTasks = null; }
"""
# Resolves once Leaflet holds every region feature and markers have stopped arriving
# (none for QUIET ms: the app adds points in setTimeout chunks), or after limitMs.
# Event-driven (Leaflet's 'layeradd') rather than rescanning the map's layers on a
# timer, which with 100k markers would itself load the main thread being measured.
# At the moment the regions are complete it also times one requestAnimationFrame +
# setTimeout(0) round-trip: is the tab free right after the map appears?
WAIT_MAP_JS = """
(_body, [wanted, limitMs, quietMs]) => new Promise(done => {
  const t0 = performance.now(), ids = new Set();
  let finished = false, onAdd = null, readyAt = null, lastAdd = null, rafMs = null;
  let markersAtReady = null;
  const markers = () => {
    let n = 0;
    for (const k in window.map._layers) {
      const l = window.map._layers[k];
      if (!l.feature && l.getLatLng) n++;
    }
    return n;
  };
  const note = l => {
    if (l && l.feature && l.feature.properties) ids.add(l.feature.properties.id);
  };
  const finish = () => {
    if (finished) return;
    finished = true;
    if (onAdd) window.map.off('layeradd', onAdd);
    const now = performance.now();
    done({ids: [...ids], since_ready_ms: readyAt === null ? null : now - readyAt,
          settled_after_ms: readyAt === null ? null : Math.max(0, (lastAdd || 0) - readyAt),
          markers_at_ready: markersAtReady, markers: window.map ? markers() : 0,
          raf_ms: rafMs, long_tasks: window.__cmLongTasks});
  };
  const settle = () => {
    const now = performance.now();
    if (now - t0 > limitMs) return finish();
    if (rafMs !== null && now - Math.max(lastAdd || 0, readyAt) >= quietMs) return finish();
    setTimeout(settle, 100);
  };
  const onReady = () => {
    readyAt = performance.now();
    markersAtReady = markers();
    requestAnimationFrame(() => setTimeout(() => { rafMs = performance.now() - readyAt; }, 0));
    settle();
  };
  (function waitForMap() {
    const m = window.map;
    if (!m || !m._layers) {
      if (performance.now() - t0 > limitMs) return finish();
      return setTimeout(waitForMap, 50);
    }
    for (const k in m._layers) note(m._layers[k]);
    onAdd = e => {
      lastAdd = performance.now();
      if (readyAt === null) {
        note(e.layer);
        if (wanted.every(i => ids.has(i))) onReady();
      }
    };
    m.on('layeradd', onAdd);
    if (wanted.every(i => ids.has(i))) onReady();
    setTimeout(finish, Math.max(0, limitMs - (performance.now() - t0)));
  })();
})
"""
QUIET_MS = 1500

# installed in every frame before its scripts: when the page's main block is first
# visible (as Playwright means it: a box, not hidden) and the map's iframe exists, and
# when Leaflet first holds each feature id (a hook on every L.Map, set as Leaflet
# defines window.L); epoch ms
SEEN_JS = """
window.__cmSeen = {};
window.__cmStamp = key => {
  const seen = window.__cmSeen;
  if (!(key in seen)) seen[key] = performance.timeOrigin + performance.now();
};
if (window === window.top) {
  const watch = new MutationObserver(() => {
    const el = document.querySelector(MAIN_BLOCK), box = el && el.getBoundingClientRect();
    if (box && box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== 'hidden') {
      window.__cmStamp('main');
    }
    if (document.querySelector(MAP_FRAME)) window.__cmStamp('frame');
    if ('main' in window.__cmSeen && 'frame' in window.__cmSeen) watch.disconnect();
  });
  watch.observe(document, {subtree: true, childList: true, attributes: true});
}
""".replace("MAIN_BLOCK", repr(MAIN_BLOCK)).replace("MAP_FRAME", repr(MAP_FRAME))
SEEN_JS += on_every_map_js("""
  this.on('layeradd', e => {
    const p = e.layer && e.layer.feature && e.layer.feature.properties;
    if (p && p.id) window.__cmStamp(p.id);
  });
""")

# Streamlit's frontend loads a JS chunk per kind of element on first use: on a cold
# cache a richer page waits for more of them before it renders (and creates the map);
# those done before the map drew (epoch ms; none given: all) are the ones it waited for
SCRIPTS_JS = """
(mapDrawn) => {
  const js = performance.getEntriesByType('resource')
    .filter(e => e.name.includes('/static/js/') && !e.name.includes('/vendor/'));
  const before = js.filter(e => mapDrawn === null ||
                                performance.timeOrigin + e.responseEnd <= mapDrawn);
  return {js_chunks: js.length, js_chunks_before_map: before.length,
          js_bytes: js.reduce((n, e) => n + (e.encodedBodySize || 0), 0),
          last_js_s: before.reduce((t, e) => Math.max(t, e.responseEnd), 0) / 1000};
}
"""


@dataclass
class Variant:
    """One app to load: a Streamlit script, its environment and what "loaded" means."""

    name: str
    script: Path
    env: dict[str, str] = field(default_factory=dict)
    mode: Literal["map", "empty"] = "map"


def stage_naive() -> Path:
    """Copy ``naive_app.py`` beside a ``static`` link to ``app/static`` (vendored Leaflet).

    Streamlit serves ``static/`` next to the main script, and ``bench/`` has none.
    """
    NAIVE_STAGE.mkdir(parents=True, exist_ok=True)
    link = NAIVE_STAGE / "static"
    if not link.is_symlink():
        link.symlink_to(REPO / "app" / "static", target_is_directory=True)
    for name in ("naive_app.py", "naive_geodata.geojson"):  # it reads the geometry beside it
        shutil.copyfile(BENCH / name, NAIVE_STAGE / name)
    return NAIVE_STAGE / "naive_app.py"


def load_once(url: str, mode: str, limit_s: float) -> dict[str, object]:
    """One cold load in a new offline browser; seconds to the map (or main block)."""
    limit_ms = limit_s * 1000
    with offline_browser(intercept=False) as (ctx, blocked):
        page = ctx.new_page()
        page.add_init_script(LONG_TASKS_JS)  # runs in every frame, before its scripts
        page.add_init_script(SEEN_JS)
        arrivals: list[float] = []

        def on_frame(payload: str | bytes) -> None:
            data = payload.encode() if isinstance(payload, str) else payload
            if not arrivals and any(n.encode() in data for n in MAP_COMPONENTS):
                arrivals.append(time.perf_counter())

        page.on("websocket", lambda ws: ws.on("framereceived", on_frame))
        start, start_epoch = time.perf_counter(), time.time()
        page.goto(url, wait_until="commit", timeout=limit_ms)
        page.wait_for_selector(MAIN_BLOCK, state="visible", timeout=limit_ms)
        out: dict[str, object] = {"shell_s": time.perf_counter() - start}
        drawn_at = None
        if (shown := page.evaluate("() => window.__cmSeen.main")) is not None:
            out["shell_s"] = shown / 1000 - start_epoch
        if mode == "empty":
            out["loaded_s"] = out["shell_s"]
        else:
            page.wait_for_selector(f"{MAP_FRAME}, {APP_ERROR}", timeout=limit_ms)
            if page.locator(APP_ERROR).count():  # the script raised: say so, don't wait on
                text = page.locator(APP_ERROR).first.inner_text()
                raise RuntimeError(f"the app shows an exception: {text[:1500]}")
            out["frame_s"] = time.perf_counter() - start
            out["map_message_s"] = arrivals[0] - start if arrivals else None
            body = page.frame_locator(MAP_FRAME).locator("body")
            drawn = body.evaluate(WAIT_MAP_JS, [list(REGIONS), limit_ms, QUIET_MS],
                                  timeout=limit_ms)
            resolved = time.perf_counter()
            missing = sorted(set(REGIONS) - set(drawn["ids"]))
            if missing or drawn["since_ready_ms"] is None:
                raise TimeoutError(f"regions {missing} not drawn within {limit_s} s")
            ready = resolved - drawn["since_ready_ms"] / 1000  # back to our clock
            out["noticed_s"] = out["loaded_s"] = ready - start  # when the harness saw it
            seen = body.evaluate("() => window.__cmSeen || {}")
            out["seen_in_page"] = all(region in seen for region in REGIONS)
            if out["seen_in_page"]:  # the frame's own moment
                drawn_at = max(seen[r] for r in REGIONS)
                out["loaded_s"] = drawn_at / 1000 - start_epoch
            if (made := page.evaluate("() => window.__cmSeen.frame")) is not None:
                out["frame_s"] = made / 1000 - start_epoch
            out["settled_s"] = ready - start + drawn["settled_after_ms"] / 1000
            page_tasks, origin = page.evaluate("() => [window.__cmLongTasks, "
                                               "performance.timeOrigin]")
            tasks = _tasks(drawn["long_tasks"], page_tasks, origin)
            durations = [t[1] for t in tasks]
            out.update(markers=drawn["markers"], markers_at_draw=drawn["markers_at_ready"],
                       raf_ms=drawn["raf_ms"],
                       longest_task_ms=max(durations, default=0.0),
                       blocking_ms=sum(max(0.0, d - 50) for d in durations),
                       long_tasks_observed=drawn["long_tasks"] is not None,
                       longest_tasks=sorted(tasks, key=lambda t: -t[1])[:5])
        out.update(page.evaluate(SCRIPTS_JS, drawn_at))
        out["blocked_requests"] = len(blocked)
    return out


def _tasks(frame: list | None, page: list | None, origin: float) -> list[list]:
    """Long tasks seen by the map frame and the page, once each: [start ms, ms, where].

    A task of the (same-origin) frame may be reported to both observers; starts are
    made relative to the page's navigation so they read as a timeline of the load.
    """
    seen: dict[tuple[int, int], list] = {}
    for start, duration, where in [*(frame or []), *(page or [])]:
        key = (round(start), round(duration))
        seen.setdefault(key, [round(start - origin), round(duration), where])
    return sorted(seen.values())


def _fold(first: dict[str, object], loads: list[dict[str, object]]) -> dict[str, object]:
    def col(key: str) -> list[float]:
        return [float(r[key]) for r in loads if r.get(key) is not None]

    out: dict[str, object] = {"first_load_s": round(float(first["loaded_s"]), 3),
                              "loaded_s": summary(col("loaded_s")),
                              "shell_s": summary(col("shell_s"))}
    if "markers" in first:
        out["frame_s"] = summary(col("frame_s"))
        out["settled_s"] = summary(col("settled_s"))
        out["map_message_s"] = summary(col("map_message_s"))
        out.update(raf_ms=summary(col("raf_ms"), 1),
                   longest_task_ms=summary(col("longest_task_ms"), 1),
                   blocking_ms=summary(col("blocking_ms"), 1),
                   markers=max(int(r["markers"]) for r in [first, *loads]),
                   markers_at_draw=summary(col("markers_at_draw"), 0),
                   longest_tasks_last_load=(loads or [first])[-1]["longest_tasks"],
                   long_tasks_observed=all(r["long_tasks_observed"] for r in loads))
    out["blocked_requests"] = sum(int(r["blocked_requests"]) for r in [first, *loads])
    last = (loads or [first])[-1]
    out["js_chunks"], out["js_bytes"] = last["js_chunks"], last["js_bytes"]
    out["js_chunks_before_map"] = last["js_chunks_before_map"]
    out["last_js_s"] = summary(col("last_js_s"))
    return out


def measure(variants: list[Variant], loads: int, limit_s: float) -> dict[str, dict]:
    """Start every variant's server, warm each once, then time ``loads`` interleaved rounds."""
    out: dict[str, dict] = {v.name: {} for v in variants}
    firsts: dict[str, dict] = {}
    runs: dict[str, list[dict]] = {v.name: [] for v in variants}
    with ExitStack() as stack:
        urls: dict[str, str] = {}
        for v in variants:
            try:
                urls[v.name] = stack.enter_context(running_app(v.script, env=v.env))
            except (RuntimeError, TimeoutError) as exc:
                out[v.name]["error"] = f"server did not start: {exc}"[:2000]
        pids = {name: server_pid(url) for name, url in urls.items()}
        modes = {v.name: v.mode for v in variants}
        for name, url in list(urls.items()):
            try:
                firsts[name] = load_once(url, modes[name], limit_s)
            except Exception as exc:  # Playwright TimeoutError and friends: report, go on
                out[name]["error"] = f"first load failed: {exc}"[:2000]
                del urls[name]
        for _ in range(loads):
            for name, url in list(urls.items()):
                try:
                    runs[name].append(load_once(url, modes[name], limit_s))
                except Exception as exc:
                    out[name]["error"] = f"timed load failed: {exc}"[:2000]
                    del urls[name]
        for name in urls:
            out[name].update(_fold(firsts[name], runs[name]))
        for name, pid in pids.items():  # also for a variant that failed: its peak so far
            out[name].update(memory_mb(pid) if pid else
                             {"memory_error": "server process not found in /proc"})
    return out
