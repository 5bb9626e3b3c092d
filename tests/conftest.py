"""Shared fixtures: the real project data, and a scratch copy of it to tamper with."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from caucmap.evidence import Evidence, default_evidence

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def ev() -> Evidence:
    return default_evidence()


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    """A copy of seeds/, catalogue/ and geodata/ that a test may edit."""
    for name in ("seeds", "catalogue", "geodata"):
        shutil.copytree(ROOT / name, tmp_path / name)
    return tmp_path
