"""RESULTS.md from one run's results: headline figures, budgets, per-catalogue tables, method.

Everything here is derived from the dict that is also written to results.json, so
the two never disagree; the text says plainly what was not measured and why.
"""

from __future__ import annotations

from typing import Any

from bench.stats import dig, ratio

#: the variants each side measures for a catalogue, in table order
SIDE_VARIANTS = {"server": ("app", "naive", "floor"), "browser": ("app", "naive", "floor_empty")}
METHOD = """\
## Method

- **Command**: `python -m bench` (or `make bench`) from the project root; `--quick` for a
  smoke run (fewer runs, 1k events only), `--sizes 1000,10000,100000` to choose the
  synthetic catalogues, `--timeout S` for the per-phase limit (a phase that takes longer
  is stopped and reported as not measured, with where its time went); `--render-only`
  rewrites this file from `results.json` without measuring.
- **Variants, all in the same run**: *app* is `app/streamlit_app.py`; *naive* is
  `bench/naive_app.py` (raw, unsimplified Natural Earth 10m geometry, committed as
  `bench/naive_geodata.geojson`, read and sent inline on every rerun, evidence loaded
  without caching, one `folium.Marker` with popup per event, `st_folium` defaults;
  vendored Leaflet and no tiles so it works offline; run for the real catalogue and
  catalogues up to {naive_max:,} events: past that it takes minutes a rerun);
  *floor* is `bench/floor_slider.py` (only the date slider) for reruns and
  `bench/floor_empty.py` (an empty page) for page loads. Everything runs from the
  repository alone (no `../shared`). A variant that could not be measured is named,
  with the reason, under the table that misses it.
- **Slider rerun** (server side): AppTest in a fresh worker process per catalogue
  (`bench/serverside.py`). After a first run (timed apart, as is loading the evidence),
  `at.slider(key="dates").set_value(range).run()` is timed for a cycle of different
  ranges (Aug 2008, Nov 2014, 1992-99, 2000-15, everything, 2010-20, mid-1995 to
  mid-2005); app, naive and floor are interleaved rerun by rerun. This is the script's
  run time inside Streamlit, without the websocket. *New session (warm)* is a fresh
  AppTest session's first run in the already-warm process (3 of them): the server's
  share of every new browser tab. Five more, untimed reruns are profiled by
  sampling the script thread's stack every 5 ms (`bench/sampler.py`), as shares of
  samples: *our code* (the innermost project function on the stack, with the libraries
  it calls: which of our lines to change), *by package* (the innermost project function
  or third-party package) and *inclusive* (anywhere on the stack).
- **Map payload**: bytes of the map component's `json_args` (UTF-8) at the default
  view (everything since 1990, all layers on), split into the map's `script`, `header`,
  `html` and the rest, plus the files the map fetches
  beside that message (`fetched`: a large layer's points and names, `caucmap.published`);
  the total counts both. *Page bytes* add up the
  serialized size of every element the script sends, by element type.
- **Cold time-to-map** (browser): `tests.harness.running_app` serves the variant;
  each load is a new headless Chromium (`harness.offline_browser`, every off-localhost
  request aborted), timed from `goto` until `window.map` in the map frame holds the
  features GEO, ABK, SOS and RUS (as tests/test_browser.py checks, but event-driven:
  one scan of `map._layers`, then Leaflet's `layeradd`, so 100k markers are not rescanned).
  The floor is the time until the empty page's main block
  (`[data-testid="stMainBlockContainer"]`) is visible; the same moment is reported for
  the map pages as *shell*; *map message* is when the websocket message carrying the
  map's element had arrived (an upper bound: Playwright's sync client notes it when it
  next handles events); *last JS chunk* is when the last of Streamlit's lazily loaded
  frontend chunks finished (resource timing; their number in brackets); *map iframe* is
  when the map's iframe is attached; *all markers added* is when Leaflet's last
  `layeradd` came (the app adds points in chunks), found by waiting for 1.5 s without one;
  *markers at map / all* counts Leaflet point layers when the regions were complete and
  at the end (points painted by one canvas layer of their own are not counted, so for a
  catalogue drawn that way both figures say little). A load that shows a Streamlit
  exception instead of the map is reported with its message. One
  untimed first load per server pays loading and the first render (*first load*).
  Variants are interleaved load by load.
- **Responsiveness**: in every frame a `PerformanceObserver('longtask')` is installed
  before page scripts run; *longest task* is the longest main-thread task seen during the
  load, *blocking* the sum of the parts of long tasks over 50 ms, and *frame after draw*
  the time for one `requestAnimationFrame` + `setTimeout(0)` round-trip in the map frame
  started the moment the regions are complete. The five longest tasks of the last load are kept
  with their start (ms after navigation) and where they ran (window or iframe).
- **Peak memory**: `VmHWM` (the kernel's resident-set high-water mark) of the server
  process after all its loads, read from `/proc/PID/status`; the process is found by the
  `--server.port` in its command line and its parent pid (`bench/procmem.py`).
- **Static export**: `bench/bench_export.run()` (A4 PNG at 300 dpi and A4 PDF of the
  default view through `caucmap.export.export_bytes`; the animated GIF of 2014, twelve
  monthly frames at A5 and 120 dpi, through `caucmap.animation.animation_bytes`, what
  `caucmap export --out x.gif` writes), each warmed once then timed.
- **Statistics**: median with min and max; at least 5 runs (7 reruns, 5 exports) and 3
  browser loads in a full run, fewer with `--quick`.
- **Synthetic catalogues** (`bench/synthetic.py`): complete project roots under
  `bench/work/` (git-ignored), regenerated only when the generator or the real data
  change: the real seeds, gazetteer, actors, recognitions and 2008 war, plus 8 short
  synthetic sources, {places:,} synthetic places (`syn-00001`..., names in all three
  conventions) over lon 39.5-47, lat 40.8-44, and N events over 1990-2025 (55% day,
  20% month, 10% year, 15% range precision; 5% without a place, 5% on a region), each
  titled `[synthetic] ...` and citing a sentence of a synthetic source, so they load and
  verify like the real catalogue. The app reads one through `CAUCMAP_ROOT`; nothing
  synthetic is ever in the real catalogue or shown by default.
"""


