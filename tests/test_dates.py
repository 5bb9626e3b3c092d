"""One formatter for every output: a date is written to its precision, never finer."""

from __future__ import annotations

from datetime import date

import pytest

from caucmap.dates import short_span


@pytest.mark.parametrize(("start", "end", "precision", "text"), [
    (date(2014, 11, 24), date(2014, 11, 24), "day", "24 Nov 2014"),
    (date(2014, 10, 1), date(2014, 10, 31), "month", "Oct 2014"),
    (date(2011, 1, 1), date(2011, 12, 31), "year", "2011"),
    (date(2017, 4, 18), date(2017, 4, 19), "range", "18-19 Apr 2017"),
    (date(2014, 10, 1), date(2014, 11, 23), "range", "1 Oct - 23 Nov 2014"),
    (date(2013, 12, 30), date(2014, 1, 2), "range", "30 Dec 2013 - 2 Jan 2014"),
])
def test_a_printed_span_says_no_more_than_its_precision(start: date, end: date, precision: str,
                                                         text: str) -> None:
    assert short_span(start, end, precision) == text
