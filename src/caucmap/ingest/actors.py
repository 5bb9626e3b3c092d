"""People and institutions named in a sentence: known actors by any spelling, new people
proposed from the title or role that introduces them.

    >>> finder = ActorFinder(evidence.actors.values())
    >>> [(a.id, a.name) for a in finder.find("Spokeswoman Maria Zakharova said Hajimba ...")]
    [(None, 'Maria Zakharova'), ('raul-khajimba', 'Raul Khajimba')]

Known actors come from ``catalogue/actors.yaml`` spellings, folded for transliteration
(Khajimba / Hajimba / Khadzhimba) by :mod:`caucmap.ingest.names`. A person not yet in
the catalogue is proposed only when the copy introduces them the way news copy does:
a title before the name ("President Leonid Tibilov", "spokeswoman Jen Psaki") or a
role in apposition after it ("Maria Zakharova, the ministry's spokeswoman").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from caucmap.ingest.names import NameIndex
from caucmap.models import Actor

_MODIFIERS = (
    r"(?:(?:de[- ]facto|self-proclaimed|so-called|acting|former|then|deputy|vice|chief|"
    r"first|senior|breakaway|separatist|Georgian|Russian|Abkhaz|Abkhazian|South\s+Ossetian|"
    r"Ossetian|U\.S\.|American|EU|European|NATO|UN|OSCE|foreign|defen[cs]e|interior|"
    r"prime|state|presidential|parliamentary|Kremlin|ministry|department)[- ]+){0,3}"
)
_ROLES = (
    r"(?:President|Prime\s+Minister|Premier|Minister|Foreign\s+Minister|spokes(?:wo)?man|"
    r"spokesperson|leader|head|chief|chairman|chairwoman|chair|Speaker|envoy|Ambassador|"
    r"Secretary(?:[- ]General)?|Senator|General|Gen\.|commander|mayor|MP|lawmaker|official|"
    r"negotiator|ombudsman|representative|Patriarch|aide|adviser|advisor|director|governor|"
    r"candidate|activist|journalist|lawyer|analyst|politician)"
    r"s?"  # "Presidents Nicolas Sarkozy and Dmitry Medvedev", "Foreign ministers ..."
)
TITLES = rf"(?i:{_MODIFIERS}{_ROLES})"  # titles in any case; names stay capitalised
_NAME = r"(?P<name>[A-Z][a-z\u00e0-\u017f'\u2019-]+(?:\s+[A-Z][a-z\u00e0-\u017f'\u2019-]+){1,2})"
_BEFORE = re.compile(rf"\b(?P<role>{TITLES})\s+{_NAME}")
_ROLE_FIRST = re.compile(rf"\b(?P<role>{TITLES})(?:\s+of\s+[A-Z][\w'\u2019-]+)?,\s+{_NAME},")
_AND = re.compile(rf"(?:\s+of\s+[A-Z][\w'\u2019-]+)?\s+and\s+{_NAME}")
_AFTER = re.compile(rf"{_NAME},\s+(?:the\s+|a\s+|an\s+)?(?P<role>[\w'\u2019.\s-]{{0,60}}?"
                    rf"\b{TITLES})\b")
_NOT_A_NAME = re.compile(r"^(?:In|On|At|The|A|An|As|After|But|And|For|From|With|By|Since|"
                         r"During|Meanwhile|However|Speaking|Earlier|Later|Last|Next|This)\b|"
                         r"\b(?:Ministry|Minister|Foreign|Affairs|Office|Council|Parliament|"
                         r"Republic|Government|Committee|Service|Mission|Union|Nations|"
                         r"President|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|"
                         r"Sunday|January|February|March|April|May|June|July|August|"
                         r"September|October|November|December)\b")


_OF_PLACE = re.compile(r"^(?P<body>[A-Z][\w ]+?) of (?:the )?(?P<place>[A-Z]\w+)$")


def _institution_aliases(actor: Actor) -> list[str]:
    """"Government of Georgia" is also "Georgian government", "Georgia's government"."""
    if actor.kind not in ("institution", "organisation"):
        return []
    m = _OF_PLACE.match(re.sub(r"\s*\(.*\)$", "", actor.name))
    if not m:
        return []
    body, place = m.group("body"), m.group("place")
    adjectives = {place + "n", f"{place}'s"}
    if place.endswith("ia"):
        adjectives.add(place[:-2])  # Abkhazia -> Abkhaz
    bodies = [body] + (["officials", "authorities"] if body == "Government" else [])
    return [f"{adj} {b}" for adj in sorted(adjectives) for b in bodies]


@dataclass(frozen=True)
class ActorHit:
    """An actor a sentence names: a catalogue id, or a proposed new person."""

    text: str
    span: tuple[int, int]
    id: str | None = None
    name: str = ""
    role: str | None = None

    def as_dict(self) -> dict[str, Any]:
        kind = self.role if self.role in ("institution", "state") else "person"
        head = {"id": self.id} if self.id else {"name": self.name, "kind": kind}
        return {**head, "text": self.text, **({"role": self.role} if self.role else {})}


# an institution qualified by another country is another institution: the "Georgian
# Foreign Ministry" is not Russia's, even if both are spelled "Foreign Ministry"
_QUALIFIER = re.compile(r"\b(Georgian|Russian|Abkhaz|Abkhazian|Ossetian|American|U\.S\.|"
                        r"Ukrainian|Turkish|Armenian|Azerbaijani|European|EU|UN|NATO|OSCE|"
                        r"[A-Z][a-z]+['\u2019]s)\s+$")
# "Russian troops", "Georgian forces": the state acting through its forces or government
_STATE_BY_ADJECTIVE = re.compile(
    r"\b(?P<adj>[A-Z][a-z]+(?:ian|an|i))\s+(?:[a-z]+ing\s+)?(?:troops|forces|soldiers|military|army|"
    r"border\s+guards|servicemen|columns|units|tanks|aircraft|jets|government|authorities)\b")
_INSTITUTION = re.compile(
    r"\b(?P<name>(?:[A-Z][\w.'\u2019-]*\s+){1,4}(?:Ministry|Parliament|Government|Council|"
    r"Assembly|Commission|Mission|Office|Department|Service|Committee|Court|Party|Movement))"
    r"(?:\s+of\s+(?:[A-Z][\w'\u2019-]*\s*){1,3})?")


class ActorFinder:
    """Built once per catalogue; ``find`` runs per sentence."""

    def __init__(self, actors: Iterable[Actor], *, not_people: Iterable[str] = (),
                 states: Iterable[str] = ()) -> None:
        self._actors = {a.id: a for a in actors}
        self._index = NameIndex((s, a.id) for a in self._actors.values()
                                for s in (a.name, *a.spellings, *_institution_aliases(a)))
        self._not_people = NameIndex((n, n) for n in not_people)
        # states the catalogue does not know yet ("Nauru", "Venezuela"): proposed as actors
        self._states = NameIndex((n, n) for n in states if self._index.lookup(n) is None)

    def _qualified_away(self, sentence: str, m: Any) -> bool:
        """An institution spelled generically but qualified by another country."""
        actor = self._actors[m.key]
        qualifier = _QUALIFIER.search(sentence[max(0, m.span[0] - 30):m.span[0]])
        if actor.kind not in ("institution", "organisation") or not qualifier:
            return False
        word = qualifier.group(1)
        return not any(word[:5].lower() in s.lower() for s in (actor.name, *actor.spellings))

    def find(self, sentence: str) -> list[ActorHit]:
        hits = [ActorHit(m.text, m.span, id=m.key, name=self._actors[m.key].name)
                for m in self._index.find(sentence) if not self._qualified_away(sentence, m)]
        known = [h.span for h in hits]
        for m in self._states.find(sentence):
            if not any(a < m.span[1] and m.span[0] < b for a, b in known):
                known.append(m.span)
                hits.append(ActorHit(m.text, m.span, name=m.key, role="state"))
        for m in _INSTITUTION.finditer(sentence):
            span = (m.start(), m.end())
            # a state named inside an institution's name ("Georgia's Foreign Ministry") is
            # the institution's qualifier, not an actor of its own
            inside = [h for h in hits if h.id and self._actors[h.id].kind == "state"
                      and span[0] <= h.span[0] and h.span[1] <= span[1]]
            for h in inside:
                hits.remove(h)
                known.remove(h.span)
            if not any(a < span[1] and span[0] < b for a, b in known):
                name = re.sub(r"^(?:The|In|On|At)\s+", "", m.group(0).strip())
                known.append(span)
                hits.append(ActorHit(name, span, name=name, role="institution"))
        for m in _STATE_BY_ADJECTIVE.finditer(sentence):
            adj = m.group("adj")
            hit = self._index.lookup(adj[:-1]) or self._index.lookup(adj[:-2])
            if hit and self._actors[hit[0]].kind == "state" and hit[0] not in {
                    h.id for h in hits}:
                hits.append(ActorHit(adj, m.span("adj"), id=hit[0],
                                     name=self._actors[hit[0]].name))
        people = []
        for rx in (_BEFORE, _ROLE_FIRST, _AFTER):
            for m in rx.finditer(sentence):
                people.append((m.group("name"), m.span("name"), m.group("role")))
                more = _AND.match(sentence, m.end("name"))
                if more and rx is _BEFORE:
                    people.append((more.group("name"), more.span("name"), m.group("role")))
        if not any(w.islower() and len(w) > 3 for w in sentence.split()):
            people = []  # a Title Case headline: every word looks like a name
        for name, span, role in people:
            if (_NOT_A_NAME.search(name) or any(a < span[1] and span[0] < b for a, b in known)
                    or self._not_people.lookup(name)):
                continue
            known.append(span)
            hits.append(ActorHit(name, span, name=name, role=" ".join(role.split())))
        return sorted(hits, key=lambda h: h.span)
