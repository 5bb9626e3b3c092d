"""Summaries of repeated measurements: the median with min and max, never a mean.

A mean is dragged by one slow run on a shared machine; the median with the spread
says what a typical run costs and how noisy the run was.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import Any


def summary(values: Sequence[float], digits: int = 4) -> dict[str, object]:
    """``{"median", "min", "max", "runs", "values"}`` of ``values`` (empty: all None)."""
    if not values:
        return {"median": None, "min": None, "max": None, "runs": 0, "values": []}
    return {
        "median": round(statistics.median(values), digits),
        "min": round(min(values), digits),
        "max": round(max(values), digits),
        "runs": len(values),
        "values": [round(v, digits) for v in values],
    }


def ratio(a: float | None, b: float | None, digits: int = 2) -> float | None:
    """``a / b`` rounded, or None when either is missing or ``b`` is zero."""
    if a is None or b is None or b == 0:
        return None
    return round(a / b, digits)


def dig(data: Any, *path: str) -> Any:
    """``data[p0][p1]...``, or None as soon as a level is missing (results may be partial)."""
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data
