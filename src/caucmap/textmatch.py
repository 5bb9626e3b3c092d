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


def _longest(needle: str, haystack: str, *, from_end: bool) -> int:
    """Length of the longest start (or end) of ``needle`` that occurs in ``haystack``.

    Occurrence is monotone in the length, so a binary search needs O(log n) finds.
    """
    lo, hi = 0, len(needle)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if (needle[-mid:] if from_end else needle[:mid]) in haystack:
            lo = mid
        else:
            hi = mid - 1
    return lo


def describe_mismatch(text: str, excerpt: str, *, context: int = 20, ahead: int = 10) -> str:
    """Where an excerpt that :func:`locate` cannot find parts from the nearest passage.

    The nearest passage is the one sharing the longest start (or, if longer, end) with
    the excerpt, compared normalised as :func:`locate` compares them.
    """
    needle = normalise(excerpt)
    haystack, _ = _normalise_with_offsets(text)
    if needle and needle.casefold() in haystack.casefold():
        return "the source has it with other upper/lower case letters"
    head = _longest(needle, haystack, from_end=False)
    tail = _longest(needle, haystack, from_end=True)
    if max(head, tail) < 4:
        return "no passage of the source starts or ends like it"
    if head >= tail:
        at = haystack.find(needle[:head]) + head
        shown = ("…" if head > context else "") + needle[max(0, head - context):head]
        source_has = haystack[at:at + ahead] or "(the end of the text)"
        return (f"matches up to '{shown}' then the source has '{source_has}' where the excerpt "
                f"has '{needle[head:head + ahead]}'")
    start = len(needle) - tail
    at = haystack.find(needle[start:])
    shown = needle[start:start + context] + ("…" if tail > context else "")
    source_has = haystack[max(0, at - ahead):at] or "(the start of the text)"
    return (f"matches from '{shown}' to its end, but before that the source has "
            f"'{source_has}' where the excerpt has '{needle[max(0, start - ahead):start]}'")
