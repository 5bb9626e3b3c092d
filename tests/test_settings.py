"""Paths come from the user's project, never from where the package is installed."""

from __future__ import annotations

from pathlib import Path

import pytest

from caucmap import settings
from caucmap.errors import UsageError

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = ROOT / "src" / "caucmap"


def test_the_library_does_not_locate_itself() -> None:
    """An installed package has no checkout around it: no path may be built from __file__."""
    users = [p.relative_to(ROOT) for p in LIBRARY.rglob("*.py")
             if "__file__" in p.read_text(encoding="utf-8")]
    assert users == []


def test_a_data_only_root_uses_the_app_of_the_working_directory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(settings.STATIC_ENV, raising=False)
    monkeypatch.chdir(ROOT)
    assert settings.static_dir(ROOT) == ROOT / "app" / "static"
    assert settings.vendor_dir(tmp_path) == ROOT / "app" / "static" / "vendor"
    monkeypatch.chdir(tmp_path)  # neither the root nor the working directory has an app
    with pytest.raises(UsageError, match="CAUCMAP_STATIC"):
        settings.static_dir(tmp_path)
    monkeypatch.setenv(settings.STATIC_ENV, str(tmp_path / "static"))
    assert settings.static_dir(ROOT) == tmp_path / "static"


def test_the_root_given_wins_over_the_environment_and_the_working_directory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv(settings.ROOT_ENV, str(tmp_path))
    assert settings.project_root(ROOT / "bench") == ROOT / "bench"
    assert settings.project_root() == tmp_path
    monkeypatch.delenv(settings.ROOT_ENV)
    monkeypatch.chdir(ROOT / "catalogue")
    assert settings.project_root() == ROOT


def test_the_controls_wait_a_set_time_at_most(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(settings.CONTROLS_AFTER_ENV, raising=False)
    assert settings.controls_after_s() == settings.CONTROLS_AFTER_S
    monkeypatch.setenv(settings.CONTROLS_AFTER_ENV, "0.5")
    assert settings.controls_after_s() == 0.5
    for bad in ("soon", "0", "-3", "nan"):
        monkeypatch.setenv(settings.CONTROLS_AFTER_ENV, bad)
        with pytest.raises(UsageError, match=settings.CONTROLS_AFTER_ENV):
            settings.controls_after_s()
