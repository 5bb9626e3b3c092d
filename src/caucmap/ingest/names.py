"""Find known names in a sentence, whatever the transliteration.

    >>> index = NameIndex([("Sukhumi", "sokhumi"), ("Khajimba", "raul-khajimba")])
    >>> [(m.key, m.text) for m in index.find("Hajimba flew to Sukhum.")]
    [('raul-khajimba', 'Hajimba'), ('sokhumi', 'Sukhum')]

Names of the Caucasus reach English through Georgian, Russian and Abkhaz or Ossetian,
so one place or person has several spellings (Sokhumi / Sukhum / Sukhumi, Khajimba /
Hajimba / Khadzhimba, Tskhinvali / Tskhinval). Each name is reduced to a *skeleton*
that folds the usual transliteration differences (kh/h, dzh/j, ts/c, y/i, doubled
letters, a final vowel); skeletons are looked up exactly, then, for names of five or
more letters, fuzzily with rapidfuzz. Only capitalised words of the sentence are tried,
longest run first.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

FUZZY_CUTOFF = 86  # rapidfuzz ratio on skeletons: Ochamchira/Ochamchire pass, Gori/Gomi not
MAX_WORDS = 4
# words that may sit inside a name in lower case ("Tskhinvali region", "Kodori gorge")
_INNER = {"region", "gorge", "tunnel", "valley", "district", "of", "de", "facto", "al",
          "upper", "lower", "government", "parliament", "ministry", "authorities",
          "leadership", "army", "military", "officials"}
_JOINERS = {"of", "de", "al", "facto", "upper", "lower"}  # never the last word of a name
_TOKEN = re.compile(r"[A-Z\u0100-\u024f][\w'\u2019.-]*|[a-z][\w-]*")
_FOLDS = [("dzh", "j"), ("dz", "j"), ("zh", "j"), ("kh", "h"), ("tsk", "ck"), ("ts", "c"),
          ("tz", "c"), ("ph", "f"), ("w", "v"), ("y", "i"), ("ey", "ei"), ("ck", "k")]


def skeleton(name: str) -> str:
    """A spelling-insensitive key: Sukhumi, Sukhum -> 'suhum'; Khadzhimba -> 'hajimb'."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"['\u2019]s\b", "", text)
    text = re.sub(r"[^a-z ]+", " ", text)
    for old, new in _FOLDS:
        text = text.replace(old, new)
    text = re.sub(r"(.)\1+", r"\1", text)
    words = [re.sub(r"(?<=[^aeiou])[aeiou]+$", "", w) if len(w) > 3 else w
             for w in text.split()]
    return " ".join(words)


@dataclass(frozen=True)
class Mention:
    """A name found in a sentence: what it stands for and the words used."""

    key: str
    text: str
    span: tuple[int, int]
    score: float


class NameIndex:
    """Names (any spelling) to keys; built once, queried per sentence."""

    def __init__(self, entries: Iterable[tuple[str, str]]) -> None:
        self._exact: dict[str, str] = {}
        for name, key in entries:
            sk = skeleton(name)
            if sk:
                self._exact.setdefault(sk, key)
        self._fuzzy = [sk for sk in self._exact if len(sk) >= 5]

    def lookup(self, words: str) -> tuple[str, float] | None:
        """The key for ``words`` (exact skeleton, else a close one), with a 0-100 score."""
        sk = skeleton(words)
        if not sk:
            return None
        if sk in self._exact:
            return self._exact[sk], 100.0
        if len(sk) < 5:
            return None
        best = process.extractOne(sk, self._fuzzy, scorer=fuzz.ratio,
                                  score_cutoff=FUZZY_CUTOFF)
        if best is None or best[0][0] != sk[0]:
            return None
        return self._exact[best[0]], float(best[1])

    def find(self, sentence: str) -> list[Mention]:
        """Every known name in ``sentence``, longest first where runs overlap."""
        tokens = list(_TOKEN.finditer(sentence))
        found: list[Mention] = []
        taken: set[int] = set()
        for size in range(MAX_WORDS, 0, -1):
            for i in range(len(tokens) - size + 1):
                run = tokens[i:i + size]
                if any(j in taken for j in range(i, i + size)):
                    continue
                if not run[0].group()[0].isupper() or not all(
                        t.group()[0].isupper() or t.group().lower() in _INNER for t in run):
                    continue
                if run[-1].group().lower() in _JOINERS:
                    continue
                start, end = run[0].start(), run[-1].end()
                text = sentence[start:end].rstrip(".")
                text = re.sub(r"['\u2019]s$", "", text)
                hit = self.lookup(text)
                if hit is None:
                    continue
                taken.update(range(i, i + size))
                found.append(Mention(hit[0], text, (start, start + len(text)), hit[1]))
        return sorted(found, key=lambda m: m.span)