def _num(value: Any, unit: str = "", digits: int = 3) -> str:
    if value is None:
        return "n/a"
    if unit == "bytes":
        return f"{value / 1000:,.1f} kB" if value < 1_000_000 else f"{value / 1e6:,.2f} MB"
    if isinstance(value, float):
        text = f"{value:.{digits}g}" if abs(value) < 1 else f"{value:,.{max(digits - 2, 1)}f}"
    else:
        text = f"{value:,}"
    return f"{text} {unit}".strip()


def _cell(summ: dict | None, unit: str) -> str:
    """``median [min-max] (n)`` of a summary dict."""
    if not summ or summ.get("median") is None:
        return "n/a"
    return (f"{_num(summ['median'], unit)} [{_num(summ['min'])}-{_num(summ['max'])}] "
            f"(n={summ['runs']})")


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _errors(cat: dict) -> list[str]:
    out = []
    if cat.get("skipped"):
        out.append(f"- not measured: {cat['skipped']}")
    if cat.get("browser_skipped"):
        out.append(f"- browser: not measured: {cat['browser_skipped']}")
    for side in ("server", "browser"):
        for variant, data in (cat.get(side) or {}).items():
            if data.get("error"):
                out.append(f"- {side} / {variant}: **not measured**: {_reason(data['error'])}")
            prof = data.get("profile_at_timeout")
            if prof:
                inc = ", ".join(f"{p['function']} {p['share']:.0%}"
                                for p in prof.get("inclusive", [])[:8])
                out.append(f"  - where the time went before it was stopped: {inc}")
    return out


def _profile_lines(name: str, prof: dict | None) -> list[str]:
    if not prof or not prof.get("inclusive"):
        return []

    def shares(items: list[dict]) -> str:
        return ", ".join(f"`{p['function']}` {p['share']:.0%}" for p in items
                         if not str(p["function"]).endswith((":<module>", ":main")))

    return [f"- {name} ({prof.get('samples')} samples): our code (innermost project "
            f"function, with what it calls) {shares(prof.get('project', []))}; by package "
            f"{shares(prof.get('self', []))}; inclusive {shares(prof['inclusive'][:10])}"]


