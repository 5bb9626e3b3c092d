"""How current a layer is: ``checked:`` months, the legend note and the CLI's warnings."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from catalogue_edits import problems

from caucmap.cli import main
from caucmap.freshness import checked, stale

WARNING = "recognitions checked to 2026-01"


def test_recognitions_say_when_they_were_last_checked(root: Path) -> None:
    done = checked(root, "recognition")
    assert done is not None and done.label == "2026-01"
    assert done.covers(date(2026, 1, 31)) and not done.covers(date(2026, 2, 1))


def test_views_ending_after_the_check_are_warned(root: Path) -> None:
    assert stale(root, date(2026, 1, 31)) == []
    assert stale(root, date(2026, 2, 1), ["events"]) == []  # events carry no check month
    (warning,) = stale(root, date(2026, 2, 1))
    assert warning.startswith(WARNING) and "2026-02-01" in warning


def test_a_check_month_that_is_not_a_month_is_a_problem(scratch: Path) -> None:
    path = scratch / "catalogue" / "recognitions.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("checked: 2026-01",
                                                             "checked: 2026-13"),
                    encoding="utf-8")
    found = [p for p in problems(scratch) if "field 'checked'" in p]
    assert found and found[0].startswith("catalogue/recognitions.yaml:")
    assert "'2026-13'" in found[0]


def test_validate_warns_but_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate"]) == 0  # the default view ends today, after 2026-01
    out, err = capsys.readouterr()
    assert out.startswith("ok:") and f"caucmap: warning: {WARNING}" in err


def test_layer_warns_only_when_its_date_is_past_the_check(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["layer", "recognition", "--at", "2015-06-01"]) == 0
    out, err = capsys.readouterr()
    vanuatu = next(f["properties"] for f in json.loads(out)["features"]
                   if f["properties"]["name"] == "Vanuatu")
    assert vanuatu["disputed"] and vanuatu["abkhazia_recognised_by"] == "4 or 5, disputed"
    assert err == ""
    assert main(["layer", "recognition", "--at", "2026-06-01"]) == 0
    assert WARNING in capsys.readouterr().err
    assert main(["layer", "regions", "--to", "2026-06-01"]) == 0
    assert capsys.readouterr().err == ""  # regions carry no recognitions


def test_export_warns_after_writing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "late.svg"
    assert main(["export", "--out", str(out), "--to", "2026-06-01", "--size", "A5"]) == 0
    printed, err = capsys.readouterr()
    assert out.exists() and printed.startswith("wrote")
    assert f"caucmap: warning: {WARNING}" in err
