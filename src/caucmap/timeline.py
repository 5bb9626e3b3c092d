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
    frame["kind"] = [style.CATEGORY_LABELS[Category(c)] for c in frame["category"]]
    frame["exact"] = frame["precision"] == "day"
    return frame


MAX_MARKS = 3000  # beyond this, events are counted per month instead of drawn one by one


MAX_BARS = 4000  # Altair refuses data over 5000 rows; coarser bins before that


def period_counts(events: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Events per month (or per year, if months are too many) and category, by start date.

    The timeline of a large catalogue; returns the counts and the period's name.
    """
    starts = pd.to_datetime(events["start"]).dt

    def counts_by(code: str) -> pd.DataFrame:
        return (events.assign(period=starts.to_period(code).dt.to_timestamp())
                .groupby(["period", "category"]).size().rename("events").reset_index())

    months = counts_by("M")
    return (months, "month") if len(months) <= MAX_BARS else (counts_by("Y"), "year")


ROW_HEIGHT = 22  # px per category row: every label stays readable


def timeline_chart(events: pd.DataFrame, view: ViewState) -> alt.Chart:
    """All events over time; the selected date range is the shaded band."""
    band = _band(view)
    colours = alt.Scale(domain=[c.value for c in Category],
                        range=[style.CATEGORY_STYLE[c][1] for c in Category])
    if len(events) > MAX_MARKS:
        counts, period = period_counts(events)
        bars = alt.Chart(counts).mark_bar().encode(
            x=alt.X("period:T", title=None), y=alt.Y("sum(events):Q", title=f"events per {period}"),
            color=alt.Color("category:N", scale=colours),
            tooltip=["period:T", "category:N", "events:Q"])
        return (band + bars).properties(height=ROW_HEIGHT * 10)
    data = timeline_frame(events)
    tooltip = [alt.Tooltip("title:N"), alt.Tooltip("date:N"), alt.Tooltip("precision:N"),
               alt.Tooltip("category:N")]
    order = [style.CATEGORY_LABELS[c] for c in Category]
    y = alt.Y("kind:N", title=None, sort=order, axis=alt.Axis(labelOverlap=False, labelLimit=200))
    spans = alt.Chart(data[~data["exact"]]).mark_bar(height=9, opacity=0.55).encode(
        x=alt.X("start:T", title=None), x2="end:T", y=y,
        color=alt.Color("category:N", scale=colours, legend=None), tooltip=tooltip)
    points = alt.Chart(data[data["exact"]]).mark_point(filled=True, size=70).encode(
        x="start:T", y=y, color=alt.Color("category:N", scale=colours, legend=None),
        tooltip=tooltip)
    rows = data["kind"].nunique()
    return (band + spans + points).properties(height=ROW_HEIGHT * max(rows, 3))


def _band(view: ViewState) -> alt.Chart:
    """The selected date range as a shaded band: the slider, drawn on the timeline."""
    frame = pd.DataFrame({"start": [pd.Timestamp(view.start)],
                          "end": [pd.Timestamp(view.end) + timedelta(days=1)]})
    return alt.Chart(frame).mark_rect(color="#4c78a8", opacity=0.12).encode(x="start:T",
                                                                              x2="end:T")
