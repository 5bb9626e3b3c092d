"""Candidate events: one per sentence that reports something that happened or was said.

    >>> extractor = Extractor.for_project(evidence)
    >>> for c in extractor.extract(article):
    ...     print(c.category, c.start, [p["id"] for p in c.places], c.excerpt)

A sentence becomes a candidate when it carries an event word (a category's verb or
noun, :mod:`caucmap.categories`) and something that anchors it: a date expression, a
named actor, or a place; sentences that only describe (population, history without a
date) or only continue a quote ("he added") are left out. The excerpt is the sentence
itself, byte for byte, so it verifies by construction; the candidate says which of its
parts (date, place, actors, category) the excerpt supports, and which it inherits
(a dateline's place, the publication day).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from caucmap.categories import CAMEO, CATEGORY_WORDS, word_pattern
from caucmap.evidence import Evidence
from caucmap.ingest.actors import ActorFinder, ActorHit
from caucmap.ingest.dates import DateMention, find_dates, month_bounds
from caucmap.ingest.places import PlaceFinder, PlaceHit, read_state_names
from caucmap.ingest.sentences import Sentence, split_sentences
from caucmap.models import Category, DateBasis, DatePrecision
from caucmap.naming import all_names

# Event words that, alone, do not make a sentence report an event: they name things
# ("the treaty", "troops", "parliament") more often than they report acts.
WEAK_WORDS = frozenset({
    "will", "troops", "forces", "military", "treaty", "treaties", "agreement",
    "agreements", "alliance", "independence", "parliament", "law", "bill", "draft",
    "session", "deputies", "lawmakers", "duma", "war", "base", "bases", "resolution",
    "expected", "plans", "planned", "initiative", "response", "comment", "called",
    "accord", "pact", "proposal", "talks", "negotiations", "summit", "march", "trip",
    "statement", "interview", "briefing", "remarks", "recognition", "meeting", "visit",
    "protest", "protests", "rally", "rallies", "vote", "approval", "deployment",
    "peacekeepers", "peacekeeping", "border guards", "stationed", "contingent",
    "garrison", "legislation", "legislative", "attack", "offensive", "clashes",
    "hostilities", "ceasefire", "press service", "announcement", "ratification",
    "detention", "detentions", "detainee", "detainees", "arrests", "abduction",
    "consultations", "arrival", "demonstration", "demonstrators", "protesters",
})
# "will", "expected": a plan, but what is planned (a visit, a signing) says more
FUTURE_WORDS = frozenset({"will", "expected", "plans", "planned", "intends"})
# Categories in the order they win when one sentence has words of several: the
# specific act before the way it was reported ("signed ..., the ministry said").
PRIORITY = [
    Category.RECOGNITION, Category.RATIFICATION, Category.TREATY_SIGNING,
    Category.DIPLOMATIC_RUPTURE, Category.PROTEST, Category.DETENTION, Category.ARMED_CONFLICT,
    Category.MILITARY_DEPLOYMENT, Category.DIPLOMATIC_VISIT, Category.DIPLOMATIC_MEETING,
    Category.LEGISLATIVE, Category.ANNOUNCEMENT, Category.STATEMENT,
]
SPEECH = re.compile(r"\b(?:said|says|told|stated|declared|announced|noted|stressed|added|"
                    r"according\s+to|reported|claimed|insisted|warned)\b", re.IGNORECASE)
# a trailing attribution (", the Kremlin said.") or a relative clause names no act
_ATTRIBUTION = re.compile(
    r",\s*[^,]{0,60}\b(?:said|says|told\s+\w+|reported|added|announced)"
    r"(?:\s+(?:on\s+)?(?:\w+day|yesterday|today|earlier|late\s+on\s+\w+day))?\s*[.!?]?"
    r"[\"'\u201d\u2019]?\s*$", re.IGNORECASE)
_RELATIVE = re.compile(r",\s*(?:which|who|whose|where)\b[^,]*,", re.IGNORECASE)
_LEADING = re.compile(r"^\s*(?:In\s+response\s+to|After|Following|Despite|Before|Since|"
                      r"During|Amid|Under|Unlike|Although|Though|While|As\s+a\s+result\s+of)"
                      r"\b[^,]{0,120},")
_PRONOUN_START = re.compile(r"^[\"'\u201c\u2018]?\s*(?:He|She|They|It|This|That|These)\b")
_BACKGROUND = re.compile(r"\b(?:has\s+a\s+population|is\s+home\s+to|is\s+located|lies\s+on|"
                         r"is\s+a\s+(?:small|breakaway|mountainous))\b", re.IGNORECASE)
_PAST_PERFECT = re.compile(r"\bhad\s+(?:been\s+)?\w+(?:ed|en|wn|t)\b", re.IGNORECASE)
MIN_WORDS = 6
_ACTS_AS_GOVERNMENT = re.compile(
    r"['\u2019]s\b|\s+(?:would|will|has|had|have|is|was|says|said|insists?|insisted|wants?|"
    r"wanted|accuses?|accused|denies|denied|warns?|warned|rejects?|rejected|considers?|"
    r"considered|claims?|claimed|believes?|hopes?|fears?|regards?|calls?|called|sees?|saw|"
    r"refuses?|refused|recognises?|recognised|recognizes?|recognized)\b")
# acts reported without a date are, in news copy, acts of the day it appears
NEWS_OF_THE_DAY = frozenset({Category.STATEMENT, Category.ANNOUNCEMENT, Category.PROTEST})


@dataclass
class Candidate:
    """A proposed event (or citation of an existing one) from one sentence."""

    id: str
    source: str
    excerpt: str
    span: tuple[int, int]
    category: str
    cameo: str
    start: date
    end: date
    date_precision: str
    date_basis: str
    date_note: str
    places: list[dict[str, Any]]
    actors: list[dict[str, Any]]
    supports: list[str]
    matches: str | None = None
    relation: str = "new"
    claims: list[dict[str, Any]] = field(default_factory=list)
    also: list[str] = field(default_factory=list)  # later sentences on the same event
    status: str = "pending"

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["start"], data["end"] = self.start.isoformat(), self.end.isoformat()
        data["span"] = list(self.span)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Candidate:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        known["start"] = date.fromisoformat(known["start"])
        known["end"] = date.fromisoformat(known["end"])
        known["span"] = tuple(known["span"])
        return cls(**known)


@dataclass(frozen=True)
class Article:
    """What extraction needs to know of a source: its id, text, outlet and day."""

    source: str
    text: str
    outlet: str
    published: date
    published_precision: str = "day"
    dateline_place: str | None = None  # a gazetteer id
    dateline: str | None = None  # the dateline as printed, cited for an inherited place


def _category(sentence: str) -> tuple[Category, int, bool] | None:
    """The category the sentence reports, where its word stands, and whether a verb (not
    only a noun) says so; None if it reports none.

    The main verb of news copy comes early, so the earliest strong event word decides
    (a speech verb makes a statement). A leading adverbial phrase ("In response to
    Russia's recognition, ..."), relative clauses and a trailing attribution (", the
    ministry said") are set aside first: they name other acts or the reporter. A weak
    word (a noun such as "treaty") decides only when no strong one is left.
    """
    core = _ATTRIBUTION.sub("", _RELATIVE.sub(", ", sentence))
    lead = _LEADING.match(core)
    offset = lead.end() if lead else 0
    core = core[offset:]
    strong: list[tuple[int, int, Category]] = []
    weak: list[tuple[int, int, Category]] = []
    future: list[tuple[int, int, Category]] = []
    for rank, category in enumerate(PRIORITY):
        for m in word_pattern(CATEGORY_WORDS[category]).finditer(core):
            word = m.group(0).lower()
            bucket = future if word in FUTURE_WORDS else weak if word in WEAK_WORDS else strong
            bucket.append((m.start(), rank, category))
    strong += [(m.start(), len(PRIORITY), Category.STATEMENT) for m in SPEECH.finditer(core)]
    pool = strong or weak or future
    if not pool:
        speech = SPEECH.search(sentence)
        return (Category.STATEMENT, speech.start(), True) if speech else None
    at, _, category = min(pool)
    return category, at + offset, bool(strong)


def _pick_date(dates: list[DateMention], anchor: int) -> DateMention:
    """The expression nearest the event word: that is the one dating the act."""
    return min(dates, key=lambda d: (min(abs(d.span[0] - anchor), abs(d.span[1] - anchor)),
                                     d.span[0]))


class Extractor:
    """Turns articles into candidates; built once per catalogue."""

    def __init__(self, evidence: Evidence) -> None:
        self.places = PlaceFinder.for_project(evidence)
        place_names = [n for p in evidence.places.values()
                       for n in all_names(p)]
        self.actors = ActorFinder(evidence.actors.values(), not_people=place_names,
                                  states=read_state_names(evidence.root))
        self.states = {a.id for a in evidence.actors.values() if a.kind == "state"}

    @classmethod
    def for_project(cls, evidence: Evidence) -> Extractor:
        return cls(evidence)

    def concerns_the_region(self, text: str) -> bool:
        """True if the text names a gazetteer place or a known actor: the map's world."""
        return any(h.id for h in self.places.find(text)) or any(
            h.id for h in self.actors.find(text))

    def dateline_place(self, name: str) -> str | None:
        hits = self.places.find(name)
        return hits[0].id if hits and hits[0].id else None

    def _candidate(self, article: Article, s: Sentence, first_body: int,
                   people: dict[str, str]) -> Candidate | None:
        text = s.text
        if len(text.split()) < MIN_WORDS or _BACKGROUND.search(text):
            return None
        found = _category(text)
        if found is None:
            return None
        category, anchor, acted = found
        # the dateline dates and places the article, not the act its sentence reports
        skip = len(article.dateline) if article.dateline and text.startswith(
            article.dateline) else 0
        dates = [d for d in find_dates(text, article.published, outlet=article.outlet)
                 if d.span[0] >= skip]
        places = [p for p in self.places.find(text)
                  if p.span[0] >= skip and not _metonym(text, p)]
        actors = [a for a in self.actors.find(text) if a.span[0] >= skip and (
            a.id in self.states or not any(p.span[0] <= a.span[0] < p.span[1] for p in places))]
        named = [a for a in actors if a.id or a.name]
        for a in named:  # remember new people: later copy names them by surname alone
            if not a.id:
                people[a.name.split()[-1]] = a.name
        named += _by_surname(text, people, named)
        lede = s.index <= first_body + 1
        if not (dates or named or places):
            return None
        if _PRONOUN_START.search(text) and not (dates or named):
            return None  # a quote's continuation: the sentence before carries the event
        if not acted and not dates:
            return None  # only nouns ("the treaty brings ...") and no date: a description
        supports = ["category"]
        if dates:
            when = _pick_date(dates, anchor)
            start, end = when.start, when.end
            precision, basis, note = when.precision.value, when.basis.value, when.note
            supports.append("date")
        elif lede or ((SPEECH.search(text) or category in NEWS_OF_THE_DAY)
                      and not _PAST_PERFECT.search(text)):
            start, end, precision = _publication_span(article)
            basis = DateBasis.INFERRED.value
            note = (f"No date in the sentence: the publication {precision} of "
                    f"{article.outlet} ({article.published:%d %b %Y}), as the news of the day")
        else:
            return None
        place_dicts = [p.as_dict() for p in _most_specific(places)]
        if place_dicts:
            supports.append("place")
        town_named = any(p.precision.value == "exact" for p in places)
        if not town_named and article.dateline_place and (skip or not place_dicts
                                                          or SPEECH.search(text)):
            # wire copy: the dateline's city is where it happened or was said, unless
            # the sentence names a town of its own
            place = self.places.place(article.dateline_place)
            if place is not None and place.id not in {p.get("id") for p in place_dicts}:
                place_dicts.insert(0, {
                    "id": place.id, "text": "", "lon": place.lon, "lat": place.lat,
                    "kind": place.kind, "precision": "exact", "inherited": "dateline",
                    "excerpt": article.dateline})
        if named:
            supports.append("actors")
        return Candidate(
            id=f"{article.source}-s{s.index:03d}", source=article.source, excerpt=text,
            span=(s.start, s.end), category=category.value, cameo=CAMEO[category],
            start=start, end=end, date_precision=precision, date_basis=basis,
            date_note=note, places=place_dicts, actors=[a.as_dict() for a in _unique(named)],
            supports=supports,
        )

    def extract(self, article: Article) -> list[Candidate]:
        """The candidates of one article, in text order, repeats folded into ``also``."""
        if not self.concerns_the_region(article.text):
            return []
        sentences = split_sentences(article.text)
        first_body = next((s.index for s in sentences if len(s.text.split()) >= MIN_WORDS), 0)
        out: list[Candidate] = []
        people: dict[str, str] = {}
        # a first line without a final stop is the headline: it reports the main event
        headline = (sentences[0].start if sentences and not sentences[0].text.endswith(
            (".", "!", "?")) else -1)
        for s in sentences:
            cand = self._candidate(article, s, first_body, people)
            if cand is None:
                continue
            twin = next((c for c in out if _same_event(c, cand)), None)
            if twin is not None:
                twin.also.append(cand.excerpt)
                continue
            early = next((c for c in out if _same_event(cand, c) or (
                c.span[0] == headline and c.category == cand.category)), None)
            if early is not None:  # a headline or lede without names: the fuller report leads
                out.remove(early)
                cand.also.append(early.excerpt)
            out.append(cand)
        return out


def _by_surname(text: str, people: dict[str, str], named: list[ActorHit]) -> list[ActorHit]:
    """People the article introduced earlier, named now by surname ("Keke told ...")."""
    have = {a.name for a in named}
    hits = []
    for surname, full in people.items():
        m = re.search(rf"\b{re.escape(surname)}\b", text)
        if m and full not in have:
            hits.append(ActorHit(surname, m.span(), name=full, role="named earlier"))
            have.add(full)
    return hits


def _metonym(text: str, place: PlaceHit) -> bool:
    """A capital standing for its government ("Moscow would...", "Tbilisi's response")."""
    return place.kind == "capital" and _ACTS_AS_GOVERNMENT.match(text, place.span[1]) is not None


def _publication_span(article: Article) -> tuple[date, date, str]:
    """The publication day, or its whole month or year when only that is known."""
    pub = article.published
    if article.published_precision == "month":
        return (*month_bounds(pub.year, pub.month), DatePrecision.MONTH.value)
    if article.published_precision == "year":
        return date(pub.year, 1, 1), date(pub.year, 12, 31), DatePrecision.YEAR.value
    return pub, pub, DatePrecision.DAY.value


def _most_specific(places: list[PlaceHit]) -> list[PlaceHit]:
    """Towns first, then regions; countries only when nothing narrower is named."""
    exact = [p for p in places if p.precision.value == "exact"]
    regions = [p for p in places if p.precision.value == "region"]
    chosen = (exact + regions) or places
    seen: set[str] = set()
    out = []
    for p in chosen:
        key = p.id or p.proposed.get("name", p.text)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def _unique(actors: list[ActorHit]) -> list[ActorHit]:
    seen: set[str] = set()
    out = []
    for a in actors:
        key = a.id or a.name
        if key not in seen:
            seen.add(key)
            out.append(a)
    return out


def _keys(items: list[dict[str, Any]]) -> set[str]:
    return {i.get("id") or i.get("name", "") for i in items}


def _same_event(a: Candidate, b: Candidate) -> bool:
    """A later sentence that repeats an event: same category, same dates, same people."""
    return (a.category == b.category and (a.start, a.end) == (b.start, b.end)
            and _keys(b.actors) <= _keys(a.actors) and _keys(b.places) <= _keys(a.places))
