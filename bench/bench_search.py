"""``python -m bench.bench_search``: full-text search and filters at 100k events.

    $ python -m bench.bench_search [--events 100000]   # writes bench/SEARCH_RESULTS.md

Issue 14's budgets: building the index at most 10 s, a query at most 100 ms after it,
a filter change within the slider budget (400 ms at 100k). Measured on the synthetic
catalogue of ``bench/synthetic.py`` (labelled synthetic), beside a naive variant that
scans every title, summary and excerpt for each query, in the same run. The region
geometry (which the app has loaded for the map already) is read before the build is
timed.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from bench import synthetic
from caucmap import geodata
from caucmap.atomic import write_atomic
from caucmap.evidence import load_evidence
from caucmap.search import catalogue_index, matching_ids, search
from caucmap.viewstate import Filters

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ["Sukhum", "Sokhumi", "Tskhinval", "treaty", "Lavrov", "Hadzhimba", "ceasefire",
           "border agreement", "protest rally", "Moscow", "recognition", "Gali"]
BUDGETS = {"build": 10.0, "query": 0.100, "filter": 0.400}


def _naive(ev, text: str) -> set[str]:  # type: ignore[no-untyped-def]
    words = text.lower().split()
    out = set()
    for e in ev.events:
        blob = " ".join([e.title, e.summary, *(c.excerpt for c in e.all_citations())]).lower()
        if all(w in blob for w in words):
            out.add(e.id)
    return out


def _median(times: list[float]) -> str:
    return f"{1000 * statistics.median(times):.1f} ms [{1000 * min(times):.1f}-" \
           f"{1000 * max(times):.1f}]"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    args = parser.parse_args()
    root, _ = synthetic.ensure_root(args.events)
    ev = load_evidence(root, catalogue=root / "catalogue")
    geodata.region_geometry(ev.root, "ABK")  # the app has the map's geometry loaded already
    start = time.perf_counter()
    catalogue_index(ev)
    build = time.perf_counter() - start
    query_times, naive_times = [], []
    for q in QUERIES:
        start = time.perf_counter()
        search(ev, q)
        query_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        _naive(ev, q)
        naive_times.append(time.perf_counter() - start)
    filter_times = []
    for f in (Filters(actors=("sergey-lavrov",)), Filters(categories=("statement",)),
              Filters(places=("abkhazia",)), Filters(disputed=True),
              Filters(q="treaty", categories=("treaty_signing",))):
        start = time.perf_counter()
        matching_ids(ev, f)
        filter_times.append(time.perf_counter() - start)
    verdict = {
        "build": build <= BUDGETS["build"],
        "query": max(query_times) <= BUDGETS["query"],
        "filter": max(filter_times) <= BUDGETS["filter"],
    }
    ok = {True: "PASS", False: "MISS"}
    lines = [
        f"# Search and filters at {len(ev.events):,} events [synthetic]",
        "",
        f"Catalogue: `bench/synthetic.py`, {len(ev.events):,} events. {len(QUERIES)} queries "
        "(place names in three conventions, a transliteration, words, phrases).",
        "",
        "| figure | measured | budget |",
        "|---|---|---|",
        f"| index build (FTS5, once per catalogue) | {build:.2f} s | <= 10 s: "
        f"{ok[verdict['build']]} |",
        f"| query, median [min-max] | {_median(query_times)} | max <= 100 ms: "
        f"{ok[verdict['query']]} |",
        f"| naive scan per query, median [min-max] | {_median(naive_times)} | |",
        f"| filter change (matching ids), median [min-max] | {_median(filter_times)} | "
        f"max <= 400 ms: {ok[verdict['filter']]} |",
        "",
        f"Ratio naive / indexed query (medians): "
        f"{statistics.median(naive_times) / statistics.median(query_times):.0f}x.",
        "",
    ]
    write_atomic(ROOT / "bench" / "SEARCH_RESULTS.md", "\n".join(lines), overwrite=True)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
