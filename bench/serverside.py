"""Server-side figures under AppTest: slider reruns, the map payload, first-run and load time.

    $ python -m bench.serverside --root bench/work/synthetic-1000 --variants app,floor --runs 7
    >>> run_worker(root, ["app", "naive", "floor"], runs=7, limit_s=300)

One worker process per catalogue, because a 100k-event catalogue may not finish a
first run in any reasonable time: the worker enforces a limit per phase (and
reports where the time went), and the parent kills it if even that fails. A fresh
process also means fresh caches and memory per catalogue, with no
``cache_clear()`` bookkeeping. Inside it the variants are interleaved (app, naive,
floor, app, naive, floor...) so a noisy neighbour hurts them alike; each rerun
moves the slider to a different range, so no rerun is a cache hit on the previous.

The worker prints one JSON object per line as each phase ends; ``run_worker``
folds them into a dict.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import select
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from bench.browser import MAP_COMPONENTS
from bench.sampler import Sampler
from bench.stats import summary
from caucmap.settings import STATIC_URL

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
LOGS = BENCH / "work" / "logs"
SCRIPTS = {
    "app": REPO / "app" / "streamlit_app.py",
    "naive": BENCH / "naive_app.py",
    "floor": BENCH / "floor_slider.py",
}
#: slider positions for the timed reruns, cycled; each differs from the one before
RANGES: list[tuple[date, date]] = [
    (date(2008, 8, 1), date(2008, 8, 31)),
    (date(2014, 11, 1), date(2014, 11, 30)),
    (date(1992, 1, 1), date(1999, 12, 31)),
    (date(2000, 1, 1), date(2015, 12, 31)),
    (date(1990, 1, 1), date(2025, 12, 31)),
    (date(2010, 1, 1), date(2020, 12, 31)),
    (date(1995, 6, 1), date(2005, 6, 30)),
]
#: fresh AppTest sessions timed after the first run: a new browser tab's server-side cost
SESSIONS = 3
#: untimed reruns profiled together after the timed ones, starting from nearly everything
PROFILE_RERUNS = 5
PROFILE_RANGE = (date(1990, 1, 2), date(2025, 12, 30))


#: a file the map fetches beside its message (app/static/cache, caucmap.published)
PUBLISHED = re.compile(re.escape(STATIC_URL) + r"/cache/(map-[0-9a-f]+\.[a-z]+)")


def emit(**record: object) -> None:
    print(json.dumps(record, default=str), flush=True)


def map_payload(at: object) -> dict[str, int] | None:
    """Bytes the map needs: the map component's arguments (the message, by part) and the
    files it fetches beside them (``caucmap.published``: a large layer's points and
    names), which count in the total too."""
    comps = [c for c in at.get("component_instance")
             if c.proto.component_name.endswith(MAP_COMPONENTS)]
    if not comps:
        return None
    raw = comps[0].proto.json_args
    args = json.loads(raw)

    def size(key: str) -> int:
        value = args.get(key)
        return len(value.encode()) if isinstance(value, str) else 0

    message = len(raw.encode())
    parts = {"script": size("script"), "header": size("header"), "html": size("html")}
    names = set(PUBLISHED.findall(args.get("script") or ""))
    fetched = sum((REPO / "app" / "static" / "cache" / name).stat().st_size for name in names)
    return {"total": message + fetched, "message": message, **parts,
            "other": message - sum(parts.values()), "fetched": fetched}


def page_bytes(at: object) -> dict[str, int]:
    """Serialized size of every element the script produced, by element type."""
    out: dict[str, int] = {}

    def walk(node: object) -> None:
        children = getattr(node, "children", None)
        if children:
            for child in children.values():
                walk(child)
            return
        proto = getattr(node, "proto", None)
        if proto is not None:
            kind = getattr(node, "type", None) or type(node).__name__
            out[kind] = out.get(kind, 0) + proto.ByteSize()

    walk(at._tree)
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def events_shown(at: object) -> int | None:
    """The app's "Events shown: <b>N</b>" line, or the naive app's "Events shown: N"."""
    for md in at.markdown:
        if "Events shown:" in md.value:
            digits = "".join(ch for ch in md.value.split("Events shown:")[1] if ch.isdigit())
            return int(digits) if digits else None
    return None


def _timeout(variant: str, phase: str) -> object:
    def fire(sampler: Sampler) -> None:
        emit(variant=variant, phase="timeout", during=phase, elapsed_s=round(sampler.elapsed(), 1),
             profile=sampler.profile())
        os._exit(3)
    return fire


def _run(at: object, variant: str, phase: str, limit_s: float) -> tuple[float, Sampler]:
    with Sampler(limit_s, _timeout(variant, phase)) as sampler:
        start = time.perf_counter()
        at.run()
        elapsed = time.perf_counter() - start
    return elapsed, sampler


def worker(root: str | None, variants: list[str], runs: int, limit_s: float) -> None:
    """Run in a fresh process: load, first run, interleaved reruns, profiled reruns."""
    if root:
        os.environ["CAUCMAP_ROOT"] = root
    from streamlit.testing.v1 import AppTest

    from caucmap.evidence import default_evidence
    from tests.harness import release_controls

    if "app" in variants:
        with Sampler(limit_s, _timeout("app", "load"), main_only=True) as sampler:
            start = time.perf_counter()
            ev = default_evidence()  # the app's cached loader: its first run reuses this
            elapsed = time.perf_counter() - start
        emit(variant="app", phase="load", s=elapsed, events=len(ev.events),
             places=len(ev.places), profile=sampler.profile())
    tests = {}
    for variant in variants:
        at = AppTest.from_file(str(SCRIPTS[variant]), default_timeout=limit_s * 4 + 60)
        elapsed, sampler = _run(at, variant, "first_run", limit_s)
        if at.exception:
            emit(variant=variant, phase="error", during="first_run",
                 error=str(at.exception[0].value)[:2000])
            continue
        tests[variant] = at
        release_controls(at)  # the map's "drawn" report: the controls the reruns move
        emit(variant=variant, phase="first_run", s=elapsed, payload=map_payload(at),
             page_bytes=page_bytes(at), events_shown=events_shown(at), profile=sampler.profile())
        sessions = []
        for _ in range(SESSIONS):  # what each new browser session costs the warm server
            fresh = AppTest.from_file(str(SCRIPTS[variant]), default_timeout=limit_s * 4 + 60)
            sessions.append(_run(fresh, variant, "new session", limit_s)[0])
        emit(variant=variant, phase="sessions", s=sessions)
    for i in range(runs):
        lo, hi = RANGES[i % len(RANGES)]
        for variant, at in list(tests.items()):
            at.slider(key="dates").set_value((lo, hi))
            elapsed, _ = _run(at, variant, f"rerun {i}", limit_s)
            if at.exception:
                emit(variant=variant, phase="error", during=f"rerun {i}",
                     error=str(at.exception[0].value)[:2000])
                del tests[variant]
                continue
            payload = map_payload(at)
            emit(variant=variant, phase="rerun", i=i, range=[lo, hi], s=elapsed,
                 payload_bytes=payload["total"] if payload else None,
                 events_shown=events_shown(at))
    for variant, at in tests.items():
        if variant == "floor":
            continue
        with Sampler(limit_s * PROFILE_RERUNS, _timeout(variant, "profiled reruns")) as sampler:
            start = time.perf_counter()
            for lo, hi in [PROFILE_RANGE, *RANGES][:PROFILE_RERUNS]:
                at.slider(key="dates").set_value((lo, hi)).run()
            elapsed = time.perf_counter() - start
        emit(variant=variant, phase="profile", s=elapsed, profile=sampler.profile())
    emit(phase="done")


def _fold(records: list[dict]) -> dict[str, dict]:
    """Worker lines -> ``{variant: {load_s, first_run_s, rerun: summary, ...}}``."""
    out: dict[str, dict] = {}
    reruns: dict[str, list[dict]] = {}
    for rec in records:
        variant = rec.get("variant")
        if variant is None:
            continue
        slot = out.setdefault(variant, {})
        phase = rec["phase"]
        if phase == "load":
            slot.update(load_s=round(rec["s"], 3), events=rec["events"], places=rec["places"],
                        profile_load=rec["profile"])
        elif phase == "first_run":
            slot.update(first_run_s=round(rec["s"], 3), payload=rec["payload"],
                        page_bytes=rec["page_bytes"], events_shown=rec["events_shown"],
                        profile_first_run=rec["profile"])
        elif phase == "sessions":
            slot["new_session_s"] = summary(rec["s"])
        elif phase == "rerun":
            reruns.setdefault(variant, []).append(rec)
        elif phase == "profile":
            slot.update(profile_rerun=rec["profile"], profiled_reruns_s=round(rec["s"], 3))
        elif phase in ("error", "timeout"):
            slot["error"] = (f"{phase} during {rec['during']}"
                             + (f" after {rec['elapsed_s']} s" if "elapsed_s" in rec else "")
                             + (f": {rec['error']}" if "error" in rec else ""))
            if "profile" in rec:
                slot["profile_at_timeout"] = rec["profile"]
    for variant, recs in reruns.items():
        out[variant]["rerun_s"] = summary([r["s"] for r in recs])
        out[variant]["reruns"] = [{"range": r["range"], "s": round(r["s"], 4),
                                   "events_shown": r["events_shown"],
                                   "payload_bytes": r["payload_bytes"]} for r in recs]
    return out


def run_worker(root: Path | None, variants: list[str], runs: int, limit_s: float,
               label: str) -> dict[str, dict]:
    """Run the worker in a child process; kill it if it stops reporting progress."""
    LOGS.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "bench.serverside", "--variants", ",".join(variants),
           "--runs", str(runs), "--limit", str(limit_s)]
    if root is not None:
        cmd += ["--root", str(root)]
    env = {k: v for k, v in os.environ.items() if k != "CAUCMAP_ROOT"}
    records: list[dict] = []
    with (LOGS / f"serverside-{label}.log").open("w") as log:
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=log,
                                text=True)
        assert proc.stdout is not None
        deadline = time.monotonic() + limit_s + 60  # the worker's own watchdog fires first
        while True:
            wait = max(0.0, deadline - time.monotonic())
            ready, _, _ = select.select([proc.stdout], [], [], wait)
            if not ready:
                proc.kill()
                records.append({"variant": variants[0], "phase": "timeout",
                                "during": "worker (no progress; killed)",
                                "elapsed_s": limit_s + 60})
                break
            line = proc.stdout.readline()
            if not line:
                break
            deadline = time.monotonic() + limit_s + 60
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                log.write(f"[stdout] {line}")
        proc.wait()
    folded = _fold(records)
    if not any(r.get("phase") == "done" for r in records):
        for variant in variants:
            folded.setdefault(variant, {}).setdefault(
                "error", f"worker ended early (exit status {proc.returncode}); see "
                f"{(LOGS / f'serverside-{label}.log').relative_to(REPO)}")
    return folded


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=None)
    parser.add_argument("--variants", default="app,naive,floor")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--limit", type=float, default=300.0)
    args = parser.parse_args(argv)
    worker(args.root, args.variants.split(","), args.runs, args.limit)


if __name__ == "__main__":
    main()
