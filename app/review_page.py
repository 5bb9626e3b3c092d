"""The Review page: candidates from ``caucmap add`` waiting for a person to accept or reject.

Widgets and layout only: the queue, its edits and the catalogue writes are
:mod:`caucmap.ingest.queue` and :mod:`caucmap.ingest.review`. Accept and Reject run
as button callbacks, before the script reruns, so the rerun's evidence (cached on a
fingerprint of the catalogue's files, which an accept replaces) already holds the new
event: the map shows it without clearing any cache. Every text from a source or the
catalogue goes through ``html.escape`` before it reaches ``st.html``.
"""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path
from typing import Any

import streamlit as st

from caucmap.categories import CAMEO
from caucmap.dates import date_label
from caucmap.errors import UsageError
from caucmap.evidence import Evidence
from caucmap.ingest.queue import accept, pending, reject
from caucmap.ingest.review import (
    SourceGroup,
    actor_label,
    by_source,
    context_window,
    edits,
    excerpt_span,
    key,
    match_options,
    place_label,
)
from caucmap.models import Category, DateBasis, DatePrecision
from caucmap.render_web import context_html

FLASH = "review_flash"
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2099, 12, 31)  # any date a source may report
FIELDS = ("category", "start", "end", "date_precision", "date_basis", "date_note", "places",
          "actors", "matches", "title", "summary")
RELATION = {"new": "added event", "corroborates": "added a citation to event",
            "disagrees": "added a citation and a claim to event"}
STYLE = """<style>
.cm-review-meta {font-size: 0.9em; line-height: 1.5}
.cm-review-meta code {font-size: 0.9em}
.cm-review-context pre {max-height: 14em; overflow-y: auto; margin: 0.3em 0;
  padding: 0.5em 0.7em; background: #f6f6f3; border-radius: 4px; font-family: inherit}
.cm-review-context mark {background: #ffe27a; padding: 0 1px}
.cm-review-problem {white-space: pre-wrap; font-size: 0.85em}
.cm-review-done {padding: 0.6em 0.9em; border-radius: 6px; background: #e6f4ea;
  color: #14532d; border-left: 4px solid #2e7d32}
.cm-review-done code {font-size: 0.85em}
.cm-review-done.cm-rejected {background: #f1f1ef; color: #333; border-left-color: #888}
.cm-review-head {font-size: 1.05em}
.cm-review-head small {color: #666; margin-left: 0.6em}
</style>"""


def _esc(value: object) -> str:
    return html.escape(str(value))


def _key(cid: str, field: str) -> str:
    return f"rv-{cid}-{field}"


def category_label(value: str) -> str:
    return f"{value.replace('_', ' ')} (CAMEO {CAMEO[Category(value)]})"


def _when(start: object, end: object) -> str:
    return str(start) if start == end else f"{start} to {end}"


def _form_values(cid: str) -> dict[str, Any]:
    return {f: st.session_state[_key(cid, f)] for f in FIELDS if _key(cid, f) in st.session_state}


def on_accept(root: Path, item: dict[str, Any]) -> None:
    """Accept with the reviewer's edits; a refusal (nothing written) is kept to show."""
    cid = item["id"]
    try:
        done = accept(root, cid, edits(item, _form_values(cid)))
    except UsageError as exc:
        st.session_state[FLASH] = {"kind": "error", "cid": cid, "text": str(exc)}
        return
    st.session_state[FLASH] = {"kind": "accepted", "cid": cid, "event": done.event,
                               "relation": done.relation}


def on_reject(root: Path, cid: str) -> None:
    why = str(st.session_state.get(_key(cid, "why")) or "").strip()
    if not why:
        st.session_state[FLASH] = {"kind": "error", "cid": cid, "text": (
            "Say why you reject it: the reason is kept for the next reviewer.")}
        return
    try:
        reject(root, cid, why)
    except UsageError as exc:
        st.session_state[FLASH] = {"kind": "error", "cid": cid, "text": str(exc)}
        return
    st.session_state[FLASH] = {"kind": "rejected", "cid": cid, "text": why}


def refusal(flash: dict[str, Any]) -> None:
    """Why a click did nothing: shown in the candidate's own card, where the reader is."""
    st.error("Not done: nothing was written.")
    st.html(f'<pre class="cm-review-problem" role="alert">{_esc(flash["text"])}</pre>')


