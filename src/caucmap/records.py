"""The evidence card of one event or 2008 war feature: built once, rendered by every output.

The app's evidence panel, the standalone HTML's popups and ``caucmap show`` all show
this card, so a date, a dispute or a citation reads the same everywhere:

    >>> card = build_card(ev, ev.record("russia-abkhazia-treaty-signed"), Naming.ENGLISH)
    >>> [(c.outlet, c.value) for c in card.disagreements[0].claims]
    [('Sputnik', 'Moscow'), ('Agenda.ge', 'Sochi'), ...]
    >>> print(card_text(card))                 # or card_markdown, card_html, card_json
    >>> footnotes(card, accessed=date.today())  # ready to paste under a briefing

Every renderer escapes for its output: HTML for popups and the app's blockquotes,
markdown for the panel and ``--format markdown`` (:mod:`caucmap.markup`); the plain text
and JSON forms carry the characters as they are.
"""

from __future__ import annotations

import html
import textwrap
from dataclasses import dataclass
from datetime import date
from itertools import zip_longest

from caucmap.dates import date_label, format_date
from caucmap.evidence import Evidence
from caucmap.markup import md_link, md_text
from caucmap.models import Claim, Event, WarFeature
from caucmap.naming import Naming, place_name
from caucmap.support import panel_backing

TEXT_WIDTH = 88
LINK_ATTRS = 'target="_blank" rel="noopener noreferrer"'


@dataclass(frozen=True)
class Field:
    """One line of the card and what backs it (None: nothing to back, e.g. 'none named')."""

    label: str
    value: str
    backed_by: tuple[str, ...] | None = None


@dataclass(frozen=True)
class SourceNote:
    """A seed article as a briefing cites it."""

    id: str
    outlet: str
    title: str
    published: date
    published_precision: str
    address: str

    @property
    def published_label(self) -> str:
        return format_date(self.published, self.published_precision)


@dataclass(frozen=True)
class Cited:
    """A numbered verbatim excerpt, what it backs, and the article it is from."""

    number: int
    source: SourceNote
    excerpt: str
    supports: tuple[str, ...]


@dataclass(frozen=True)
class OutletClaim:
    """What one outlet says about a contested fact, in its own words."""

    source: SourceNote
    value: str
    excerpt: str


@dataclass(frozen=True)
class Disagreement:
    """Outlets that give different values for one thing (the place of a signing)."""

    about: str
    claims: tuple[OutletClaim, ...]


@dataclass(frozen=True)
class Referenced:
    """A numbered outside reference: an address, never a quote."""

    number: int
    title: str
    address: str
    supports: tuple[str, ...]


@dataclass(frozen=True)
class Card:
    """Everything behind one event or war feature."""

    id: str
    title: str
    summary: str
    start: date
    end: date
    date_precision: str
    date_basis: str
    fields: tuple[Field, ...]  # date, basis, category, places, actors: in reading order
    disagreements: tuple[Disagreement, ...]
    citations: tuple[Cited, ...]
    references: tuple[Referenced, ...]
    sources: tuple[SourceNote, ...]  # every article cited, claims' too, in order of citing


def _source(ev: Evidence, source_id: str) -> SourceNote:
    s = ev.sources[source_id]
    return SourceNote(s.id, s.outlet, s.title, s.published, s.published_precision, s.address)


def _claim_value(ev: Evidence, claim: Claim, naming: Naming) -> str:
    return place_name(ev.places[claim.value], naming) if claim.about == "place" else claim.value


def disagreements(ev: Evidence, record: Event | WarFeature,
                  naming: Naming) -> tuple[Disagreement, ...]:
    """The record's disputes, each outlet's value named under ``naming`` (cheap: no
    support check, so a layer's tooltip can say it for every event)."""
    return tuple(Disagreement(about, tuple(OutletClaim(_source(ev, c.source),
                                                       _claim_value(ev, c, naming), c.excerpt)
                                           for c in claims))
                 for about, claims in record.disputes().items())


