"""The palette under colour-vision deficiencies: what must differ stays apart.

Readers with protanopia, deuteranopia or tritanopia (about 1 man in 12 has some red-green
deficiency) read the same map; each group of colours the map relies on (event categories,
war kinds, recognition classes, border styles, symbols on their ground) is checked under
each simulation, see ``colourvision`` and docs/colour.md.
"""

from __future__ import annotations

import pytest
from colourvision import VISIONS, Group, distance, must_differ, recognition_opacity

GROUPS = must_differ(recognition_opacity())


@pytest.mark.parametrize("vision", list(VISIONS))
@pytest.mark.parametrize("group", GROUPS, ids=[g.name for g in GROUPS])
def test_colours_that_must_differ_stay_apart(group: Group, vision: str) -> None:
    collisions = [f"{na} / {nb}: {d:.1f}" for na, a, nb, b in group.pairs
                  if (d := distance(a, b, vision)) < group.threshold]
    assert not collisions, (f"{group.name} under {vision}: closer than {group.threshold:g} "
                            "(CAM02-UCS): " + "; ".join(collisions))


@pytest.mark.parametrize(("vision", "a", "b"), [
    ("protanopia", "#c20f99", "#0b50a0"),  # magenta and blue
    ("deuteranopia", "#d62728", "#7f7f00"),  # red and olive
    ("tritanopia", "#2ca02c", "#3d8fb3"),  # green and steel blue
])
def test_the_simulation_is_the_deficiency_it_names(vision: str, a: str, b: str) -> None:
    """A pair known to collide for one deficiency collides there and only there, so a
    simulation that did nothing (or the wrong one) would not pass the check above."""
    assert distance(a, b, vision) < 7
    assert all(distance(a, b, other) > 15 for other in VISIONS if other != vision)
