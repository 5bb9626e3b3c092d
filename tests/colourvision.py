"""What the map's colours look like under colour-vision deficiencies, and which must differ.

A reader with protanopia, deuteranopia or tritanopia sees the palette through a
simulation (Machado et al. 2009 at full severity, as colorspacious implements it);
two colours that must be told apart are compared by their distance in CAM02-UCS
(about 1 is a just-noticeable difference between large patches; small map symbols
need far more). ``python tests/colourvision.py`` prints the smallest distance of each
group under each vision, the numbers docs/colour.md quotes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np
from colorspacious import cspace_convert
from matplotlib.colors import to_rgb

from caucmap import style
from caucmap.render_static import paper_colour

VISIONS = {"normal": None, "protanopia": "protanomaly", "deuteranopia": "deuteranomaly",
           "tritanopia": "tritanomaly"}
Colour = str | tuple[float, ...]


def seen(colour: Colour, vision: str) -> np.ndarray:
    """``colour`` as a reader with ``vision`` sees it, in CAM02-UCS (J', a', b')."""
    rgb = np.asarray(to_rgb(colour), dtype=float)
    if VISIONS[vision] is not None:
        space = {"name": "sRGB1+CVD", "cvd_type": VISIONS[vision], "severity": 100}
        rgb = np.clip(cspace_convert(rgb, space, "sRGB1"), 0, 1)
    return np.asarray(cspace_convert(rgb, "sRGB1", "CAM02-UCS"))


def distance(a: Colour, b: Colour, vision: str) -> float:
    return float(np.linalg.norm(seen(a, vision) - seen(b, vision)))


@dataclass(frozen=True)
class Group:
    """Colours a reader must tell apart: the pairs to compare and the least distance."""

    name: str
    pairs: tuple[tuple[str, Colour, str, Colour], ...]  # (name, colour, name, colour)
    threshold: float

    def closest(self, vision: str) -> tuple[float, str, str]:
        """The nearest pair under ``vision``: (distance, first name, second name)."""
        return min((distance(a, b, vision), na, nb) for na, a, nb, b in self.pairs)


def _all_pairs(named: Iterable[tuple[str, Colour]]) -> tuple[tuple[str, Colour, str, Colour], ...]:
    return tuple((na, a, nb, b) for (na, a), (nb, b) in combinations(named, 2))


def _region_fills() -> dict[str, str]:
    """The fills a symbol or line can sit on: regions in both worldviews and the sea."""
    fills = {f"{k} fill": v for k, v in style.REGION_FILL.items()}
    fills |= {f"{k} fill (Russia's view)": v for k, v in style.REGION_FILL_RUSSIA_VIEW.items()}
    return fills | {"sea": style.SEA}


def _recognition_fills(opacity: float) -> list[tuple[str, Sequence[float]]]:
    """Each ramp class as drawn: at ``opacity`` over each breakaway region's fill."""
    unders = {"ABK": style.REGION_FILL["ABK"], **{f"{k} (Russia's view)": v for k, v in
                                                    style.REGION_FILL_RUSSIA_VIEW.items()}}
    return [(f"{klass} over {under}", paper_colour(colour, opacity, fill))
            for under, fill in unders.items()
            for klass, colour in zip(_ramp_labels(), style.RECOGNITION_RAMP, strict=True)]


def _ramp_labels() -> list[str]:
    lows = (0, *style.RECOGNITION_STEPS)
    return [style.recognition_class(low) for low in lows]


def must_differ(recognition_opacity: float) -> list[Group]:
    """Every group of colours the map relies on a reader telling apart (the recognition
    layer's fills drawn at ``recognition_opacity`` over the regions)."""
    events = [(c.value, colour) for c, (_, colour) in style.CATEGORY_STYLE.items()]
    war = [(f"war {kind}", colour) for kind, (_, colour) in style.WAR_STYLE.items()]
    shapes = {c.value: s for c, (s, _) in style.CATEGORY_STYLE.items()}
    shapes |= {f"war {k}": s for k, (s, _) in style.WAR_STYLE.items()}
    same_shape = tuple((na, a, nb, b) for na, a in events for nb, b in war
                       if shapes[na] == shapes[nb])
    ramp_groups = []
    fills = _recognition_fills(recognition_opacity)
    n = len(style.RECOGNITION_RAMP)
    for start in range(0, len(fills), n):  # classes compared over the same region fill
        ramp_groups.append(fills[start:start + n])
    lines = [("international border", style.LINE_INTERNATIONAL),
             ("boundary line", style.LINE_ABL)]
    grounds = [*_region_fills().items(), *fills]
    return [
        Group("event categories", _all_pairs(events), 10.0),
        Group("2008 war kinds", _all_pairs(war), 10.0),
        Group("events and war symbols of one shape", same_shape, 10.0),
        Group("recognition classes", tuple(p for g in ramp_groups for p in _all_pairs(g)),
              11.0),
        Group("border styles", _all_pairs(lines), 15.0),
        Group("borders on what they cross", tuple((nl, lc, ng, gc) for nl, lc in lines
                                                  for ng, gc in grounds), 15.0),
        Group("symbols on the map's fills",
              tuple((ns, sc, ng, gc) for ns, sc in [*events, *war]
                    for ng, gc in _region_fills().items()), 15.0),
    ]


def recognition_opacity() -> float:
    """The recognition layer's fill opacity, read from the layer the map draws."""
    from caucmap.evidence import default_evidence
    from caucmap.layers import build_layers
    from caucmap.models import LayerName
    from caucmap.viewstate import ViewState

    view = ViewState(layers=frozenset({LayerName.RECOGNITION}))
    frame = build_layers(default_evidence(), view)["recognition"].frame
    return float(frame["fill_opacity"].iloc[0])


def report() -> str:
    """A Markdown table: the closest pair of each group under each vision."""
    rows = ["| group | threshold | " + " | ".join(VISIONS) + " |",
            "|---|---|" + "---|" * len(VISIONS)]
    for group in must_differ(recognition_opacity()):
        cells = []
        for vision in VISIONS:
            d, a, b = group.closest(vision)
            cells.append(f"{d:.1f} ({a} / {b})")
        rows.append(f"| {group.name} | {group.threshold:g} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(report())
