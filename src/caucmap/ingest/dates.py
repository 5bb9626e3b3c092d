"""Date expressions in a sentence, resolved against the article's publication date.

    >>> [m.label() for m in find_dates("Tibilov met Putin on Tuesday.", date(2015, 3, 18))]
    ['2015-03-17 (day, relative)']

News copy dates events relative to the day it appears ("on Tuesday", "yesterday",
"last month") or partially ("November 24"). Each expression becomes a span with a
precision (day, month, year, range), a basis (``stated`` when the words name the date,
``relative`` when they only make sense against the publication day) and a note that
says how it was resolved, so a reviewer can check the arithmetic in one glance.
Absolute and partial dates are parsed by dateparser with the publication day as its
relative base; the conventions that dateparser does not know (weekdays in wire copy,
"last week" as a Monday-Sunday week, "by the end of the year") are ours and stated
here. Past or future is read from the verb the expression belongs to ("will sign on
Monday" is the next Monday, "signed on Monday" the last one).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache

from dateparser.date import DateDataParser

from caucmap.models import DateBasis, DatePrecision

MONTHS = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_DAY = r"(?:[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?:19[4-9]\d|20[0-4]\d)"
_NUMBER = (r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
           r"|a few|several)")
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
            "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}

# (kind, pattern): tried in this order; an earlier match claims its characters
_PATTERNS: list[tuple[str, str]] = [
    ("iso", r"\b(?P<y>" + _YEAR + r")-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b"),
    ("day_full", r"\b(?:" + _DAY + r"\s+(?:of\s+)?" + MONTHS + r",?\s+" + _YEAR + r"|"
     + MONTHS + r"\s+" + _DAY + r",?\s+" + _YEAR + r")\b"),
    ("year_range", r"\b(?:between\s+|from\s+)?(?P<a>" + _YEAR + r")\s*(?:-|\u2013|\u2014|to|and)\s*"
     r"(?P<b>" + _YEAR + r"|\d{2})\b(?![-\u2013]\d)"),
    ("month_year", r"\b(?:(?:early|mid|late)[- ])?" + MONTHS + r",?\s+" + _YEAR + r"\b"),
    ("day_partial", r"\b(?:" + _DAY + r"\s+(?:of\s+)?" + MONTHS + r"|" + MONTHS
     + r"\s+" + _DAY + r")\b(?![,]?\s*\d)"),
    ("end_of", r"\b(?:by|before|until|till)\s+the\s+end\s+of\s+(?:(?P<this>the|this)\s+"
     r"(?P<unit>year|month|week)|(?P<year>" + _YEAR + r")|(?P<month>" + MONTHS + r"))\b"),
    ("this_unit", r"\b(?P<when>earlier|later)\s+this\s+(?P<unit>week|month|year)\b"),
    ("rel_unit", r"\b(?P<which>last|next|this|the\s+past|the\s+previous|the\s+coming)\s+"
     r"(?P<unit>week|month|year)\b"),
    ("ago", r"\b(?P<n>" + _NUMBER + r")\s+(?P<unit>day|week|month|year)s?\s+ago\b"),
    ("weekday", r"\b(?:(?P<which>last|next|this|this\s+past|this\s+coming)\s+)?"
     r"(?P<wd>" + "|".join(WEEKDAYS) + r")\b"),
    ("today", r"\b(?:(?:earlier|later)\s+)?(?:today|tonight|this\s+(?:morning|afternoon|"
     r"evening))\b"),
    ("yesterday", r"\b(?:the\s+day\s+before\s+)?yesterday\b"),
    ("tomorrow", r"\b(?:the\s+day\s+after\s+)?tomorrow\b"),
    ("month_only", r"\b(?i:(?:in|since|until|during|by|early|mid|late|of|last|next|this)[- ])"
     r"(?P<month>" + MONTHS + r")\b(?!\s+\d)"),
    ("year", r"(?<![\d,.$-])\b(?P<y>" + _YEAR + r")\b(?![-\u2013]\d)(?!\s*(?:troops|people|km))"),
]
_COMPILED = [(kind, re.compile(rx, re.IGNORECASE if kind != "month_only" else 0))
             for kind, rx in _PATTERNS]
# "May" is a month and a modal verb: a lower-case "may" is never the month
_MAY = re.compile(r"\bmay\b", re.IGNORECASE)

_FUTURE = re.compile(
    r"\b(?:will|would|shall|'ll|is\s+to|are\s+to|was\s+to|were\s+to|is\s+due|are\s+due|"
    r"(?:is|are|was|were)\s+(?:expected|scheduled|set|planned|slated|going)\s+to|"
    r"plans?\s+to|planning\s+to|intends?\s+to|to\s+be\s+(?:held|signed)|upcoming|next)\b",
    re.IGNORECASE,
)
_PAST = re.compile(r"\b(?:said|told|was|were|had|did|\w{3,}ed|met|took|went|came|made|signed"
                   r"|held|left|began|gave|saw|spoke|won|lost|fought|sent|set|put|led|"
                   r"wrote|read|became|brought|flew|drove|rejected)\b", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r"[,;:“”\"()]|\bthat\b|\bwhich\b|\bwhile\b|\bbut\b")
# a headline's "Putin to visit Sukhum on Monday": the infinitive of a plan
_INFINITIVE = re.compile(r"\bto\s+[a-z]+\b")


@dataclass(frozen=True)
class DateMention:
    """One date expression of a sentence, resolved."""

    text: str
    span: tuple[int, int]
    start: date
    end: date
    precision: DatePrecision
    basis: DateBasis
    note: str

    def label(self) -> str:
        when = self.start.isoformat() if self.start == self.end else (
            f"{self.start.isoformat()}..{self.end.isoformat()}")
        return f"{when} ({self.precision.value}, {self.basis.value})"


def month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def week_bounds(day: date) -> tuple[date, date]:
    """The Monday-Sunday week holding ``day``."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def _precision_for(start: date, end: date) -> DatePrecision:
    """The narrowest precision that describes start..end exactly."""
    if start == end:
        return DatePrecision.DAY
    if (start.day, start.month, end.day, end.month) == (1, 1, 31, 12) and start.year == end.year:
        return DatePrecision.YEAR
    if start.day == 1 and (start.year, start.month) == (end.year, end.month) and (
            end.day == calendar.monthrange(end.year, end.month)[1]):
        return DatePrecision.MONTH
    return DatePrecision.RANGE


