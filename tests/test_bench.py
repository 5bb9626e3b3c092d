"""The benchmark's synthetic catalogues: valid, deterministic, labelled, and kept apart.

Fast (no browser, no AppTest): the bench itself is ``python -m bench``. What must hold
whatever the figures: a generated root loads and verifies like the real one, the same
N gives the same bytes, every synthetic record says it is synthetic, and nothing
synthetic ever leaks into the real catalogue the app shows by default.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from caucmap.evidence import Evidence, load_evidence
from caucmap.models import DatePrecision

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # bench/ is a package at the project root, not installed
    sys.path.insert(0, str(ROOT))

from bench import budgets, report, synthetic  # noqa: E402

N = 200


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Evidence]:
    root = synthetic.generate(tmp_path_factory.mktemp("syn") / "root", N)
    return root, load_evidence(root)


def test_generated_root_loads_and_verifies(generated: tuple[Path, Evidence]) -> None:
    _, ev = generated
    assert len(ev.events) == N
    assert sum(p.startswith("syn-") for p in ev.places) == synthetic.SYN_PLACES
    located = [e for e in ev.events if e.places]
    assert len(located) > N * 0.8
    precisions = {e.date_precision for e in ev.events}
    assert precisions == set(DatePrecision)
    assert all(synthetic.FIRST_DAY <= e.start <= e.end <= synthetic.LAST_DAY
               for e in ev.events)


def test_generation_is_deterministic(generated: tuple[Path, Evidence], tmp_path: Path) -> None:
    root, _ = generated
    again = synthetic.generate(tmp_path / "again", N)
    assert synthetic.tree_digest(again) == synthetic.tree_digest(root)
    other = synthetic.generate(tmp_path / "other", N, seed=synthetic.SEED + 1)
    assert synthetic.tree_digest(other) != synthetic.tree_digest(root)


def test_every_synthetic_record_says_so(generated: tuple[Path, Evidence]) -> None:
    _, ev = generated
    for event in ev.events:
        assert event.title.startswith(synthetic.SYNTHETIC_TAG), event.id
        assert event.citations and all(c.source.startswith("syn-source-")
                                       for c in event.citations)
    for sid, source in ev.sources.items():
        if sid.startswith("syn-"):
            assert source.title.startswith(synthetic.SYNTHETIC_TAG)
            assert source.address.startswith(synthetic.EXAMPLE_ADDRESS)
            assert ev.texts[sid].startswith(synthetic.SYNTHETIC_TAG)


def test_real_catalogue_has_nothing_synthetic(ev: Evidence) -> None:
    assert ev.root == ROOT.resolve()
    assert not [e.id for e in ev.events if synthetic.SYNTHETIC_TAG in e.title
                or e.id.startswith("syn-")]
    assert not [s for s in ev.sources if s.startswith("syn-")]
    assert not [p for p in ev.places if p.startswith("syn-")]
    assert not any(synthetic.SYNTHETIC_TAG in text for text in ev.texts.values())


def test_report_renders_with_nothing_measured() -> None:
    """A run that measured nothing still writes a report that says so, never a crash."""
    checks = budgets.evaluate({})
    assert checks and all(c["status"] in ("NOT RUN", "NOT MEASURED") for c in checks)
    text = report.render({"budgets": checks, "catalogues": {}})
    assert "NOT RUN" in text and "## Method" in text
