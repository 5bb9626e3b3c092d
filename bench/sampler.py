"""A sampling profiler and watchdog for code running in threads we do not own.

AppTest runs the app's script in its own thread, so ``cProfile`` in the caller sees
only a thread waiting. This samples every thread's stack a few hundred times a
second and counts, per sample, each function on the stack once (inclusive time),
which is enough to say *where* a slow rerun goes. It also enforces a time limit on
a phase: a 100k-event catalogue can take far longer than a benchmark should wait,
and the partial profile is the most useful thing to report in that case.
"""

from __future__ import annotations

import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from types import FrameType

REPO = Path(__file__).resolve().parents[1]
INTERVAL_S = 0.005
#: the measuring code itself: on every stack, says nothing about the app
HARNESS = ("bench/serverside.py", "bench/sampler.py", "bench/__main__.py")
ANONYMOUS = {"<listcomp>", "<setcomp>", "<dictcomp>", "<genexpr>", "<lambda>"}


def frame_key(frame: FrameType) -> str | None:
    """Project frames as ``path:function``; third-party ones as ``[package]``; else None."""
    name = frame.f_code.co_filename
    if name.startswith(str(REPO)) and "/.venv/" not in name:
        rel = str(Path(name).relative_to(REPO))
        func = frame.f_code.co_name
        if func in ANONYMOUS and frame.f_back is not None:  # say whose comprehension it is
            func = f"{frame.f_back.f_code.co_name}.{func}"
        return None if rel in HARNESS else f"{rel}:{func}"
    if "site-packages/" in name:
        package = name.split("site-packages/", 1)[1].split("/", 1)[0]
        return f"[{package.removesuffix('.py')}]"
    return None


class Sampler:
    """Sample other threads' stacks until stopped; optionally fire after ``limit_s``.

        >>> with Sampler(limit_s=300, on_timeout=report_and_exit) as s:
        ...     at.run()                      # AppTest: the script runs in another thread
        >>> s.top(10), s.leaves(10)

    ``main_only=True`` samples the main thread instead (work done by the caller itself).
    """

    def __init__(self, limit_s: float | None = None,
                 on_timeout: Callable[[Sampler], None] | None = None, *,
                 main_only: bool = False, interval_s: float = INTERVAL_S) -> None:
        self.limit_s = limit_s
        self.on_timeout = on_timeout
        self.main_only = main_only
        self.interval_s = interval_s
        self.counts: Counter[str] = Counter()
        self.leaf_counts: Counter[str] = Counter()
        self.own_counts: Counter[str] = Counter()
        self.ticks = 0
        self.started = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-sampler", daemon=True)

    def __enter__(self) -> Sampler:
        self.started = time.perf_counter()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def _threads(self) -> list[FrameType]:
        frames = sys._current_frames()
        main = threading.main_thread().ident
        if self.main_only:
            return [frames[main]] if main in frames else []
        me = threading.get_ident()
        return [f for ident, f in frames.items() if ident not in (me, main)]

    def _sample(self) -> None:
        seen: set[str] = set()
        for frame in self._threads():
            node: FrameType | None = frame
            leaf = own = None
            while node is not None:
                key = frame_key(node)
                if key:
                    seen.add(key)
                    leaf = leaf or key
                    if own is None and not key.startswith("["):
                        own = key
                node = node.f_back
            if leaf:
                self.leaf_counts[leaf] += 1
            if own:
                self.own_counts[own] += 1
        self.ticks += 1
        self.counts.update(seen)

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            self._sample()
            if self.limit_s is not None and self.on_timeout and self.elapsed() > self.limit_s:
                self.on_timeout(self)
                return

    def _share(self, counter: Counter[str], n: int) -> list[dict[str, object]]:
        if not self.ticks:
            return []
        return [{"function": key, "share": round(count / self.ticks, 3)}
                for key, count in counter.most_common(n)]

    def top(self, n: int = 12) -> list[dict[str, object]]:
        """Inclusive: the ``n`` functions most often anywhere on the stack, share of samples."""
        return self._share(self.counts, n)

    def leaves(self, n: int = 8) -> list[dict[str, object]]:
        """Self time: the innermost project function or third-party package of each sample."""
        return self._share(self.leaf_counts, n)

    def project(self, n: int = 10) -> list[dict[str, object]]:
        """The innermost *project* function of each sample, libraries it calls included:
        which of our lines to change."""
        return self._share(self.own_counts, n)

    def profile(self) -> dict[str, object]:
        return {"samples": self.ticks, "inclusive": self.top(15), "self": self.leaves(10),
                "project": self.project(10)}