def show_flash(ev: Evidence, flash: dict[str, Any]) -> None:
    """The outcome of the last click, named; the event is looked up in the fresh evidence.

    A toast says it wherever the reader has scrolled to; the line at the top stays.
    """
    cid = _esc(flash["cid"])
    st.toast({"accepted": "Accepted: the catalogue has it now.", "rejected": "Rejected.",
              "error": "Not done: see the message."}[flash["kind"]])
    if flash["kind"] == "accepted":
        event = ev.event(flash["event"])
        title = f"\u201c{_esc(event.title)}\u201d " if event else ""
        st.html(f'<div class="cm-review-done" role="status">Accepted <code>{cid}</code>: '
                f"{RELATION[flash['relation']]} {title}(<code>{_esc(flash['event'])}</code>). "
                "See it on the Map page.</div>")
    elif flash["kind"] == "rejected":
        st.html(f'<div class="cm-review-done cm-rejected" role="status">Rejected '
                f"<code>{cid}</code>: "
                f"{_esc(flash['text'])}</div>")
    else:
        refusal(flash)


def source_header(group: SourceGroup) -> None:
    basis = ", ".join(filter(None, [group.published_precision, group.published_basis]))
    note = f"<br><small>{_esc(group.published_note)}</small>" if group.published_note else ""
    st.html(f'<h3 class="cm-review-source">{_esc(group.title)}</h3>'
            f'<div class="cm-review-meta"><b>{_esc(group.outlet)}</b>, published '
            f"{_esc(group.published)}{f' ({_esc(basis)})' if basis else ''} \u00b7 source "
            f"<code>{_esc(group.source)}</code> \u00b7 {len(group.candidates)} candidate(s)"
            f"{note}</div>")


def named(ev: Evidence, ident: str, label: str) -> str:
    """A known place or actor with its name ("Moscow (moscow)"); a proposed one as labelled."""
    place, actor = ev.places.get(ident), ev.actors.get(ident)
    if label.startswith("new:") or not (place or actor):
        return label
    name = place.names.english if place else actor.name if actor else ident
    return f"{name} ({label})"


def head(number: int, item: dict[str, Any]) -> None:
    what = {"new": "new event", "corroborates": "corroborates an event",
            "disagrees": "disagrees with an event"}.get(str(item.get("relation")), "new event")
    st.html(f'<div class="cm-review-head"><b>{number}. '
            f"{_esc(str(item['category']).replace('_', ' '))}</b> \u00b7 "
            f"{_esc(_when(item['start'], item['end']))} \u00b7 {what}"
            f"<small><code>{_esc(item['id'])}</code></small></div>")


def in_context(ev: Evidence, item: dict[str, Any]) -> None:
    """The candidate's sentence marked inside a few sentences of its article."""
    span = excerpt_span(ev, item)
    if span is None:
        st.html(f'<div class="cm-review-context"><pre><mark>{_esc(item["excerpt"])}</mark>'
                "</pre><small>(the source text is not loaded: shown alone)</small></div>")
        return
    text = ev.texts[item["source"]]
    start, end = context_window(text, span)
    marked = context_html(text[start:end], (span[0] - start, span[1] - start))
    st.html(f'<div class="cm-review-context">{marked}</div>')


def proposal(ev: Evidence, item: dict[str, Any]) -> None:
    """What the sentence is read as saying, and what the catalogue already holds."""
    places = ", ".join(named(ev, key(p), place_label(p)) for p in item["places"]) or "none"
    actors = ", ".join(named(ev, key(a), actor_label(a)) for a in item["actors"]) or "none"
    lines = [
        f"<b>Date:</b> {_esc(_when(item['start'], item['end']))} "
        f"({_esc(item['date_precision'])}, {_esc(item['date_basis'])}) \u2014 "
        f"<i>{_esc(item.get('date_note') or 'no note')}</i>",
        f"<b>Places:</b> {_esc(places)}",
        f"<b>Actors:</b> {_esc(actors)}",
        f"<b>Category:</b> {_esc(item['category'].replace('_', ' '))} "
        f"(CAMEO {_esc(item.get('cameo') or '-')}) \u00b7 the sentence supports: "
        f"{_esc(', '.join(item.get('supports', [])))}",
    ]
    if item.get("also"):
        lines.append("<b>Also cited</b> (the same event again): " + " ".join(
            f"\u201c{_esc(s)}\u201d" for s in item["also"]))
    match = item.get("matches")
    if match:
        event = ev.event(match)
        what = (f"\u201c{_esc(event.title)}\u201d ({_esc(date_label(event))}, "
                f"<code>{_esc(match)}</code>)" if event
                else f"<code>{_esc(match)}</code> (no longer in the catalogue)")
        if item.get("relation") == "disagrees":
            claims = "; ".join(f"{_esc(c['about'])} = {_esc(c['value'])}"
                               for c in item.get("claims", []))
            lines.append(f"<b>Disagrees with</b> {what}: this source says {claims}. "
                         "Accepting adds the sentence as a citation and an attributed claim.")
        else:
            lines.append(f"<b>Corroborates</b> {what}: accepting adds the sentence as a "
                         "citation of that event. Set \u201cMatches\u201d to none to make a "
                         "new event of it instead.")
    else:
        lines.append("<b>New event:</b> no event in the catalogue matches it.")
    st.html('<div class="cm-review-meta">' + "<br>".join(lines) + "</div>")


