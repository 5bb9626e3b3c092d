"""What the figures were measured on: hardware, load, versions and the code's revision.

Absolute timings only mean something next to this; the load average at start and
end says how busy the shared machine was during the run.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from tests.harness import chromium_path

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("streamlit", "streamlit-folium", "folium", "branca", "pandas", "geopandas",
            "shapely", "pydantic", "PyYAML", "matplotlib", "altair", "playwright")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _run(cmd: list[str]) -> str | None:
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=30, cwd=REPO)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() or None


def chromium_version() -> str | None:
    path = chromium_path()
    out = _run([path, "--version"]) if path else None
    return out.splitlines()[0] if out else None


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def describe() -> dict[str, object]:
    """A JSON-able description of this machine, its software and the code under test."""
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    dirty = _run(["git", "status", "--porcelain", "--", "src", "app", "catalogue",
                  "geodata", "seeds"])
    return {
        "date_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu_model": _cpu_model(),
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)),
        "memory_gib": _memory_gib(),
        "load_average_start": load_average(),
        "os": platform.platform(),
        "python": sys.version.split()[0],
        "chromium": chromium_version(),
        "packages": versions,
        "git_commit": _run(["git", "rev-parse", "--short", "HEAD"]),
        "uncommitted_changes": dirty.splitlines() if dirty else [],
    }
