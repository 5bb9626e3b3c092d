"""Peak memory of the Streamlit server a benchmark started, read from /proc.

``tests.harness.running_app`` starts ``python -m streamlit run ... --server.port P``
with ``subprocess.Popen`` and yields only the URL. That child *is* the server (the
``-m streamlit`` entry point does not fork), so it is found by its command line:
the process whose arguments hold ``--server.port P``. Its ``VmHWM`` in
``/proc/PID/status`` is the kernel's record of the highest resident set size the
process ever had: the peak, with no polling needed. Linux only (psutil is not a
dependency, and /proc is all this needs).
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse

PROC = Path("/proc")


def _args(pid_dir: Path) -> list[str]:
    try:
        return (pid_dir / "cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:  # the process ended while we looked
        return []


def server_pid(url: str) -> int | None:
    """The pid of our child process serving ``url`` (``streamlit run --server.port P``)."""
    port = str(urlparse(url).port)
    me = os.getpid()
    for pid_dir in PROC.iterdir():
        if not pid_dir.name.isdigit():
            continue
        args = _args(pid_dir)
        if "streamlit" not in args or "--server.port" not in args:
            continue
        at = args.index("--server.port")
        if at + 1 < len(args) and args[at + 1] == port and _parent(pid_dir) == me:
            return int(pid_dir.name)
    return None


def _parent(pid_dir: Path) -> int | None:
    try:
        stat = (pid_dir / "stat").read_text()
    except OSError:
        return None
    # "pid (comm) state ppid ...": comm may hold spaces or ')', so split after the last ')'
    return int(stat.rsplit(")", 1)[1].split()[1])


def memory_mb(pid: int) -> dict[str, float]:
    """``{"peak_rss_mb": VmHWM, "rss_mb": VmRSS}`` of ``pid`` in MiB (empty if gone)."""
    out: dict[str, float] = {}
    try:
        lines = (PROC / str(pid) / "status").read_text().splitlines()
    except OSError:
        return out
    for line in lines:
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            kib = int(value.split()[0])
            out["peak_rss_mb" if key == "VmHWM" else "rss_mb"] = round(kib / 1024, 1)
    return out
