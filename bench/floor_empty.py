"""FLOOR for a page load: an empty Streamlit page.

The time until its main block is painted is what any Streamlit page costs to open
in the browser; the app's time-to-map is reported as a ratio to this.
"""