def tense_of(sentence: str, start: int, end: int) -> str:
    """``future`` or ``past``, from the clause the expression at start..end belongs to.

    The words before the expression up to the last clause break decide ("Putin said on
    Tuesday" is past even if the sentence goes on "it will sign"); when they hold no
    verb, the words after it do ("On Monday, Putin will sign").
    """
    before = sentence[:start]
    breaks = list(_CLAUSE_BREAK.finditer(before))
    clause = before[breaks[-1].end():] if breaks else before
    if _FUTURE.search(clause):
        return "future"
    if _PAST.search(clause):
        return "past"
    if _INFINITIVE.search(clause):
        return "future"
    after = sentence[end:]
    stop = _CLAUSE_BREAK.search(after[1:]) if after else None
    tail = after[: stop.start() + 1] if stop else after
    if _FUTURE.search(tail) or (not _PAST.search(tail) and _FUTURE.search(after)):
        return "future"
    return "past"


@cache
def _parser(base: date, prefer: str) -> DateDataParser:
    return DateDataParser(languages=["en"], settings={
        "RELATIVE_BASE": datetime(base.year, base.month, base.day),
        "PREFER_DATES_FROM": prefer,
        "PREFER_DAY_OF_MONTH": "first",
        "RETURN_TIME_AS_PERIOD": False,
    })


def _parse(text: str, published: date, prefer: str = "current_period"
           ) -> tuple[date, str] | None:
    """dateparser's reading of ``text``: the date and its period (day, week, month, year)."""
    data = _parser(published, prefer).get_date_data(text)
    if data.date_obj is None:
        return None
    return data.date_obj.date(), data.period or "day"


def _nearest_year(month: int, day: int | None, published: date, tense: str) -> int:
    """The year that puts a month (and day) nearest the publication, bent by tense."""
    options = []
    for year in (published.year - 1, published.year, published.year + 1):
        last = calendar.monthrange(year, month)[1]
        when = date(year, month, min(day or 1, last))
        options.append((abs((when - published).days), year, when))
    _, year, when = min(options)
    slack = 7 if day else 31
    if tense == "past" and (when - published).days > slack:
        year -= 1
    elif tense == "future" and (published - when).days > slack:
        year += 1
    return year


def _weekday(match: re.Match[str], published: date, tense: str) -> date:
    """Wire-copy weekdays: the publication day itself, else the nearest one in the tense."""
    target = WEEKDAYS.index(match.group("wd").capitalize())
    which = (match.group("which") or "").lower()
    if which.startswith("next") or "coming" in which:
        tense = "future"
    elif which.startswith("last") or "past" in which:
        tense = "past"
    delta = (target - published.weekday()) % 7
    if delta == 0 and not which.startswith(("last", "next")):
        return published
    if tense == "future":
        return published + timedelta(days=delta or 7)
    return published - timedelta(days=(7 - delta) % 7 or 7)


def _unit_span(unit: str, anchor: date) -> tuple[date, date]:
    if unit == "week":
        return week_bounds(anchor)
    if unit == "month":
        return month_bounds(anchor.year, anchor.month)
    return date(anchor.year, 1, 1), date(anchor.year, 12, 31)


