"""The performance budgets, checked against one run's results: PASS, MISS or not measured.

Each check gives the figure, its limit, and for a MISS the measured reason (from the
run's own breakdowns and profiles) and a next step, so a reader of RESULTS.md does
not have to redo the analysis. Relative budgets compare with the floor measured in
the same run; absolute ones are for the 100k-event catalogue and the export.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

from bench.stats import dig, ratio

KB = 1000
PAYLOAD_REAL_MAX = 200 * KB
RERUN_FLOOR_RATIO_MAX = 2.0
LOAD_FLOOR_RATIO_MAX = 1.3
BIG = "100000"
RERUN_BIG_MAX_S = 0.4
PAYLOAD_BIG_MAX = 2000 * KB
LOAD_BIG_MAX_S = 5.0
LONGEST_TASK_MAX_MS = 1000.0  # a main thread blocked for a second reads as a frozen tab
FRAME_AFTER_DRAW_MAX_MS = 200.0  # the "good" interaction-to-next-paint threshold
EXPORT_MAX_S = 3.0
GIF_MAX_S = 10.0  # issue 13: a year of monthly frames at A5

#: substrings of profiled functions -> what to try; first match per function wins
ADVICE: list[tuple[str, str]] = [
    ("naming.py:localise", "naming.localise rebuilds its alias key from every place on each "
     "call (O(places) per title/summary/place name): build the pattern once per "
     "(catalogue, naming)"),
    ("layers.py:_all_events", "build the event rows once per catalogue and naming, "
     "vectorised, not row by row"),
    ("evidence.py:event.", "Evidence.event()/record() scan every event to find one id, and "
     "the app calls it on each rerun even with nothing selected: index records by id once"),
    ("evidence.py:record_ids", "Evidence.record_ids() builds a set of every event id on "
     "each call, and the app calls it on every rerun (URL check): compute it once per "
     "Evidence"),
    ("streamlit_app.py:event_panel", "the event panel builds a dict and a selectbox of every "
     "event in range on each rerun: cap, filter or paginate it"),
    ("streamlit_app.py:downloads", "download buttons serialise the layer eagerly on every "
     "rerun: make them callables (computed on click) like the map exports"),
    ("timeline.py", "the timeline chart is rebuilt and re-serialised on every rerun: cache "
     "its data or render it only on its tab"),
    ("render_web.py", "the map's feature groups are rebuilt on every rerun: cache the "
     "rendered group per (catalogue, view) and build point rows from columns, not rows"),
    ("layers.py", "layer frames are filtered and restyled on every rerun: cache per view or "
     "precompute the date masks"),
    ("[yaml]", "YAML parsing dominates loading: generated catalogues can use events.jsonl; "
     "or cache the verified catalogue on disk keyed by file hashes"),
    ("[pyarrow]", "pandas 3 keeps strings in Arrow arrays: each date-mask filter of the wide "
     "layer frames copies (takes) every string column; filter only the columns a renderer "
     "needs, or index precomputed numpy arrays"),
    ("evidence.py", "loading and verifying the catalogue dominates: cache verified results"),
]


@dataclass
class Check:
    scope: str
    figure: str
    value: float | None
    limit: float
    unit: str
    status: str  # PASS | MISS | NOT MEASURED | NOT RUN
    detail: str = ""
    reason: str = ""
    next_step: str = ""


def _why_missing(cat: dict | None, side: str, variant: str) -> str:
    if cat is None:
        return "catalogue size not in this run (see --sizes)"
    if cat.get("skipped"):
        return str(cat["skipped"])
    if side == "browser" and cat.get("browser_skipped"):
        server_error = dig(cat, "server", "app", "error")
        return f"{cat['browser_skipped']} ({server_error})"
    error = dig(cat, side, variant, "error")
    return str(error) if error else f"no {side} figures for {variant}"


def _status(value: float | None, limit: float) -> str:
    return "NOT MEASURED" if value is None else ("PASS" if value <= limit else "MISS")


def profile_reason(profile: dict | None, n: int = 5) -> tuple[str, str]:
    """(where the time went, advice) from a sampled profile of a rerun."""
    if not profile or not profile.get("inclusive"):
        return "", ""
    own = [p for p in profile.get("project", [])
           if not str(p["function"]).endswith((":<module>", ":main"))][:n]
    leaves = profile.get("self", [])[:4]
    reason = ("profiled reruns, innermost project function of each sample (with the "
              "libraries it calls): "
              + ", ".join(f"{p['function']} {p['share']:.0%}" for p in own)
              + "; by package: " + ", ".join(f"{p['function']} {p['share']:.0%}"
                                             for p in leaves))
    advice: list[str] = []
    for p in [*own, *leaves]:
        for needle, text in ADVICE:
            if needle in str(p["function"]) and text not in advice:
                advice.append(text)
                break
    return reason, "; ".join(advice[:3])


def _s(seconds: float | None) -> str:
    if seconds is None:
        return "n/a"
    return f"{seconds:.2f} s" if seconds >= 1 else f"{seconds * 1000:.3g} ms"


def time_to_map_reason(browser: dict, server: dict, floor: dict | None = None
                       ) -> tuple[str, str]:
    """Where a slow load goes: shell, map message, JS chunks, iframe, regions."""
    def med(data: dict | None, key: str) -> float | None:
        return dig(data, key, "median")

    shell, msg, js = med(browser, "shell_s"), med(browser, "map_message_s"), med(
        browser, "last_js_s")
    frame, drawn = med(browser, "frame_s"), med(browser, "loaded_s")
    session = med(server, "new_session_s")
    chunks = browser.get("js_chunks_before_map", browser.get("js_chunks"))
    floor_chunks = (floor or {}).get("js_chunks")
    mb = (browser.get("js_bytes") or 0) / 1e6
    reason = (f"page shell painted at {_s(shell)} (empty page: {_s(med(floor, 'loaded_s'))}); "
              f"the map's websocket message in by {_s(msg)} (a new session's script run "
              f"takes {_s(session)} on the warm server); {chunks} JS chunks done before the "
              f"map drew, by {_s(js)} ({browser.get('js_chunks')} in the whole load, "
              f"{mb:.1f} MB; the empty page loads {floor_chunks}); map iframe created at "
              f"{_s(frame)}; regions drawn at {_s(drawn)}; all markers added by "
              f"{_s(med(browser, 'settled_s'))}")
    steps = []
    if None not in (msg, shell) and msg - shell > 0.5:
        steps.append(f"server: the map arrives {msg - shell:.1f} s after the shell; make a "
                     "new session's script run cheaper (see the rerun profile)")
    if None not in (js, shell) and js - shell > 0.5 and chunks and floor_chunks and \
            chunks > floor_chunks:
        steps.append(f"network: {chunks - floor_chunks} more JS chunks than the empty page "
                     "(Streamlit loads one per kind of element on first use): fewer kinds of "
                     "element on the first screen")
    if None not in (frame, msg, js) and frame - max(msg, js) > 0.5:
        steps.append(f"browser: {frame - max(msg, js):.1f} s pass between the last JS chunk "
                     "or the map's message and the map's iframe, neither network nor server: "
                     "record a Chromium performance trace of a load to see what the frontend "
                     "renders first")
    if None not in (frame, drawn) and drawn - frame > 0.5:
        steps.append(f"map frame: {drawn - frame:.1f} s from iframe to regions (Leaflet "
                     "start-up, the map script with its points, the geometry fetch)")
    tasks = browser.get("longest_tasks_last_load") or []
    if tasks:
        reason += ("; longest main-thread tasks of the last load [start ms, ms, where]: "
                   + ", ".join(str(t) for t in tasks[:3]))
    return reason, "; ".join(steps) or "see the per-catalogue tables"


def responsiveness_reason(browser: dict) -> tuple[str, str]:
    """Why the map frame's main thread is busy: what is being drawn, the longest tasks."""
    at_map, total = dig(browser, "markers_at_draw", "median"), browser.get("markers")
    tasks = browser.get("longest_tasks_last_load") or []
    reason = (f"{_num_text(at_map)} of {_num_text(total)} markers were on the map when the "
              f"regions appeared; all were added by {_s(dig(browser, 'settled_s', 'median'))}"
              "; longest tasks of the last load [start ms, ms, where]: "
              + (", ".join(str(t) for t in tasks[:3]) or "none"))
    return reason, ("draw points on one canvas layer from the compact arrays (no Leaflet "
                    "layer object per point), in smaller chunks or only those in view; "
                    "bind tooltips/popups on demand")


