"""The evidence base verifies, and each kind of bad input fails with file, entry and field."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml

from caucmap.errors import EvidenceError, UsageError
from caucmap.evidence import Evidence, load_evidence
from caucmap.models import DatePrecision
from caucmap.settings import project_root
from caucmap.textmatch import describe_mismatch, locate, normalise
from caucmap.weekdays import contradictions


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _problems(root: Path) -> list[str]:
    with pytest.raises(EvidenceError) as caught:
        load_evidence(root)
    return [str(p) for p in caught.value.problems]


def test_real_evidence_loads_and_every_excerpt_is_verbatim(ev: Evidence) -> None:
    assert len(ev.sources) >= 5 and len(ev.events) >= 25  # invariants, not today's counts
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


# --- hostile files (issue 9): every file is read through safeio -------------------------

ROOT = Path(__file__).resolve().parents[1]


def _validate(root: Path | None, *, cwd: Path = ROOT,
              env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``caucmap validate`` as a user runs it; a hang fails the test instead of the run."""
    extra = ["--root", str(root)] if root else []
    clean = {k: v for k, v in os.environ.items() if k != "CAUCMAP_ROOT"}
    return subprocess.run([sys.executable, "-m", "caucmap", *extra, "validate"], cwd=cwd,
                          env={**clean, **(env or {})}, capture_output=True, text=True,
                          timeout=60, check=False)


def _first_seed(root: Path) -> tuple[str, str]:
    """(source id, file name) of the first registered seed."""
    first = yaml.safe_load((root / "seeds" / "sources.yaml").read_text("utf-8"))["sources"][0]
    return first["id"], first["file"]


def test_seed_symlink_to_etc_passwd_is_refused(scratch: Path) -> None:
    source_id, name = _first_seed(scratch)
    (scratch / "seeds" / name).unlink()
    (scratch / "seeds" / name).symlink_to("/etc/passwd")
    problems = _problems(scratch)
    assert any(p.startswith("seeds/sources.yaml:") and f"entry '{source_id}'" in p
               and f"cannot read seeds/{name}: is a symbolic link" in p for p in problems)
    assert not any("root:x:0" in p for p in problems)


def test_seed_fifo_does_not_hang_validate(scratch: Path) -> None:
    _, name = _first_seed(scratch)
    (scratch / "seeds" / name).unlink()
    os.mkfifo(scratch / "seeds" / name)
    done = _validate(scratch)  # times out (and fails) if the FIFO is opened blocking
    assert done.returncode == 1
    assert f"cannot read seeds/{name}: is not a regular file" in done.stderr
    assert "Traceback" not in done.stderr


def test_alias_bomb_under_an_event_id_is_refused_quickly(scratch: Path) -> None:
    bomb = "".join(f"x{k}: &x{k} [{', '.join([f'*x{k - 1}'] * 9)}]\n" for k in range(1, 10))
    events = scratch / "catalogue" / "events.yaml"
    events.write_text('x0: &x0 "lol"\n' + bomb + "events:\n  - id: *x9\n", encoding="utf-8")
    done = _validate(scratch)  # a loader that expands the bomb times out (60 s) and fails
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert any(line.strip().startswith("catalogue/events.yaml:") and "alias bomb" in line
               for line in done.stderr.splitlines()), done.stderr


@pytest.mark.parametrize("raw_id", ["[1, 2]", "{a: b}", "12"])
def test_an_id_that_is_not_a_string_is_named_by_position(scratch: Path, raw_id: str) -> None:
    events = scratch / "catalogue" / "events.yaml"
    first_id = yaml.safe_load(events.read_text("utf-8"))["events"][0]["id"]
    _edit(events, f"- id: {first_id}\n", f"- id: {raw_id}\n")
    assert any("entry '#1', field 'id'" in p for p in _problems(scratch))


def test_validate_checks_the_project_of_the_working_directory(scratch: Path) -> None:
    (scratch / "catalogue" / "events.yaml").write_text("events: oops\n", encoding="utf-8")
    inside = scratch / "catalogue"
    done = _validate(None, cwd=inside)
    assert done.returncode == 1 and "catalogue/events.yaml" in done.stderr, done.stderr
    done = _validate(None, cwd=inside, env={"CAUCMAP_ROOT": str(ROOT)})
    assert done.returncode == 0, done.stderr  # CAUCMAP_ROOT still wins
    assert _validate(ROOT, cwd=inside).returncode == 0  # and so does --root


def test_outside_a_project_the_root_must_be_named(tmp_path: Path, monkeypatch) -> None:
    """An installed package knows no checkout: outside a project, --root or CAUCMAP_ROOT."""
    monkeypatch.delenv("CAUCMAP_ROOT", raising=False)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UsageError, match="pass --root DIR or set CAUCMAP_ROOT"):
        project_root()
    assert project_root(fallback=ROOT) == ROOT  # the app names its own checkout
    done = _validate(None, cwd=tmp_path)
    assert done.returncode == 2 and "--root" in done.stderr and "Traceback" not in done.stderr
    assert _validate(ROOT, cwd=tmp_path).returncode == 0


@pytest.mark.parametrize(("content", "says"), [
    ("{not json", "not valid JSON"),
    ('{"type": "Topology"}', "not a GeoJSON FeatureCollection"),
    ('{"type": "FeatureCollection", "features": [{"geometry": null, "properties": {}}]}',
     "feature 0: missing properties id"),
    ('{"type": "FeatureCollection", "features": []}', "no region GEO, ABK, SOS"),
])
def test_invalid_regions_geojson_is_one_line(scratch: Path, content: str, says: str) -> None:
    (scratch / "geodata" / "regions.geojson").write_text(content, encoding="utf-8")
    done = _validate(scratch)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert any(line.strip().startswith("geodata/regions.geojson") and says in line
               for line in done.stderr.splitlines()), done.stderr


