"""Time the briefing export: A4 PNG at 300 dpi and A4 PDF of the default (busiest) view,
and the animated GIF of a year of monthly frames at A5.

    $ .venv/bin/python bench/bench_export.py > export.json
    >>> from bench_export import run; run()["png_a4_300dpi"]["median_s"]

Each case is warmed up once (evidence loading and the layer caches are paid there,
and reported as ``first_s``), then timed ``RUNS`` times through
:func:`caucmap.export.export_bytes`, the path the CLI and the app's download buttons
share, or :func:`caucmap.animation.animation_bytes` (what ``caucmap export --out
x.gif`` writes). Figures are seconds of wall time; the target is ``TARGET_S`` per
still and ``GIF_TARGET_S`` per GIF.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from caucmap.animation import DEFAULT_DPI, animation_bytes, plan_frames
from caucmap.evidence import default_evidence
from caucmap.export import export_bytes
from caucmap.viewstate import ViewState

RUNS = 5
TARGET_S = 3.0
GIF_TARGET_S = 10.0
#: the busiest year of the real catalogue (Abkhazia's treaty with Russia)
GIF_VIEW = ViewState(start=date(2014, 1, 1), end=date(2014, 12, 31))
GIF_CASE = "gif_a5_monthly_year"
CASES: dict[str, tuple[str, str, int]] = {  # name -> (format, size, dpi)
    "png_a4_300dpi": ("png", "A4", 300),
    "pdf_a4": ("pdf", "A4", 300),
}


def _time(call: Callable[[], bytes], runs: int) -> tuple[list[float], int]:
    times, size = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        size = len(call())
        times.append(time.perf_counter() - start)
    return times, size


def _timed(call: Callable[[], bytes], runs: int, target: float) -> dict[str, Any]:
    """One case: warmed once (``first_s``), then median, min and max of ``runs``."""
    (first,), _ = _time(call, 1)
    times, nbytes = _time(call, runs)
    median = statistics.median(times)
    return {"runs": runs, "first_s": round(first, 3), "median_s": round(median, 3),
            "min_s": round(min(times), 3), "max_s": round(max(times), 3), "bytes": nbytes,
            "target_s": target, "within_target": median <= target}


def run(runs: int = RUNS) -> dict:
    """Median, min and max seconds per case, with the output size and the target."""
    start = time.perf_counter()
    ev = default_evidence()
    view = ViewState()
    results: dict[str, object] = {
        "load_evidence_s": round(time.perf_counter() - start, 3),
        "view": view.to_query() or "default",
        "events": len(ev.events),
        "cpus": os.cpu_count(),
        "target_s": TARGET_S,
    }
    for name, (fmt, size, dpi) in CASES.items():
        def call(fmt: str = fmt, size: str = size, dpi: int = dpi) -> bytes:
            return export_bytes(ev, view, fmt, size=size, dpi=dpi)

        results[name] = {"format": fmt, "size": size, "dpi": dpi,
                         **_timed(call, runs, TARGET_S)}

    def gif() -> bytes:
        return animation_bytes(ev, GIF_VIEW, "gif", step="month", size="A5")

    frames = len(plan_frames(GIF_VIEW, "month"))
    case: dict[str, Any] = {"format": "gif", "size": "A5", "dpi": DEFAULT_DPI,
                            "frames": frames, "view": GIF_VIEW.to_query()}
    try:  # a failing animation keeps the stills' figures
        timed = _timed(gif, runs, GIF_TARGET_S)
    except Exception as exc:
        case["error"] = f"{type(exc).__name__}: {exc}"[:2000]
    else:
        case |= {**timed, "per_frame_s": round(timed["median_s"] / frames, 3)}
    results[GIF_CASE] = case
    return results


if __name__ == "__main__":
    json.dump(run(), sys.stdout, indent=2)
    sys.stdout.write("\n")
