"""caucmap: the dashboard. Widgets and layout only; all logic lives in ``caucmap``.

Run: ``make run`` (or ``streamlit run app/streamlit_app.py``).
"""

from __future__ import annotations

import gc
import html
from pathlib import Path

import filters_panel
import map_frame
import review_page
import streamlit as st

from caucmap import render_web
from caucmap.assets import localise_assets
from caucmap.errors import Problem
from caucmap.evidence import Evidence
from caucmap.export import EXPORT_FORMATS, MEDIA_TYPES, data_downloads, export_bytes
from caucmap.layers import build_layers, events_layer, record_layers
from caucmap.markup import md_link, md_text
from caucmap.models import LayerName
from caucmap.naming import NAMING_LABELS, Naming
from caucmap.provenance import DATASETS
from caucmap.records import (
    backing_markdown,
    build_card,
    cited_html,
    claim_html,
    field_markdown,
    footnotes,
    reference_markdown,
)
from caucmap.search import resolvers
from caucmap.settings import controls_after_s, project_root
from caucmap.shorten import shorten
from caucmap.textmatch import locate
from caucmap.timeline import timeline_chart
from caucmap.viewstate import (
    ALL_LAYERS,
    EARLIEST,
    WORLDVIEW_LABELS,
    ViewState,
    Worldview,
    pixel_rounded,
    today,
)
from caucmap.watch import Loaded, fingerprint, load_checked

CHECKOUT = Path(__file__).resolve().parents[1]  # the app's own project, if none is named
MAP_KEY = "map"
MAP_HEIGHT = 660  # px, time strip included; page.js sizes the frame to the window
MAX_LISTED = 500  # events offered in the picker; the map reaches the rest
PAGES = ["Map", "Timeline", "Sources", "Review"]
MAX_LISTED_CITING = 50  # events listed under a source on the Sources tab
MAX_OPTION_CHARS = 120  # a radio option naming places: a long name is cut, not wrapped
LAYER_LABELS = {
    LayerName.RECOGNITION: "Recognition status",
    LayerName.BORDERS: "Contested borders",
    LayerName.WAR2008: "The 2008 war",
    LayerName.EVENTS: "Events",
    LayerName.CONTEXT: "Place names, rivers and relief",
}

# the icon as a character: a shortcode (":world_map:") costs a cold open the 259 kB emoji table
st.set_page_config(page_title="caucmap", page_icon="\U0001F5FA\uFE0F", layout="wide")
localise_assets()


PAGE_CSS = """<style>
/* a long unbroken word (an address, an ingested string) wraps instead of widening the page */
[data-testid="stMain"], [data-testid="stSidebar"] { overflow-wrap: anywhere; }
.cm-source { white-space: pre-wrap; }
/* md_text sets link-prone words in emphasis only to split them: they look like the rest */
[data-testid="stMarkdownContainer"] em { font-style: inherit; }
</style>"""
MAX_PROBLEMS_SHOWN = 200  # the rest are counted; `caucmap validate` lists them all


@st.cache_resource(show_spinner=False, max_entries=2)
def evidence(root: str, stamp: str) -> Loaded:
    """The evidence base as of ``stamp``: a changed file means a fresh load, no restart.

    What is loaded lives as long as the server, so it leaves the cycle collector's
    scans (``gc.freeze``): each full collection would otherwise walk every object of the
    catalogue, holding the interpreter for 2.4 s at 100k events right after a reader's
    first run, while the page's scripts wait. A catalogue this load replaces becomes
    collectable again first.
    """
    gc.unfreeze()
    loaded = load_checked(Path(root))
    gc.collect()
    gc.freeze()
    return loaded


def error_page(problems: tuple[Problem, ...]) -> None:
    """What is wrong with the evidence base, one line a problem, instead of a traceback."""
    st.title("The evidence base could not be loaded")
    st.markdown(f"{len(problems):,} problem(s) stop the map from loading. Each line names the "
                "file and line, the entry and the field:")
    shown = "".join(f"<li>{html.escape(str(p))}</li>" for p in problems[:MAX_PROBLEMS_SHOWN])
    more = len(problems) - MAX_PROBLEMS_SHOWN
    if more > 0:
        shown += f"<li>... and {more:,} more</li>"
    st.html(f'<ul class="cm-problems">{shown}</ul>')
    st.markdown("Check the data with `caucmap validate` in the project folder (or "
                "`caucmap --root DIR validate`). Once it passes, reload this page: the map "
                "opens without restarting the server.")
    st.button("Reload", key="reload_evidence")  # a click reruns: a fixed catalogue loads


