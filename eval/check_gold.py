"""Check the ingest evaluation set: every gold file against its article and the reference lists.

Run from anywhere: ``python eval/check_gold.py``. Prints one line per problem
(``file:line: field: message``) and exits 1, or prints counts and exits 0. Needs only the
standard library and PyYAML, so it runs before (and without) the ingest pipeline it scores.
"""

from __future__ import annotations

import calendar
import contextlib
import json
import re
import sys
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml

EVAL = Path(__file__).resolve().parent
ROOT = EVAL.parent
NE_PLACES = ROOT.parent / "shared" / "geodata-raw" / "ne_10m_populated_places_region.geojson"
SETS = ((EVAL / "articles", EVAL / "gold"), (EVAL / "holdout", EVAL / "holdout" / "gold"))

# The values of caucmap.models.Category, spelled out so this check needs no caucmap import.
CATEGORIES = {
    "treaty_signing",
    "ratification",
    "recognition",
    "diplomatic_visit",
    "diplomatic_meeting",
    "statement",
    "announcement",
    "protest",
    "legislative",
    "diplomatic_rupture",
    "armed_conflict",
    "military_deployment",
}
PRECISIONS = {"day", "month", "year", "range"}
BASES = {"metadata", "address", "dateline", "given"}
INTAKE_KEYS = {"outlet", "address", "published"}
ID_LIKE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
WORDS = (120, 350)
# Tags whose text a reader never sees; block tags end a line so words do not run together.
HIDDEN = {"head", "script", "style", "template", "noscript"}
BLOCK = {
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "br",
    "tr",
    "td",
    "section",
    "article",
    "aside",
    "header",
    "footer",
    "nav",
    "main",
}
MONTHS = [calendar.month_name[m] for m in range(1, 13)]


