"""One evidence card, rendered by every output: the CLI, the HTML popups and the app's panel."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from hostile_root import HOSTILE_EVENT, JS_LINK, PWN_IMG, PWN_SCRIPT, make_hostile_root

from caucmap.cli import main
from caucmap.evidence import Evidence, load_evidence
from caucmap.naming import Naming, place_name
from caucmap.records import build_card, card_html, card_markdown, card_text, footnotes
from caucmap.render_web import web_map

ROOT = Path(__file__).resolve().parents[1]
TREATY = "russia-abkhazia-treaty-signed"
ACCESSED = date(2026, 11, 29)


def _show(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["show", TREATY, "--accessed", ACCESSED.isoformat(), *args]) == 0
    return capsys.readouterr().out


def test_show_prints_both_claims_on_the_place_side_by_side(
        capsys: pytest.CaptureFixture[str]) -> None:
    out = _show(capsys)
    assert "Sources disagree on the place:" in out
    row = next(line for line in out.splitlines() if line.startswith("Sputnik: Moscow"))
    assert "| Agenda.ge: Sochi" in row  # one line, one column per outlet
    assert "Date:      24 November 2014" in out and "Backed by: Sputnik (claim)" in out
    assert re.search(r"\[1\] \u201c.+?\u201d", out, re.DOTALL)  # numbered, verbatim
    assert ("Agenda.ge, \u201cRussia-breakaway Abkhazia leaders meet to sign new treaty\u201d, "
            "24 November 2014, https://agenda.ge/en/news/2014/2672, accessed 29 November "
            "2026.") in out


def test_show_as_json_and_markdown(ev: Evidence, capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(_show(capsys, "--format", "json"))
    place = next(d for d in data["card"]["disagreements"] if d["about"] == "place")
    assert [(c["outlet"], c["value"]) for c in place["claims"]][:2] == [
        ("Sputnik", "Moscow"), ("Agenda.ge", "Sochi")]
    assert data["card"]["start"] == "2014-11-24"
    assert len(data["footnotes"]) == len(data["card"]["sources"]) + len(
        data["card"]["references"])
    md = _show(capsys, "--format", "markdown")
    assert "| Sputnik | Agenda\\.ge |" in md and "[^1]: " in md
    assert main(["show", "russia-abkhazia-treaty"]) == 2  # a typo is named, not a traceback
    assert "did you mean 'russia-abkhazia-treaty-signed'" in capsys.readouterr().err


def test_the_card_follows_the_naming_convention(ev: Evidence) -> None:
    russian = build_card(ev, ev.record(TREATY), Naming.RUSSIAN)
    place = next(f.value for f in russian.fields if f.label == "Place")
    assert place.startswith(place_name(ev.places["sochi"], Naming.RUSSIAN) + " (exact)")
    war = next(w for w in ev.war if w.geometry.zone is None)
    card = build_card(ev, war, Naming.ENGLISH)
    assert [f.label for f in card.fields][-2:] == ["Places", "Actors"]


def test_every_output_escapes_the_card(tmp_path: Path) -> None:
    ev = load_evidence(make_hostile_root(ROOT, tmp_path))
    card = build_card(ev, ev.record(HOSTILE_EVENT), Naming.ENGLISH)
    popup = card_html(card)
    assert PWN_IMG not in popup and PWN_SCRIPT not in popup and "&lt;script&gt;" in popup
    assert 'href="javascript' not in popup.lower()
    md = card_markdown(card)
    text = re.sub(r"(?m)^> ", "", md)  # our blockquotes aside, every '<' is escaped
    assert re.search(r"(?<!\\)[<>&]", text) is None
    assert JS_LINK not in md and "\\[x\\]\\(javascript\\:" in md
    assert PWN_SCRIPT in card_text(card)  # plain text keeps the characters as they are
    assert all(n.endswith("accessed 29 November 2026.") for n in footnotes(card, ACCESSED))


def test_html_popups_are_the_card(ev: Evidence) -> None:
    from caucmap.render_web import PointLayer
    from caucmap.viewstate import ViewState

    parts = web_map(ev, ViewState(), standalone=True)
    rows = [row for c in parts.base._children.values()
            if isinstance(c, PointLayer) for row in c.rows]
    popup = next(row[4] for row in rows if f"ref: {TREATY}" in row[3])
    assert popup == card_html(build_card(ev, ev.record(TREATY), Naming.ENGLISH))
    assert "Sources disagree on the place" in popup