def dispute_line(disagreement: Disagreement) -> str:
    """'Disputed place: Sputnik: Moscow; Agenda.ge: Sochi': a dispute in one line."""
    versions = "; ".join(f"{c.source.outlet}: {c.value}" for c in disagreement.claims)
    return f"Disputed {disagreement.about}: {versions}"


def _fields(ev: Evidence, record: Event | WarFeature, naming: Naming,
            disputed: set[str]) -> tuple[Field, ...]:
    backed = panel_backing(ev, record)
    basis = record.date_basis.value + (f": {record.date_note}" if record.date_note else "")
    if isinstance(record, Event):
        kind = record.category.value.replace("_", " ")
    else:
        kind = f"2008 war, {record.kind.replace('_', ' ')}"
    fields = [Field("Date", date_label(record), tuple(backed.date)),
              Field("Basis", basis),
              Field("Category", kind, tuple(backed.category))]
    if isinstance(record, Event):
        note = " (disputed: see below)" if "place" in disputed else ""
        fields += [Field("Place", f"{place_name(ev.places[ref.id], naming)} "
                                  f"({ref.precision.value}){note}",
                         tuple(backed.places.get(ref.id, []))) for ref in record.places]
        fields += [Field("Place", "unknown")] if not record.places else []
        fields += [Field("Actor", ev.actors[a].name, tuple(backed.actors.get(a, [])))
                   for a in record.actors]
        fields += [Field("Actors", "none named")] if not record.actors else []
    else:
        places = " \u2192 ".join(place_name(ev.places[p], naming)
                                 for p in record.geometry.place_ids()) or "schematic zone"
        fields += [Field("Places", f"{places} ({record.location_precision})",
                         tuple(sorted({b for labels in backed.places.values() for b in labels})))]
        fields += [Field("Actors", "see summary")]
    return tuple(fields)


def build_card(ev: Evidence, record: Event | WarFeature, naming: Naming) -> Card:
    """The card of ``record`` with place names and our own words under ``naming``."""
    disputes = disagreements(ev, record, naming)
    citations = tuple(Cited(n, _source(ev, c.source), c.excerpt, tuple(c.supports))
                      for n, c in enumerate(record.citations, start=1))
    references = tuple(Referenced(n, r.title, r.address, tuple(r.supports))
                       for n, r in enumerate(record.references, start=1))
    cited = [c.source for c in citations] + [c.source for d in disputes for c in d.claims]
    return Card(
        id=record.id, title=ev.localise(record.title, naming),
        summary=ev.localise(record.summary, naming), start=record.start, end=record.end,
        date_precision=record.date_precision.value, date_basis=record.date_basis.value,
        fields=_fields(ev, record, naming, {d.about for d in disputes}),
        disagreements=disputes, citations=citations, references=references,
        sources=tuple({s.id: s for s in cited}.values()))


# ---------------------------------------------------------------- citations for a briefing


def footnote(source: SourceNote, accessed: date) -> str:
    """Outlet, title, date, address, accessed date: one footnote, ready to paste."""
    return (f"{source.outlet}, \u201c{source.title}\u201d, {source.published_label}, "
            f"{source.address}, accessed {format_date(accessed, 'day')}.")


def reference_note(ref: Referenced, accessed: date) -> str:
    return f"\u201c{ref.title}\u201d, {ref.address}, accessed {format_date(accessed, 'day')}."


def footnotes(card: Card, accessed: date) -> list[str]:
    """One footnote per article the card cites, then one per outside reference."""
    return ([footnote(s, accessed) for s in card.sources]
            + [reference_note(r, accessed) for r in card.references])


# ---------------------------------------------------------------- plain text


def _wrap(text: str, width: int, indent: str = "", hang: str | None = None) -> list[str]:
    return textwrap.wrap(text, width, initial_indent=indent,
                         subsequent_indent=indent if hang is None else hang,
                         break_long_words=True) or [indent]


