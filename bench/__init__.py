"""caucmap's benchmarks: ``python -m bench`` (or ``make bench``) writes RESULTS.md and results.json.

Every figure is set against a naive variant (``naive_app.py``) and a floor
(``floor_slider.py``, ``floor_empty.py``) measured in the same run, because the
machines this runs on are shared and noisy: ratios travel between runs, absolute
seconds do not. See ``RESULTS.md`` for the method and the latest figures.
"""
