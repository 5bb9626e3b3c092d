"""Time the briefing export: A4 PNG at 300 dpi and A4 PDF of the default (busiest) view.

    $ .venv/bin/python bench/bench_export.py > export.json
    >>> from bench_export import run; run()["png_a4_300dpi"]["median_s"]

Each case is warmed up once (evidence loading and the layer caches are paid there,
and reported as ``first_s``), then timed ``RUNS`` times through
:func:`caucmap.export.export_bytes`, the path the CLI and the app's download buttons
share. Figures are seconds of wall time; the target is ``TARGET_S`` per export.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections.abc import Callable

from caucmap.evidence import default_evidence
from caucmap.export import export_bytes
from caucmap.viewstate import ViewState

RUNS = 5
TARGET_S = 3.0
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

        (first,), _ = _time(call, 1)
        times, nbytes = _time(call, runs)
        median = statistics.median(times)
        results[name] = {
            "format": fmt, "size": size, "dpi": dpi, "runs": runs,
            "first_s": round(first, 3), "median_s": round(median, 3),
            "min_s": round(min(times), 3), "max_s": round(max(times), 3),
            "bytes": nbytes, "within_target": median <= TARGET_S,
        }
    return results


if __name__ == "__main__":
    json.dump(run(), sys.stdout, indent=2)
    sys.stdout.write("\n")
