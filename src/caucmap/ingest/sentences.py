"""Split an article into sentences with their offsets, so an excerpt is the source's own bytes.

    >>> [s.text for s in split_sentences("Gen. Ivanov left. He said “no.” Then he went.")]
    ['Gen. Ivanov left.', 'He said “no.”', 'Then he went.']

No model is downloaded: a sentence ends at ``.``, ``!`` or ``?`` (and any closing quote
or bracket after it) followed by white space and an upper-case letter, digit or an
opening quote, unless the word before the stop is a known abbreviation, an initial or a
number. A line break between paragraphs always ends a sentence (headlines, datelines
and bylines stand on lines of their own).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt", "sgt", "adm", "rev",
    "st", "sen", "rep", "gov", "pres", "amb", "jr", "sr", "vs", "etc", "inc",
    "ltd", "co", "corp", "dept", "u.s", "u.n", "u.k", "e.u", "jan", "feb", "mar", "apr",
    "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "approx",
})
OPENERS = "\"'\u201c\u2018(["  # straight and curly opening quotes, brackets
CLOSERS = "\"'\u201d\u2019)]"
_END = re.compile(rf"[.!?]+[{re.escape(CLOSERS)}]*(?=\s+[{re.escape(OPENERS)}]?[A-Z0-9])")
_PARAGRAPH = re.compile(r"\n\s*\n|\n(?=\s*\S)")
HEADING = 80  # a line shorter than this without a final stop is a headline or dateline


@dataclass(frozen=True)
class Sentence:
    """One sentence: its text exactly as in the article, and where it lies."""

    index: int
    start: int
    end: int
    text: str
    paragraph: int


def _is_abbreviation(chunk: str) -> bool:
    """True when the stop that ends ``chunk`` belongs to a word, not to the sentence."""
    word = re.search(r"(\S+)\.$", chunk)
    if not word:
        return False
    token = word.group(1).lstrip(OPENERS).lower()
    return (token in ABBREVIATIONS or (len(token) == 1 and token.isalpha())
            or re.fullmatch(r"(?:[a-z]\.)+[a-z]", token) is not None)


def _split_block(text: str, offset: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _END.finditer(text):
        if _is_abbreviation(text[start:m.start() + 1]) and text[m.start()] == ".":
            continue
        spans.append((start, m.end()))
        start = m.end()
    spans.append((start, len(text)))
    out = []
    for a, b in spans:
        chunk = text[a:b]
        lead = len(chunk) - len(chunk.lstrip())
        trail = len(chunk.rstrip())
        if trail > lead:
            out.append((offset + a + lead, offset + a + trail))
    return out


def _wrapped(text: str, block_start: int, brk: re.Match[str]) -> bool:
    """A single line break inside a paragraph of hard-wrapped text (not after a stop)."""
    if "\n" in brk.group(0).strip(" \t") and brk.group(0).count("\n") > 1:
        return False
    line_start = max(block_start, text.rfind("\n", block_start, brk.start()) + 1)
    line = text[line_start:brk.start()].rstrip()
    return len(line) >= HEADING and not line.endswith(tuple(".!?:" + CLOSERS))


def split_sentences(text: str) -> list[Sentence]:
    """The sentences of ``text`` in order; ``text[s.start:s.end] == s.text``."""
    sentences: list[Sentence] = []
    block_start = 0
    paragraph = 0
    for brk in [*_PARAGRAPH.finditer(text), None]:
        if brk is not None and _wrapped(text, block_start, brk):
            continue  # a hard-wrapped line: the sentence goes on
        block_end = brk.start() if brk else len(text)
        block = text[block_start:block_end]
        if block.strip():
            for a, b in _split_block(block, block_start):
                sentences.append(Sentence(len(sentences), a, b, text[a:b], paragraph))
            paragraph += 1
        if brk is None:
            break
        block_start = brk.end()
    return sentences
