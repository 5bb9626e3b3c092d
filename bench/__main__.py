"""``python -m bench``: run every benchmark and write bench/RESULTS.md and bench/results.json.

    $ python -m bench                        # full run: real catalogue, 1k, 10k, 100k
    $ python -m bench --quick                # smoke run: fewer runs, 1k only
    $ python -m bench --sizes 1000,10000     # choose the synthetic catalogues
    $ python -m bench --render-only          # rewrite RESULTS.md from results.json

Order: the real catalogue first (its figures are the headline to compare across runs),
then the static export, then the synthetic sizes from small to large. If a size
cannot finish a phase within ``--timeout`` seconds, larger sizes are not attempted:
they would hit the same wall, and the report says so.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from bench import bench_time, browser, budgets, machine, report, serverside, synthetic
from caucmap.atomic import write_atomic

BENCH = Path(__file__).resolve().parent
DEFAULT_SIZES = (1000, 10000, 100000)
#: the naive variant builds one folium Marker per event: past this it takes minutes per
#: rerun (about 10 s per 10k markers measured before), which would swamp the run
NAIVE_MAX_EVENTS = 1000


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run_catalogue(label: str, root: Path | None, events: int, *, naive: bool, runs: int,
                  loads: int, limit_s: float) -> dict:
    """Server-side and browser figures of one catalogue, app beside naive and floors."""
    variants = ["app", *(["naive"] if naive else []), "floor"]
    log(f"{label}: server side (AppTest) {', '.join(variants)}, {runs} reruns each")
    server = serverside.run_worker(root, variants, runs, limit_s, label)
    out: dict = {"events": _get_events(server, events), "server": server}
    if "error" in server.get("app", {}):
        out["browser_skipped"] = "the server side did not finish; the browser would not either"
        return out
    env = {"CAUCMAP_ROOT": str(root)} if root else {}
    targets = [browser.Variant("app", browser.APP, env)]
    if naive:
        targets.append(browser.Variant("naive", browser.stage_naive(), env))
    targets.append(browser.Variant("floor_empty", browser.FLOOR_EMPTY, mode="empty"))
    log(f"{label}: browser, {', '.join(t.name for t in targets)}, {loads} cold loads each")
    out["browser"] = browser.measure(targets, loads, limit_s)
    return out


def _get_events(server: dict, fallback: int) -> int:
    return int(server.get("app", {}).get("events") or fallback)


def _export(runs: int) -> dict:
    from bench.bench_export import run

    try:
        return run(runs)
    except Exception as exc:  # report it, keep the other figures
        return {"error": f"{type(exc).__name__}: {exc}"[:2000]}


def parse_sizes(text: str) -> list[int]:
    sizes = sorted({int(part.strip().replace("_", "")) for part in text.split(",") if part.strip()})
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("sizes are positive event counts, e.g. 1000,10000")
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 3 reruns, 1 browser load, 1 export, sizes 1000")
    parser.add_argument("--sizes", type=parse_sizes, default=None,
                        help="synthetic catalogue sizes, e.g. 1000,10000,100000")
    parser.add_argument("--timeout", type=float, default=300.0,
                        help="seconds one phase (load, first run, a rerun, a page load) may "
                        "take before it is stopped and reported as not measured")
    argv = sys.argv[1:] if argv is None else argv
    parser.add_argument("--render-only", action="store_true",
                        help="measure nothing: rewrite RESULTS.md (and the budget verdicts) "
                        "from the existing results.json")
    args = parser.parse_args(argv)
    if args.render_only:
        return render_only()
    sizes = args.sizes or ([1000] if args.quick else list(DEFAULT_SIZES))
    runs, loads, export_runs = (3, 1, 1) if args.quick else (7, 3, 5)
    os.environ.pop("CAUCMAP_ROOT", None)  # the real project is the one under test
    started = time.perf_counter()
    results: dict = {
        "command": " ".join(["python -m bench", *argv]),
        "quick": args.quick,
        "config": {"sizes": sizes, "server_reruns": runs, "browser_loads": loads,
                   "export_runs": export_runs, "phase_limit_s": args.timeout,
                   "naive_max_events": NAIVE_MAX_EVENTS,
                   "synthetic": {"seed": synthetic.SEED, "places": synthetic.SYN_PLACES,
                                 "sources": synthetic.SYN_SOURCES}},
        "machine": machine.describe(),
        "catalogues": {},
    }
    cats = results["catalogues"]
    cats["real"] = run_catalogue("real", None, 0, naive=True, runs=runs, loads=loads,
                                 limit_s=args.timeout)
    log(f"static export, {export_runs} runs per format")
    results["export"] = _export(export_runs)
    wall: str | None = None
    for n in sizes:
        label = str(n)
        if wall:
            cats[label] = {"events": n, "skipped": f"not attempted: {wall}"}
            continue
        log(f"{label}: synthetic root")
        t0 = time.perf_counter()
        root, generated = synthetic.ensure_root(n)
        generation_s = round(time.perf_counter() - t0, 2) if generated else None
        cat = run_catalogue(label, root, n, naive=n <= NAIVE_MAX_EVENTS, runs=runs,
                            loads=loads, limit_s=args.timeout)
        cat["root"] = str(root.relative_to(BENCH.parent))
        cat["generated_s"] = generation_s
        cats[label] = cat
        error = cat["server"].get("app", {}).get("error")
        if error and "timeout" in error:
            wall = f"{n:,} events already exceeded the {args.timeout:.0f} s phase limit ({error})"
    log("time in the browser: slider move end to end, playback, cold open with and "
        "without context")
    try:
        results["time"] = bench_time.measure(3 if args.quick else 9, 10_000,
                                             3.0 if args.quick else 5.0)
    except Exception as exc:  # reported as not measured, with its reason
        results["time"] = {"error": f"{type(exc).__name__}: {exc}".splitlines()[0]}
    results["machine"]["load_average_end"] = machine.load_average()
    results["runtime_s"] = round(time.perf_counter() - started, 1)
    write(results)
    return 0


def write(results: dict) -> None:
    """Judge the budgets, then write results.json and RESULTS.md (atomically)."""
    results["budgets"] = budgets.evaluate(results)
    write_atomic(BENCH / "results.json", json.dumps(results, indent=2, default=str) + "\n",
                 overwrite=True)
    write_atomic(BENCH / "RESULTS.md", report.render(results), overwrite=True)
    log(f"wrote bench/RESULTS.md and bench/results.json (run took {results.get('runtime_s')} s)")
    for check in results["budgets"]:
        log(f"{check['status']:>12}  {check['scope']}: {check['figure']}")


def render_only() -> int:
    path = BENCH / "results.json"
    if not path.exists():
        log("no bench/results.json yet: run python -m bench first")
        return 2
    write(json.loads(path.read_text(encoding="utf-8")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
