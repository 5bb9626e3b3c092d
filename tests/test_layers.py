"""The layer model: naming, worldview, date filtering and recognition as the UI relies on."""

from __future__ import annotations

from datetime import date

from caucmap import style
from caucmap.evidence import Evidence
from caucmap.layers import (
    WORLD_DISPUTED,
    borders_layer,
    build_layers,
    events_layer,
    recognition_layer,
    world_layer,
)
from caucmap.naming import Naming
from caucmap.viewstate import ViewState, Worldview


def test_naming_changes_region_labels(ev: Evidence) -> None:
    georgian = build_layers(ev, ViewState(naming=Naming.GEORGIAN))["regions"].frame
    russian = build_layers(ev, ViewState(naming=Naming.RUSSIAN))["regions"].frame
    sos_ge = georgian.loc[georgian["id"] == "SOS", "label"].item()
    sos_ru = russian.loc[russian["id"] == "SOS", "label"].item()
    assert "Tskhinvali" in sos_ge and sos_ru == "South Ossetia"


def test_localise_rewrites_our_words_only(ev: Evidence) -> None:
    assert ev.localise("Rallies in Sokhumi", Naming.RUSSIAN) == "Rallies in Sukhum"
    assert ev.localise("Rallies in Sukhum", Naming.GEORGIAN) == "Rallies in Sokhumi"


def test_worldview_changes_boundary_line_style(ev: Evidence) -> None:
    intl = borders_layer(ev, Worldview.INTERNATIONAL, Naming.ENGLISH).frame
    russia = borders_layer(ev, Worldview.RUSSIA, Naming.ENGLISH).frame
    abl = intl["kind"] == "administrative_boundary_line"
    assert abl.any() and (intl.loc[abl, "dash"] == style.DASH_ABL).all()
    assert (russia.loc[russia["kind"] == "administrative_boundary_line", "dash"] == "").all()


def test_date_filter_keeps_overlapping_events(ev: Evidence) -> None:
    nov = events_layer(ev, ViewState(start=date(2014, 11, 1), end=date(2014, 11, 30))).frame
    assert len(nov) > 0
    assert (nov["start"] <= date(2014, 11, 30)).all() and (nov["end"] >= date(2014, 11, 1)).all()
    everything = events_layer(ev, ViewState()).frame
    assert len(everything) == len(ev.events)


def test_month_precision_events_are_hollow(ev: Evidence) -> None:
    frame = events_layer(ev, ViewState()).frame
    assert frame.loc[frame["date_precision"] != "day", "hollow"].all()


def test_recognition_counts_follow_the_end_date(ev: Evidence) -> None:
    def count(day: date) -> int:
        frame = recognition_layer(ev, ViewState(end=day)).frame
        return int(frame.loc[frame["id"] == "ABK", "recognised_by"].item())
    assert count(date(2008, 8, 1)) == 0
    assert count(date(2008, 8, 27)) == 1
    assert count(date(2012, 1, 1)) > count(date(2015, 1, 1))  # Vanuatu and Tuvalu withdrew


def test_localiser_matches_whole_names_only(ev: Evidence) -> None:
    to_ru = Naming.RUSSIAN
    assert ev.localise("Tskhinvali region and Tskhinvali", to_ru) == "South Ossetia and Tskhinval"
    assert ev.localise("Sokhumi's square", to_ru) == "Sukhum's square"
    assert ev.localise("Sokhumians", to_ru) == "Sokhumians"  # not a name: left alone
    assert ev.localise("", to_ru) == ""


def test_boundary_line_term_follows_the_worldview(ev: Evidence) -> None:
    def abl_names(worldview: Worldview, naming: Naming) -> set[str]:
        frame = borders_layer(ev, worldview, naming).frame
        return set(frame.loc[frame["kind"] == "administrative_boundary_line", "description"])

    for naming in Naming:
        russia_view = abl_names(Worldview.RUSSIA, naming)
        assert all("state border" in d and "Russia's view" in d for d in russia_view)
    assert all("occupation line" in d and "not an international border" in d
               for d in abl_names(Worldview.INTERNATIONAL, Naming.GEORGIAN))
    assert all("administrative boundary line" in d
               for d in abl_names(Worldview.INTERNATIONAL, Naming.RUSSIAN))


def test_world_tooltips_say_nothing_from_after_the_date(ev: Evidence) -> None:
    from caucmap.layers import world_layer

    frame = world_layer(ev, date(2009, 1, 1)).frame
    syria = frame.loc[frame["name"] == "Syria", "tooltip"].item()
    assert "2018" not in syria
    tuvalu = frame.loc[frame["name"] == "Tuvalu", "tooltip"].item()
    assert "withdrawn" not in tuvalu


def test_hyphenated_compounds_are_localised(ev: Evidence) -> None:
    text = "the Russia-South Ossetia border agreement"
    assert ev.localise(text, Naming.GEORGIAN) == "the Russia-Tskhinvali region border agreement"


def _region(ev: Evidence, day: date, region: str = "ABK") -> dict:
    frame = recognition_layer(ev, ViewState(end=day)).frame
    return frame.loc[frame["id"] == region].iloc[0].to_dict()


def test_disputed_withdrawal_gives_a_count_range_not_a_pick(ev: Evidence) -> None:
    """Vanuatu's withdrawal (May 2013) was denied by the Abkhaz side until its foreign
    minister's statement in Tbilisi (March 2019): neither counted in nor out."""
    mid = _region(ev, date(2015, 6, 1))
    assert (mid["count_low"], mid["count_high"], mid["count"]) == (4, 5, "4 or 5, disputed")
    assert list(mid["disputed"]) == ["Vanuatu"] and mid["dash"] == style.DASH_ABL
    assert "4 or 5, disputed" in mid["tooltip"] and "Vanuatu" in mid["tooltip"]
    assert "4 or 5 recognitions (disputed)" in mid["label"]
    for settled in (date(2012, 6, 1), date(2019, 3, 14), date(2020, 1, 1)):
        row = _region(ev, settled)
        assert row["count_low"] == row["count_high"] and not list(row["disputed"]), settled
    assert _region(ev, date(2015, 6, 1), "SOS")["count"] == "4"  # Vanuatu never recognised it


def test_recognition_legend_shows_the_dispute_and_how_current_it_is(ev: Evidence) -> None:
    labels = [e.label for e in recognition_layer(ev, ViewState(end=date(2015, 6, 1))).legend]
    assert any("4 or 5, disputed" in label and "Vanuatu" in label for label in labels)
    assert "Recognitions checked to 2026-01" in labels
    late = [e.label for e in recognition_layer(ev, ViewState(end=date(2026, 6, 1))).legend]
    assert any("later changes may be missing" in label for label in late)


def test_world_layer_marks_vanuatu_disputed(ev: Evidence) -> None:
    frame = world_layer(ev, date(2015, 6, 1)).frame
    vanuatu = frame.loc[frame["name"] == "Vanuatu"].iloc[0]
    assert vanuatu["disputed"] and vanuatu["abkhazia_status"] == "disputed"
    assert not vanuatu["recognizes_abkhazia"] and vanuatu["fill"] == WORLD_DISPUTED
    assert set(frame["abkhazia_recognised_by"]) == {"4 or 5, disputed"}
    later = world_layer(ev, date(2020, 1, 1)).frame
    assert later.loc[later["name"] == "Vanuatu", "abkhazia_status"].item() == "withdrawn"