# --- validation messages that help (issue 8, point 5) --------------------------------------


def test_failing_excerpt_shows_where_it_parts_from_the_source(scratch: Path) -> None:
    events = scratch / "catalogue" / "events.yaml"
    _edit(events, "establishes a unified military force", "establishes a unified militery force")
    problems = _problems(scratch)
    assert any("not found verbatim" in p and "matches up to '" in p
               and "then the source has 'ary force ' where the excerpt has 'ery force '" in p
               for p in problems), problems


@pytest.mark.parametrize(("excerpt", "says"), [
    ("the State Duma approved it",
     "matches up to 'the State Duma ' then the source has 'with only ' where the excerpt has "
     "'approved i'"),
    ("A treaty, which was approved by the State Duma",
     "matches from ' treaty, which was a…' to its end, but before that the source has "
     "' Text. The' where the excerpt has 'A'"),
    ("THE TREATY, WHICH WAS APPROVED", "the source has it with other upper/lower case letters"),
    ("zzz nothing like it", "no passage of the source starts or ends like it"),
])
def test_mismatch_is_described_from_the_nearest_passage(excerpt: str, says: str) -> None:
    source = ("MOSCOW. Text. The treaty, which was approved by the State Duma with only one "
              "dissenting vote on Friday, establishes a unified force.")
    assert locate(source, excerpt) is None
    assert describe_mismatch(source, excerpt) == says


def test_missing_seed_is_listed_once_with_a_count_of_what_follows(scratch: Path) -> None:
    source_id, name = _first_seed(scratch)
    (scratch / "seeds" / name).unlink()
    problems = _problems(scratch)
    first = next(i for i, p in enumerate(problems) if f"cannot read seeds/{name}" in p)
    assert "later problem(s) follow from this one and are not listed" in problems[first]
    assert int(re.search(r"\((\d+) later", problems[first]).group(1)) > 0
    assert not any(f"unknown source id '{source_id}'" in p for p in problems), problems


def test_an_invalid_place_entry_hides_the_unknown_place_errors_it_causes(scratch: Path) -> None:
    gazetteer = scratch / "geodata" / "gazetteer.yaml"
    _edit(gazetteer, "  - id: sochi\n    kind: city\n", "  - id: sochi\n    kind: metropolis\n")
    problems = _problems(scratch)
    assert problems[0].startswith("geodata/gazetteer.yaml:") and "entry 'sochi'" in problems[0]
    assert "follow from this one" in problems[0]
    assert not any("unknown place id 'sochi'" in p for p in problems), problems


def test_unknown_place_says_where_to_add_it_and_with_which_fields(scratch: Path) -> None:
    events = scratch / "catalogue" / "events.yaml"
    _edit(events, "- id: sochi\n", "- id: sochii\n")
    assert any("unknown place id 'sochii': did you mean 'sochi'? else add it to "
               "geodata/gazetteer.yaml with id, kind, lon, lat, "
               "names{georgian,russian,english}, coordinates_from" in p
               for p in _problems(scratch))


def test_unknown_actor_says_where_to_add_it(scratch: Path) -> None:
    events = scratch / "catalogue" / "events.yaml"
    actor = re.search(r"actors: \[([\w-]+)", events.read_text("utf-8"))
    assert actor
    _edit(events, f"actors: [{actor.group(1)}", "actors: [nobody-at-all")
    assert any("unknown actor id 'nobody-at-all': add it to catalogue/actors.yaml with id, "
               "name, kind, spellings" in p for p in _problems(scratch))


def test_relative_date_without_a_note_is_reported(scratch: Path) -> None:
    events = scratch / "catalogue" / "events.yaml"
    _edit(events, "    date_note: \"'today' in Agenda.ge of 24 Nov 2014.\"\n", "")
    assert any("field 'date_note'" in p and "a relative date needs a date_note" in p
               for p in _problems(scratch))


def test_seed_file_registered_nowhere_is_reported(scratch: Path) -> None:
    (scratch / "seeds" / "005_forgotten.txt").write_text("An article.\n", encoding="utf-8")
    assert any(p.startswith("seeds/005_forgotten.txt: registered in no entry of "
                            "seeds/sources.yaml") for p in _problems(scratch))


@pytest.mark.parametrize(("old", "new", "says"), [
    ("in The Moscow Times of Friday 23 Jan 2015.", "in The Moscow Times of Thursday 23 Jan 2015.",
     "'Thursday 23 Jan 2015': 23 Jan 2015 was a Friday"),
    ("'on Friday' in The Moscow Times", "'on Thursday' in The Moscow Times",
     "'on Thursday' is quoted for a record dated Fri 23 Jan 2015"),
])
def test_weekday_in_a_date_note_that_contradicts_the_date_is_reported(
        scratch: Path, old: str, new: str, says: str) -> None:
    _edit(scratch / "catalogue" / "events.yaml", old, new)
    assert any("field 'date_note'" in p and f"weekday contradicts the date: {says}" in p
               for p in _problems(scratch))


@pytest.mark.parametrize(("note", "day", "found"), [
    ("'Tuesday' in Sputnik of Wed 18 Mar 2015: so Tue 17 Mar 2015", date(2015, 3, 17), 0),
    ("'Tuesday' in Sputnik of Wed 18 Mar 2015", date(2015, 3, 18), 1),
    ("23 Nov 2014 (a Monday)", None, 1),
    ("that Wednesday, February 18, 2015", None, 0),
    ("'Monday' in Sputnik", None, 0),  # a span of days: no single weekday to contradict
])
def test_weekday_readings(note: str, day: date | None, found: int) -> None:
    assert len(contradictions(note, day)) == found
