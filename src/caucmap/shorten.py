"""Text cut to fit a fixed space (a map label, a legend row, a tooltip line) with an ellipsis.

Catalogue and source text has no length limit, and a 5,000-character word has no space
to wrap at: on a printed page or in a Leaflet tooltip (which never wraps) it would
run off the edge. Labels show the start and an ellipsis; the full text stays in the
evidence panel, the popups and the data downloads.
"""

from __future__ import annotations

ELLIPSIS = "\u2026"


def shorten(text: str, limit: int) -> str:
    """``text`` if it fits in ``limit`` characters, else its start and an ellipsis."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + ELLIPSIS


def shorten_lines(text: str, limit: int) -> str:
    """Each line of ``text`` shortened on its own, so every line keeps its start."""
    return "\n".join(shorten(line, limit) for line in text.split("\n"))
