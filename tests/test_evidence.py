"""The evidence base verifies, and each kind of bad input fails with file, entry and field."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from caucmap.errors import EvidenceError
from caucmap.evidence import Evidence, load_evidence
from caucmap.models import DatePrecision
from caucmap.textmatch import locate, normalise


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _problems(root: Path) -> list[str]:
    with pytest.raises(EvidenceError) as caught:
        load_evidence(root)
    return [str(p) for p in caught.value.problems]


def test_real_evidence_loads_and_every_excerpt_is_verbatim(ev: Evidence) -> None:
    assert len(ev.sources) == 5
    assert len(ev.events) >= 25
    for event in ev.events:
        for cit in event.all_citations():
            span = locate(ev.texts[cit.source], cit.excerpt)
            assert span is not None, (event.id, cit.excerpt)
            assert normalise(ev.texts[cit.source][span[0]:span[1]]) == normalise(cit.excerpt)


def test_required_events_are_catalogued(ev: Evidence) -> None:
    by_day = {(e.start.isoformat(), e.category.value) for e in ev.events}
    for day, category in [
        ("2014-11-24", "treaty_signing"),
        ("2015-01-23", "ratification"),
        ("2008-08-26", "recognition"),
        ("2015-02-18", "treaty_signing"),
    ]:
        assert (day, category) in by_day
    months = {(e.start.isoformat()[:7], e.date_precision) for e in ev.events}
    assert ("2014-10", DatePrecision.MONTH) in months  # the Abkhaz parliament takes up the draft


def test_signing_place_conflict_is_kept_as_claims(ev: Evidence) -> None:
    signing = next(e for e in ev.events if e.category.value == "treaty_signing"
                   and e.start.isoformat() == "2014-11-24")
    place_claims = signing.disputes()["place"]
    values = {c.value for c in place_claims}
    assert {"moscow", "sochi"} <= values
    outlets = {ev.sources[c.source].outlet for c in place_claims}
    assert "Sputnik" in outlets and len(outlets) >= 2


def test_actor_spellings_cover_the_sources(ev: Evidence) -> None:
    khajimba = next(a for a in ev.actors.values() if "Khajimba" in a.spellings)
    assert {"Khajimba", "Hajimba", "Khadzhimba"} <= set(khajimba.spellings)


def test_sputnik_display_date_is_not_the_publication_date(ev: Evidence) -> None:
    sputnik = next(s for s in ev.sources.values() if s.outlet == "Sputnik")
    assert sputnik.published.isoformat() == "2014-11-23"
    assert sputnik.display_date is not None and sputnik.display_date.isoformat() == "2021-01-25"


def test_tampered_excerpt_fails_naming_file_entry_and_field(scratch: Path) -> None:
    events = scratch / "catalogue" / "events.yaml"
    data = yaml.safe_load(events.read_text(encoding="utf-8"))
    first = data["events"][0]
    excerpt = first["citations"][0]["excerpt"]
    words = excerpt.split()
    tampered = " ".join([*words[:-1], words[-1] + "X"])
    _edit(events, excerpt.split("\n")[0] if "\n" in excerpt else excerpt,
          tampered if "\n" not in excerpt else tampered.split("\n")[0])
    problems = _problems(scratch)
    assert any(p.startswith("catalogue/events.yaml:") and f"entry '{first['id']}'" in p
               and "field 'citations[0].excerpt'" in p and "not found verbatim" in p
               for p in problems), problems


def test_unknown_place_id_fails(scratch: Path) -> None:
    events = scratch / "catalogue" / "events.yaml"
    text = events.read_text(encoding="utf-8")
    match = re.search(r"- id: (sochi)\n", text)
    assert match
    _edit(events, "- id: sochi\n", "- id: atlantis\n")
    problems = _problems(scratch)
    assert any("unknown place id 'atlantis'" in p and "field 'places[" in p for p in problems)


def test_impossible_date_fails_as_a_field_error(scratch: Path) -> None:
    events = scratch / "catalogue" / "events.yaml"
    _edit(events, "start: 2014-11-24", "start: 2014-02-30")
    problems = _problems(scratch)
    assert any("field 'start'" in p and "catalogue/events.yaml:" in p for p in problems), problems


def test_start_after_end_fails(scratch: Path) -> None:
    events = scratch / "catalogue" / "events.yaml"
    _edit(events, "end: 2015-01-23", "end: 2015-01-22")
    assert any("after end" in p or "start ==" in p for p in _problems(scratch))


@pytest.mark.parametrize("bad", ["../x", "/etc/passwd", "a/../../b"])
def test_source_ids_that_are_not_plain_names_are_rejected(scratch: Path, bad: str) -> None:
    events = scratch / "catalogue" / "events.yaml"
    text = events.read_text(encoding="utf-8")
    source = re.search(r"source: ([\w.-]+)", text)
    assert source
    _edit(events, f"source: {source.group(1)}", f"source: '{bad}'")
    problems = _problems(scratch)
    assert any("source" in p and "pattern" in p for p in problems), problems


def test_source_file_outside_seeds_is_rejected(scratch: Path) -> None:
    sources = scratch / "seeds" / "sources.yaml"
    _edit(sources, "file: 000_651401385ef5508a.txt", "file: ../catalogue/events.yaml")
    assert any("field 'file'" in p for p in _problems(scratch))


def test_yaml_is_loaded_safely(scratch: Path) -> None:
    events = scratch / "catalogue" / "events.yaml"
    events.write_text("events: !!python/object/apply:os.system ['echo pwned']\n")
    assert any("not valid YAML" in p for p in _problems(scratch))


def test_unknown_field_is_named(scratch: Path) -> None:
    events = scratch / "catalogue" / "events.yaml"
    _edit(events, "  title: ", "  titel: x\n    title: ")
    assert any("field 'titel'" in p for p in _problems(scratch))


def test_every_problem_is_reported_not_just_the_first(scratch: Path) -> None:
    events = scratch / "catalogue" / "events.yaml"
    _edit(events, "- id: sochi\n", "- id: atlantis\n")  # the Sochi signing
    _edit(events, "start: 2015-01-23", "start: 2015-01-32")  # the Duma ratification
    problems = _problems(scratch)
    assert any("atlantis" in p for p in problems) and any("field 'start'" in p for p in problems)


@pytest.mark.parametrize(("text", "excerpt", "found"), [
    ("He said \u201cyes\u201d  today.", 'said "yes" today', True),
    ("a \u2013 b", "a - b", True),
    ("Khajimba said", "khajimba said", False),
    ("one two three", "one ... three", False),
])
def test_matching_normalises_only_space_quotes_and_dashes(text: str, excerpt: str,
                                                          found: bool) -> None:
    assert (locate(text, excerpt) is not None) is found


def _as_jsonl(scratch: Path) -> Path:
    """Rewrite the scratch catalogue's events as JSON Lines, one event a line."""
    events = scratch / "catalogue" / "events.yaml"
    records = yaml.safe_load(events.read_text(encoding="utf-8"))["events"]
    target = scratch / "catalogue" / "events.jsonl"
    target.write_text("".join(json.dumps(r, default=str) + "\n" for r in records),
                      encoding="utf-8")
    events.unlink()
    return target


def test_bulk_events_as_json_lines_load_like_yaml(scratch: Path, ev: Evidence) -> None:
    _as_jsonl(scratch)
    bulk = load_evidence(scratch)
    assert [e.model_dump() for e in bulk.events] == [e.model_dump() for e in ev.events]


def test_json_lines_problems_name_the_line(scratch: Path) -> None:
    target = _as_jsonl(scratch)
    lines = target.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace('"start": "', '"start": "X', 1)
    lines[4] = "{not json"
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = _problems(scratch)
    assert any(p.startswith("catalogue/events.jsonl:3,") and "field 'start'" in p
               for p in problems), problems
    assert any(p.startswith("catalogue/events.jsonl:5:") and "not valid JSON" in p
               for p in problems), problems


def test_events_in_both_formats_is_an_error(scratch: Path) -> None:
    events = scratch / "catalogue" / "events.yaml"
    (scratch / "catalogue" / "events.jsonl").write_text("", encoding="utf-8")
    assert events.exists()
    assert any("both events.yaml and events.jsonl" in p for p in _problems(scratch))