class PageText(HTMLParser):
    """Visible text of a saved page, plus the text of its <p> elements and its metadata."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.paragraphs: list[str] = []
        self.meta: dict[str, str] = {}
        self.json_ld: list[str] = []
        self._hidden = 0
        self._in_p = False
        self._in_ld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "meta":
            key = a.get("property") or a.get("name") or a.get("itemprop")
            if key:
                self.meta[key] = a.get("content", "")
        elif tag == "link" and a.get("rel") == "canonical":
            self.meta["canonical"] = a.get("href", "")
        if tag == "script" and a.get("type") == "application/ld+json":
            self._in_ld = True
        if tag in HIDDEN:
            self._hidden += 1
        if tag in BLOCK:
            self.parts.append("\n")
        if tag == "p" and not self._hidden:
            self._in_p = True
            self.paragraphs.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN and self._hidden:
            self._hidden -= 1
        if tag == "script":
            self._in_ld = False
        if tag in BLOCK:
            self.parts.append("\n")
        if tag == "p":
            self._in_p = False

    def handle_data(self, data: str) -> None:
        if self._in_ld:
            self.json_ld.append(data)
        if self._hidden:
            return
        self.parts.append(data)
        if self._in_p:
            self.paragraphs[-1] += data


@dataclass
class Article:
    """What the checks need from one article file."""

    text: str  # visible text, whitespace normalised
    words: int  # words of the article itself (<p> elements for HTML)
    meta: dict[str, str] = field(default_factory=dict)
    published_meta: list[str] = field(default_factory=list)  # dates the metadata states


def norm(text: str) -> str:
    """Collapse all whitespace (including no-break spaces) to single spaces."""
    return " ".join(text.split())


def read_article(path: Path) -> Article:
    """Read a .txt or .html article the way a reader sees it."""
    raw = path.read_text(encoding="utf-8")
    if path.suffix != ".html":
        return Article(norm(raw), len(raw.split()))
    page = PageText()
    page.feed(raw)
    page.close()
    stated = [page.meta[k] for k in ("article:published_time", "date", "pubdate") if k in page.meta]
    for block in page.json_ld:
        data = json.loads(block)
        for item in data if isinstance(data, list) else [data]:
            if "datePublished" in item:
                stated.append(item["datePublished"])
    words = sum(len(p.split()) for p in page.paragraphs)
    return Article(norm("".join(page.parts)), words, page.meta, stated)


def node_lines(node: yaml.Node, path: tuple = ()) -> dict[tuple, int]:
    """Map every path in a YAML document (('events', 2, 'places', 0)) to its 1-based line."""
    lines = {path: node.start_mark.line + 1}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            lines.update(node_lines(value, (*path, key.value)))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines.update(node_lines(item, (*path, i)))
    return lines


def gazetteer_ids() -> set[str]:
    data = yaml.safe_load((ROOT / "geodata" / "gazetteer.yaml").read_text(encoding="utf-8"))
    return {p["id"] for p in data["places"]}


def actor_ids() -> set[str]:
    data = yaml.safe_load((ROOT / "catalogue" / "actors.yaml").read_text(encoding="utf-8"))
    return {a["id"] for a in data["actors"]}


def natural_earth_names() -> set[str] | None:
    """NAME of every Natural Earth populated place, or None when ../shared is not there."""
    if not NE_PLACES.is_file():
        return None
    data = json.loads(NE_PLACES.read_text(encoding="utf-8"))
    return {f["properties"]["NAME"] for f in data["features"]}


def span_problem(start: Any, end: Any, precision: Any) -> str | None:
    """Why a start/end pair does not fit its precision, or None."""
    if not isinstance(start, date) or not isinstance(end, date):
        return "start and end must be YYYY-MM-DD dates"
    if precision not in PRECISIONS:
        return f"precision {precision!r} is not one of {sorted(PRECISIONS)}"
    last = calendar.monthrange(start.year, start.month)[1]
    if precision == "day" and start != end:
        return "day precision needs start == end"
    if precision == "month" and (start.day != 1 or end != start.replace(day=last)):
        return "month precision needs the whole month (first to last day)"
    if precision == "year" and (start != date(start.year, 1, 1) or end != date(start.year, 12, 31)):
        return "year precision needs 1 January to 31 December of one year"
    if precision == "range" and not start < end:
        return "range precision needs start < end"
    return None


def address_dates(address: str) -> set[date]:
    """Dates an address spells as /YYYY/MM/DD/ or YYYYMMDD."""
    found = set()
    for y, m, d in re.findall(r"/(\d{4})/(\d{2})/(\d{2})(?:/|$)", address) + re.findall(
        r"(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)", address
    ):
        with contextlib.suppress(ValueError):
            found.add(date(int(y), int(m), int(d)))
    return found


def dateline_states(text: str, day: date) -> bool:
    """True when the opening of the text names the day, month and year of `day`."""
    head = text[:400]
    month = MONTHS[day.month - 1]
    has_day = re.search(rf"\b{day.day}\b", head) is not None
    return str(day.year) in head and month in head and has_day


class Checker:
    """Collects problems for one run over both sets."""

    def __init__(self) -> None:
        self.places = gazetteer_ids()
        self.actors = actor_ids()
        self.ne_names = natural_earth_names()
        self.problems: list[str] = []
        self.counts = {
            "articles": 0,
            "events": 0,
            "excerpts": 0,
            "places_by_id": 0,
            "places_by_ne_name": 0,
            "places_unchecked": 0,
            "actors_by_id": 0,
            "actor_names": 0,
        }

    def report(self, gold: Path, lines: dict[tuple, int], path: tuple, message: str) -> None:
        while path not in lines and path:
            path = path[:-1]
        where = "".join(f".{p}" if isinstance(p, str) else f"[{p}]" for p in path).lstrip(".")
        rel = gold.relative_to(ROOT)
        self.problems.append(f"{rel}:{lines.get(path, 1)}: {where or 'file'}: {message}")

    def check_set(self, articles: Path, golds: Path) -> None:
        article_files = {p.stem: p for p in articles.iterdir() if p.suffix in (".txt", ".html")}
        gold_files = {p.stem: p for p in golds.glob("*.yaml")}
        for stem in sorted(article_files.keys() - gold_files.keys()):
            self.problems.append(f"{article_files[stem].relative_to(ROOT)}:1: file: no gold file")
        for stem in sorted(gold_files):
            self.check_gold(gold_files[stem], article_files.get(stem))

    def check_gold(self, gold: Path, article_path: Path | None) -> None:
        raw = gold.read_text(encoding="utf-8")
        lines = node_lines(yaml.compose(raw))
        doc = yaml.safe_load(raw)

        def say(path: tuple, msg: str) -> None:
            self.report(gold, lines, path, msg)

        if article_path is None:
            say(("article",), "no article with this file's stem")
            return
        if doc.get("article") != article_path.name:
            say(("article",), f"names {doc.get('article')!r}, expected {article_path.name!r}")
        article = read_article(article_path)
        self.counts["articles"] += 1
        if not WORDS[0] <= article.words <= WORDS[1]:
            say(("article",), f"{article.words} words, expected {WORDS[0]}-{WORDS[1]}")
        intake = doc.get("intake") or {}
        if set(intake) - INTAKE_KEYS:
            say(("intake",), f"unknown keys {sorted(set(intake) - INTAKE_KEYS)}")
        self.check_published(doc.get("published") or {}, intake, article, say)
        seen: dict[str, int] = {}
        for i, event in enumerate(doc.get("events") or []):
            self.check_event(i, event, article, seen, say)

    def check_published(self, pub: dict, intake: dict, article: Article, say: Any) -> None:
        day, basis = pub.get("date"), pub.get("basis")
        if not isinstance(day, date):
            say(("published", "date"), "missing or not a YYYY-MM-DD date")
            return
        if pub.get("precision") != "day":
            say(("published", "precision"), "the set's articles are all dated to the day")
        if basis not in BASES:
            say(("published", "basis"), f"{basis!r} is not one of {sorted(BASES)}")
        elif basis == "given" and intake.get("published") != day:
            say(("published", "basis"), "basis 'given' needs intake.published equal to the date")
        elif basis == "metadata" and not any(
            s.startswith(day.isoformat()) for s in article.published_meta
        ):
            say(("published", "basis"), f"no publication metadata states {day}")
        elif basis == "address":
            addresses = [
                intake.get("address", ""),
                article.meta.get("canonical", ""),
                article.meta.get("og:url", ""),
            ]
            if not any(day in address_dates(a) for a in addresses):
                say(("published", "basis"), f"no address of the article spells {day}")
        elif basis == "dateline" and not dateline_states(article.text, day):
            say(("published", "basis"), f"the dateline does not state {day}")
        if basis != "metadata" and article.published_meta:
            say(("published", "basis"), "the page states a publication date in its metadata")

    def check_event(self, i: int, event: dict, article: Article, seen: dict, say: Any) -> None:
        self.counts["events"] += 1
        base = ("events", i)
        if not event.get("what"):
            say((*base, "what"), "missing")
        excerpts = event.get("excerpts") or []
        if not excerpts:
            say((*base, "excerpts"), "at least one excerpt is needed")
        for j, excerpt in enumerate(excerpts):
            self.counts["excerpts"] += 1
            text = norm(str(excerpt))
            if text not in article.text:
                say((*base, "excerpts", j), f"not verbatim in the article: {text[:60]!r}")
            if text in seen:
                say((*base, "excerpts", j), f"also marks event {seen[text]} (one event a sentence)")
            seen[text] = i
        if event.get("category") not in CATEGORIES:
            say((*base, "category"), f"{event.get('category')!r} is not a known category")
        when = event.get("date") or {}
        problem = span_problem(when.get("start"), when.get("end"), when.get("precision"))
        if problem:
            say((*base, "date"), problem)
        for j, place in enumerate(event.get("places") or []):
            self.check_place(str(place), lambda msg, j=j: say((*base, "places", j), msg))
        for j, actor in enumerate(event.get("actors") or []):
            if ID_LIKE.match(str(actor)):
                if actor in self.actors:
                    self.counts["actors_by_id"] += 1
                else:
                    say(
                        (*base, "actors", j),
                        f"{actor!r} looks like an id but is not in "
                        "catalogue/actors.yaml (write a full name for others)",
                    )
            else:
                self.counts["actor_names"] += 1

    def check_place(self, place: str, say: Any) -> None:
        if ID_LIKE.match(place):
            if place in self.places:
                self.counts["places_by_id"] += 1
            else:
                say(f"{place!r} looks like an id but is not in geodata/gazetteer.yaml")
        elif self.ne_names is None:
            self.counts["places_unchecked"] += 1
        elif place in self.ne_names:
            self.counts["places_by_ne_name"] += 1
        else:
            say(f"{place!r} is neither a gazetteer id nor a Natural Earth populated place NAME")


def main() -> int:
    checker = Checker()
    for articles, golds in SETS:
        checker.check_set(articles, golds)
    if checker.ne_names is None:
        print(f"note: {NE_PLACES} not found; place names were not checked", file=sys.stderr)
    for problem in checker.problems:
        print(problem)
    if checker.problems:
        return 1
    print(", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in checker.counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
