"""The animated export: frames of the right windows, each a real page with its date, and
one-line refusals that write nothing.

Frames are rendered by the static renderer at a low dpi (the layout scales with the
page) so the suite stays quick; the GIF and MP4 go through ``caucmap export`` itself.
"""

from __future__ import annotations

import sys
from datetime import date
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from caucmap.animation import Frame, frame_image, frame_images, plan_frames, render_frames
from caucmap.cli import main
from caucmap.errors import UsageError
from caucmap.evidence import Evidence, default_evidence
from caucmap.layers import events_layer
from caucmap.models import Category
from caucmap.render_static import RenderedMap
from caucmap.viewstate import ViewState

YEAR_2014 = ViewState(start=date(2014, 1, 1), end=date(2014, 12, 31))
MONTHS_2014 = ["Jan 2014", "Feb 2014", "Mar 2014", "Apr 2014", "May 2014", "Jun 2014",
               "Jul 2014", "Aug 2014", "Sep 2014", "Oct 2014", "Nov 2014", "Dec 2014"]
DPI = 72


@pytest.fixture(scope="module")
def ev() -> Evidence:
    return default_evidence()


@pytest.fixture(scope="module")
def months(ev: Evidence) -> dict[str, tuple[RenderedMap, np.ndarray]]:
    """Each month of 2014 rendered once (A5, 72 dpi): the page and its pixels."""
    frames = plan_frames(YEAR_2014, "month", "fixed")
    return {f.label: (r, np.asarray(frame_image(r)).astype(int))
            for f, r in zip(frames, render_frames(ev, YEAR_2014, frames, dpi=DPI), strict=True)}


def _stamp(rendered: RenderedMap) -> str:
    (text,) = [t.get_text() for t in rendered.figure.texts if t.get_gid() == "stamp"]
    return text


# ---------------------------------------------------------------- the frames planned


def test_a_year_of_months_is_twelve_calendar_months() -> None:
    frames = plan_frames(YEAR_2014, "month", "fixed")
    assert [f.label for f in frames] == MONTHS_2014
    assert frames[1] == Frame(date(2014, 2, 1), date(2014, 2, 28), "Feb 2014")
    assert all(b.start - a.end == date(2014, 1, 2) - date(2014, 1, 1)
               for a, b in pairwise(frames))  # no gap, no overlap


def test_growing_windows_start_at_the_view_start() -> None:
    frames = plan_frames(YEAR_2014.with_(start=date(2014, 10, 15)), "month", "growing")
    assert [(f.start, f.end, f.label) for f in frames] == [
        (date(2014, 10, 15), date(2014, 10, 31), "Oct 2014"),
        (date(2014, 10, 15), date(2014, 11, 30), "Nov 2014"),
        (date(2014, 10, 15), date(2014, 12, 31), "Dec 2014")]


def test_weeks_are_monday_to_sunday_cut_to_the_range() -> None:
    view = ViewState(start=date(2014, 11, 19), end=date(2014, 12, 3))  # Wed to Wed
    assert [(f.start, f.end, f.label) for f in plan_frames(view, "week")] == [
        (date(2014, 11, 19), date(2014, 11, 23), "19-23 Nov 2014"),
        (date(2014, 11, 24), date(2014, 11, 30), "24-30 Nov 2014"),
        (date(2014, 12, 1), date(2014, 12, 3), "1-3 Dec 2014")]
    across = ViewState(start=date(2014, 12, 29), end=date(2015, 1, 4))
    assert [f.label for f in plan_frames(across, "week")] == ["29 Dec 2014 - 4 Jan 2015"]


def test_years() -> None:
    view = ViewState(start=date(2008, 8, 1), end=date(2010, 2, 1))
    assert [f.label for f in plan_frames(view, "year")] == ["2008", "2009", "2010"]


def test_too_many_frames_are_refused_with_a_coarser_step() -> None:
    with pytest.raises(UsageError, match=r"more than 240 monthly frames.*--step year"):
        plan_frames(ViewState(start=date(1990, 1, 1), end=date(2025, 1, 1)), "month")


# ---------------------------------------------------------------- the frames drawn


def test_each_frame_carries_its_date(months: dict) -> None:
    assert [_stamp(r) for r, _ in months.values()] == MONTHS_2014
    nov, _ = months["Nov 2014"]
    assert "1 Nov 2014 - 30 Nov 2014" in nov.title  # the page is the window's page


def test_each_frame_shows_the_events_of_its_window(ev: Evidence, months: dict) -> None:
    for label, (rendered, _) in months.items():
        frame = next(f for f in plan_frames(YEAR_2014) if f.label == label)
        expected = set(events_layer(ev, YEAR_2014.with_(start=frame.start,
                                                        end=frame.end)).frame["id"])
        assert set(rendered.events) | set(rendered.unmapped) == expected, label
    assert months["Nov 2014"][0].events and not months["Jan 2014"][0].events
    assert months["Nov 2014"][0].sources and not months["Jan 2014"][0].sources


def _map_crop(rendered: RenderedMap, pixels: np.ndarray) -> np.ndarray:
    box = rendered.map_axes.bbox
    height = pixels.shape[0]
    return pixels[round(height - box.y1):round(height - box.y0), round(box.x0):round(box.x1)]


def _at(rendered: RenderedMap, pixels: np.ndarray, lon: float, lat: float) -> np.ndarray:
    """The 5x5 pixels around a place on a frame (the map sits lower when the footer grows)."""
    x, y = (round(v) for v in rendered.to_pixel(lon, lat))
    return pixels[y - 2:y + 3, x - 2:x + 3]


