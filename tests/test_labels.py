"""Label placement on printed maps, without drawing: no overlaps, edge pins, grouping."""

from __future__ import annotations

import math
from datetime import date
from itertools import combinations

from matplotlib.transforms import Bbox

from caucmap.render_static.labels import (
    MARKER_WEIGHT,
    RING_MAX,
    Placer,
    arrow,
    candidates,
    cluster,
    intersection_area,
)

FRAME = Bbox.from_extents(0, 0, 1000, 700)
INNER = Bbox.from_extents(20, 20, 980, 680)
MARKER = 12.0


def _row(ident: str, day: int = 1) -> dict[str, object]:
    return {"id": ident, "start": date(2014, 11, day)}


def test_labels_that_fit_never_overlap() -> None:
    placer = Placer(frame=FRAME)
    placed = [placer.place(candidates(x, 350, 120, 30, 8, [0, 30, 60]))[0]
              for x in (300, 310, 320, 330, 340)]  # five labels wanting one spot
    assert placer.overlaps == 0
    assert all(intersection_area(a, b) == 0 for a, b in combinations(placed, 2))
    assert all(FRAME.x0 <= b.x0 and b.x1 <= FRAME.x1 and FRAME.y0 <= b.y0 and b.y1 <= FRAME.y1
               for b in placed)


def test_a_label_that_cannot_fit_covers_a_label_rather_than_a_marker() -> None:
    placer = Placer(frame=FRAME)
    marker_box = Bbox.from_bounds(100, 100, 50, 50)
    label_box = Bbox.from_bounds(200, 100, 50, 50)
    placer.block(marker_box, MARKER_WEIGHT)
    placer.block(label_box)
    _, info = placer.place([(marker_box, "on the marker"), (label_box, "on the label")])
    assert info == "on the label" and placer.overlaps == 1


def test_points_off_the_frame_are_pinned_to_its_edge_pointing_outwards() -> None:
    groups = cluster([(_row("east"), 1500, 350), (_row("inside"), 500, 350)], MARKER, INNER)
    east = next(g for g in groups if g.rows[0]["id"] == "east")
    inside = next(g for g in groups if g.rows[0]["id"] == "inside")
    assert east.off and not inside.off
    assert (east.x, east.y) == (INNER.x1, 350) and east.direction == (1500 - INNER.x1, 0)
    assert arrow(*east.direction) == "\u2192" and arrow(0, -5) == "\u2193"
    # the label of an off-map group tries the inward side (here: left) first
    first = candidates(east.x, east.y, 100, 20, 5, [0], prefer=(-1, 0))[0][0]
    assert first.x1 <= east.x


def test_close_points_share_one_group_whose_markers_do_not_overlap() -> None:
    rows = [(_row(f"e{k}", day=9 - k), 400 + k, 300) for k in range(5)]
    groups = cluster([*rows, (_row("far"), 800, 300)], MARKER, INNER)
    near = next(g for g in groups if len(g.rows) == 5)
    assert [r["id"] for r in near.rows] == ["e4", "e3", "e2", "e1", "e0"]  # by date
    spots = near.spots()
    assert all(math.dist(a, b) >= MARKER * 0.9 for a, b in combinations(spots, 2))
    assert len(groups) == 2


def test_many_points_at_one_spot_spiral_without_overlap() -> None:
    n = RING_MAX * 4
    groups = cluster([(_row(f"e{k}"), 500, 350) for k in range(n)], MARKER, INNER)
    assert len(groups) == 1 and len(groups[0].rows) == n
    spots = groups[0].spots()
    nearest = min(math.dist(a, b) for a, b in combinations(spots, 2))
    assert nearest >= MARKER * 0.6  # a spiral packs closer than a ring, still apart
    assert groups[0].box().contains(*spots[-1])