def _side_by_side(columns: list[list[str]], width: int) -> list[str]:
    """Paragraphs per column, wrapped to share ``width``, joined with ' | '."""
    each = max(12, (width - 3 * (len(columns) - 1)) // len(columns))
    wrapped = [[line for para in col for line in _wrap(para, each)] for col in columns]
    return [" | ".join(cell.ljust(each) for cell in row).rstrip()
            for row in zip_longest(*wrapped, fillvalue="")]


def backing_text(field: Field) -> str | None:
    """'Backed by: [1] Sputnik: Sochi · ...' for a field that needs backing."""
    if field.backed_by is None:
        return None
    if not field.backed_by:
        return "Not backed by any excerpt or reference"
    return "Backed by: " + " \u00b7 ".join(field.backed_by)


def cited_line(c: Cited) -> str:
    """'Sputnik, 23 November 2014 (day), https://... - backs date, place'."""
    return (f"{c.source.outlet}, {c.source.published_label} ({c.source.published_precision}), "
            f"{c.source.address} - backs {', '.join(c.supports) or 'nothing checked'}")


def card_text(card: Card, width: int = TEXT_WIDTH) -> str:
    """The card as plain text for a terminal: fields, claims side by side, citations."""
    out = [card.title, "=" * min(len(card.title), width), *_wrap(card.summary, width), ""]
    for field in card.fields:
        out += _wrap(f"{field.label + ':':<10} {field.value}", width, hang=" " * 11)
        if (backing := backing_text(field)) is not None:
            out += _wrap(backing, width, " " * 11)
    for d in card.disagreements:
        out += ["", f"Sources disagree on the {d.about}:"]
        out += _side_by_side([[f"{c.source.outlet}: {c.value}", f"\u201c{c.excerpt}\u201d"]
                              for c in d.claims], width)
    if card.citations:
        out += ["", "Citations (verbatim excerpts, checked against the source text):"]
    for c in card.citations:
        out += _wrap(f"[{c.number}] \u201c{c.excerpt}\u201d", width, "  ")
        out += _wrap(cited_line(c), width, "      ")
    if card.references:
        out += ["", "References (not quotes):"]
    for r in card.references:
        out += _wrap(f"[R{r.number}] {r.title} - {r.address} - supports "
                     f"{', '.join(r.supports)}", width, "  ")
    return "\n".join(out)


# ---------------------------------------------------------------- markdown


def field_markdown(field: Field) -> str:
    return f"**{field.label}:** {md_text(field.value)}"


def backing_markdown(field: Field) -> str | None:
    """What backs a field, escaped; never set in emphasis, which could undo md_text's
    splitting of link-like words."""
    backing = backing_text(field)
    return None if backing is None else md_text(backing)


def reference_markdown(r: Referenced) -> str:
    return (f"[R{r.number}] Reference (not a quote): {md_link(r.title, r.address)} "
            f"- supports {md_text(', '.join(r.supports))}")


def card_markdown(card: Card) -> str:
    """The card as markdown, every text escaped; disputes as a table, one outlet a column."""
    out = [f"### {md_text(card.title)}", "", md_text(card.summary), ""]
    for field in card.fields:
        backing = backing_markdown(field)
        out.append(field_markdown(field) + (f"  \n{backing}" if backing else ""))
        out.append("")
    for d in card.disagreements:
        out += [f"**Sources disagree on the {md_text(d.about)}:**", "",
                "| " + " | ".join(md_text(c.source.outlet) for c in d.claims) + " |",
                "|" + "---|" * len(d.claims),
                "| " + " | ".join(md_text(c.value) for c in d.claims) + " |",
                "| " + " | ".join(f"\u201c{md_text(c.excerpt)}\u201d" for c in d.claims) + " |",
                ""]
    if card.citations:
        out += ["**Citations** (verbatim excerpts, checked against the source text)", ""]
    for c in card.citations:
        out += [f"> [{c.number}] \u201c{md_text(c.excerpt)}\u201d  ",
                f"> {md_text(c.source.outlet)}, {md_text(c.source.published_label)} "
                f"({c.source.published_precision}), {md_link('original', c.source.address)} "
                f"- backs {md_text(', '.join(c.supports))}", ""]
    out += [reference_markdown(r) + "  " for r in card.references]
    return "\n".join(out).rstrip() + "\n"


# ---------------------------------------------------------------- HTML


def _link(address: str, label: str) -> str:
    return f'<a href="{html.escape(address)}" {LINK_ATTRS}>{html.escape(label)}</a>'


def claim_html(c: OutletClaim) -> str:
    """One outlet's claim: its value and its words (narrow columns: small margins)."""
    return (f"<b>{html.escape(c.source.outlet)}</b>: {html.escape(c.value)}"
            '<blockquote class="cm-claim" style="margin:0.3em 0;padding-left:0.5em;'
            f'border-left:3px solid #ccc">\u201c{html.escape(c.excerpt)}\u201d</blockquote>')


def cited_html(c: Cited) -> str:
    """A numbered excerpt with its outlet, date, link and what it backs."""
    s = c.source
    return (f'<blockquote class="cm-excerpt">[{c.number}] \u201c{html.escape(c.excerpt)}\u201d'
            f"<br><small>{html.escape(s.outlet)}, {html.escape(s.published_label)} "
            f"({s.published_precision}) - {_link(s.address, 'original')} - backs "
            f"{html.escape(', '.join(c.supports))}</small></blockquote>")


def card_html(card: Card) -> str:
    """The card for a map popup: the fields without their backing, the claims side by
    side, every excerpt with its outlet and link, the references."""
    parts = [f"<b>{html.escape(card.title)}</b>"]
    parts += [f"<br>{html.escape(f.label)}: {html.escape(f.value)}" for f in card.fields
              if f.label != "Basis"]
    for d in card.disagreements:
        columns = "".join(f'<div style="flex:1;min-width:0">{claim_html(c)}</div>'
                          for c in d.claims)
        parts.append(f"<div><b>Sources disagree on the {html.escape(d.about)}:</b></div>"
                     f'<div style="display:flex;gap:6px">{columns}</div>')
    parts += [cited_html(c) for c in card.citations]
    parts += [f"<div>[R{r.number}] Reference: {_link(r.address, r.title)}</div>"
              for r in card.references]
    return "".join(parts)


# ---------------------------------------------------------------- JSON


def card_json(card: Card) -> dict[str, object]:
    """The card as JSON-ready data: dates as ISO text."""
    def source(s: SourceNote) -> dict[str, object]:
        return {"id": s.id, "outlet": s.outlet, "title": s.title,
                "published": s.published.isoformat(), "published_precision":
                s.published_precision, "published_label": s.published_label,
                "address": s.address}

    return {
        "id": card.id, "title": card.title, "summary": card.summary,
        "start": card.start.isoformat(), "end": card.end.isoformat(),
        "date_precision": card.date_precision, "date_basis": card.date_basis,
        "fields": [{"label": f.label, "value": f.value, "backed_by": (
            None if f.backed_by is None else list(f.backed_by))} for f in card.fields],
        "disagreements": [{"about": d.about, "claims": [
            {"source": c.source.id, "outlet": c.source.outlet, "value": c.value,
             "excerpt": c.excerpt} for c in d.claims]} for d in card.disagreements],
        "citations": [{"number": c.number, "source": c.source.id, "excerpt": c.excerpt,
                       "supports": list(c.supports)} for c in card.citations],
        "references": [{"number": r.number, "title": r.title, "address": r.address,
                        "supports": list(r.supports)} for r in card.references],
        "sources": [source(s) for s in card.sources],
    }
