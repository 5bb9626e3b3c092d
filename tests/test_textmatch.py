"""What ``caucmap validate`` says about an excerpt it cannot find: each message exactly.

A contributor fixes a quote from this one line, so where it says the texts part, and
what each has there, must be right to the character (these tests were written against
the survivors of ``make mutate``).
"""

from __future__ import annotations

import pytest

from caucmap.textmatch import describe_mismatch, locate


@pytest.mark.parametrize(("text", "excerpt", "says"), [
    ("The Treaty was signed.", "the treaty was signed",
     "the source has it with other upper/lower case letters"),
    ("abcd xyz", "abcQQQQQQ", "no passage of the source starts or ends like it"),
    # four characters in common are enough to point at a passage
    ("abcd xyz", "abcdQQQQQQ",
     "matches up to 'abcd' then the source has ' xyz' where the excerpt has 'QQQQQQ'"),
    # as long a start as an end: the start is reported
    ("abcdef 123456", "abcdXXXX3456",
     "matches up to 'abcd' then the source has 'ef 123456' where the excerpt has 'XXXX3456'"),
    # the first passage that starts like the excerpt, not a later one
    ("abcd1 and abcd2", "abcdZZ",
     "matches up to 'abcd' then the source has '1 and abcd' where the excerpt has 'ZZ'"),
    ("1wxyz and 2wxyz", "QQwxyz",
     "matches from 'wxyz' to its end, but before that the source has '1' where the "
     "excerpt has 'QQ'"),
    ("abcdef", "abcdefXYZ",
     "matches up to 'abcdef' then the source has '(the end of the text)' where the excerpt "
     "has 'XYZ'"),
    ("wxyz tail", "Q wxyz tail",
     "matches from 'wxyz tail' to its end, but before that the source has '(the start of "
     "the text)' where the excerpt has 'Q '"),
    ("abcwxyz tail", "Qwxyz tail",
     "matches from 'wxyz tail' to its end, but before that the source has 'abc' where the "
     "excerpt has 'Q'"),
])
def test_a_missing_excerpt_is_described_where_it_parts_from_the_source(
        text: str, excerpt: str, says: str) -> None:
    assert locate(text, excerpt) is None
    assert describe_mismatch(text, excerpt) == says


@pytest.mark.parametrize(("text", "excerpt", "says"), [
    ("abcdef", "abcdXYZ", "matches up to 'abcd' then the source has 'ef'"),
    ("abcdef", "abcdeXYZ", "matches up to '…bcde' then the source has 'f'"),
    ("abcwxyz", "QQwxyz", "matches from 'wxyz' to its end"),
    ("abcvwxyz", "QQvwxyz", "matches from 'vwxy…' to its end"),
])
def test_a_long_common_part_is_shortened_with_an_ellipsis(text: str, excerpt: str,
                                                           says: str) -> None:
    assert describe_mismatch(text, excerpt, context=4).startswith(says)


@pytest.mark.parametrize(("text", "excerpt", "span"), [
    ("yes, and yes", "yes", (0, 3)),  # the first occurrence is the one highlighted
    ("He said  \u201cyes\u201d\n today.", 'said "yes" today', (3, 21)),  # spans the original
    ("  x", "x", (2, 3)),
    ("a", "   ", None),  # an empty excerpt is found nowhere
])
def test_located_span_is_in_the_original_text(text: str, excerpt: str,
                                              span: tuple[int, int] | None) -> None:
    assert locate(text, excerpt) == span
