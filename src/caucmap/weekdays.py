"""Weekdays named in a ``date_note`` that contradict a date: a slip that is easy to make
when "Tuesday" is resolved by hand, and that nothing else would catch.

    >>> contradictions("'Tuesday' in Sputnik of Wed 18 Mar 2015", date(2015, 3, 18))
    ["'Tuesday' is quoted for a record dated Wed 18 Mar 2015"]

Two readings only, both unambiguous:

- a weekday written next to a date ("Fri 23 Jan 2015", "Friday, 23 January 2015",
  "23 Nov 2014 (a Sunday)", "Wednesday, February 18, 2015") must be that date's weekday;
- a weekday inside quotes (the source's words, "'on Tuesday'") must be the weekday of
  the record's own date, when that date is a single day.
"""

from __future__ import annotations

import re
from datetime import date

_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_WD = (r"(?P<wd>(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)"
       r"(?:day|sday|nesday|rsday|urday)?)\.?")
_MON = r"(?P<mon>(?:" + "|".join(_MONTHS) + r")[a-z]*)\.?"
_NEXT_TO_DATE = [
    re.compile(rf"\b{_WD},?\s+(?P<d>\d{{1,2}})\s+{_MON},?\s+(?P<y>\d{{4}})\b", re.I),
    re.compile(rf"\b{_WD},?\s+{_MON}\s+(?P<d>\d{{1,2}}),?\s+(?P<y>\d{{4}})\b", re.I),
    re.compile(rf"\b(?P<d>\d{{1,2}})\s+{_MON},?\s+(?P<y>\d{{4}})\s*\((?:a|was\s+a)\s+{_WD}\)",
               re.I),
]
_QUOTED = re.compile(r"'([^']{1,80})'|\"([^\"]{1,80})\"|\u2018([^\u2019]{1,80})\u2019"
                     r"|\u201c([^\u201d]{1,80})\u201d")
_FULL_DAY = re.compile(r"\b(" + "|".join(_DAYS) + r")\b", re.I)


def _weekday(name: str) -> int | None:
    """Monday = 0 for a full or abbreviated English weekday name."""
    key = name.lower()[:3]
    return next((i for i, day in enumerate(_DAYS) if day.startswith(key)), None)


def _day_of(match: re.Match[str]) -> date | None:
    month = next((i for i, m in enumerate(_MONTHS, 1) if match["mon"].lower().startswith(m)),
                 None)
    try:
        return date(int(match["y"]), month or 0, int(match["d"]))
    except ValueError:
        return None


def contradictions(note: str, day: date | None) -> list[str]:
    """What in ``note`` names the wrong weekday; ``day`` is the record's single day or None."""
    found: list[str] = []
    for rx in _NEXT_TO_DATE:
        for m in rx.finditer(note):
            written, wd = _day_of(m), _weekday(m["wd"])
            if written is not None and wd is not None and written.weekday() != wd:
                found.append(f"'{m[0]}': {written:%d %b %Y} was a {written:%A}")
    if day is not None:
        for m in _QUOTED.finditer(note):
            quoted = next(g for g in m.groups() if g is not None)
            for named in _FULL_DAY.findall(quoted):
                if _weekday(named) != day.weekday():
                    found.append(f"'{quoted}' is quoted for a record dated {day:%a %d %b %Y}")
    return found
