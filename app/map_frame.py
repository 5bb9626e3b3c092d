"""The map on the page: caucmap's own frame (``app/map_component``), fed with the map
rendered once.

    >>> map_frame.show(ev, view, opened_at, key="map", height=660, on_change=changed)
    >>> st.session_state["map"]   # what the map reported: clicked tooltip, zoom, centre

The map holds every date (the browser applies the window), so for one catalogue and
view without dates its strings never change: they are rendered once and cached, and a
slider move sends the component the same arguments. Streamlit then sends the browser
only a reference to the message it already holds, and the map is not touched; the new
window reaches it through the page's ``#cm-window`` element (``window_marker``).

A large point layer, thousands of place names and caucmap's scripts go beside the
message, as files in ``static/cache`` that the browser fetches and caches
(``caucmap.published``).

The frame takes the parts of the folium map streamlit-folium's frame takes, built with
its helpers (pinned in pyproject.toml), and reports what its frame reports, with a click
count (a marker clicked again is news). It is our own because a cold
open waited for streamlit-folium's (a 225 kB framework build, then the map's scripts
and files one after another); ours is a page of plain script that asks for the
scripts and the map's files at once (``render_web.fetched_files``).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date
from functools import lru_cache
from pathlib import Path

import streamlit as st
import streamlit.components.v1 as components
import streamlit_folium as sf
from folium.elements import JSCSSMixin

from caucmap import render_web
from caucmap.assets import elements
from caucmap.evidence import Evidence
from caucmap.published import Published
from caucmap.settings import STATIC_URL
from caucmap.viewstate import ViewState

# the iframe's title ends with this name (the browser tests find the map by it)
COMPONENT = "caucmap_map"
_frame = components.declare_component(COMPONENT, path=Path(__file__).resolve().parent
                                      / "map_component")
# Streamlit serves the static/ folder beside the app's script at STATIC_URL
PUBLISH = Published(Path(__file__).resolve().parent / "static" / "cache", f"{STATIC_URL}/cache")


@lru_cache(maxsize=8)
def component_args(ev: Evidence, view: ViewState, opened_at: tuple[float, float, int]
                   ) -> dict[str, object]:
    """What the map's frame takes for the view without its dates (cached)."""
    m = render_web.web_map(ev, view, start=opened_at, publish=PUBLISH).base
    m.get_root().render()
    script = sf._get_map_string(m)
    links = [e for e in elements(m) if isinstance(e, JSCSSMixin)]
    return {
        "script": script, "header": sf._get_header(m), "html": sf._get_html(m),
        # what the map reports as it opens, in its order: the frame sends only a change
        # from this, so opening costs no rerun (Leaflet returns the centre it was given)
        "default": {"last_object_clicked_tooltip": None, "last_object_clicked_count": 0,
                    "zoom": m.options.get("zoom"),
                    "center": dict(zip(("lat", "lng"), m.location, strict=True))},
        "css_links": list(dict.fromkeys(h for e in links for _, h in e.default_css)),
        "js_links": list(dict.fromkeys(h for e in links for _, h in e.default_js)),
        "prefetch": render_web.fetched_files(m),
    }


def show(ev: Evidence, view: ViewState, opened_at: tuple[float, float, int], *, key: str,
         height: int, on_change: Callable[[], None]) -> None:
    """Draw the map of ``view`` (all dates; see ``window_marker``)."""
    undated = render_web.all_dates(view).with_(lat=0.0, lon=0.0, zoom=0, event=None)
    args = component_args(ev, undated, opened_at)
    hash_key = sf.generate_js_hash(args["script"], key, False)

    def changed() -> None:
        st.session_state[key] = st.session_state.get(hash_key, {})
        on_change()

    _frame(**args, key=hash_key, height=height,
           center=None if view.world else (view.lat, view.lon),
           zoom=None if view.world else view.zoom, on_change=changed)


def window_marker(start: date, end: date) -> str:
    """The element the map's frame reads the server's date window from (timefilter.js)."""
    days = html.escape(f"{start.toordinal()} {end.toordinal()}")
    return f'<span id="cm-window" data-window="{days}" hidden></span>'