def _markers(data: dict) -> str:
    at_map, total = dig(data, "markers_at_draw", "median"), data.get("markers")
    return "n/a" if total is None else f"{_num(int(at_map or 0))} / {_num(int(total))}"


def catalogue_section(label: str, cat: dict) -> str:
    title = "the real catalogue" if label == "real" else f"{int(label):,} synthetic events"
    out = [f"### {title}\n"]
    facts = [f"events: {cat.get('events', 'n/a')}"]
    if cat.get("generated_s") is not None:
        facts.append(f"generated in {cat['generated_s']} s this run")
    load = dig(cat, "server", "app", "load_s")
    if load is not None:
        facts.append(f"load + verify (`load_evidence`): {load} s")
    first = dig(cat, "server", "app", "first_run_s")
    if first is not None:
        facts.append(f"app's first run after loading: {first} s")
    out.append("; ".join(facts) + "\n\n")
    server = cat.get("server") or {}
    if server:
        rows = []
        for variant in SIDE_VARIANTS["server"]:
            data = server.get(variant)
            if data is None:
                continue
            if data.get("error"):
                rows.append([variant, "**not measured** (below)", *["-"] * 4])
                continue
            payload = (data.get("payload") or {}).get("total")
            rows.append([variant, _cell(data.get("rerun_s"), "s"),
                         _num(data.get("first_run_s"), "s"),
                         _cell(data.get("new_session_s"), "s"), _num(payload, "bytes"),
                         _num(sum((data.get("page_bytes") or {}).values()) or None, "bytes")])
        out.append("Server side (AppTest):\n\n")
        out.append(_table(["variant", "slider rerun median [min-max]", "first run",
                           "new session (warm)", "map payload", "page bytes"], rows))
        payload = dig(server, "app", "payload")
        if payload:
            out.append("App payload split: " + ", ".join(
                f"{k} {_num(v, 'bytes')}" for k, v in payload.items() if k != "total") + ".  ")
        pages = dig(server, "app", "page_bytes")
        if pages:
            out.append("App page bytes by element: " + ", ".join(
                f"{k} {_num(v, 'bytes')}" for k, v in list(pages.items())[:6]) + ".\n")
        out.append("\n")
    browser = cat.get("browser") or {}
    if browser:
        rows = []
        for variant in SIDE_VARIANTS["browser"]:
            data = browser.get(variant)
            if data is None:
                continue
            if data.get("error"):
                rows.append([variant, "**not measured** (below)", *["-"] * 9,
                             _num(data.get("peak_rss_mb"), "MiB"), "-"])
                continue
            rows.append([variant, _cell(data.get("loaded_s"), "s"),
                         _num(data.get("first_load_s"), "s"), _cell(data.get("shell_s"), "s"),
                         _num(dig(data, "map_message_s", "median"), "s"),
                         _num(dig(data, "last_js_s", "median"), "s") + (
                             f" ({data.get('js_chunks_before_map', '?')} of "
                             f"{data['js_chunks']})" if data.get("js_chunks") else ""),
                         _cell(data.get("frame_s"), "s"),
                         _num(dig(data, "settled_s", "median"), "s"),
                         _cell(data.get("longest_task_ms"), "ms"),
                         _cell(data.get("raf_ms"), "ms"),
                         _num(data.get("peak_rss_mb"), "MiB"),
                         _markers(data)])
        out.append("Browser (headless Chromium, offline):\n\n")
        out.append(_table(["variant", "time-to-map (floor: to paint)", "first load", "shell",
                           "map message", "last JS chunk before the map (chunks of all)",
                           "map iframe",
                           "all markers added", "longest task", "frame after draw",
                           "server peak RSS", "markers at map / all"], rows))
        out.append("\n")
    prof = [*_profile_lines("app, 5 profiled reruns", dig(server, "app", "profile_rerun")),
            *_profile_lines("app, first run", dig(server, "app", "profile_first_run")),
            *_profile_lines("app, loading", dig(server, "app", "profile_load"))]
    if prof:
        out.append("Where the time goes (sampled):\n\n" + "\n".join(prof) + "\n\n")
    errors = _errors(cat)
    if errors:
        out.append("\n".join(errors) + "\n\n")
    return "".join(out)


