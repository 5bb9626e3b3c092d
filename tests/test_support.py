"""Excerpts back what they are cited for: the support check on real and tampered data.

Each test tampers a scratch copy of the project the way a careless edit would (an
excerpt swapped, a date moved, the old ceasefire citation put back) and expects the
loader to name the entry and field; the real catalogue passes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from catalogue_edits import edit_yaml, problems

from caucmap.evidence import Evidence
from caucmap.models import Event, Support
from caucmap.support import backing, place_mention

OLD_CEASEFIRE = {  # what the catalogue cited for the 2008 ceasefire before the fact-check
    "source": "moscowtimes-2015-01-23",
    "excerpt": "Moscow brushed aside Georgian forces in a five-day war",
}


def _record(data: dict[str, Any], key: str, record_id: str) -> dict[str, Any]:
    return next(r for r in data[key] if r["id"] == record_id)


def _events(root: Path, change: Any) -> list[str]:
    edit_yaml(root / "catalogue" / "events.yaml", change)
    return problems(root)


def _about(found: list[str], entry: str, field: str) -> list[str]:
    return [p for p in found if f"entry '{entry}'" in p and f"field '{field}'" in p]


def test_real_catalogue_backs_every_date_place_and_actor(ev: Evidence) -> None:
    for event in ev.events:
        backed = backing(ev, event)
        assert Support.DATE in backed, event.id
        assert Support.PLACE in backed or not event.places, event.id
        assert Support.ACTORS in backed or not event.actors, event.id


def test_excerpt_swapped_for_one_naming_no_place_fails(scratch: Path) -> None:
    def swap(data: dict[str, Any]) -> None:
        cited = _record(data, "events", "amtsakhara-rally-sokhumi")["citations"][0]
        assert "place" in cited["supports"]
        cited["excerpt"] = ("Khajimba stressed that the treaty was Russia\u2019s demonstration and "
                            "show of confidence and respect towards the Abkhaz people.")

    found = _about(_events(scratch, swap), "amtsakhara-rally-sokhumi", "citations[0].supports")
    assert any("cited for place, but the excerpt names none of: Sokhumi" in p for p in found)
    assert any(p.startswith("catalogue/events.yaml:") for p in found)


def test_old_ceasefire_citation_is_reported(scratch: Path) -> None:
    """The citation the fact-check found: verbatim, but silent on any ceasefire."""
    def restore(data: dict[str, Any]) -> None:
        _record(data, "events", "ceasefire-six-point-plan-2008")["citations"] = [
            {**OLD_CEASEFIRE, "supports": ["date", "category"]}]

    found = _about(_events(scratch, restore), "ceasefire-six-point-plan-2008",
                   "citations[0].supports")
    assert any("cited for date, but the excerpt has no date expression" in p for p in found)
    assert any("cited for category, but the excerpt uses none of the category's words" in p
               for p in found)


def test_old_ceasefire_citation_without_supports_is_reported(scratch: Path) -> None:
    """As it stood in the old catalogue: no ``supports`` at all."""
    def restore(data: dict[str, Any]) -> None:
        _record(data, "events", "ceasefire-six-point-plan-2008")["citations"] = [OLD_CEASEFIRE]

    found = _about(_events(scratch, restore), "ceasefire-six-point-plan-2008",
                   "citations[0].supports")
    assert any("supports nothing checkable (nothing)" in p for p in found)


def test_citation_backing_only_the_summary_is_reported(scratch: Path) -> None:
    def claim_only(data: dict[str, Any]) -> None:
        _record(data, "events", "tbilisi-protests-against-treaty")["citations"][0][
            "supports"] = ["claim"]

    found = _events(scratch, claim_only)
    assert _about(found, "tbilisi-protests-against-treaty", "citations[0].supports")


def test_date_that_resolves_outside_the_event_fails(scratch: Path) -> None:
    """'Monday' in Sputnik of Sunday 23 Nov 2014 is the 24th: not the 25th."""
    def move(data: dict[str, Any]) -> None:
        event = _record(data, "events", "russia-abkhazia-treaty-signed")
        event["start"] = event["end"] = "2014-11-25"

    found = _about(_events(scratch, move), "russia-abkhazia-treaty-signed", "claims[0].supports")
    assert any("no date in the excerpt falls within 2014-11-25 (found 'Monday' = 2014-11-24)"
               in p for p in found)


def test_category_words_must_be_in_the_excerpt(scratch: Path) -> None:
    def recategorise(data: dict[str, Any]) -> None:
        _record(data, "events", "russia-abkhazia-treaty-signed")["category"] = "protest"

    found = _about(_events(scratch, recategorise), "russia-abkhazia-treaty-signed",
                   "citations[0].supports")
    assert any("cited for category" in p for p in found)


def test_field_without_any_backing_is_reported(scratch: Path) -> None:
    def unback(data: dict[str, Any]) -> None:
        feature = _record(data, "features", "war-kodori-gorge")
        feature["references"][0]["supports"] = ["date"]

    edit_yaml(scratch / "catalogue" / "war2008.yaml", unback)
    found = _about(problems(scratch), "war-kodori-gorge", "places")
    assert any("nothing backs the place" in p for p in found)


def test_place_claim_must_name_its_place(scratch: Path) -> None:
    def misclaim(data: dict[str, Any]) -> None:
        _record(data, "events", "russia-abkhazia-treaty-signed")["claims"][0]["value"] = "tbilisi"

    found = _about(_events(scratch, misclaim), "russia-abkhazia-treaty-signed",
                   "claims[0].excerpt")
    assert any("claims the place 'tbilisi'" in p for p in found)


def test_old_style_reference_supports_text_still_loads(scratch: Path) -> None:
    """References written before lists ("date, place", "fact") keep their meaning."""
    def old_style(data: dict[str, Any]) -> None:
        refs = _record(data, "features", "war-kodori-gorge")["references"]
        refs[0]["supports"] = "date, place"
        refs.append({"address": "https://example.org/x", "title": "x", "supports": "fact"})

    edit_yaml(scratch / "catalogue" / "war2008.yaml", old_style)
    from caucmap.evidence import load_evidence

    feature = next(w for w in load_evidence(scratch).war if w.id == "war-kodori-gorge")
    assert feature.references[0].supports == (Support.DATE, Support.PLACE)
    assert feature.references[-1].supports == (Support.CLAIM,)


def test_place_names_match_in_any_convention_and_transliteration() -> None:
    assert place_mention("Russian troops left Tskhinval on Monday", ("Tskhinvali",))
    assert place_mention("talks in Sukhumi", ("Sukhum",))
    assert place_mention("TALKS IN SOKHUMI", ("Sokhumi",)) == "SOKHUMI"
    assert place_mention("a visit to Novo-Ogaryovo", ("Novo-Ogaryovo",))


def test_demonyms_and_longer_names_are_not_mentions() -> None:
    assert place_mention("Moscow brushed aside Georgian forces", ("Georgia",)) is None
    assert place_mention("a Russian base", ("Russia",)) is None
    assert place_mention("Tskhinvali region was the focus", ("Tskhinvali",),
                         ("Tskhinvali region",)) is None
    assert place_mention("the Galician coast", ("Gali",)) is None


def test_panel_backing_names_the_words_that_back_each_field(ev: Evidence) -> None:
    event = ev.event("russia-abkhazia-treaty-signed")
    assert isinstance(event, Event)
    backed = backing(ev, event)
    dates = {b.matched for b in backed[Support.DATE] if b.kind == "claim"}
    assert any(m.startswith("'today' = 2014-11-24") for m in dates)
    assert any(m.startswith("'Monday' = 2014-11-24") for m in dates)
    places = {(b.kind, b.matched) for b in backed[Support.PLACE]}
    assert ("claim", "Sochi") in places and ("reference", "") in places
    assert {"Kremlin", "Putin"} <= {b.matched for b in backed[Support.ACTORS]}


def test_evidence_panel_shows_what_backs_each_field() -> None:
    """The app's panel for the 2014 treaty: the date, the disputed place and each actor
    with the excerpt or reference behind it."""
    from harness import opened
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app" /
                                "streamlit_app.py"), default_timeout=90)
    app.query_params["event"] = "russia-abkhazia-treaty-signed"
    app.query_params["from"] = "2014-11-01"
    app.query_params["to"] = "2014-11-30"
    opened(app)
    assert not app.exception, app.exception
    text = "\n".join(c.value.replace("\\", "") for c in app.caption)  # markdown escapes
    assert "Sputnik (claim): 'Monday' = 2014-11-24" in text
    assert "Agenda.ge (claim): 'today' = 2014-11-24" in text
    assert "The Moscow Times (claim): Sochi" in text
    assert "[4] The Moscow Times: Khadzhimba" in text and "[3] Agenda.ge: Kremlin" in text
    places = [m.value for m in app.markdown if m.value.startswith("**Place:")]
    assert places and "disputed" in places[0]
