"""What a citation is cited for (``supports``): a list, or the older comma-separated
text, with the older words mapped to today's."""

from __future__ import annotations

import pytest

from caucmap.models import Citation, Support


@pytest.mark.parametrize(("given", "parsed"), [
    (["date", "place"], (Support.DATE, Support.PLACE)),
    ("date, place", (Support.DATE, Support.PLACE)),  # the older text form
    ("fact", (Support.CLAIM,)),  # older words
    (["actor", "date"], (Support.ACTORS, Support.DATE)),
])
def test_supports_are_read_in_either_form(given: object, parsed: tuple) -> None:
    cited = Citation(source="sputnik-2014-11-23", excerpt="x", supports=given)
    assert cited.supports == parsed
