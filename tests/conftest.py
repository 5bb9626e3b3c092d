"""Shared fixtures: the real project data, and a scratch copy of it to tamper with."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from harness import chromium_path, running_app

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


@pytest.fixture
def chromium() -> str:
    """Debian's chromium for browser tests: skipped where absent, but required in CI."""
    path = chromium_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing and CI must run the browser tests")
        pytest.skip("chromium not installed (apt-get install -y chromium)")
    return path


@pytest.fixture(scope="module")
def app_url() -> Iterator[str]:
    """The real app, started once per test module; each test's browser checks chromium."""
    with running_app() as url:
        yield url