def _shift(unit: str, day: date, steps: int) -> date:
    """``day`` moved by whole weeks, months or years (to the 1st for months and years)."""
    if unit == "day":
        return day + timedelta(days=steps)
    if unit == "week":
        return day + timedelta(weeks=steps)
    if unit == "month":
        index = day.year * 12 + day.month - 1 + steps
        return date(index // 12, index % 12 + 1, 1)
    return date(day.year + steps, 1, 1)


def _resolve(kind: str, m: re.Match[str], sentence: str, published: date
             ) -> tuple[date, date, DateBasis, str] | None:
    """start, end, basis and how it was read, for one matched expression."""
    text = m.group(0)
    tense = tense_of(sentence, m.start(), m.end())
    stated, relative = DateBasis.STATED, DateBasis.RELATIVE
    if kind in ("iso", "day_full"):
        parsed = _parse(text, published)
        return (parsed[0], parsed[0], stated, "as stated") if parsed else None
    if kind == "day_partial":
        parsed = _parse(text, published)
        if parsed is None:
            return None
        year = _nearest_year(parsed[0].month, parsed[0].day, published, tense)
        day = parsed[0].replace(year=year)
        return day, day, stated, f"year {year} from the publication date ({tense} tense)"
    if kind == "month_year":
        parsed = _parse(re.sub(r"^(?:early|mid|late)[- ]", "", text, flags=re.I), published)
        if parsed is None:
            return None
        lo, hi = month_bounds(parsed[0].year, parsed[0].month)
        return lo, hi, stated, "as stated"
    if kind == "month_only":
        parsed = _parse(m.group("month"), published)
        if parsed is None:
            return None
        year = _nearest_year(parsed[0].month, None, published, tense)
        lo, hi = month_bounds(year, parsed[0].month)
        return lo, hi, relative, f"the nearest {m.group('month')} ({tense} tense)"
    if kind == "year":
        year = int(m.group("y"))
        return date(year, 1, 1), date(year, 12, 31), stated, "as stated"
    if kind == "year_range":
        first, last = m.group("a"), m.group("b")
        if len(last) == 2:
            last = first[:2] + last
        if int(last) <= int(first):
            return None
        return date(int(first), 1, 1), date(int(last), 12, 31), stated, "as stated"
    if kind == "weekday":
        day = _weekday(m, published, tense)
        return day, day, relative, f"{tense} tense"
    if kind == "today":
        return published, published, relative, "the publication day"
    if kind in ("yesterday", "tomorrow"):
        steps = 2 if text.lower().startswith("the day") else 1
        day = published + timedelta(days=steps if kind == "tomorrow" else -steps)
        return day, day, relative, f"publication day {'+' if kind == 'tomorrow' else '-'}{steps}"
    if kind == "end_of":
        if m.group("year"):
            end = date(int(m.group("year")), 12, 31)
        elif m.group("month"):
            parsed = _parse(m.group("month"), published)
            if parsed is None:
                return None
            year = _nearest_year(parsed[0].month, None, published, "future")
            end = month_bounds(year, parsed[0].month)[1]
        else:
            end = _unit_span(m.group("unit").lower(), published)[1]
        start = min(published, end)
        return start, end, relative, "from the publication day to the deadline"
    unit = m.group("unit").lower()
    if kind == "this_unit":
        lo, hi = _unit_span(unit, published)
        if m.group("when").lower() == "earlier":
            hi = published
        else:
            lo = published
        return lo, hi, relative, f"{m.group('when').lower()} in the publication's {unit}"
    if kind == "rel_unit":
        which = " ".join(m.group("which").lower().split())
        steps = {"last": -1, "the past": -1, "the previous": -1, "next": 1,
                 "the coming": 1}.get(which, 0)
        lo, hi = _unit_span(unit, _shift(unit, published, steps))
        how = {-1: f"the {unit} before publication", 1: f"the {unit} after publication"}
        return lo, hi, relative, how.get(steps, f"the publication's {unit}")
    if kind == "ago":
        raw = m.group("n").lower()
        count = int(raw) if raw.isdigit() else _NUMBERS.get(raw)
        if count is None:
            return None
        anchor = _shift(unit, published, -count)
        lo, hi = (anchor, anchor) if unit == "day" else _unit_span(unit, anchor)
        return lo, hi, relative, f"{count} {unit}(s) before publication"
    return None


def _describe(text: str, start: date, end: date, how: str, published: date,
              outlet: str) -> str:
    """A ``date_note`` a reviewer can check: the words, the article's day, the answer."""
    where = f"in {outlet} of" if outlet else "in an article of"
    when = f"{start:%a %d %b %Y}" if start == end else f"{start:%d %b %Y} to {end:%d %b %Y}"
    return f"'{text}' {where} {published:%a %d %b %Y}: {how}, so {when}"


def find_dates(sentence: str, published: date, *, outlet: str = "") -> list[DateMention]:
    """Every date expression of ``sentence``, in order of appearance."""
    taken: list[tuple[int, int]] = []
    found: list[DateMention] = []
    for kind, rx in _COMPILED:
        for m in rx.finditer(sentence):
            if any(m.start() < b and a < m.end() for a, b in taken):
                continue
            if _MAY.search(m.group(0)) and "May" not in m.group(0):
                continue  # the modal verb, not the month
            resolved = _resolve(kind, m, sentence, published)
            if resolved is None:
                continue
            start, end, basis, how = resolved
            text = m.group(0)
            note = (f"'{text}' as stated" if how == "as stated"
                    else _describe(text, start, end, how, published, outlet))
            taken.append((m.start(), m.end()))
            found.append(DateMention(text, (m.start(), m.end()), start, end,
                                     _precision_for(start, end), basis, note))
    return sorted(found, key=lambda d: d.span)
