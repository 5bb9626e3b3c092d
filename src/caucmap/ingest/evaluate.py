"""``caucmap eval``: score extraction against hand-written gold events.

    $ caucmap eval                  # per article and overall
    $ caucmap eval --format json    # {"dates": {"found": F, "gold": G}, ...}

The set (``eval/``, see its README) holds articles and, per article, a gold file of the
events it reports: verbatim excerpts marking the sentences that report each event, its
category, dates with precision, places and actors. Nothing is written: each article is
read and extracted in memory exactly as ``caucmap add`` would. A candidate belongs to a
gold event when its sentence overlaps one of the event's excerpts; a gold date counts
as found when such a candidate has the same start, end and precision; a gold place or
actor when such a candidate names it (by id, or by name for new ones, any spelling).
Candidates that overlap no gold event are counted as unmatched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from caucmap.errors import UsageError
from caucmap.evidence import Evidence, load_evidence
from caucmap.ingest.candidates import Candidate
from caucmap.ingest.intake import read_page
from caucmap.ingest.names import skeleton
from caucmap.ingest.pipeline import propose
from caucmap.safeio import load_yaml, read_text
from caucmap.textmatch import locate

METRICS = ("dates", "places", "actors")


@dataclass
class Score:
    """Counts for one article (or all of them)."""

    name: str
    found: dict[str, int] = field(default_factory=lambda: dict.fromkeys(METRICS, 0))
    gold: dict[str, int] = field(default_factory=lambda: dict.fromkeys(METRICS, 0))
    unmatched: int = 0
    gold_events: int = 0
    candidates: int = 0
    published_ok: bool | None = None
    misses: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for m in METRICS:
            self.found[m] += other.found[m]
            self.gold[m] += other.gold[m]
        self.unmatched += other.unmatched
        self.gold_events += other.gold_events
        self.candidates += other.candidates

    def recall(self) -> float:
        gold = sum(self.gold.values())
        return sum(self.found.values()) / gold if gold else 1.0


@dataclass
class Result:
    articles: list[Score]
    total: Score

    def overall(self) -> dict[str, Any]:
        t = self.total
        out: dict[str, Any] = {m: {"found": t.found[m], "gold": t.gold[m]} for m in METRICS}
        return out | {"unmatched": t.unmatched, "gold_events": t.gold_events}


def _names_match(want: str, item: dict[str, Any]) -> bool:
    if item.get("id") == want:
        return True
    name = item.get("name") or item.get("text") or ""
    return bool(name) and skeleton(name) == skeleton(want)


def _spans(text: str, excerpts: list[str]) -> list[tuple[int, int]]:
    return [span for e in excerpts if (span := locate(text, e)) is not None]


def _overlaps(a: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(a[0] < b and s < a[1] for s, b in spans)


def _candidate_spans(text: str, cand: Candidate) -> list[tuple[int, int]]:
    return [cand.span, *_spans(text, cand.also)]


def score_article(evidence: Evidence, article: Path, gold: dict[str, Any]) -> Score:
    score = Score(article.name)
    intake = gold.get("intake") or {}
    published = intake.get("published")
    page = read_page(article, outlet=intake.get("outlet"), address=intake.get("address"),
                     published=date.fromisoformat(str(published)) if published else None)
    expected = (gold.get("published") or {}).get("date")
    if expected:
        score.published_ok = page.published == date.fromisoformat(str(expected))
    candidates = propose(evidence, page, f"eval-{article.stem}")
    score.candidates = len(candidates)
    owned: list[list[tuple[int, int]]] = []
    for event in gold.get("events") or []:
        spans = _spans(page.text, event.get("excerpts") or [])
        if not spans:
            score.misses.append(f"{event.get('what')}: no gold excerpt found in the text")
        owned.append(spans)
        mine = [c for c in candidates if any(_overlaps(s, spans)
                                             for s in _candidate_spans(page.text, c))]
        score.gold_events += 1
        want = event["date"]
        score.gold["dates"] += 1
        if any((c.start.isoformat(), c.end.isoformat(), c.date_precision)
               == (str(want["start"]), str(want["end"]), want["precision"]) for c in mine):
            score.found["dates"] += 1
        else:
            got = [f"{c.start}..{c.end} {c.date_precision}" for c in mine] or ["no candidate"]
            score.misses.append(f"{event.get('what')}: date {want['start']}..{want['end']} "
                                f"{want['precision']}, got {'; '.join(got)}")
        for metric in ("places", "actors"):
            for wanted in event.get(metric) or []:
                score.gold[metric] += 1
                if any(_names_match(str(wanted), item) for c in mine
                       for item in getattr(c, metric)):
                    score.found[metric] += 1
                else:
                    score.misses.append(f"{event.get('what')}: {metric[:-1]} {wanted} not found")
    all_spans = [s for spans in owned for s in spans]
    score.unmatched = sum(1 for c in candidates if not any(
        _overlaps(s, all_spans) for s in _candidate_spans(page.text, c)))
    return score


def evaluate(root: Path, folder: Path | None = None) -> Result:
    """Score every article of ``folder`` (default ``eval/`` under the project)."""
    folder = (Path(folder) if folder else root / "eval").resolve()
    gold_dir = folder / "gold"
    article_dir = folder / "articles" if (folder / "articles").is_dir() else folder
    if not gold_dir.is_dir():
        raise UsageError(f"{folder}: no gold/ folder: not an evaluation set")
    evidence = load_evidence(root)
    total, scores = Score("overall"), []
    for gold_path in sorted(gold_dir.glob("*.yaml")):
        gold = load_yaml(read_text(gold_path, root=folder, kind="catalogue"), name=gold_path.name)
        article = article_dir / gold["article"]
        try:
            score = score_article(evidence, article, gold)
        except UsageError as exc:  # an article the pipeline refuses scores nothing
            score = Score(article.name, misses=[f"refused: {exc}"])
            for event in gold.get("events") or []:
                score.gold_events += 1
                score.gold["dates"] += 1
                score.gold["places"] += len(event.get("places") or [])
                score.gold["actors"] += len(event.get("actors") or [])
        scores.append(score)
        total.add(score)
    return Result(scores, total)


def _pct(found: int, gold: int) -> str:
    return f"{found}/{gold} ({100 * found / gold:.0f}%)" if gold else "-"


def report_text(result: Result) -> str:
    lines = [f"{'article':34} {'dates':>13} {'places':>13} {'actors':>13} {'unmatched':>9} pub"]
    for s in [*result.articles, result.total]:
        pub = {True: "ok", False: "WRONG", None: "-"}[s.published_ok]
        lines.append(f"{s.name[:34]:34} " + " ".join(
            f"{_pct(s.found[m], s.gold[m]):>13}" for m in METRICS)
            + f" {s.unmatched:>4}/{s.candidates:<4} {pub}")
    total = result.total
    lines.append(f"gold events: {total.gold_events}; unmatched candidates per gold event: "
                 f"{total.unmatched / max(total.gold_events, 1):.2f}")
    if result.articles:
        worst = min(result.articles, key=lambda s: (s.recall(), -s.unmatched))
        lines.append(f"worst: {worst.name} (recall {100 * worst.recall():.0f}%)")
        lines += [f"  - {m}" for m in worst.misses[:12]]
    return "\n".join(lines)
