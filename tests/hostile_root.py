"""A copy of the project whose catalogue text is hostile, for the CSV, export and browser tests.

Markup that would run script, markdown that would link to ``javascript:``, a spreadsheet
formula, bare URLs and a 5,000-character word, in the places a contributor or an
ingested page could put them: an event's title, summary and reference, a seed's text
(and so a cited excerpt), a source's outlet, title and address, and place names that
reach region labels and legends (Russian naming, Russia's worldview).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

PWN_IMG = "<img src=x onerror=window.__pwned=1>"
PWN_SCRIPT = "<script>window.__pwned=1</script>"
JS_LINK = "[x](javascript:alert(1))"
BOLD = "**bold**"
FORMULA = '=HYPERLINK("http://x","y")'
BARE_URLS = "https://evil.example/path and www.evil.example"
LONG = ("Sokhumi" * 800)[:5000]  # one word: nothing to break a line at
HOSTILE_EVENT = "hostile-event"
HOSTILE_VIEW = (f"from=2014-11-01&to=2014-11-30&naming=russian&worldview=russia"
                f"&event={HOSTILE_EVENT}")
HOSTILE_ALL = (PWN_IMG, PWN_SCRIPT, JS_LINK, BOLD)
SENTENCE = "The treaty was signed in Sochi on 24 November 2014"


def _edit(path: Path, change: Callable[[dict[str, Any]], object]) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _rename(places: list[dict[str, Any]], place_id: str, russian: str) -> None:
    next(p for p in places if p["id"] == place_id)["names"]["russian"] = russian


def make_hostile_root(project: Path, root: Path) -> Path:
    """Copy ``project``'s seeds, catalogue and geodata to ``root`` and plant the hostile text."""
    for name in ("seeds", "catalogue", "geodata"):
        shutil.copytree(project / name, root / name)
    excerpt = (f"{PWN_IMG} {SENTENCE}, said {PWN_SCRIPT} {JS_LINK} {BOLD} "
               f"{BARE_URLS} {LONG}.")
    (root / "seeds" / "hostile.txt").write_text(f"SOCHI, 24 November.\n{excerpt}\n",
                                                encoding="utf-8")
    _edit(root / "seeds" / "sources.yaml", lambda d: d["sources"].append({
        "id": "hostile", "file": "hostile.txt", "outlet": f"Evil {PWN_IMG} {BOLD} Outlet {LONG}",
        "title": f"{PWN_SCRIPT} {JS_LINK}",
        "address": f'https://example.org/"><img/src=x/onerror=window.__pwned=1>{LONG}',
        "published": "2014-11-24", "published_precision": "day", "licence": f"{BOLD} {JS_LINK}",
    }))
    _edit(root / "catalogue" / "events.yaml", lambda d: d["events"].append({
        "id": HOSTILE_EVENT, "title": f"{FORMULA} {PWN_SCRIPT} {BOLD} {JS_LINK} {LONG}",
        "summary": f"-1+1 {BOLD} {JS_LINK} {PWN_IMG} {BARE_URLS} {LONG}",
        "category": "treaty_signing", "start": "2014-11-24", "end": "2014-11-24",
        "date_precision": "day", "date_basis": "stated",
        "places": [{"id": "sochi", "precision": "exact"}], "layers": ["events"],
        "citations": [{"source": "hostile", "excerpt": excerpt,
                       "supports": ["date", "place", "category"]}],
        "references": [{"address": "https://example.org/ref?q=\"'><script>x</script>",
                        "title": f"{JS_LINK} {PWN_SCRIPT}", "supports": ["claim"]}],
    }))

    def names(data: dict[str, Any]) -> None:
        _rename(data["places"], "abkhazia", f"Abkhazia {PWN_IMG} {BOLD} {LONG}")
        _rename(data["places"], "sochi", f"Sochi {PWN_SCRIPT} {LONG}")

    _edit(root / "geodata" / "gazetteer.yaml", names)
    return root
