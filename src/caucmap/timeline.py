"""The events timeline: spans for uncertain dates, points for exact days, the view's range shaded.

    >>> st.altair_chart(timeline_chart(layers_all_events.frame, view))

Month- and year-precision events are drawn as bars over their whole span, so a
reader never mistakes "October 2014" for 1 October.
"""

from __future__ import annotations

from datetime import timedelta

import altair as alt
import pandas as pd

from caucmap import style
from caucmap.models import Category
from caucmap.viewstate import ViewState


def timeline_frame(events: pd.DataFrame) -> pd.DataFrame:
    """One row per event with the columns the chart reads; end is exclusive (+1 day)."""
    frame = pd.DataFrame({
        "id": events["id"], "title": events["title"], "category": events["category"],
        "start": pd.to_datetime(events["start"]),
        "end": pd.to_datetime(events["end"]) + timedelta(days=1),
        "date": events["date_label"], "precision": events["date_precision"],
    })
    frame["exact"] = frame["precision"] == "day"
    return frame


def timeline_chart(events: pd.DataFrame, view: ViewState, height: int = 220) -> alt.Chart:
    """All events over time; the selected date range is the shaded band."""
    data = timeline_frame(events)
    colours = alt.Scale(domain=[c.value for c in Category],
                        range=[style.CATEGORY_STYLE[c][1] for c in Category])
    tooltip = [alt.Tooltip("title:N"), alt.Tooltip("date:N"), alt.Tooltip("precision:N"),
               alt.Tooltip("category:N")]
    y = alt.Y("category:N", title=None, sort=[c.value for c in Category])
    band = alt.Chart(pd.DataFrame({"start": [pd.Timestamp(view.start)],
                                   "end": [pd.Timestamp(view.end) + timedelta(days=1)]})
                     ).mark_rect(color="#4c78a8", opacity=0.12).encode(x="start:T", x2="end:T")
    spans = alt.Chart(data[~data["exact"]]).mark_bar(height=9, opacity=0.55).encode(
        x=alt.X("start:T", title=None), x2="end:T", y=y,
        color=alt.Color("category:N", scale=colours, legend=None), tooltip=tooltip)
    points = alt.Chart(data[data["exact"]]).mark_point(filled=True, size=70).encode(
        x="start:T", y=y, color=alt.Color("category:N", scale=colours, legend=None),
        tooltip=tooltip)
    return (band + spans + points).properties(height=height)
