"""The world view: each country's fill says what it recognised on the date, and the
legend explains every fill the map uses."""

from __future__ import annotations

from datetime import date

import pytest

from caucmap import style
from caucmap.evidence import Evidence
from caucmap.layers import world_layer

BOTH, ONE, WITHDRAWN = "#3f007d", "#9e9ac8", "#bdbdbd"


def _row(ev: Evidence, at: date, name: str) -> dict:
    frame = world_layer(ev, at).frame
    return frame.loc[frame["name"] == name].iloc[0].to_dict()


@pytest.mark.parametrize(("at", "name", "fill"), [
    (date(2012, 6, 1), "Russia", BOTH),
    (date(2012, 6, 1), "Tuvalu", BOTH),
    (date(2015, 6, 1), "Tuvalu", WITHDRAWN),  # withdrew on 31 March 2014
    (date(2012, 6, 1), "Vanuatu", ONE),  # Abkhazia only
    (date(2012, 6, 1), "Syria", style.REGION_FILL["other"]),  # not until 2018
    (date(2012, 6, 1), "France", style.REGION_FILL["other"]),
    (date(2012, 6, 1), "Georgia", style.REGION_FILL["GEO"]),
])
def test_countries_are_filled_by_what_they_recognise_on_the_date(
        ev: Evidence, at: date, name: str, fill: str) -> None:
    assert _row(ev, at, name)["fill"] == fill


def test_recognition_dates_are_given_per_region(ev: Evidence) -> None:
    russia = _row(ev, date(2012, 6, 1), "Russia")
    assert (russia["abkhazia_since"], russia["south_ossetia_since"]) == (
        "2008-08-26", "2008-08-26")
    assert russia["recognizes_abkhazia"] and russia["recognizes_south_ossetia"]
    tuvalu = _row(ev, date(2015, 6, 1), "Tuvalu")
    assert tuvalu["south_ossetia_withdrawn"] == "2014-03-31"
    assert not tuvalu["recognizes_south_ossetia"]


def test_the_legend_explains_every_fill(ev: Evidence) -> None:
    layer = world_layer(ev, date(2015, 6, 1))
    fills = [e for e in layer.legend if e.kind == "fill"]
    assert [e.label for e in fills] == [
        "Recognises both", "Recognises one", "Withdrawal disputed (counted as neither)",
        "Withdrew recognition", "Georgia"]
    assert {e.color for e in fills} == {"#8a8a8a"}  # the countries' outline
    explained = {e.fill for e in fills} | {style.REGION_FILL["other"]}
    assert set(layer.frame["fill"]) <= explained


def test_a_withdrawal_shows_in_the_tooltip_from_its_day_on(ev: Evidence) -> None:
    def tuvalu_tip(at: date) -> str:
        return _row(ev, at, "Tuvalu")["tooltip"]

    assert "withdrawn" not in tuvalu_tip(date(2014, 3, 30))
    assert "withdrawn 31 March 2014" in tuvalu_tip(date(2014, 3, 31))
