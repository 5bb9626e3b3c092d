"""The evidence panel escapes what sources say: pinned bugs that survived issue 9's run.

With ``html.escape`` removed from a claim excerpt or an outlet, or ``*`` dropped from
the markdown specials, these fail (each was planted and watched). They drive the real
app under AppTest, so they are kept apart from the tests ``make mutate`` runs (a
forked AppTest can hang, which mutmut would count as a kill).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from catalogue_edits import (
    HOSTILE_EVENT,
    HOSTILE_IMG,
    HOSTILE_OUTLET,
    HOSTILE_SCRIPT,
    add_hostile_event,
)
from harness import opened
from streamlit.testing.v1 import AppTest

from caucmap.evidence import default_evidence

APP = str(Path(__file__).resolve().parents[1] / "app" / "streamlit_app.py")


@pytest.fixture
def hostile_app(scratch: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    """The real app on a catalogue with markup in an outlet, excerpts and claims."""
    add_hostile_event(scratch)
    monkeypatch.setenv("CAUCMAP_ROOT", str(scratch))
    default_evidence.cache_clear()
    st.cache_resource.clear()
    try:
        at = AppTest.from_file(APP, default_timeout=60)
        at.query_params["event"] = HOSTILE_EVENT
        opened(at)
        assert not at.exception, at.exception
        yield at
    finally:
        default_evidence.cache_clear()
        st.cache_resource.clear()


def _html_bodies(at: AppTest) -> str:
    return "\n".join(h.proto.body for h in at.get("html"))


def test_panel_escapes_claim_excerpts(hostile_app: AppTest) -> None:
    claims = [b for b in (h.proto.body for h in hostile_app.get("html")) if "cm-claim" in b]
    assert len(claims) == 2, claims
    joined = "\n".join(claims)
    assert HOSTILE_IMG not in joined and HOSTILE_SCRIPT not in joined
    assert "&lt;img src=x onerror=alert(1)&gt;" in joined
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in joined


def test_panel_escapes_the_outlet_of_a_citation(hostile_app: AppTest) -> None:
    bodies = _html_bodies(hostile_app)
    assert HOSTILE_OUTLET not in bodies
    assert "Evil &lt;b&gt;Outlet&lt;/b&gt;" in bodies


def test_panel_markdown_escapes_emphasis(hostile_app: AppTest) -> None:
    heading = hostile_app.subheader[0].value
    assert heading.replace("\\", "") == "Talks *in* Sochi"
    assert "\\*in\\*" in heading  # the stars show as stars, not as emphasis
