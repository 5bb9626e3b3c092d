"""Ingest, writing: caucmap add, the review queue, accept and reject, on a scratch project.

Each test checks what a reviewer relies on: nothing enters seeds/ or catalogue/ on a
refusal, an accepted candidate verifies like every other record, and two reviewers
accepting at once both land.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from caucmap.errors import UsageError
from caucmap.evidence import load_evidence
from caucmap.ingest.pipeline import add_page
from caucmap.ingest.queue import accept, load_queue, pending, reject
from caucmap.textmatch import locate

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = ROOT / "eval" / "articles" / "03-ossetia-treaty.html"
TEXT_ARTICLE = """Georgia protests new Abkhaz checkpoint

SOKHUMI, June 4 (Test Wire) - Abkhaz de facto president Raul Khajimba visited the Gali
district on Tuesday and inspected a new crossing point on the Enguri, officials said.

Georgian Foreign Minister Tamar Beruchashvili condemned the visit on Wednesday, calling it
a provocation, and said Tbilisi would raise it at the Geneva talks next week.
"""


def _tree(root: Path) -> dict[str, str]:
    """Hash of every file under seeds/, catalogue/ and geodata/: 'unchanged' made exact."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for folder in ("seeds", "catalogue", "geodata")
            for p in sorted((root / folder).rglob("*")) if p.is_file()}


def _text_page(tmp_path: Path, body: str = TEXT_ARTICLE, name: str = "page.txt") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


TEXT_OPTS = {"outlet": "Test Wire", "address": "https://test.invalid/2016/06/04/checkpoint"}


def test_add_stores_one_seed_and_queues_verbatim_candidates(scratch: Path) -> None:
    before = set((scratch / "seeds").iterdir())
    added = add_page(scratch, ARTICLE)
    new = set((scratch / "seeds").iterdir()) - before
    assert new == {added.seed}
    assert added.seed.name.startswith(f"{len(before) - 1:03d}_")  # sources.yaml is in seeds/
    ev = load_evidence(scratch)  # the new source registers and verifies
    source = ev.sources[added.source]
    assert source.published_basis == "address" and source.file == added.seed.name
    queued = pending(scratch)
    assert [c["id"] for c in queued] == [c.id for c in added.candidates]
    for cand in queued:
        assert locate(ev.texts[added.source], cand["excerpt"]) is not None


def test_text_file_takes_publication_year_from_the_address(scratch: Path,
                                                            tmp_path: Path) -> None:
    added = add_page(scratch, _text_page(tmp_path), **TEXT_OPTS)
    source = load_evidence(scratch).sources[added.source]
    assert str(source.published) == "2016-06-04" and source.published_basis == "address"
    visit = next(c for c in added.candidates if c.category == "diplomatic_visit")
    assert str(visit.start) == "2016-05-31"  # Tuesday before Saturday 4 June 2016
    assert "raul-khajimba" in {a.get("id") for a in visit.actors}


def test_same_address_or_same_text_is_refused_naming_the_source(scratch: Path,
                                                                 tmp_path: Path) -> None:
    first = add_page(scratch, ARTICLE)
    snapshot = _tree(scratch)
    with pytest.raises(UsageError, match=f"already in seeds/ as source '{first.source}'"):
        add_page(scratch, ARTICLE)
    copy = _text_page(tmp_path, (scratch / "seeds" / first.seed.name).read_text())
    with pytest.raises(UsageError, match=first.source):
        add_page(scratch, copy, outlet="Other", address="https://other.invalid/2015/03/18/x")
    assert _tree(scratch) == snapshot


@pytest.mark.parametrize(("body", "opts", "message"), [
    ("", {}, "empty"),
    (TEXT_ARTICLE, {"outlet": "Test Wire", "address": "https://test.invalid/news/1"},
     "no publication date"),
    (TEXT_ARTICLE, {"address": "https://test.invalid/2016/06/04/x"}, None),
    ("The weather in Lisbon\n\nLISBON, June 4 (Test Wire) - It was sunny and warm across "
     "Portugal all weekend, with temperatures near thirty degrees and light winds along "
     "the coast, the weather office reported in its weekly bulletin for holidaymakers.\n",
     TEXT_OPTS, "no candidate events"),
])
def test_refused_page_leaves_the_project_unchanged(scratch: Path, tmp_path: Path, body: str,
                                                   opts: dict, message: str | None) -> None:
    snapshot = _tree(scratch)
    path = _text_page(tmp_path, body)
    if message is None:  # the outlet is read from the dateline's agency: accepted
        add_page(scratch, path, **opts)
        return
    with pytest.raises(UsageError, match=message):
        add_page(scratch, path, **opts)
    assert _tree(scratch) == snapshot
    assert not (scratch / "review" / "queue.json").exists()