def headline(results: dict) -> str:
    real = results.get("catalogues", {}).get("real") or {}
    srv, brw = real.get("server") or {}, real.get("browser") or {}

    def row(name: str, path: list[str], unit: str, floor_key: str | None,
            side: dict) -> list[str]:
        app, naive = dig(side, "app", *path), dig(side, "naive", *path)
        floor = dig(side, floor_key, *path) if floor_key else None

        def med(x: Any) -> Any:
            return x.get("median") if isinstance(x, dict) else x

        def show(x: Any) -> str:
            return _cell(x, unit) if isinstance(x, dict) else _num(x, unit)

        return [name, show(app), show(naive), show(floor) if floor_key else "-",
                _times(ratio(med(app), med(floor))) if floor_key else "-",
                _times(ratio(med(app), med(naive)))]

    rows = [
        row("slider rerun (server)", ["rerun_s"], "s", "floor", srv),
        row("first run in a fresh process (server)", ["first_run_s"], "s", "floor", srv),
        row("new session on a warm server", ["new_session_s"], "s", "floor", srv),
        row("map payload", ["payload", "total"], "bytes", None, srv),
        row("cold time-to-map (floor: empty page painted)", ["loaded_s"], "s",
            "floor_empty", brw),
        row("main block painted (shell)", ["shell_s"], "s", "floor_empty", brw),
        row("longest main-thread task during load", ["longest_task_ms"], "ms", None, brw),
        row("frame after the map drew", ["raf_ms"], "ms", None, brw),
        row("server peak RSS", ["peak_rss_mb"], "MiB", "floor_empty", brw),
    ]
    text = _table(["figure", "app", "naive", "floor", "app/floor", "app/naive"], rows)
    gaps = _not_measured({"server": srv, "browser": brw}, real)
    if gaps:
        text += "\nNot measured in this run (n/a above):\n\n" + "\n".join(gaps) + "\n"
    export = results.get("export") or {}
    if export and "error" not in export:
        text += ("\nStatic export (real catalogue, default view): "
                 f"PNG A4 300 dpi {_cell(_summ(export.get('png_a4_300dpi')), 's')}, "
                 f"PDF A4 {_cell(_summ(export.get('pdf_a4')), 's')}.\n")
        text += _gif_line(export.get("gif_a5_monthly_year"))
    elif export:
        text += f"\nStatic export: not measured: {export['error']}\n"
    return text


def _times(value: float | None) -> str:
    """A ratio as '3.1x', or 'n/a' when either side was not measured."""
    return "n/a" if value is None else f"{_num(value)}x"


def _reason(text: str, limit: int = 300) -> str:
    """The first line of an error, shortened: enough to say why in a table's note."""
    first = str(text).strip().splitlines()[0] if str(text).strip() else "no reason recorded"
    return first if len(first) <= limit else first[:limit - 3] + "..."


def _not_measured(sides: dict[str, dict], cat: dict) -> list[str]:
    """One line per variant and side that has no figures: which, and why."""
    out = []
    for side, variants in SIDE_VARIANTS.items():
        data = sides.get(side) or {}
        if not data:
            why = cat.get("skipped") or cat.get(f"{side}_skipped") or "not run"
            out.append(f"- {side}, every variant: {_reason(why)}")
            continue
        for variant in variants:
            if variant not in data:
                continue  # not part of this catalogue's run (e.g. naive past its size limit)
            if data[variant].get("error"):
                out.append(f"- {side}, {variant}: {_reason(data[variant]['error'])}")
    return out


def _gif_line(case: dict | None) -> str:
    if not case:
        return ""
    if case.get("error"):
        return f"Animated GIF: not measured: {_reason(case['error'])}\n"
    return (f"Animated GIF ({case['frames']} monthly frames of 2014 at {case['size']}, "
            f"{case['dpi']} dpi): {_cell(_summ(case), 's')}, "
            f"{_num(case['per_frame_s'], 's')} a frame, {_num(case['bytes'], 'bytes')}.\n")