def test_frames_differ_where_events_differ(ev: Evidence, months: dict) -> None:
    signing = next(e for e in ev.events if e.category is Category.TREATY_SIGNING
                   and e.start.year == 2014 and e.places and e.places[0].id == "sochi")
    assert signing.start.month == 11
    sochi = ev.places["sochi"]
    nov, nov_px = months["Nov 2014"]
    dec, dec_px = months["Dec 2014"]
    assert np.abs(_at(nov, nov_px, sochi.lon, sochi.lat)
                  - _at(dec, dec_px, sochi.lon, sochi.lat)).max() > 60  # the signing's star
    # two months in which nothing dated happens (the recognitions change on 31 Mar 2014):
    # the same map, pixel for pixel
    (jan, jan_px), (feb, feb_px) = months["Jan 2014"], months["Feb 2014"]
    assert not jan.events and not feb.events
    assert np.array_equal(_map_crop(jan, jan_px), _map_crop(feb, feb_px))


def test_frames_drawn_by_workers_are_those_drawn_here_in_order(ev: Evidence) -> None:
    view = ViewState(start=date(2014, 9, 1), end=date(2014, 12, 31))
    frames = plan_frames(view)
    here = frame_images(ev, view, frames, dpi=DPI, workers=1)
    there = frame_images(ev, view, frames, dpi=DPI, workers=2)
    assert len(there) == len(frames) == 4
    assert [im.tobytes() for im in there] == [im.tobytes() for im in here]
    assert len({im.tobytes() for im in here}) == 4  # and they are four different frames


# ---------------------------------------------------------------- the command


def test_cli_writes_a_gif_of_a_year(tmp_path: Path) -> None:
    out = tmp_path / "2014.gif"
    assert main(["export", "--out", str(out), "--from", "2014-01-01", "--to", "2014-12-31",
                 "--dpi", str(DPI), "--fps", "4"]) == 0
    gif = Image.open(out)
    assert gif.format == "GIF" and gif.n_frames == 12
    assert gif.size == (595, 420)  # A5 at 72 dpi
    assert gif.info["duration"] == 250 and gif.info["loop"] == 0
    frames = []
    for i in range(gif.n_frames):
        gif.seek(i)
        frames.append(np.asarray(gif.convert("RGB")).astype(int))
    top_right = [f[: f.shape[0] // 8, f.shape[1] * 3 // 4:] for f in frames]
    assert all(np.abs(a - b).max() > 0 for a, b in pairwise(top_right))


def test_cli_writes_an_mp4(tmp_path: Path) -> None:
    ffmpeg = pytest.importorskip("imageio_ffmpeg")
    out = tmp_path / "war.mp4"
    assert main(["export", "--out", str(out), "--from", "2007-06-01", "--to", "2009-06-30",
                 "--step", "year", "--window", "growing", "--fps", "1", "--dpi", str(DPI)]) == 0
    data = out.read_bytes()
    assert data[4:8] == b"ftyp"
    frames, seconds = ffmpeg.count_frames_and_secs(str(out))
    assert (frames, round(seconds)) == (3, 3)


@pytest.mark.parametrize(("args", "message"), [
    (["--step", "fortnight"], "argument --step: invalid choice: 'fortnight'"),
    (["--window", "sliding"], "argument --window: invalid choice: 'sliding'"),
    (["--fps", "0"], "--fps 0: must be between 0.2 and 30 frames a second"),
    (["--fps", "nan"], "--fps nan: must be between"),
    (["--size", "A3"], "--size 'A3': use A4, A5, 16:9"),
    (["--from", "1990-01-01", "--to", "2025-12-31"], "narrow the range or --step year"),
    (["--view", "world=1"], "the world view is not animated"),
])
def test_bad_options_are_one_line_and_write_nothing(tmp_path: Path, capsys, args: list[str],
                                                    message: str) -> None:
    out = tmp_path / "x.gif"
    try:
        code = main(["export", "--out", str(out), "--from", "2014-01-01", "--to", "2014-03-31",
                     *args])
    except SystemExit as exc:  # argparse's own refusals
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2
    assert message in err and err.count("\n") == 1, err
    assert not out.exists() and not list(tmp_path.iterdir())


def test_playback_options_on_a_still_are_refused(tmp_path: Path, capsys) -> None:
    out = tmp_path / "x.png"
    assert main(["export", "--out", str(out), "--step", "month", "--fps", "3"]) == 2
    err = capsys.readouterr().err
    assert err == (f"caucmap: error: --step, --fps: only for animated exports (.gif, .mp4), "
                   f"not {out}\n")
    assert not out.exists()


def test_an_existing_gif_is_kept_without_force(tmp_path: Path, capsys) -> None:
    out = tmp_path / "x.gif"
    out.write_bytes(b"mine")
    assert main(["export", "--out", str(out), "--from", "2014-01-01", "--to", "2014-01-31"]) == 2
    assert "already exists; pass --force" in capsys.readouterr().err
    assert out.read_bytes() == b"mine"


def test_mp4_without_its_encoder_says_which_package(tmp_path: Path, capsys,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)  # as if not installed
    out = tmp_path / "x.mp4"
    assert main(["export", "--out", str(out), "--from", "2014-01-01", "--to", "2014-01-31"]) == 2
    err = capsys.readouterr().err
    assert "MP4 export needs the imageio-ffmpeg package" in err and err.count("\n") == 1
    assert not out.exists()

