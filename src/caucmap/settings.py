"""Where things are: the project root, the app's static folder and the URLs it is served at.

One place, resolved from what the user gives (``--root``, ``CAUCMAP_ROOT``) or the
folder they are in, never from where this package happens to be installed, so that
``pip install .`` and a checkout behave alike:

    >>> root = project_root()                 # --root, else CAUCMAP_ROOT, else walk up
    >>> vendor_dir(root)                      # <root>/app/static/vendor (or the checkout's)
    >>> GEODATA_URL                           # where the browser fetches geometry

A data-only root (a benchmark's synthetic catalogue, a test's copy) has no ``app/``:
its static files come from ``CAUCMAP_STATIC``, else from the project the working
directory is in.
"""

from __future__ import annotations

import os
from pathlib import Path

from caucmap.errors import UsageError

ROOT_ENV = "CAUCMAP_ROOT"
STATIC_ENV = "CAUCMAP_STATIC"
#: how long a cold open's page waits for the map to say it is drawn before it draws its
#: controls anyway (app/streamlit_app.py: ``controls_follow``)
CONTROLS_AFTER_ENV = "CAUCMAP_CONTROLS_AFTER_S"
CONTROLS_AFTER_S = 5.0

#: Streamlit serves the app's ``static/`` folder here (``server.enableStaticServing``).
STATIC_URL = "/app/static"
#: Region, border and world geometry the browser fetches once and caches.
GEODATA_URL = f"{STATIC_URL}/geodata"
#: Leaflet and the other vendored libraries.
VENDOR_URL = f"{STATIC_URL}/vendor"
#: caucmap's own browser code (points, fetched geometry).
SCRIPTS_URL = f"{STATIC_URL}/caucmap"


def is_project(folder: Path) -> bool:
    """Does ``folder`` hold a catalogue (seeds/ and catalogue/)?"""
    return (folder / "seeds").is_dir() and (folder / "catalogue").is_dir()


def _enclosing_project(start: Path) -> Path | None:
    return next((d for d in (start, *start.parents) if is_project(d)), None)


def project_root(explicit: Path | None = None, *, fallback: Path | None = None) -> Path:
    """The folder holding seeds/, catalogue/ and geodata/.

    ``explicit`` (``--root``) wins, then ``CAUCMAP_ROOT``, then the nearest folder at
    or above the working directory that is a project, so ``caucmap validate`` run
    inside a project checks that project; then ``fallback`` (the app passes its own
    checkout). With none of these, a UsageError says how to name one.
    """
    if explicit is not None:
        return Path(explicit)
    if env := os.environ.get(ROOT_ENV):
        return Path(env)
    cwd = Path.cwd()
    found = _enclosing_project(cwd) or fallback
    if found is None:
        raise UsageError(f"no project folder (with seeds/ and catalogue/) at or above {cwd}; "
                         f"pass --root DIR or set {ROOT_ENV}")
    return found


def static_dir(root: Path) -> Path:
    """The app's static folder for ``root``: what Streamlit serves at ``STATIC_URL``.

    ``CAUCMAP_STATIC`` wins; else ``<root>/app/static``; else, for a data-only root,
    that of the project the working directory is in.
    """
    if env := os.environ.get(STATIC_ENV):
        return Path(env)
    for project in (root, _enclosing_project(Path.cwd())):
        if project is not None and (project / "app" / "static").is_dir():
            return project / "app" / "static"
    raise UsageError(f"no app/static folder in {root} or around {Path.cwd()}: the HTML export "
                     f"needs the app's files; run inside a checkout or set {STATIC_ENV}")


def vendor_dir(root: Path) -> Path:
    """Pinned copies of Leaflet & co. (``scripts/vendor_assets.py``), served at VENDOR_URL."""
    return static_dir(root) / "vendor"


def scripts_dir(root: Path) -> Path:
    """caucmap's own browser code, served at SCRIPTS_URL."""
    return static_dir(root) / "caucmap"


def controls_after_s() -> float:
    """Seconds a cold open holds its controls back at most (``CAUCMAP_CONTROLS_AFTER_S``)."""
    given = os.environ.get(CONTROLS_AFTER_ENV, "").strip()
    if not given:
        return CONTROLS_AFTER_S
    try:
        seconds = float(given)
    except ValueError:
        seconds = -1.0
    if not seconds > 0:
        raise UsageError(f"{CONTROLS_AFTER_ENV}={given!r}: give a number of seconds above 0")
    return seconds