def edit_form(root: Path, ev: Evidence, item: dict[str, Any]) -> None:
    """The proposal's fields, prefilled and editable, with Accept and Reject."""
    cid = item["id"]
    categories = [c.value for c in Category]
    places = list(dict.fromkeys([*(key(p) for p in item["places"]), *sorted(ev.places)]))
    actors = list(dict.fromkeys([*(key(a) for a in item["actors"]), *sorted(ev.actors)]))
    proposed = {key(p): place_label(p) for p in item["places"]} | {
        key(a): actor_label(a) for a in item["actors"]}
    matches = [None, *match_options(ev, item)]

    def event_name(i: str | None) -> str:
        event = ev.event(i) if i else None
        return "none: a new event" if i is None else (
            f"{event.title} ({date_label(event)})" if event else i)

    with st.form(f"rv-form-{cid}", border=False):
        cols = st.columns([3, 2, 2, 2, 2])
        cols[0].selectbox("Category", categories, index=categories.index(item["category"]),
                          key=_key(cid, "category"), format_func=category_label)
        for col, field in zip(cols[1:3], ("start", "end"), strict=True):
            col.date_input(field.capitalize(), date.fromisoformat(item[field]),
                           min_value=FIRST_DAY, max_value=LAST_DAY, format="YYYY-MM-DD",
                           key=_key(cid, field))
        precisions = [p.value for p in DatePrecision]
        bases = [b.value for b in DateBasis]
        cols[3].selectbox("Precision", precisions,
                          index=precisions.index(item["date_precision"]),
                          key=_key(cid, "date_precision"))
        cols[4].selectbox("Basis", bases, index=bases.index(item["date_basis"]),
                          key=_key(cid, "date_basis"))
        cols = st.columns(2)
        cols[0].multiselect("Places", places, default=[key(p) for p in item["places"]],
                            key=_key(cid, "places"),
                            format_func=lambda i: named(ev, i, proposed.get(i, i)))
        cols[1].multiselect("Actors", actors, default=[key(a) for a in item["actors"]],
                            key=_key(cid, "actors"),
                            format_func=lambda i: named(ev, i, proposed.get(i, i)))
        cols = st.columns([2, 2, 3])
        cols[0].selectbox("Matches", matches, index=matches.index(item.get("matches")),
                          key=_key(cid, "matches"), format_func=event_name)
        cols[1].text_input("Title (optional)", key=_key(cid, "title"),
                           placeholder="generated from category, actors, places")
        cols[2].text_input("Summary (optional)", key=_key(cid, "summary"),
                           placeholder="generated from category, outlet, places, actors")
        st.text_input("Date note", item.get("date_note") or "", key=_key(cid, "date_note"))
        cols = st.columns([6, 1, 1], vertical_alignment="bottom")
        cols[0].text_input("Reason to reject (required to reject)", key=_key(cid, "why"))
        cols[1].form_submit_button("Accept", type="primary", key=_key(cid, "accept"),
                                   on_click=on_accept, args=(root, item),
                                   width="stretch")
        cols[2].form_submit_button("Reject", key=_key(cid, "reject"), on_click=on_reject,
                                   args=(root, cid), width="stretch")


def render(root: Path, ev: Evidence) -> None:
    """The whole page: a count, then each source's candidates, newest source first."""
    st.html(STYLE)
    st.header("Review")
    flash = st.session_state.pop(FLASH, None)
    try:
        items = pending(root)
    except UsageError as exc:
        if flash:
            show_flash(ev, flash)
        st.error("The review queue could not be read; nothing is shown.")
        st.html(f'<pre class="cm-review-problem" role="alert">{_esc(exc)}</pre>')
        return
    waiting = {str(i.get("id")) for i in items}
    if flash and (flash["kind"] != "error" or flash["cid"] not in waiting):
        show_flash(ev, flash)
    if not items:
        st.info("Nothing waiting for review. Add an article from the project folder with "
                "`caucmap add PAGE` (a saved HTML page or a text file); its candidate events "
                "wait here until you accept or reject them.")
        return
    groups = by_source(items, ev)
    st.markdown(f"**{len(items)} candidate(s) waiting** from {len(groups)} article(s), newest "
                "first. Nothing enters the catalogue until you accept it; edit a field first "
                "if the proposal is wrong.")
    for group in groups:
        source_header(group)
        for number, item in enumerate(group.candidates, 1):
            with st.container(border=True):
                head(number, item)
                in_context(ev, item)
                proposal(ev, item)
                edit_form(root, ev, item)
                if flash and flash["kind"] == "error" and flash["cid"] == item["id"]:
                    refusal(flash)
