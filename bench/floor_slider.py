"""FLOOR for a slider rerun: a Streamlit page with only the app's date-range slider.

What a rerun costs when the script does nothing: Streamlit's own overhead, which
no change to caucmap can remove. The app's rerun is reported as a ratio to this.
"""

import streamlit as st

from caucmap.viewstate import EARLIEST, today

st.sidebar.slider("Date range", min_value=EARLIEST, max_value=today(),
                  value=(EARLIEST, today()), key="dates", format="YYYY-MM-DD")
