"""The visual vocabulary shared by the web map and the static export.

A layer carries its style as plain columns (``color``, ``fill``, ``marker``...);
both renderers read these and the symbols below, so the two pictures agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from caucmap.models import Category


@dataclass(frozen=True)
class Symbol:
    """A marker shape: a matplotlib marker code and an SVG polygon on a 20x20 box."""

    name: str
    mpl: str
    svg_points: str


SYMBOLS: dict[str, Symbol] = {
    s.name: s
    for s in (
        Symbol("circle", "o", ""),
        Symbol("square", "s", "4,4 16,4 16,16 4,16"),
        Symbol("diamond", "D", "10,2 18,10 10,18 2,10"),
        Symbol("triangle", "^", "10,2 18,17 2,17"),
        Symbol("triangle_down", "v", "2,3 18,3 10,18"),
        Symbol("star", "*", "10,1 12.6,7.2 19,7.6 14,11.8 15.6,18.4 10,14.8 4.4,18.4 6,11.8 "
               "1,7.6 7.4,7.2"),
        Symbol("pentagon", "p", "10,2 18,8 15,18 5,18 2,8"),
        Symbol("hexagon", "h", "10,1.5 17.5,5.8 17.5,14.2 10,18.5 2.5,14.2 2.5,5.8"),
        Symbol("cross", "X", "4,2 10,8 16,2 18,4 12,10 18,16 16,18 10,12 4,18 2,16 8,10 2,4"),
        Symbol("plus", "P", "7,2 13,2 13,7 18,7 18,13 13,13 13,18 7,18 7,13 2,13 2,7 7,7"),
        Symbol("triangle_right", ">", "3,2 18,10 3,18"),
        Symbol("triangle_left", "<", "17,2 2,10 17,18"),
        Symbol("octagon", "8", "7,2 13,2 18,7 18,13 13,18 7,18 2,13 2,7"),
    )
}

# category -> (symbol, colour); each category gets its own shape and colour. The colours
# stay apart under protanopia, deuteranopia and tritanopia (docs/colour.md,
# tests/test_colour_access.py), as do the war kinds and the recognition ramp's classes.
CATEGORY_STYLE: dict[Category, tuple[str, str]] = {
    Category.TREATY_SIGNING: ("star", "#87000f"),
    Category.RATIFICATION: ("diamond", "#762a83"),
    Category.RECOGNITION: ("square", "#1e783c"),
    Category.DIPLOMATIC_VISIT: ("triangle", "#0f69c3"),
    Category.DIPLOMATIC_MEETING: ("triangle_right", "#4393c3"),
    Category.STATEMENT: ("circle", "#525252"),
    Category.ANNOUNCEMENT: ("triangle_left", "#8c510a"),
    Category.PROTEST: ("triangle_down", "#e08214"),
    Category.LEGISLATIVE: ("pentagon", "#5a00c3"),
    Category.DIPLOMATIC_RUPTURE: ("hexagon", "#d24b5a"),
    Category.ARMED_CONFLICT: ("cross", "#67001f"),
    Category.MILITARY_DEPLOYMENT: ("plus", "#5a8778"),
    Category.DETENTION: ("octagon", "#1e4b5a"),
}

CATEGORY_LABELS: dict[Category, str] = {c: c.value.replace("_", " ").capitalize() for c in Category}

# war2008 feature kind -> (symbol, colour) for points; lines and zones use the colour
WAR_STYLE: dict[str, tuple[str, str]] = {
    "fighting": ("cross", "#a50f3c"),
    "bombardment": ("star", "#d24b78"),
    "occupation": ("square", "#7f2704"),
    "ceasefire": ("circle", "#08519c"),
    "withdrawal": ("triangle_down", "#238b45"),
    "movement": ("triangle_right", "#d20f1e"),
    "buffer_zone": ("square", "#ff8822"),
}

REGION_FILL = {
    "GEO": "#f1e3b9",
    "ABK": "#d9c58d",
    "SOS": "#d9c58d",
    "RUS": "#e7d6d2",
    "other": "#f4f4f2",  # every other country
}
REGION_FILL_RUSSIA_VIEW = {"ABK": "#b9d7a8", "SOS": "#f3c58f"}
RECOGNITION_RAMP = ("#ffffff", "#cbc9e2", "#9e9ac8", "#6a51a3", "#3f007d")
LINE_INTERNATIONAL = "#2b2b2b"
LINE_ABL = "#c0392b"
DASH_ABL = "8 5"
MUTED_STROKE = "#b5b5b5"
SEA = "#dfe9f2"
# the context layer: quiet, below the political colours
CONTEXT_WATER = "#8db4d6"  # rivers and lake shores
CONTEXT_RELIEF = "#a08a68"  # mountain ranges, as a faint tint
CONTEXT_INK = "#5a5a5a"  # place names and dots


RECOGNITION_STEPS = (1, 2, 3, 5)  # lower bounds of the ramp's classes after "none"


def recognition_colour(count: int) -> str:
    """Colour for an entity recognised by ``count`` UN member states."""
    return RECOGNITION_RAMP[sum(count >= step for step in RECOGNITION_STEPS)]


def recognition_class(count: int) -> str:
    """The legend label of the ramp class ``count`` falls in."""
    bounds = (0, *RECOGNITION_STEPS, None)
    i = sum(count >= step for step in RECOGNITION_STEPS)
    lo, hi = bounds[i], bounds[i + 1]
    if hi is None:
        return f"{lo} or more states"
    return f"{lo} state{'s' if lo != 1 else ''}" if hi - lo == 1 else f"{lo}-{hi - 1} states"