def _num_text(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.0f}"


def _payload_reason(payload: dict) -> tuple[str, str]:
    split = ", ".join(f"{k} {v / KB:.0f} kB" for k, v in payload.items() if k != "total" and v)
    return (f"payload split: {split}",
            "send points as compact arrays without per-row HTML (tooltips/popups built on "
            "click from an id), and fewer points at low zoom (aggregate or send only the "
            "view's bounds)")


def evaluate(results: dict) -> list[dict]:
    """Every budget of the issue against ``results`` (the dict written to results.json)."""
    cats: dict = results.get("catalogues", {})
    checks: list[Check] = []

    def add(scope: str, figure: str, value: float | None, limit: float, unit: str,
            missing: Callable[[], str], reason: Callable[[], tuple[str, str]],
            detail: str = "") -> None:
        status = _status(value, limit)
        if scope not in cats and scope != "export" and status == "NOT MEASURED":
            status = "NOT RUN"
        check = Check(scope, figure, value, limit, unit, status, detail)
        if status in ("NOT MEASURED", "NOT RUN"):
            check.reason = missing()
        elif status == "MISS":
            check.reason, check.next_step = reason()
        checks.append(check)

    real = cats.get("real")
    app = dig(real, "server", "app") or {}
    floor = dig(real, "server", "floor") or {}
    payload = app.get("payload") or {}
    add("real", "map payload, default view, all layers on", payload.get("total"),
        PAYLOAD_REAL_MAX, "bytes", lambda: _why_missing(real, "server", "app"),
        lambda: _payload_reason(payload))
    rerun, rerun_floor = dig(app, "rerun_s", "median"), dig(floor, "rerun_s", "median")
    add("real", "slider rerun / floor's slider rerun (median)", ratio(rerun, rerun_floor, 1),
        RERUN_FLOOR_RATIO_MAX, "x", lambda: _why_missing(real, "server", "app"),
        lambda: profile_reason(app.get("profile_rerun")),
        detail=f"{_s(rerun)} vs {_s(rerun_floor)}")
    b_app = dig(real, "browser", "app") or {}
    b_floor = dig(real, "browser", "floor_empty") or {}
    load, load_floor = dig(b_app, "loaded_s", "median"), dig(b_floor, "loaded_s", "median")

    def load_reason() -> tuple[str, str]:
        return time_to_map_reason(b_app, app, b_floor)

    add("real", "cold time-to-map / empty page's time-to-paint (median)",
        ratio(load, load_floor), LOAD_FLOOR_RATIO_MAX, "x",
        lambda: _why_missing(real, "browser", "app"), load_reason,
        detail=f"{_s(load)} vs {_s(load_floor)}")

    big = cats.get(BIG)
    big_app = dig(big, "server", "app") or {}
    add(BIG, "slider rerun (median)", dig(big_app, "rerun_s", "median"), RERUN_BIG_MAX_S, "s",
        lambda: _why_missing(big, "server", "app"),
        lambda: profile_reason(big_app.get("profile_rerun")))
    big_payload = big_app.get("payload") or {}
    add(BIG, "map payload, default view", big_payload.get("total"), PAYLOAD_BIG_MAX, "bytes",
        lambda: _why_missing(big, "server", "app"), lambda: _payload_reason(big_payload))
    big_b = dig(big, "browser", "app") or {}
    add(BIG, "cold time-to-map (median)", dig(big_b, "loaded_s", "median"), LOAD_BIG_MAX_S,
        "s", lambda: _why_missing(big, "browser", "app"),
        lambda: time_to_map_reason(big_b, big_app, dig(big, "browser", "floor_empty")))
    add(BIG, "responsive: longest main-thread task during load (median)",
        dig(big_b, "longest_task_ms", "median"), LONGEST_TASK_MAX_MS, "ms",
        lambda: _why_missing(big, "browser", "app"),
        lambda: responsiveness_reason(big_b))
    add(BIG, "responsive: frame after the map drew (rAF round-trip, median)",
        dig(big_b, "raf_ms", "median"), FRAME_AFTER_DRAW_MAX_MS, "ms",
        lambda: _why_missing(big, "browser", "app"),
        lambda: responsiveness_reason(big_b))

    export = results.get("export") or {}
    for key, label, limit in (
            ("png_a4_300dpi", "static export PNG A4 300 dpi (median)", EXPORT_MAX_S),
            ("pdf_a4", "static export PDF A4 (median)", EXPORT_MAX_S),
            ("gif_a5_monthly_year", "animated GIF, a year of monthly frames at A5 (median)",
             GIF_MAX_S)):
        add("export", label, dig(export, key, "median_s"), limit, "s",
            lambda key=key: str(export.get("error") or dig(export, key, "error")
                                or f"{key} not in this run's results"),
            lambda key=key: (f"first export {dig(export, key, 'first_s')} s; output "
                             f"{dig(export, key, 'bytes')} bytes",
                             "profile caucmap.export.export_bytes: rasterising at 300 dpi "
                             "dominates; cache the base map raster per view"
                             if key != "gif_a5_monthly_year" else
                             "each frame is a whole page (text layout and rasterising "
                             "dominate): draw the undated base once per animation"))
    return [asdict(c) for c in checks]