def init_widgets(view: ViewState, notices: list[str]) -> None:
    """First run of a session: widgets start from the URL's view; its notices are kept."""
    if "dates" in st.session_state:
        return
    st.session_state.update(
        notices=notices,
        dates=(view.start, view.end),
        **{f"layer_{layer}": layer in view.layers for layer in ALL_LAYERS},
        worldview=view.worldview.value,
        naming=view.naming.value,
        world=view.world,
        event=view.event,
        extent=(view.lat, view.lon, view.zoom),
        opened_at=(view.lat, view.lon, view.zoom),
        page="Map",
        controls_held=True,
    )


def _settled(view: ViewState) -> ViewState:
    """The view without its extent: the map reporting where it opened is no reader's change."""
    default = ViewState()
    return view.with_(lat=default.lat, lon=default.lon, zoom=default.zoom)


def dismiss_notices() -> None:
    st.session_state["notices"] = []


def url_notices(view: ViewState) -> None:
    """Notices about a bad URL stay until dismissed or until the reader changes the view.

    The URL is rewritten to the clean view on the first run, so the notices live in the
    session: the map's own first rerun (it reports its extent) must not wipe them.
    """
    if st.session_state.get("notice_view", _settled(view)) != _settled(view):
        dismiss_notices()
    if notices := st.session_state.get("notices"):
        text, close = st.columns([24, 1], vertical_alignment="center")
        text.warning("  \n".join(md_text(n) for n in notices))
        close.button("\u2715", key="dismiss_notices", help="Dismiss", on_click=dismiss_notices)


def on_map_change() -> None:
    """A click on a marker selects its event; a window brushed on the time strip or left
    by playback becomes the slider's; the map drawn lets the controls out
    (``controls_follow``); pans and zooms are kept for the URL."""
    value = st.session_state.get(MAP_KEY) or {}
    tooltip = value.get("last_object_clicked_tooltip")
    if render_web.drawn_report(tooltip):
        st.session_state["controls_held"] = False
    elif (window := render_web.window_report(tooltip)) is not None:
        report, dates = window
        if report != st.session_state.get("window_report"):  # a pan resends the last one
            st.session_state["window_report"] = report
            st.session_state["dates"] = dates
    elif ref := render_web.event_ref(tooltip):
        st.session_state["clicked"] = ref  # resolved against the view in main()
    centre, zoom = value.get("center"), value.get("zoom")
    if centre and zoom:
        st.session_state["extent"] = pixel_rounded(centre["lat"], centre["lng"], int(zoom))


def view_from_state() -> ViewState:
    """The view the widgets hold, read before they are drawn: the map goes out first, so
    a cold open fetches the map's scripts before those of the sidebar's widgets."""
    start, end = st.session_state["dates"]
    lat, lon, zoom = st.session_state["extent"]
    return ViewState(
        start=start, end=end,
        layers=frozenset(k for k in LAYER_LABELS if st.session_state[f"layer_{k}"]),
        worldview=Worldview(st.session_state["worldview"]),
        naming=Naming(st.session_state["naming"]), event=st.session_state.get("event"),
        world=st.session_state["world"], lat=lat, lon=lon, zoom=zoom,
        filters=filters_panel.current(),
    )


def sidebar_title() -> None:
    # markdown: the one kind of text element on a cold open's first screen
    st.sidebar.markdown("## caucmap\nGeorgia's breakaway regions: evidence-backed map")


@st.fragment(run_every=controls_after_s())
def controls_follow() -> None:
    """A cold open draws the map first; the controls follow once it is drawn.

    Streamlit fetches the scripts of each kind of element on first use, on the page's
    main thread, which the map's frame shares: the sidebar's widgets, the page switch,
    the download menu and the evidence panel cost a cold open about 30 scripts and
    0.5-1 s before the map shows. So until the map reports that it has drawn what it
    fetched (``render_web.drawn_report``), the page holds the map and the sidebar's title
    only. Should that report never come, this timer, drawn with the
    held page, lets the controls out after ``controls_after_s()``.
    """
    if not st.session_state.get("page_running"):  # the timer's run, not the page's
        st.session_state["controls_held"] = False
        st.rerun()


