"""Ingest, reading and extraction: dates, sentences, names, intake and candidates.

Everything here runs on real files (the seeds, the evaluation articles, pages written in
tmp_path) and checks invariants, not the current counts of any set.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from caucmap.errors import UsageError
from caucmap.evidence import Evidence
from caucmap.ingest.candidates import Article
from caucmap.ingest.dates import find_dates
from caucmap.ingest.intake import address_date, read_page
from caucmap.ingest.names import NameIndex, skeleton
from caucmap.ingest.pipeline import extractor_for, propose
from caucmap.ingest.sentences import split_sentences
from caucmap.textmatch import locate

ROOT = Path(__file__).resolve().parents[1]
WED = date(2015, 3, 18)  # a Wednesday


@pytest.mark.parametrize(("sentence", "want"), [
    ("Tibilov met Putin on Tuesday.", ("2015-03-17", "2015-03-17", "day", "relative")),
    ("They will sign the treaty on Monday.", ("2015-03-23", "2015-03-23", "day", "relative")),
    ("Putin said on Wednesday the deal stands.", ("2015-03-18", "2015-03-18", "day", "relative")),
    ("The talks were held yesterday.", ("2015-03-17", "2015-03-17", "day", "relative")),
    ("He visited Sukhumi last month.", ("2015-02-01", "2015-02-28", "month", "relative")),
    ("It will be ratified by the end of the year.",
     ("2015-03-18", "2015-12-31", "range", "relative")),
    ("The war of 1992-1993 ended.", ("1992-01-01", "1993-12-31", "range", "stated")),
    ("Russia recognised them in August 2008.", ("2008-08-01", "2008-08-31", "month", "stated")),
    ("The treaty was signed on 24 November 2014.", ("2014-11-24", "2014-11-24", "day", "stated")),
    ("Protesters gathered last week.", ("2015-03-09", "2015-03-15", "range", "relative")),
    ("The minister arrived earlier today.", ("2015-03-18", "2015-03-18", "day", "relative")),
])
def test_date_expressions_resolve_against_the_publication_day(sentence, want) -> None:
    found = find_dates(sentence, WED, outlet="Wire")
    assert found, sentence
    got = found[0]
    assert (got.start.isoformat(), got.end.isoformat(), got.precision.value,
            got.basis.value) == want
    assert got.text in sentence


def test_partial_date_takes_the_year_the_tense_points_to() -> None:
    sunday = date(2014, 11, 23)
    future = find_dates("Hajimba will visit Russia on November 24.", sunday)[0]
    assert future.start == date(2014, 11, 24)
    past = find_dates("Hajimba visited Russia on November 24.", date(2015, 1, 10))[0]
    assert past.start == date(2014, 11, 24)


def test_date_note_says_how_a_relative_date_was_resolved() -> None:
    note = find_dates("Tibilov met Putin on Tuesday.", WED, outlet="Sputnik")[0].note
    assert "'Tuesday'" in note and "Sputnik" in note and "Wed 18 Mar 2015" in note
    assert "Tue 17 Mar 2015" in note


def test_modal_may_is_not_a_month() -> None:
    assert find_dates("Talks may resume soon, officials said.", WED) == []
    assert find_dates("The vote was held on 5 May 2015.", WED)[0].start == date(2015, 5, 5)


def test_sentences_are_the_texts_own_bytes(ev: Evidence) -> None:
    for text in ev.texts.values():
        for s in split_sentences(text):
            assert text[s.start:s.end] == s.text
            assert s.text == s.text.strip()


def test_sentence_split_keeps_abbreviations_and_closing_quotes() -> None:
    text = "Gen. Ivanov left. He said \u201cno.\u201d The U.S. envoy met him on Dec. 5."
    assert [s.text for s in split_sentences(text)] == [
        "Gen. Ivanov left.", "He said \u201cno.\u201d", "The U.S. envoy met him on Dec. 5."]


@pytest.mark.parametrize(("a", "b"), [
    ("Sukhumi", "Sukhum"), ("Khajimba", "Khadzhimba"), ("Hajimba", "Khajimba"),
    ("Tskhinvali", "Tskhinval"), ("Java", "Dzhava"), ("Sergey Lavrov", "Sergei Lavrov"),
    ("Ochamchire", "Ochamchira"), ("Gali", "Gal"),
])
def test_transliterations_share_a_skeleton(a: str, b: str) -> None:
    assert skeleton(a) == skeleton(b)


def test_name_index_finds_spellings_and_not_lookalikes() -> None:
    index = NameIndex([("Gori", "gori"), ("Tskhinvali", "tskhinvali"), ("Sokhumi", "sokhumi")])
    found = {m.key for m in index.find("Troops left Tskhinval for Gori, not Gomi or Gorilla.")}
    assert found == {"tskhinvali", "gori"}


def test_places_found_under_every_naming_convention(ev: Evidence) -> None:
    finder = extractor_for(ev).places
    for place in ev.places.values():
        for name in {place.names.georgian, place.names.russian, place.names.english}:
            hits = finder.find(f"Officials met in {name} on Monday.")
            assert place.id in {h.id for h in hits}, (place.id, name)


def test_place_missing_from_gazetteer_is_proposed_from_natural_earth(ev: Evidence) -> None:
    hits = extractor_for(ev).places.find("Delegations met in Batumi on Monday.")
    new = [h for h in hits if h.id is None]
    assert new and new[0].proposed["name"] == "Batumi"
    assert new[0].proposed["geonameid"] == 615532 and 41 < new[0].lat < 42


def test_actors_by_any_spelling_and_new_people_by_title(ev: Evidence) -> None:
    finder = extractor_for(ev).actors
    hits = finder.find("Spokeswoman Maria Zakharova said Khadzhimba and President Leonid "
                       "Tibilov met in Sukhum.")
    ids = {h.id for h in hits if h.id}
    names = {h.name for h in hits if not h.id}
    assert {"raul-khajimba", "leonid-tibilov"} <= ids
    assert names == {"Maria Zakharova"}


def test_institution_of_another_country_is_not_a_known_one(ev: Evidence) -> None:
    hits = extractor_for(ev).actors.find("The Georgian Foreign Ministry condemned the vote.")
    assert "russian-foreign-ministry" not in {h.id for h in hits}
    assert "Georgian Foreign Ministry" in {h.name for h in hits}


def _page(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


HTML = """<html><head><title>T</title>
<meta property="og:site_name" content="Test Wire">{meta}
<link rel="canonical" href="{address}"></head>
<body><div class="date">Updated 25 January 2021</div><article><h1>Treaty signed</h1>
<p>TSKHINVALI, March 18 (Test Wire) - Russian President Vladimir Putin and South Ossetia's
leader Leonid Tibilov signed a treaty on alliance and integration on Wednesday, officials
said, in a ceremony that Georgia condemned as an annexation of its territory.</p>
<p>The Georgian Foreign Ministry condemned the signing in a statement on Wednesday.</p>
</article></body></html>"""


def test_display_date_in_the_page_is_never_the_publication_date(tmp_path: Path) -> None:
    page = read_page(_page(tmp_path, "a.html", HTML.format(
        meta="", address="https://x.invalid/news/4411")))
    assert page.published is None  # "Updated 25 January 2021" is not taken
    dated = read_page(_page(tmp_path, "b.html", HTML.format(
        meta="", address="https://x.invalid/2015/03/18/treaty")))
    assert (dated.published, dated.published_basis) == (WED, "address")
    meta = '<meta property="article:published_time" content="2015-03-18T09:00:00Z">'
    stated = read_page(_page(tmp_path, "c.html", HTML.format(
        meta=meta, address="https://x.invalid/news/1")))
    assert (stated.published, stated.published_basis) == (WED, "metadata")
    assert stated.outlet == "Test Wire"
    assert stated.dateline and stated.dateline.place == "Tskhinvali"


def test_dateline_completed_by_the_year_of_the_address(tmp_path: Path) -> None:
    page = read_page(_page(tmp_path, "d.html", HTML.format(
        meta="", address="https://x.invalid/en/news/2015/351")))
    assert (page.published, page.published_precision, page.published_basis) == (
        WED, "day", "dateline")
    assert address_date("https://x.invalid/en/news/2015/351") == (date(2015, 1, 1), "year")


@pytest.mark.parametrize(("name", "data", "message"), [
    ("empty.txt", b"", "empty"),
    ("blank.html", b"   \n\n ", "empty"),
    ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    ("latin1.txt", "Sokhumi caf\u00e9 news".encode("latin-1") * 20, "UTF-8"),
    ("script.html", b"<html><script>alert(1)</script><body></body></html>", "no article text"),
    ("tiny.txt", b"Putin met Tibilov.", "not an article"),
])
def test_bad_pages_get_one_clear_line(tmp_path: Path, name: str, data: bytes,
                                      message: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(UsageError) as info:
        read_page(path)
    assert message in str(info.value) and name in str(info.value)
    assert "\n" not in str(info.value)


def _articles() -> list[Path]:
    folder = ROOT / "eval" / "articles"
    return sorted(folder.iterdir()) if folder.is_dir() else []


@pytest.mark.parametrize("path", _articles(), ids=lambda p: p.name)
def test_every_candidate_excerpt_is_the_sources_own_sentence(ev: Evidence, path: Path) -> None:
    page = read_page(path, outlet="Eval", address="https://eval.invalid/x", published=WED)
    for cand in propose(ev, page, "eval-x"):
        assert page.text[cand.span[0]:cand.span[1]] == cand.excerpt
        assert all(locate(page.text, more) for more in cand.also)
        assert cand.start <= cand.end
        assert cand.supports[0] == "category"


def test_seed_candidates_verify_and_name_only_known_ids(ev: Evidence) -> None:
    extractor = extractor_for(ev)
    for source in ev.sources.values():
        article = Article(source.id, ev.texts[source.id], source.outlet, source.published,
                          source.published_precision)
        for cand in extractor.extract(article):
            assert locate(ev.texts[source.id], cand.excerpt) is not None
            assert all(p["id"] in ev.places for p in cand.places if p.get("id"))
            assert all(a["id"] in ev.actors for a in cand.actors if a.get("id"))
