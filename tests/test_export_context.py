"""The context layer on the briefing export: names that read, never on top of each other.

Boxes are the drawn texts' own extents on the rendered figure (what a reader sees), not
the placer's bookkeeping.
"""

from __future__ import annotations

from datetime import date
from itertools import combinations

import pytest
from matplotlib.collections import PathCollection
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from caucmap.evidence import Evidence, default_evidence
from caucmap.models import LayerName
from caucmap.naming import Naming
from caucmap.render_static import render
from caucmap.render_static.context import web_zoom
from caucmap.render_static.look import Sheet, Style
from caucmap.viewstate import ViewState

WAR = ViewState(start=date(2008, 8, 1), end=date(2008, 8, 31), lat=42.25, lon=44.0, zoom=9)


@pytest.fixture(scope="module")
def ev() -> Evidence:
    return default_evidence()


def _boxes(rendered, prefix: str) -> dict[Text, Bbox]:
    """Drawn map texts whose gid starts with ``prefix``, by artist: their boxes (the
    backing box where a text has one)."""
    renderer = rendered.figure.canvas.get_renderer()
    out = {}
    for t in rendered.map_axes.texts:
        if (t.get_gid() or "").startswith(prefix) and t.get_text():
            patch = t.get_bbox_patch()
            out[t] = (patch.get_window_extent(renderer) if patch is not None
                      else t.get_window_extent(renderer))
    return out


def _named(boxes: dict[Text, Bbox], name: str) -> Bbox:
    found = [box for t, box in boxes.items() if t.get_text() == name]
    assert len(found) == 1, f"{name!r} labelled {len(found)} times"
    return found[0]


@pytest.fixture(scope="module")
def war(ev: Evidence):
    return render(ev, WAR, dpi=100)


def _markers(rendered) -> list[Bbox]:
    """Display boxes of the event and war symbols (scatter markers of one point each,
    the context's own dots and triangles aside)."""
    boxes = []
    for c in rendered.map_axes.collections:
        if (isinstance(c, PathCollection) and len(c.get_sizes())
                and not (c.get_gid() or "").startswith("context-")):
            for x, y in c.get_offset_transform().transform(c.get_offsets()):
                r = (c.get_sizes()[0] ** 0.5) * rendered.page.dpi / 72 / 2  # s: area in pt^2
                boxes.append(Bbox.from_extents(x - r, y - r, x + r, y + r))
    return boxes


def test_war_view_names_tskhinvali_and_gori_clear_of_every_other_label(war) -> None:
    every = _boxes(war, "")
    context = {t: box for t, box in every.items() if t.get_gid().startswith("context-")}
    tskhinvali, gori = _named(context, "Tskhinvali"), _named(context, "Gori")
    assert not tskhinvali.overlaps(gori)
    labels = [box for box in every.values() if box is not tskhinvali and box is not gori]
    assert len(labels) > 10  # event labels, region names, the other context names
    markers = _markers(war)
    assert len(markers) >= 8  # the war's symbols and the month's events
    for name, box in (("Tskhinvali", tskhinvali), ("Gori", gori)):
        hits = [o for o in labels + markers if box.overlaps(o)]
        assert not hits, f"{name} label overlaps {hits}"


def test_context_names_never_overlap_any_label(war) -> None:
    every = _boxes(war, "")
    context = {t for t in every if t.get_gid().startswith("context-")}
    clashes = [(a.get_text(), b.get_text()) for a, b in combinations(every, 2)
               if (a in context or b in context) and every[a].overlaps(every[b])]
    assert not clashes


def test_context_names_keep_off_event_and_war_markers(war) -> None:
    markers = _markers(war)
    for t, box in _boxes(war, "context-").items():
        assert not any(box.overlaps(m) for m in markers), t.get_text()


def test_the_war_view_reads_like_a_map(war) -> None:
    names = {t.get_text() for t in _boxes(war, "context-")}
    assert {"Tskhinvali", "Gori", "Java", "Akhalgori", "Roki Tunnel", "Liakhvi"} <= names


def test_features_show_from_their_min_zoom(ev: Evidence) -> None:
    """The Roki tunnel (min zoom 9) is named close up, not at the default view (zoom 7),
    where Tbilisi's region (min zoom 5..7) is; Perevi (min zoom 10) at neither."""
    default = {t.get_text() for t in _boxes(render(ev, ViewState(), dpi=72), "context-")}
    close = {t.get_text() for t in _boxes(render(ev, WAR, dpi=72), "context-")}
    assert "Roki Tunnel" in close and "Roki Tunnel" not in default
    assert "Perevi" not in close and "Perevi" not in default
    assert "Kutaisi" in default


def test_web_zoom_follows_the_frame_not_the_dpi() -> None:
    """A4 at any dpi, and A5 (type scaled with it), read at one zoom: a frame a little
    narrower than the nominal 1000 px Leaflet map is a little less than a level out."""
    from matplotlib.figure import Figure

    def zoom(scale: float, dpi: float, frame_in: float) -> float:
        sheet = Sheet(Figure(), None, Style(scale), dpi)  # type: ignore[arg-type]
        return web_zoom(9, frame_in * scale * dpi, sheet)

    assert zoom(1.0, 300, 8.4) == pytest.approx(zoom(1.0, 72, 8.4))
    assert zoom(0.7, 300, 8.4) == pytest.approx(zoom(1.0, 300, 8.4))
    assert 8.5 < zoom(1.0, 300, 8.4) < 9


def test_context_follows_naming_and_switches_off(ev: Evidence) -> None:
    russian = {t.get_text() for t in _boxes(render(ev, ViewState(
        start=WAR.start, end=WAR.end, lat=WAR.lat, lon=WAR.lon, zoom=WAR.zoom,
        naming=Naming.RUSSIAN), dpi=72), "context-")}
    assert "Tskhinval" in russian and "Tskhinvali" not in russian
    off = render(ev, ViewState(start=WAR.start, end=WAR.end, lat=WAR.lat, lon=WAR.lon,
                               zoom=WAR.zoom, layers=WAR.layers - {LayerName.CONTEXT}), dpi=72)
    assert not _boxes(off, "context-")