def sidebar(ev: Evidence, view: ViewState) -> None:
    """The page switch and the widgets that set the view (``view_from_state`` reads them).

    Nothing of it sits above the map, which keeps its place when the controls come.
    """
    # a radio, like the others: one kind of element fewer to load
    st.sidebar.radio("Page", PAGES, key="page", label_visibility="collapsed")
    st.sidebar.slider("Date range", min_value=EARLIEST, max_value=today(), key="dates",
                      format="YYYY-MM-DD")
    # the map follows the window marker (timefilter.js): sent right after the slider, it
    # reaches the browser before the rest of the rerun is built
    st.sidebar.markdown("**Layers**" + map_frame.window_marker(view.start, view.end),
                        unsafe_allow_html=True)
    # checkboxes rather than a multiselect: a cold open waits for each kind of element
    for layer, label in LAYER_LABELS.items():
        st.sidebar.checkbox(label, key=f"layer_{layer}")
    worldviews = {w.value: md_text(shorten(ev.localise(WORLDVIEW_LABELS[w], view.naming),
                                           MAX_OPTION_CHARS)) for w in Worldview}
    st.sidebar.radio("Worldview", list(worldviews), key="worldview", format_func=worldviews.get)
    st.sidebar.radio("Place names", [n.value for n in Naming], key="naming",
                     format_func=lambda v: NAMING_LABELS[Naming(v)])
    st.sidebar.toggle("World view: recognising states", key="world")
    filters_panel.sidebar(ev, view.naming, lambda: set(events_layer(ev, view).frame["id"]))
    with st.sidebar:
        page_style()  # last: it takes no room, and a style applies wherever it sits


def draw_map(ev: Evidence, view: ViewState) -> None:
    """The map, for every date: the browser applies the window."""
    map_frame.show(ev, view, st.session_state["opened_at"], key=MAP_KEY, height=MAP_HEIGHT,
                   on_change=on_map_change)


def map_legend(ev: Evidence, view: ViewState) -> None:
    """What the window shows: the count of events and the legend."""
    shown = build_layers(ev, view)
    count = len(shown["events"].frame) if "events" in shown else 0
    # markdown keeps the legend's inline SVG swatches (st.html's sanitiser drops them), and
    # legend_html escapes every label
    line = "" if view.world else f'<div id="cm-event-count">Events shown: <b>{count}</b></div>'
    st.markdown(line + render_web.legend_html(shown), unsafe_allow_html=True)
    if view.world:
        st.caption(md_text(ev.localise(
            f"States recognising Abkhazia and/or South Ossetia as of {view.end}; small island "
            "states are drawn as points. Events are shown on the regional map.", view.naming)))


def event_panel(ev: Evidence, view: ViewState) -> None:
    """The evidence card of one event or war feature (caucmap.records), laid out here."""
    frames = [layer.frame for layer in record_layers(ev, view)]
    total = sum(len(frame) for frame in frames)
    titles = {i: t for frame in frames for i, t in
              zip(frame["id"][:MAX_LISTED], frame["title"][:MAX_LISTED], strict=True)}
    chosen = ev.record(st.session_state.get("event") or "")
    in_view = chosen is not None and chosen.overlaps(view.start, view.end)
    if in_view and chosen.id not in titles:
        titles[chosen.id] = ev.localise(chosen.title, view.naming)
    if not in_view:
        st.session_state["event"] = None
    listed = list(titles)[:MAX_LISTED]
    if st.session_state["event"] and st.session_state["event"] not in listed:
        listed.append(st.session_state["event"])
    st.selectbox("Event", [None, *listed], key="event", placeholder="Select an event...",
                 format_func=lambda i: "Select an event..." if i is None else titles[i])
    if total > MAX_LISTED:
        st.caption(f"Listing the first {MAX_LISTED} of {total:,}: narrow the date range "
                   "or click a point on the map.")
    selected = ev.record(st.session_state["event"] or "")
    if selected is None:
        st.caption("Click a marker on the map or pick an event to read its sources.")
        return
    card = build_card(ev, selected, view.naming)
    st.subheader(md_text(card.title), anchor=False)
    st.markdown(md_text(card.summary))
    # beside each field, the excerpts ([n] below, or an outlet's claim) and references
    # ([Rn]) that back it, with the words that do: checked on load by caucmap.support
    for field in card.fields:
        st.markdown(field_markdown(field))
        if (backing := backing_markdown(field)) is not None:
            st.caption(backing)
    for disagreement in card.disagreements:
        st.markdown(f"**Sources disagree on the {md_text(disagreement.about)}:**")
        for col, claim in zip(st.columns(len(disagreement.claims)), disagreement.claims,
                              strict=True):
            col.html(claim_html(claim))
    if card.citations:
        st.markdown("**Citations** (verbatim excerpts, checked against the source text)")
    for cited in card.citations:
        st.html(cited_html(cited))
        with st.expander(f"Read in context: {md_text(cited.source.outlet)}", expanded=False):
            text = ev.texts[cited.source.id]
            st.html(render_web.context_html(text, locate(text, cited.excerpt)))
    for ref in card.references:
        st.markdown(reference_markdown(ref))
    st.markdown("**Cite in a briefing** (copy a footnote)")
    for note in footnotes(card, today()):
        st.code(note, language=None, wrap_lines=True)  # code: shown as typed, with a copy button


