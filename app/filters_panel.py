"""The sidebar's event filters and the search results: widgets only.

Filtering and search live in :mod:`caucmap.search`; this module shows them with a count
beside each value ("Statement (12)"); ``current`` reads the widgets' values as a
:class:`caucmap.viewstate.Filters` that the view state, the URL, the map, the list, the
timeline, the downloads and the exports share.
"""

from __future__ import annotations

import html
from collections.abc import Callable

import streamlit as st

from caucmap.evidence import Evidence
from caucmap.naming import Naming, place_name
from caucmap.search import facet_counts, matching_ids, search
from caucmap.style import CATEGORY_LABELS
from caucmap.viewstate import Filters

KEYS = {"categories": "f_category", "actors": "f_actor", "places": "f_place",
        "outlets": "f_outlet"}
MAX_RESULTS = 25
RESULTS_HEIGHT = 240  # px: the results scroll; the map stays in sight


def init_state(filters: Filters) -> None:
    """First run of a session: the filter widgets start from the URL's view."""
    if "f_q" in st.session_state:
        return
    st.session_state.update({key: list(getattr(filters, attr)) for attr, key in KEYS.items()})
    st.session_state.update(f_disputed=filters.disputed, f_q=filters.q, f_on=filters.active())


def clear() -> None:
    st.session_state.update({key: [] for key in KEYS.values()})
    st.session_state.update(f_disputed=False, f_q="")


def _switched() -> None:
    """Switching the filters off clears them: no hidden filter narrows the map."""
    if not st.session_state.get("f_on"):
        clear()


def current() -> Filters:
    return Filters(**{attr: tuple(st.session_state.get(key, [])) for attr, key in KEYS.items()},
                   disputed=bool(st.session_state.get("f_disputed")),
                   q=" ".join(str(st.session_state.get("f_q", "")).split()))


def sidebar(ev: Evidence, naming: Naming, in_window: Callable[[], set[str]]) -> None:
    """The filter widgets with facet counts of the events in the date window (asked for
    only while the filters are on: at 100k events the counts take a moment)."""
    filters = current()
    labels = {
        "categories": {c.value: CATEGORY_LABELS[c] for c in CATEGORY_LABELS},
        "actors": {a.id: a.name for a in ev.actors.values()},
        "places": {p.id: place_name(p, naming) for p in ev.places.values()},
        "outlets": {s.outlet: s.outlet for s in ev.sources.values()},
    }
    facets = {"categories": "category", "actors": "actor", "places": "place",
              "outlets": "outlet"}
    # a switch, not an expander: the filters' widgets (text input, buttons) are not on
    # the first screen, so a cold open loads fewer of Streamlit's element scripts
    if not st.sidebar.toggle("Filter events", key="f_on", on_change=_switched):
        return
    counts = facet_counts(ev, in_window() & matching_ids(ev, filters))
    box = st.sidebar.container(border=True)
    box.text_input("Search titles, summaries and quotes", key="f_q",
                   placeholder="e.g. Sukhum, Lavrov, ceasefire")
    for attr, title in (("categories", "Category"), ("actors", "Actor"), ("places", "Place"),
                        ("outlets", "Outlet")):
        count = counts[facets[attr]]
        chosen = list(getattr(filters, attr))
        options = sorted(set(count) | set(chosen), key=lambda v: (-count.get(v, 0),
                                                                  labels[attr].get(v, v)))
        box.multiselect(title, options, key=KEYS[attr],
                        format_func=lambda v, a=attr, c=count: f"{labels[a].get(v, v)} "
                                                               f"({c.get(v, 0)})")
    box.checkbox("Disputed only (outlets disagree)", key="f_disputed")
    box.button("Clear filters", on_click=clear, disabled=not filters.active())


def search_results(ev: Evidence, query: str, shown: set[str]) -> None:
    """Hits among the events shown (the other filters and the dates apply), the matching
    words marked; "Show" selects the event on the map and in the panel."""
    hits = search(ev, query, limit=MAX_RESULTS, within=shown)
    total = len(matching_ids(ev, Filters(q=query)) & shown)
    st.caption(f"{total} event(s) in view match \u201c{query}\u201d"
               + (f"; the first {MAX_RESULTS}" if total > MAX_RESULTS else ""))
    box = st.container(height=RESULTS_HEIGHT) if len(hits) > 2 else st.container()
    for hit in hits:
        event = ev.event(hit.event)
        if event is None:
            continue
        passage = "".join(f"<mark>{html.escape(text)}</mark>" if is_match else html.escape(text)
                          for text, is_match in hit.marked)
        left, right = box.columns([6, 1], vertical_alignment="center")
        left.html(f"<div class='caucmap-hit'><b>{html.escape(event.title)}</b>"
                  f"<br><span>{passage}</span></div>")
        right.button("Show", key=f"hit-{hit.event}", on_click=st.session_state.update,
                     kwargs={"event": hit.event})