def test_accept_new_event_verifies_and_adds_proposed_people(scratch: Path) -> None:
    added = add_page(scratch, ARTICLE)
    new_person = next(c for c in added.candidates
                      if any(not a.get("id") for a in c.actors) and not c.matches)
    done = accept(scratch, new_person.id, {"title": "Washington rejects the treaty"})
    ev = load_evidence(scratch)
    event = ev.event(done.event)
    assert event is not None and event.title == "Washington rejects the treaty"
    assert event.citations[0].excerpt == new_person.excerpt
    names = {a.get("name") for a in new_person.actors if not a.get("id")}
    assert names <= {ev.actors[a].name for a in event.actors}
    assert load_queue(scratch)[0]["status"] in ("pending", "accepted")
    assert next(c for c in load_queue(scratch) if c["id"] == new_person.id)["status"] == "accepted"


def test_accept_corroboration_adds_a_citation_not_an_event(scratch: Path) -> None:
    added = add_page(scratch, ARTICLE)
    match = next(c for c in added.candidates if c.matches)
    before = load_evidence(scratch)
    accept(scratch, match.id)
    after = load_evidence(scratch)
    assert len(after.events) == len(before.events)
    cited = after.event(match.matches)
    assert cited is not None and match.excerpt in [c.excerpt for c in cited.citations]


def test_accept_keeps_comments_of_the_catalogue(scratch: Path) -> None:
    added = add_page(scratch, ARTICLE)
    head = (scratch / "catalogue" / "events.yaml").read_text().splitlines()[:3]
    accept(scratch, added.candidates[-1].id)
    assert (scratch / "catalogue" / "events.yaml").read_text().splitlines()[:3] == head


def test_accept_that_would_break_the_catalogue_writes_nothing(scratch: Path) -> None:
    added = add_page(scratch, ARTICLE)
    snapshot, queue = _tree(scratch), load_queue(scratch)
    cand = added.candidates[-1].id
    with pytest.raises(UsageError, match="nothing was written"):
        accept(scratch, cand, {"places": "atlantis"})
    with pytest.raises(UsageError, match="not a date"):
        accept(scratch, cand, {"start": "2015-02-30"})
    with pytest.raises(UsageError, match="not an editable field"):
        accept(scratch, cand, {"excerpt": "made up words"})
    assert _tree(scratch) == snapshot and load_queue(scratch) == queue


def test_reject_needs_a_reason_and_is_final(scratch: Path) -> None:
    added = add_page(scratch, ARTICLE)
    cand = added.candidates[0].id
    with pytest.raises(UsageError, match="why"):
        reject(scratch, cand, "  ")
    reject(scratch, cand, "a headline repeat")
    with pytest.raises(UsageError, match="already rejected"):
        accept(scratch, cand)
    assert cand not in {c["id"] for c in pending(scratch)}


def test_two_reviewers_accepting_at_once_lose_nothing(scratch: Path) -> None:
    """Two `caucmap accept` processes started together: both land, in some order."""
    added = add_page(scratch, ARTICLE)
    new = [c.id for c in added.candidates if not c.matches][:2]
    assert len(new) == 2
    cli = [sys.executable, "-m", "caucmap", "--root", str(scratch), "accept"]
    procs = [subprocess.Popen([*cli, cand], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for cand in new]
    outcomes = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outcomes
    ev = load_evidence(scratch)
    events = {c["event"] for c in load_queue(scratch) if c["id"] in new}
    assert len(events) == 2 and all(ev.event(e) is not None for e in events)
    assert {c["status"] for c in load_queue(scratch) if c["id"] in new} == {"accepted"}


def test_cli_review_json_and_accept(scratch: Path) -> None:
    cli = [sys.executable, "-m", "caucmap", "--root", str(scratch)]
    add = subprocess.run([*cli, "add", str(ARTICLE)], capture_output=True, text=True)
    assert add.returncode == 0, add.stderr
    out = subprocess.run([*cli, "review", "--format", "json"], capture_output=True, text=True)
    doc = json.loads(out.stdout)
    keys = {"id", "source", "excerpt", "start", "end", "date_precision", "date_basis",
            "date_note", "places", "actors", "category", "matches"}
    assert doc["candidates"] and all(keys <= set(c) for c in doc["candidates"])
    for c in doc["candidates"]:
        assert all(("id" in p or "name" in p) and "lon" in p and "lat" in p for p in c["places"])
    again = subprocess.run([*cli, "add", str(ARTICLE)], capture_output=True, text=True)
    assert again.returncode == 2 and again.stderr.count("\n") == 1
    done = subprocess.run([*cli, "accept", doc["candidates"][-1]["id"]], capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr
    assert subprocess.run([*cli, "validate"], capture_output=True).returncode == 0


def test_every_candidate_of_several_articles_accepts_and_verifies(scratch: Path) -> None:
    """What ingest proposes, accepted unedited, passes every check of the loader."""
    articles = sorted((ROOT / "eval" / "articles").iterdir())[:2]
    for number, article in enumerate(articles):
        add_page(scratch, article, outlet="Eval Wire",
                 address=f"https://eval.invalid/2015/03/18/{number}")
    ids = [c["id"] for c in pending(scratch)]
    assert ids
    for cand in ids:
        accept(scratch, cand)
    ev = load_evidence(scratch)
    assert not pending(scratch)
    assert {c["event"] for c in load_queue(scratch)} <= {e.id for e in ev.events}
