"""The caucmap command as a user runs it: a real subprocess, real files."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def caucmap(*args: str, root: Path | None = None) -> subprocess.CompletedProcess[str]:
    extra = ["--root", str(root)] if root else []
    return subprocess.run([sys.executable, "-m", "caucmap", *extra, *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=120, check=False)


def test_validate_prints_counts() -> None:
    done = caucmap("validate")
    assert done.returncode == 0, done.stderr
    # counts, not their values: adding an article must not break the suite
    assert re.match(r"ok: \d+ sources, \d+ events, ", done.stdout), done.stdout
    assert "citations verified verbatim" in done.stdout


def test_validate_fails_on_bad_data(scratch: Path) -> None:
    events = scratch / "catalogue" / "events.yaml"
    events.write_text(events.read_text().replace("- id: sochi\n", "- id: atlantis\n", 1))
    done = caucmap("validate", root=scratch)
    assert done.returncode == 1
    assert "catalogue/events.yaml:" in done.stderr and "atlantis" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("name", ["regions", "borders", "recognition", "war2008", "events"])
def test_every_layer_exports_geojson(name: str) -> None:
    done = caucmap("layer", name)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["type"] == "FeatureCollection" and data["features"]
    props = data["features"][0]["properties"]
    required = {
        "regions": {"id", "name", "status"},
        "borders": {"id", "kind", "name"},
        "recognition": {"recognizes_abkhazia", "recognizes_south_ossetia", "abkhazia_since",
                        "south_ossetia_since"},
        "war2008": {"id", "title", "start", "end", "kind"},
        "events": {"id", "title", "category", "start", "end", "date_precision", "place_ids",
                   "actors", "layers", "citations", "location_precision"},
    }[name]
    assert required <= set(props), required - set(props)
    assert not {"fill", "tooltip", "marker"} & set(props)  # style stays out of data


def test_events_filter_by_overlap_and_single_day_end_equals_start() -> None:
    done = caucmap("layer", "events", "--from", "2014-11-24", "--to", "2014-11-24")
    features = json.loads(done.stdout)["features"]
    assert features
    for f in features:
        p = f["properties"]
        assert p["start"] <= "2014-11-24" <= p["end"]
        if p["date_precision"] == "day":
            assert p["start"] == p["end"]
        for c in p["citations"]:
            assert set(c) >= {"source", "excerpt"}
        if f["geometry"] is None:
            assert p["location_precision"] == "unknown"
        else:
            lon, lat = f["geometry"]["coordinates"]
            assert 20 < lon < 60 and 35 < lat < 60


def test_recognition_as_of_a_date() -> None:
    before = json.loads(caucmap("layer", "recognition", "--at", "2008-08-01").stdout)
    after = json.loads(caucmap("layer", "recognition", "--at", "2010-01-01").stdout)
    def recognising(fc: dict) -> set[str]:
        return {f["properties"]["name"] for f in fc["features"]
                if f["properties"]["recognizes_abkhazia"]}
    assert recognising(before) == set()
    assert "Russia" in recognising(after) and "Nicaragua" in recognising(after)
    tuvalu_2012 = json.loads(caucmap("layer", "recognition", "--at", "2012-06-01").stdout)
    tuvalu_2015 = json.loads(caucmap("layer", "recognition", "--at", "2015-06-01").stdout)
    assert "Tuvalu" in recognising(tuvalu_2012) and "Tuvalu" not in recognising(tuvalu_2015)


def test_events_csv_has_acled_like_columns() -> None:
    done = caucmap("layer", "events", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert rows
    for column in ("event_date", "time_precision", "location", "latitude", "longitude",
                   "source", "notes"):
        assert column in rows[0]
    assert {r["time_precision"] for r in rows} <= {"1", "2", "3"}


@pytest.mark.parametrize("args", [
    ("layer", "bogus"),
    ("layer", "events", "--from", "2014-13-01"),
    ("layer", "events", "--from", "2014-02-30"),
    ("layer", "events", "--from", "2015-01-01", "--to", "2014-01-01"),
    ("layer", "recognition", "--at", "soon"),
])
def test_bad_options_are_one_line_and_exit_2(args: tuple[str, ...]) -> None:
    done = caucmap(*args)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("caucmap: error:")
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("out", ["/nonexistent-dir/x.png", "/tmp"])
def test_export_path_problems_are_one_line(out: str) -> None:
    done = caucmap("export", "--out", out, "--force")
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr
    assert not Path("/nonexistent-dir").exists()


def test_recognition_at_defaults_to_the_end_of_the_range() -> None:
    fc = json.loads(caucmap("layer", "recognition", "--to", "2012-06-01").stdout)
    tuvalu = next(f["properties"] for f in fc["features"] if f["properties"]["name"] == "Tuvalu")
    assert tuvalu["recognizes_abkhazia"] and tuvalu["as_of"] == "2012-06-01"
