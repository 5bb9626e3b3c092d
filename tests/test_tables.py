"""CSV downloads opened in a spreadsheet: text that looks like a formula stays text."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from hostile_root import FORMULA, HOSTILE_EVENT, make_hostile_root

from caucmap.evidence import Evidence, load_evidence
from caucmap.layers import events_layer, world_layer
from caucmap.tables import FORMULA_STARTS, spreadsheet_safe, to_csv
from caucmap.viewstate import ViewState

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_hostile_root(ROOT, tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="module")
def hostile_ev(hostile: Path) -> Evidence:
    return load_evidence(hostile)


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_formula_cells_are_quoted_in_the_events_csv(hostile_ev: Evidence) -> None:
    day = date(2014, 11, 24)
    rows = rows_of(to_csv(events_layer(hostile_ev, ViewState(start=day, end=day))))
    row = next(r for r in rows if r["event_id"] == HOSTILE_EVENT)
    assert row["title"].startswith("'" + FORMULA)  # shown as typed, never evaluated
    assert row["notes"].startswith("'-1+1")
    for r in rows:
        for column, cell in r.items():
            assert not cell.startswith(FORMULA_STARTS), (column, cell)


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_quoted(start: str) -> None:
    assert spreadsheet_safe(f"{start}cmd|' /C calc'!A0") == f"'{start}cmd|' /C calc'!A0"


@pytest.mark.parametrize("value", ["Sochi = venue", "2014-11-24", -41.5, 3, None, "'quoted"])
def test_other_cells_are_left_alone(value: object) -> None:
    assert spreadsheet_safe(value) == value


def test_negative_numbers_stay_numbers(ev: Evidence) -> None:
    rows = rows_of(to_csv(world_layer(ev, date(2015, 6, 1))))
    west = [r for r in rows if r["longitude"].startswith("-")]
    assert west, "the world layer has states west of Greenwich"
    for r in west:
        assert float(r["longitude"]) < 0  # a number a spreadsheet sums, not "'-86.2"


def test_cli_csv_quotes_formulas(hostile: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "caucmap", "--root", str(hostile), "layer",
                           "events", "--from", "2014-11-24", "--to", "2014-11-24",
                           "--format", "csv"], capture_output=True, text=True, cwd=ROOT,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    row = next(r for r in rows_of(done.stdout) if r["event_id"] == HOSTILE_EVENT)
    assert row["title"].startswith("'=HYPERLINK(")
