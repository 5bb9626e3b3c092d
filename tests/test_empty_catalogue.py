"""Empty lists are a valid catalogue: every output draws an empty layer, none crashes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from caucmap import layers
from caucmap.evidence import Evidence, default_evidence, load_evidence
from caucmap.viewstate import EARLIEST, ViewState, today

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app" / "streamlit_app.py")


@pytest.fixture
def empty(scratch: Path) -> Path:
    """The project with no events, no 2008 war features and no recognitions."""
    cat = scratch / "catalogue"
    (cat / "events.yaml").write_text("events: []\n", encoding="utf-8")
    (cat / "war2008.yaml").write_text("features: []\n", encoding="utf-8")
    (cat / "recognitions.yaml").write_text("recognitions: []\n", encoding="utf-8")
    return scratch


def caucmap(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "caucmap", "--root", str(root), *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=180, check=False)


def test_empty_lists_validate(empty: Path) -> None:
    ev = load_evidence(empty)
    assert (ev.events, ev.war, ev.recognitions) == ((), (), ())


@pytest.mark.parametrize("name", ["events", "war2008"])
def test_empty_layer_prints_as_empty_geojson(empty: Path, name: str) -> None:
    done = caucmap(empty, "layer", name)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"type": "FeatureCollection", "name": name,
                                       "features": []}


@pytest.mark.parametrize("name", ["events", "war2008"])
def test_empty_layer_prints_as_csv_with_its_header(empty: Path, name: str) -> None:
    full = caucmap(ROOT, "layer", name, "--format", "csv")
    done = caucmap(empty, "layer", name, "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == full.stdout.splitlines()[:1]


@pytest.mark.parametrize("name", ["events", "war2008"])
def test_empty_layer_has_the_columns_of_a_full_one(empty: Path, ev: Evidence,
                                                   name: str) -> None:
    view = ViewState(start=EARLIEST, end=today())
    build = {"events": layers.events_layer, "war2008": layers.war_layer}[name]
    empty_frame = build(load_evidence(empty), view).frame
    assert empty_frame.empty
    assert set(empty_frame.columns) == set(build(ev, view).frame.columns)


@pytest.mark.parametrize("suffix", ["png", "svg", "html"])
def test_export_of_an_empty_catalogue_is_written(empty: Path, tmp_path: Path,
                                                 suffix: str) -> None:
    out = tmp_path / f"empty.{suffix}"
    done = caucmap(empty, "export", "--out", str(out), "--size", "1000x700", "--dpi", "72")
    assert done.returncode == 0, done.stderr
    assert out.stat().st_size > 1000


def test_app_draws_an_empty_catalogue(empty: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAUCMAP_ROOT", str(empty))
    default_evidence.cache_clear()
    st.cache_resource.clear()
    try:
        at = AppTest.from_file(APP, default_timeout=60)
        at.run()
        assert not at.exception, at.exception
    finally:
        default_evidence.cache_clear()
        st.cache_resource.clear()
