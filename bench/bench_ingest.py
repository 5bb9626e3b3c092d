"""``python -m bench.bench_ingest``: time ``caucmap add`` on a 1,000-word article.

    $ python -m bench.bench_ingest            # writes bench/INGEST_RESULTS.md

Issue 8's budget: at most 3 s per add after the first call in a process. Each run adds
the same article to a fresh scratch copy of the project (so nothing is a duplicate),
through the library's ``add_page`` (read, extract, match, store, queue). The naive
variant rebuilds the name indexes for every article, as a first call does; the ratio
says what keeping them per catalogue buys. The article is made of the evaluation
set's own articles, joined under one dateline until it has 1,000 words.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from caucmap.atomic import write_atomic
from caucmap.evidence import load_evidence
from caucmap.ingest import pipeline
from caucmap.ingest.intake import read_page
from caucmap.ingest.pipeline import add_page

ROOT = Path(__file__).resolve().parents[1]
RUNS = 5
BUDGET_S = 3.0


def _article(folder: Path, words: int = 1000) -> Path:
    """A text article of ``words`` words from the evaluation set's articles."""
    parts: list[str] = []
    for path in sorted((ROOT / "eval" / "articles").iterdir()):
        page = read_page(path, outlet="Eval", address="https://bench.invalid/x",
                         published=date(2015, 3, 18))
        parts.append(page.text.split("\n", 1)[-1].strip())
        if sum(len(p.split()) for p in parts) >= words:
            break
    text = " ".join(" ".join(parts).split()[:words])
    path = folder / "article.txt"
    path.write_text("Bench article\n\nTBILISI, March 18 (Bench Wire) - " + text + ".\n",
                    encoding="utf-8")
    return path


def _scratch(base: Path, n: int) -> Path:
    root = base / f"p{n}"
    for name in ("seeds", "catalogue", "geodata"):
        shutil.copytree(ROOT / name, root / name)
    return root


def _time_adds(base: Path, article: Path, naive: bool) -> list[float]:
    times = []
    for n in range(RUNS + 1):
        root = _scratch(base, n + (100 if naive else 0))
        evidence = load_evidence(root)
        if naive:
            pipeline.extractor_for.cache_clear()
        start = time.perf_counter()
        add_page(root, article, address=f"https://bench.invalid/2015/03/18/{n}",
                 evidence=evidence)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="caucmap-bench-ingest-") as tmp:
        base = Path(tmp)
        article = _article(base)
        words = len(article.read_text().split())
        app = _time_adds(base, article, naive=False)
        naive = _time_adds(base, article, naive=True)
    after = statistics.median(app[1:])
    naive_after = statistics.median(naive[1:])
    verdict = "PASS" if after <= BUDGET_S else "MISS"
    lines = [
        "# caucmap add: time per article",
        "",
        f"Article: {words} words (the evaluation set's articles joined). {RUNS} adds "
        "after a first one, each into a fresh scratch copy of the project; load of the "
        "catalogue not counted (the app and the CLI have it already).",
        "",
        "| variant | first call | median after first [min-max] | budget |",
        "|---|---|---|---|",
        f"| app (indexes kept per catalogue) | {app[0]:.2f} s | {after:.2f} s "
        f"[{min(app[1:]):.2f}-{max(app[1:]):.2f}] | <= {BUDGET_S:.0f} s: {verdict} |",
        f"| naive (indexes rebuilt per article) | {naive[0]:.2f} s | {naive_after:.2f} s "
        f"[{min(naive[1:]):.2f}-{max(naive[1:]):.2f}] | |",
        "",
        f"Ratio naive / app after the first call: {naive_after / after:.1f}x.",
        "",
    ]
    write_atomic(ROOT / "bench" / "INGEST_RESULTS.md", "\n".join(lines), overwrite=True)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
