"""Edits to a scratch copy of the project, shared by the pinning and property tests.

Edits go through the parsed YAML rather than text replacement, so they keep working
while the curated catalogue's wording changes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from caucmap.errors import EvidenceError
from caucmap.evidence import load_evidence

HOSTILE_IMG = "<img src=x onerror=alert(1)>"
HOSTILE_SCRIPT = "<script>alert(3)</script>"
HOSTILE_OUTLET = "Evil <b>Outlet</b>"
HOSTILE_TEXT = (
    f"Breaking: {HOSTILE_IMG} happened in Sochi today.\n"
    f"A witness said {HOSTILE_SCRIPT} was signed in Moscow.\n"
)
HOSTILE_EVENT = "evil-event"
STARRED_TITLE = "Talks *in* Sochi"


def edit_yaml(path: Path, change: Callable[[dict[str, Any]], object]) -> None:
    """Parse ``path``, let ``change`` mutate the data in place, and write it back."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def problems(root: Path) -> list[str]:
    """The problems ``load_evidence`` reports for ``root``, as the CLI prints them."""
    with pytest.raises(EvidenceError) as caught:
        load_evidence(root)
    return [str(p) for p in caught.value.problems]


def add_hostile_event(root: Path) -> None:
    """A source with markup in its outlet and text, and an event quoting it.

    The event's two place claims disagree, so the evidence panel shows both claim
    excerpts; its title carries markdown emphasis that must show literally.
    """
    (root / "seeds" / "evil.txt").write_text(HOSTILE_TEXT, encoding="utf-8")
    edit_yaml(root / "seeds" / "sources.yaml", lambda d: d["sources"].append({
        "id": "evil", "file": "evil.txt", "outlet": HOSTILE_OUTLET, "title": "Evil",
        "address": "https://example.org/evil", "published": "2014-11-24",
        "published_precision": "day", "licence": "test",
    }))
    edit_yaml(root / "catalogue" / "events.yaml", lambda d: d["events"].append({
        "id": HOSTILE_EVENT, "title": STARRED_TITLE, "summary": "x", "category": "statement",
        "start": "2014-11-24", "end": "2014-11-24", "date_precision": "day",
        "date_basis": "stated", "places": [{"id": "sochi", "precision": "exact"}],
        "layers": ["events"],
        "citations": [{"source": "evil", "excerpt": f"{HOSTILE_IMG} happened in Sochi",
                       "supports": ["place"]}],
        "claims": [
            {"about": "place", "value": "sochi", "source": "evil",
             "excerpt": f"{HOSTILE_IMG} happened in Sochi today.", "supports": ["date"]},
            {"about": "place", "value": "moscow", "source": "evil",
             "excerpt": f"{HOSTILE_SCRIPT} was signed in Moscow."},
        ],
    }))