def _summ(case: dict | None) -> dict | None:
    if not case:
        return None
    return {"median": case["median_s"], "min": case["min_s"], "max": case["max_s"],
            "runs": case["runs"]}


def budgets_section(checks: list[dict]) -> str:
    rows = []
    for c in checks:
        limit = _num(c["limit"], c["unit"]) if c["unit"] != "x" else f"{c['limit']}x"
        value = _num(c["value"], c["unit"]) if c["unit"] != "x" else (
            "n/a" if c["value"] is None else f"{c['value']}x")
        detail = f" ({c['detail']})" if c["detail"] else ""
        rows.append([c["scope"], c["figure"], value + detail, "<= " + limit,
                     f"**{c['status']}**"])
    text = _table(["catalogue", "figure", "measured", "budget", "status"], rows)
    misses = [c for c in checks if c["status"] == "MISS"]
    if misses:
        text += "\n### Misses: reason and next step\n\n"
        for c in misses:
            text += (f"- **{c['scope']}: {c['figure']}**: {c['reason'] or 'see tables'}.  \n"
                     f"  Next step: {c['next_step'] or 'profile the phase (see tables)'}.\n")
    gaps = [c for c in checks if c["status"] in ("NOT MEASURED", "NOT RUN")]
    if gaps:
        text += "\n### Not measured\n\n"
        for c in gaps:
            text += f"- **{c['scope']}: {c['figure']}** ({c['status']}): {c['reason']}\n"
    return text


def machine_section(results: dict) -> str:
    m = results.get("machine", {})
    pk = ", ".join(f"{k} {v}" for k, v in (m.get("packages") or {}).items())
    dirty = m.get("uncommitted_changes") or []
    return (
        "## Machine\n\n"
        f"- {m.get('cpu_model')}, {m.get('cores')} cores ({m.get('usable_cores')} usable), "
        f"{m.get('memory_gib')} GiB; {m.get('os')}\n"
        f"- load average (1/5/15 min) at start {m.get('load_average_start')}, at end "
        f"{m.get('load_average_end')}: a shared machine, hence ratios\n"
        f"- Python {m.get('python')}; {m.get('chromium')}\n"
        f"- {pk}\n"
        f"- caucmap commit {m.get('git_commit')}"
        + (f", with uncommitted changes in: {', '.join(dirty)}" if dirty else "") + "\n"
    )


def time_section(time: dict | None) -> str:
    """Issue 13's figures: a slider move end to end, playback, the cold open (bench_time)."""
    from bench.bench_time import section

    if not time:
        return ""
    head = "\n## Time in the browser\n\n"
    if "error" in time:
        return f"{head}Not measured: {time['error']}\n"
    return head + section(time)


def render(results: dict) -> str:
    m = results.get("machine", {})
    quick = " **(quick smoke run: fewer runs, not for comparison)**" if results.get(
        "quick") else ""
    cats = results.get("catalogues", {})
    parts = [
        "# caucmap benchmark results\n\n",
        f"Written by `{results.get('command')}` on {m.get('date_utc')}{quick}; the whole "
        f"run took {results.get('runtime_s', 0) / 60:.1f} min. {m.get('cpu_model')}, "
        f"{m.get('cores')} cores, load average {m.get('load_average_start')} at start: "
        "compare ratios (to the floor and the naive variant measured in the same run) "
        "rather than seconds across runs.\n\n",
        "## The real catalogue: headline figures (compare these across runs)\n\n",
        "Median [min-max] (n runs). The floor is a trivial page measured in the same "
        "run: the slider-only page for reruns, the empty page for loads.\n\n",
        headline(results), "\n## Budgets\n\n", budgets_section(results.get("budgets", [])),
        time_section(results.get("time")),
        "\n## Per catalogue\n\n",
        *(catalogue_section(label, cat) for label, cat in cats.items()),
        METHOD.format(naive_max=dig(results, "config", "naive_max_events") or 0,
                      places=dig(results, "config", "synthetic", "places") or 0),
        "\n", machine_section(results),
    ]
    return "".join(parts)