def sources_page(ev: Evidence, naming: Naming) -> None:
    for source in ev.sources.values():
        st.subheader(md_text(source.title), anchor=False)
        st.markdown(
            f"**{md_text(source.outlet)}**, published {source.published.isoformat()} "
            f"({source.published_precision}), {md_text(source.language)}  \n"
            f"{md_link(source.address, source.address)}  \n"
            f"Licence: {md_text(source.licence)}")
        if source.display_date:
            st.caption(md_text(f"Page display date {source.display_date.isoformat()}: "
                               f"{source.display_date_note or ''}"))
        if source.notes:
            st.caption(md_text(source.notes))
        citing = ev.events_citing(source.id)
        more = f"  \n- ... and {len(citing) - MAX_LISTED_CITING:,} more" if len(
            citing) > MAX_LISTED_CITING else ""
        st.markdown(f"Cited by {len(citing):,} event(s):  \n"
                    + "  \n".join(f"- {md_text(ev.localise(e.title, naming))}"
                                   for e in citing[:MAX_LISTED_CITING])
                    + more)
    st.subheader("Datasets and licences")
    for ds in DATASETS:
        st.markdown(f"- **{md_text(ds.name)}**: {md_text(ds.description)}; "
                    f"{md_link(ds.address, ds.address)}; licence: {md_text(ds.licence)}")


def downloads(ev: Evidence, view: ViewState) -> None:
    """One menu: every layer of the view as data (one picker), the map in every format."""
    with st.popover("Download", icon=":material/download:"):
        data = {d.label: d for d in data_downloads(ev, view)}
        chosen = data[st.selectbox("Layer data", list(data), key="data_download")]
        # every download is built on click, not on each rerun
        st.download_button(f"Download {chosen.file_name}", chosen.build, chosen.file_name,
                           mime=chosen.mime, on_click="ignore", key="data_download_button")
        for fmt in EXPORT_FORMATS:
            st.download_button(f"Map as {fmt.upper()}",
                               lambda fmt=fmt: export_bytes(ev, view, fmt),
                               f"caucmap-map.{fmt}", mime=MEDIA_TYPES[fmt], on_click="ignore",
                               disabled=view.world and fmt != "html",
                               help="The world view exports as HTML" if view.world else None)


def page_style() -> None:
    # markdown rather than st.html, whose scripts would cost more; held back on a cold open
    st.markdown(PAGE_CSS, unsafe_allow_html=True)


def main() -> None:
    st.session_state["page_running"] = True  # a fragment's own reruns see False
    root = project_root(fallback=CHECKOUT)
    loaded = evidence(str(root), fingerprint(root))
    if loaded.evidence is None:
        page_style()
        error_page(loaded.problems)
        return
    ev = loaded.evidence
    opened, notices = ViewState.from_query(st.query_params.to_dict(), ev.record_ids(),
                                           resolve=resolvers(ev))
    init_widgets(opened, notices)
    filters_panel.init_state(opened.filters)
    view = view_from_state()
    if clicked := st.session_state.pop("clicked", None):  # before the URL and downloads
        every = events_layer(ev, render_web.all_dates(view))  # what the map numbers points in
        st.session_state["event"] = render_web.resolve_ref(clicked, every)
        view = view.with_(event=st.session_state["event"])
    st.query_params.from_dict(view.to_query())
    # only the page on screen is built: a slider move does not redraw hidden pages
    page = st.session_state["page"]
    cold = st.session_state["controls_held"]
    top = st.container()  # the notices: above the map, sent after it
    if page == "Map":
        # map first: on a phone the columns stack, and the evidence panel follows the map
        left, right = st.columns([5, 2])
        with left:
            draw_map(ev, view)
    sidebar_title()
    if cold:
        with st.sidebar:
            controls_follow()
    else:
        sidebar(ev, view)
    with top:
        url_notices(view)
        if page == "Timeline":
            all_time = view.with_(start=EARLIEST, end=today())
            st.altair_chart(timeline_chart(events_layer(ev, all_time).frame, view),
                            width="stretch")
        elif page == "Sources":
            sources_page(ev, view.naming)
        elif page == "Review":
            review_page.render(root, ev)
        elif view.filters.q:
            shown = set(events_layer(ev, view).frame["id"])
            filters_panel.search_results(ev, view.filters.q, shown)
    if page == "Map" and not cold:
        with left:
            map_legend(ev, view)
        with right:
            downloads(ev, view)
            event_panel(ev, view)
    st.session_state["page_running"] = False
    # what the reader's next change is measured against (the panel may have cleared the event)
    st.session_state["notice_view"] = _settled(view.with_(event=st.session_state.get("event")))


main()
