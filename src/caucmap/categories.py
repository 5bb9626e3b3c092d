"""What each event category is called in sources: its verbs and nouns, and a CAMEO code.

Shared by the support check (does an excerpt cited for a category say so?) and by
ingest (which category does a sentence describe?), so both read one lexicon. Entries
are whole words or phrases, matched case-insensitively at word boundaries by
:func:`category_words`.

CAMEO codes are the nearest code of the CAMEO event codebook (v1.1b3); a hint for
exports, not a classification we defend.
"""

from __future__ import annotations

import re
from functools import cache

from caucmap.models import Category

CATEGORY_WORDS: dict[Category, tuple[str, ...]] = {
    Category.TREATY_SIGNING: (
        "sign", "signs", "signed", "signing", "treaty", "treaties", "agreement",
        "agreements", "accord", "pact", "alliance",
    ),
    Category.RATIFICATION: (
        "ratify", "ratifies", "ratified", "ratifying", "ratification", "approve",
        "approved", "approval", "endorsed", "voted", "vote",
    ),
    Category.RECOGNITION: (
        "recognise", "recognises", "recognised", "recognising", "recognize",
        "recognizes", "recognized", "recognizing", "recognition", "independence",
        "established diplomatic relations", "establish diplomatic relations",
    ),
    Category.DIPLOMATIC_VISIT: (
        "visit", "visits", "visited", "visiting", "trip", "arrive", "arrives", "arrived",
        "arrival", "travelled", "traveled",
    ),
    Category.DIPLOMATIC_MEETING: (
        "meet", "meets", "met", "meeting", "talks", "negotiations", "negotiated",
        "consultations", "summit", "discuss", "discussed", "hosted",
    ),
    Category.STATEMENT: (
        "say", "says", "said", "stated", "statement", "declare", "declared", "condemn",
        "condemns", "condemned", "criticised", "criticized", "warned", "told", "rejects",
        "rejected", "called", "urged", "remarks", "comment", "commented", "responded",
        "response", "interview", "briefing", "resolution", "opposed", "stressed", "noted",
        "added", "assessed", "spoke", "saying", "according to", "pointed out",
        "congratulated", "congratulating", "congratulates", "thanked", "praised",
        "welcomed", "welcomes", "accused", "accuses", "denied", "denies", "demanded",
        "appealed", "expressed", "voiced", "dismissed", "denounced",
    ),
    Category.ANNOUNCEMENT: (
        "announce", "announces", "announced", "announcement", "will", "plans", "planned",
        "proposal", "proposed", "initiative", "intends", "expected", "press service",
        "decided", "decision", "ordered", "resigned", "resignation", "appointed", "elected",
        "named", "launched", "closed", "shut", "reopened", "inaugurated", "sworn in",
        "stepped down", "steps down", "resigns",
    ),
    Category.PROTEST: (
        "protest", "protests", "protested", "protesters", "rally", "rallies", "rallied",
        "demonstration", "demonstrators", "march", "picket", "gathered",
    ),
    Category.LEGISLATIVE: (
        "parliament", "law", "bill", "draft", "legislation", "legislative", "deputies",
        "lawmakers", "duma", "session", "amended", "adopted", "revised", "passed",
    ),
    Category.DIPLOMATIC_RUPTURE: (
        "severed", "sever", "broke off", "cut ties", "recalled",
        "expelled",
    ),
    Category.ARMED_CONFLICT: (
        "war", "fighting", "fought", "battle", "attack", "attacked", "shelling",
        "bombing", "invaded", "invasion", "offensive", "troops", "forces", "clashes",
        "ceasefire", "hostilities", "shot", "shooting", "killed", "killing", "wounded",
        "fired", "gunfire", "explosion", "blast",
    ),
    Category.MILITARY_DEPLOYMENT: (
        "base", "bases", "deploy", "deployed", "deployment", "troops", "forces",
        "peacekeepers", "peacekeeping", "border guards", "military", "stationed",
        "garrison", "contingent",
    ),
    Category.DETENTION: (
        "detained", "detain", "detains", "detaining", "detention", "detentions",
        "arrested", "arrest", "arrests", "kidnapped", "abducted", "abduction", "released",
        "freed", "detainee", "detainees",
    ),
}

# CAMEO: 057 sign formal agreement; 054 grant diplomatic recognition; 042 make a
# visit; 040 consult; 010 make statement; 014 consider policy option (announce
# plans); 141 demonstrate or rally; 173 arrest, detain; 161 reduce or break
# diplomatic relations; 190 use conventional military force; 15 exhibit military
# posture. Ratification and
# legislative acts have no own code: 057 and 014 are the nearest.
CAMEO: dict[Category, str] = {
    Category.TREATY_SIGNING: "057",
    Category.DETENTION: "173",
    Category.RATIFICATION: "057",
    Category.RECOGNITION: "054",
    Category.DIPLOMATIC_VISIT: "042",
    Category.DIPLOMATIC_MEETING: "040",
    Category.STATEMENT: "010",
    Category.ANNOUNCEMENT: "014",
    Category.PROTEST: "141",
    Category.LEGISLATIVE: "014",
    Category.DIPLOMATIC_RUPTURE: "161",
    Category.ARMED_CONFLICT: "190",
    Category.MILITARY_DEPLOYMENT: "15",
}


# the 2008 war layer's feature kinds, described the same way
WAR_KIND_WORDS: dict[str, tuple[str, ...]] = {
    "fighting": (
        "fighting", "fought", "battle", "clashes", "war", "attack", "attacked", "assault",
        "shelled", "shelling",
    ),
    "movement": (
        "advance", "advanced", "entered", "crossed", "moved", "invaded", "columns", "through",
    ),
    "bombardment": (
        "bombed", "bombing", "bombardment", "air strikes", "airstrikes", "struck", "shelled",
        "raid",
    ),
    "occupation": ("occupied", "occupation", "held", "seized", "took", "control"),
    "ceasefire": (
        "ceasefire", "cease-fire", "truce", "armistice", "six-point", "peace plan",
        "end of hostilities",
    ),
    "buffer_zone": ("buffer zone", "security zone", "checkpoints", "zone"),
    "withdrawal": ("withdrew", "withdrawal", "withdrawn", "pulled out", "pull-back", "quit"),
}


@cache
def word_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    ordered = sorted(words, key=len, reverse=True)
    alternatives = "|".join(r"\s+".join(map(re.escape, w.split())) for w in ordered)
    return re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE)


def words_in(text: str, words: tuple[str, ...]) -> list[str]:
    """The entries of a lexicon that ``text`` uses, in order of appearance."""
    return [m.group(0) for m in word_pattern(words).finditer(text)]


def category_words(text: str, category: Category) -> list[str]:
    """The words of ``category``'s lexicon that ``text`` uses, in order of appearance."""
    return words_in(text, CATEGORY_WORDS[category])
