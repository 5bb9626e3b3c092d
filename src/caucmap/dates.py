"""Dates written for readers, one way for every output (app, popups, printed maps, CLI).

Records carry ``datetime.date`` values and a precision; this module is the only place
that turns them into words, so "October 2014" never reads as "1 October 2014" anywhere:

    >>> format_date(date(2014, 11, 24), "day")           # '24 November 2014'
    >>> format_date(date(2017, 4, 1), "month", short=True)  # 'Apr 2017'
    >>> date_label(event)                                # 'October 2014 (month precision)'
    >>> short_span(date(2017, 4, 18), date(2017, 4, 19), "range")  # '18-19 Apr 2017'
"""

from __future__ import annotations

from datetime import date

from caucmap.models import Dated, DatePrecision


def format_date(day: date, precision: str, *, short: bool = False) -> str:
    """A date written to its precision: '2014', 'April 2017', '24 November 2014'
    ('Apr 2017', '24 Nov 2014' with ``short``, for printed maps)."""
    month = "%b %Y" if short else "%B %Y"
    if precision == "year":
        return f"{day.year}"
    if precision == "month":
        return day.strftime(month)
    return f"{day.day} {day.strftime(month)}"


def short_day(day: date) -> str:
    """'24 Nov 2014': a day on a printed map."""
    return format_date(day, "day", short=True)


def date_label(record: Dated) -> str:
    """A human date with its precision: '24 November 2014', 'October 2014 (month)'..."""
    precision = record.date_precision
    if precision is DatePrecision.RANGE:
        return f"{format_date(record.start, 'day')} - {format_date(record.end, 'day')} (range)"
    text = format_date(record.start, precision.value)
    return text if precision is DatePrecision.DAY else f"{text} ({precision.value} precision)"


def short_span(start: date, end: date, precision: str) -> str:
    """'24 Nov 2014', 'Nov 2014', '2014', '18-19 Apr 2017', '1 Oct - 23 Nov 2014'."""
    if precision in ("year", "month"):
        return format_date(start, precision, short=True)
    if precision == "range":
        if (start.year, start.month) == (end.year, end.month):
            return f"{start.day}-{short_day(end)}"
        if start.year == end.year:
            return f"{start.day} {start.strftime('%b')} - {short_day(end)}"
        return f"{short_day(start)} - {short_day(end)}"
    return short_day(start)
