"""Find a verbatim excerpt in a source text.

Only whitespace, typographic quotes and dashes are normalised; anything else an
excerpt changes (case, words, ellipses) makes it fail, which is the point.

    >>> locate("He said “yes”  today.", 'said "yes" today')
    (3, 20)
"""

from __future__ import annotations

import re
from functools import lru_cache

# left/right single quotes, left/right double quotes, en and em dash
_TRANSLATE = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"}
)
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Fold whitespace runs to one space and typographic quotes and dashes to ASCII."""
    return _SPACE.sub(" ", text.translate(_TRANSLATE)).strip()


@lru_cache(maxsize=64)
def _normalise_with_offsets(text: str) -> tuple[str, list[int]]:
    """Normalise like :func:`normalise` and keep, per output char, its offset in ``text``.

    Cached: a source is cited many times, and is normalised once.
    """
    chars: list[str] = []
    offsets: list[int] = []
    pending_space = False
    for i, ch in enumerate(text.translate(_TRANSLATE)):
        if ch.isspace():
            pending_space = bool(chars)
            continue
        if pending_space:
            chars.append(" ")
            offsets.append(i - 1)
            pending_space = False
        chars.append(ch)
        offsets.append(i)
    return "".join(chars), offsets


def locate(text: str, excerpt: str) -> tuple[int, int] | None:
    """Return the ``(start, end)`` span of ``excerpt`` in ``text``, or None if absent."""
    needle = normalise(excerpt)
    if not needle:
        return None
    haystack, offsets = _normalise_with_offsets(text)
    at = haystack.find(needle)
    if at < 0:
        return None
    return offsets[at], offsets[at + len(needle) - 1] + 1
