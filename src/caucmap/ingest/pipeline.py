"""``caucmap add``: a saved page in, a new seed and its queued candidates out.

    >>> result = add_page(root, Path("treaty.html"), outlet=None, address=None, published=None)
    >>> result.source, len(result.candidates), result.warnings

Everything that can refuse the page (unreadable, empty, binary, not an article, no
date, a duplicate, nothing to propose) does so before anything is written; then the
seed, its ``sources.yaml`` entry and the queue are written under the project lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from caucmap.errors import UsageError
from caucmap.evidence import Evidence, load_evidence
from caucmap.ingest.candidates import Article, Candidate, Extractor
from caucmap.ingest.intake import Page, read_page
from caucmap.ingest.matching import match_candidate
from caucmap.ingest.queue import enqueue, project_lock
from caucmap.ingest.store import find_duplicate, plan_seed, write_seed


@dataclass(frozen=True)
class Added:
    source: str
    seed: Path
    candidates: list[Candidate]
    warnings: list[str]


@lru_cache(maxsize=4)
def extractor_for(evidence: Evidence) -> Extractor:
    """One extractor per loaded catalogue: the name indexes are built once."""
    return Extractor(evidence)


def article_of(page: Page, source_id: str, extractor: Extractor) -> Article:
    if page.published is None or page.outlet is None:
        raise UsageError(f"{page.path}: no publication date or outlet")
    line = page.dateline
    return Article(
        source=source_id, text=page.text, outlet=page.outlet, published=page.published,
        published_precision=page.published_precision or "day",
        dateline_place=extractor.dateline_place(line.place) if line else None,
        dateline=line.text if line else None,
    )


def propose(evidence: Evidence, page: Page, source_id: str) -> list[Candidate]:
    """Candidates of ``page``, each matched against the catalogue."""
    extractor = extractor_for(evidence)
    candidates = extractor.extract(article_of(page, source_id, extractor))
    for cand in candidates:
        cand.matches, cand.relation, cand.claims = match_candidate(cand, evidence, page.address)
    return candidates


def add_page(root: Path, path: Path, *, outlet: str | None = None, address: str | None = None,
             published: date | None = None, evidence: Evidence | None = None) -> Added:
    """Store ``path`` as a seed and queue its candidates; UsageError (one line) if refused."""
    evidence = evidence or load_evidence(root)
    page = read_page(path, address=address, outlet=outlet, published=published)
    plan = plan_seed(evidence, page)
    candidates = propose(evidence, page, plan.source.id)
    if not candidates:
        raise UsageError(f"{path}: no candidate events found (no sentence reports a dated or "
                         "placed act of a known kind): nothing was stored")
    extra = {"address": plan.source.address, "outlet": plan.source.outlet,
             "published": plan.source.published.isoformat()}
    with project_lock(root):
        fresh = load_evidence(root)  # another reviewer may have added it meanwhile
        duplicate = find_duplicate(fresh, page)
        if duplicate:
            raise UsageError(f"{path}: already in seeds/ as source '{duplicate}'")
        final = plan_seed(fresh, page)
        if final.source.id != plan.source.id:  # the id was taken meanwhile
            candidates = propose(fresh, page, final.source.id)
        seed = write_seed(root, final)
        enqueue(root, candidates, extra)
    return Added(final.source.id, seed, candidates, page.warnings)
