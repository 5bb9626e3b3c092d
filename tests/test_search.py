"""Filters and full-text search (issue 14): every check compares with a brute-force answer
over the real catalogue, so none depends on today's counts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from caucmap.evidence import Evidence
from caucmap.layers import events_layer
from caucmap.search import (
    catalogue_index,
    facet_counts,
    matching_ids,
    resolve_actor,
    resolve_place,
    search,
)
from caucmap.viewstate import EARLIEST, Filters, ViewState


def _placed_in(ev: Evidence, place_id: str) -> set[str]:
    return {e.id for e in ev.events if place_id in {p.id for p in e.places}}


def test_every_name_of_a_place_finds_its_events(ev: Evidence) -> None:
    for place in ev.places.values():
        placed = _placed_in(ev, place.id)
        if not placed or place.kind in ("country", "region"):
            continue
        for name in {place.names.georgian, place.names.russian, place.names.english,
                     *place.variants}:
            found = {h.event for h in search(ev, name)}
            assert placed <= found, (place.id, name, placed - found)


def test_a_transliteration_not_in_the_catalogue_finds_the_actor(ev: Evidence) -> None:
    khajimba = {e.id for e in ev.events if "raul-khajimba" in e.actors}
    assert khajimba and khajimba <= {h.event for h in search(ev, "Hadzhimba")}
    assert resolve_actor(ev, "Hajimba") == "raul-khajimba"
    assert resolve_place(ev, "Sukhum") == "sokhumi"


def test_hits_mark_the_words_that_matched(ev: Evidence) -> None:
    hits = search(ev, "ceasefire")
    assert hits
    for hit in hits:
        marked = [text for text, is_match in hit.marked if is_match]
        assert marked and all("ceasefire" in m.lower() for m in marked)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=60))
def test_any_query_is_words_never_an_fts_error(text: str) -> None:
    from caucmap.evidence import default_evidence

    ev = default_evidence()
    hits = search(ev, text)
    assert all(h.event in catalogue_index(ev).events for h in hits)


def test_filters_equal_the_brute_force_answer(ev: Evidence) -> None:
    def brute(f: Filters) -> set[str]:
        out = set()
        for e in ev.events:
            outlets = {ev.sources[c.source].outlet for c in e.all_citations()}
            if ((not f.categories or e.category.value in f.categories)
                    and (not f.actors or set(f.actors) & set(e.actors))
                    and (not f.outlets or set(f.outlets) & outlets)
                    and (not f.disputed or e.disputes())):
                out.add(e.id)
        return out

    some_outlet = next(iter(ev.sources.values())).outlet
    for f in (Filters(), Filters(actors=("sergey-lavrov",)),
              Filters(categories=("treaty_signing", "ratification")),
              Filters(outlets=(some_outlet,)), Filters(disputed=True),
              Filters(actors=("raul-khajimba",), categories=("statement",))):
        assert matching_ids(ev, f) == brute(f), f


def test_a_region_filter_includes_the_places_inside_it(ev: Evidence) -> None:
    inside = matching_ids(ev, Filters(places=("abkhazia",)))
    assert _placed_in(ev, "abkhazia") <= inside
    assert _placed_in(ev, "sokhumi") <= inside  # Sokhumi lies in Abkhazia
    only_tbilisi = {e.id for e in ev.events if {p.id for p in e.places} == {"tbilisi"}}
    assert only_tbilisi and not only_tbilisi & inside


def test_facet_counts_count_the_view(ev: Evidence) -> None:
    ids = matching_ids(ev, Filters(actors=("sergey-lavrov",)))
    counts = facet_counts(ev, ids)
    assert sum(counts["category"].values()) == len(ids)
    assert counts["actor"]["sergey-lavrov"] == len(ids)


def test_the_events_layer_applies_the_filters(ev: Evidence) -> None:
    view = ViewState(start=EARLIEST)
    f = Filters(actors=("sergey-lavrov",))
    shown = set(events_layer(ev, view.with_(filters=f)).frame["id"])
    assert shown == set(events_layer(ev, view).frame["id"]) & matching_ids(ev, f)
    assert shown and all("sergey-lavrov" in ev.event(i).actors for i in shown)


def test_filters_round_trip_through_the_url(ev: Evidence) -> None:
    resolve = {"actor": lambda x: resolve_actor(ev, x), "place": lambda x: resolve_place(ev, x)}
    view, notices = ViewState.from_query(
        {"actor": "Hajimba,nobody", "place": "Sukhum", "category": "statement,bogus",
         "q": "  treaty   Sochi ", "disputed": "1"}, resolve=resolve)
    assert view.filters == Filters(categories=("statement",), actors=("raul-khajimba",),
                                   places=("sokhumi",), disputed=True, q="treaty Sochi")
    assert len(notices) == 2 and any("nobody" in n for n in notices)
    again, more = ViewState.from_query(view.to_query(), resolve=resolve)
    assert again == view and not more
    assert "actor: raul-khajimba" in view.filters.describe()


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "caucmap", *args], capture_output=True,
                          text=True, timeout=180, check=False)


def test_cli_layer_events_takes_filters_by_any_spelling(ev: Evidence) -> None:
    done = _cli("layer", "events", "--actor", "Hajimba", "--format", "geojson")
    assert done.returncode == 0, done.stderr
    ids = {f["properties"]["id"] for f in json.loads(done.stdout)["features"]}
    assert ids == {e.id for e in ev.events if "raul-khajimba" in e.actors}
    bad = _cli("layer", "events", "--category", "picnic")
    assert bad.returncode == 2 and "--category 'picnic': no such category" in bad.stderr


def test_export_draws_only_the_filtered_events_and_says_so(tmp_path: Path) -> None:
    out = tmp_path / "treaties.svg"
    done = _cli("export", "--out", str(out), "--size", "A5", "--view",
                "category=treaty_signing&from=2014-01-01&to=2015-12-31")
    assert done.returncode == 0, done.stderr
    svg = out.read_text(encoding="utf-8")
    assert "Events filtered: category: Treaty signing" in svg
    assert "Ratification" not in svg  # the Duma's ratification is in range but filtered out
