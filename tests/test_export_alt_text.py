"""Exports carry their map in words: PNG tEXt, PDF info, SVG <title>/<desc>, and the
HTML export's hidden description and <noscript> listing (escaped, whatever the data)."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest
from hostile_root import HOSTILE_VIEW, PWN_IMG, PWN_SCRIPT, make_hostile_root
from PIL import Image

from caucmap.evidence import Evidence, default_evidence, load_evidence
from caucmap.export import export_bytes
from caucmap.models import Category
from caucmap.viewstate import Filters, ViewState, Worldview

SVG = "{http://www.w3.org/2000/svg}"
VIEW = ViewState(start=date(2014, 11, 1), end=date(2014, 11, 30), worldview=Worldview.RUSSIA,
                 filters=Filters(categories=(Category.TREATY_SIGNING.value,)))
WANTED = ("Abkhazia and South Ossetia: events 1 Nov 2014 - 30 Nov 2014", "Worldview: Russia",
          "Events filtered: category: Treaty signing", "event(s) marked")


@pytest.fixture(scope="module")
def ev() -> Evidence:
    return default_evidence()


def _says_it_all(text: str) -> None:
    for part in WANTED:
        assert part in text, (part, text)


def test_png_carries_title_and_description(ev: Evidence) -> None:
    png = Image.open(io.BytesIO(export_bytes(ev, VIEW, "png", size="A5", dpi=72)))
    assert png.text["Title"] == WANTED[0]
    _says_it_all(png.text["Description"])


def test_pdf_carries_title_and_subject(ev: Evidence) -> None:
    pdf = export_bytes(ev, VIEW, "pdf", size="A5", dpi=72)
    info = {key.decode(): value.decode("latin-1").replace("\\(", "(").replace("\\)", ")")
            for key, value in
            re.findall(rb"/(Title|Subject) \((.*?)(?<!\\)\)", pdf)}
    assert info["Title"] == WANTED[0]
    _says_it_all(info["Subject"])


def test_svg_carries_title_and_desc(ev: Evidence) -> None:
    root = ET.fromstring(export_bytes(ev, VIEW, "svg", size="A5", dpi=72))
    assert root.find(f"{SVG}title").text == WANTED[0]
    _says_it_all(root.find(f"{SVG}desc").text)


def test_html_has_a_text_alternative(ev: Evidence) -> None:
    page = export_bytes(ev, VIEW, "html").decode()
    hidden = re.search(r'<div id="cm-map-description" class="cm-sr-only">(.*?)</div>', page)
    assert hidden
    _says_it_all(hidden.group(1))
    assert re.search(r'class="folium-map"[^>]*aria-describedby="cm-map-description"', page)
    listing = re.search(r"<noscript>(.*?)</noscript>", page, re.S).group(1)
    signing = next(e for e in ev.events if e.category is Category.TREATY_SIGNING
                   and e.overlaps(VIEW.start, VIEW.end))
    assert signing.title in listing.replace("&#x27;", "'")  # each drawn event, by date
    assert "<h2>Events</h2>" in listing


def test_the_world_view_exports_with_its_text_alternative(ev: Evidence) -> None:
    """The world's countries have no region ids: the title falls back to the default
    names (found by the export property test: a KeyError, no file)."""
    page = export_bytes(ev, ViewState(world=True, end=date(2015, 6, 1)), "html").decode()
    hidden = re.search(r'<div id="cm-map-description" class="cm-sr-only">(.*?)</div>', page)
    assert hidden and "Abkhazia and South Ossetia" in hidden.group(1)


def test_html_text_alternative_escapes_the_data(tmp_path: Path) -> None:
    root = make_hostile_root(Path(__file__).resolve().parents[1], tmp_path)
    ev = load_evidence(root)
    view, _ = ViewState.from_query(dict(p.split("=", 1) for p in HOSTILE_VIEW.split("&")),
                                   ev.record_ids())
    page = export_bytes(ev, view, "html").decode()
    words = page[page.index('<div id="cm-map-description"'):page.index("</noscript>")]
    assert PWN_SCRIPT not in words and PWN_IMG not in words  # markup stays text
    assert "&lt;script&gt;" in words
