"""The evidence base as the app sees it: reloaded when its files change, never a traceback.

    >>> stamp = fingerprint(root)          # stat only: cheap enough for every page view
    >>> outcome = load_checked(root)       # Loaded(evidence, problems); never raises

The app keys its cached evidence on ``fingerprint``, so a corrected catalogue is
picked up on the next page view without restarting the server, and a broken one is
not re-parsed on every view. ``load_checked`` turns any failure (the loader's
EvidenceError, unreadable or invalid geodata, anything else) into problems whose
paths are relative to the project root: readers never see server paths.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

from caucmap.errors import EvidenceError, Problem
from caucmap.evidence import Evidence, load_evidence
from caucmap.layers import build_layers, world_layer
from caucmap.viewstate import ViewState, today

#: folders whose every file (at any depth) the evidence base may read
WATCHED_TREES = ("seeds", "catalogue")
#: the geodata folder's own files (gazetteer and layers), not its subfolders
WATCHED_FLAT = ("geodata",)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Loaded:
    """What a page can draw: the evidence, or the problems that stop it loading."""

    evidence: Evidence | None
    problems: tuple[Problem, ...] = ()


def _stamp(root: Path, path: Path) -> tuple[object, ...]:
    rel = path.relative_to(root).as_posix()
    try:
        st = os.stat(path)  # follows a link, so an edited link target counts too
    except OSError as exc:
        return (rel, exc.errno)
    # an atomic replace keeps neither the inode nor the ctime, even at equal mtime and size
    return (rel, st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)


def _files(root: Path) -> list[Path]:
    found: list[Path] = []
    for name in WATCHED_TREES:
        for folder, subfolders, files in os.walk(root / name):  # links to folders not followed
            subfolders.sort()
            found += [Path(folder) / f for f in sorted(files)]
    for name in WATCHED_FLAT:
        try:
            entries = sorted(os.scandir(root / name), key=lambda e: e.name)
        except OSError:
            continue
        found += [Path(e.path) for e in entries if not e.is_dir(follow_symlinks=False)]
    return found


def fingerprint(root: Path) -> str:
    """A digest of the name, mtime, ctime, size and inode of every file the loader reads.

    Only ``stat`` calls: no file is opened, so a page view stays cheap whatever the
    catalogue's size, and a FIFO or device planted in the tree cannot block it.
    """
    stamps = [_stamp(root, path) for path in _files(root)]
    return hashlib.sha256(repr(stamps).encode()).hexdigest()


def relative(text: str, root: Path) -> str:
    """``text`` with the project root's absolute path removed from every path in it."""
    for prefix in sorted({str(root), str(root.resolve())}, key=len, reverse=True):
        # "<root>/x" -> "x", "<root>" alone -> ".", but "<root>xyz" is another path: kept
        text = re.sub(re.escape(prefix) + r"(/|(?![\w.-]))",
                      lambda m: "" if m.group(1) else ".", text)
    return text


def _problem(exc: BaseException, root: Path) -> Problem:
    """One problem for a failure that is not the loader's own report."""
    filename = getattr(exc, "filename", None)
    where = relative(str(filename), root) if filename else "evidence base"
    return Problem(where, None, None, None,
                   relative(f"{type(exc).__name__}: {exc}", root))


def load_checked(root: Path) -> Loaded:
    """Load and verify the evidence and the geodata a first page draws; never raise."""
    try:
        ev = load_evidence(root)
        build_layers(ev, ViewState())  # regions, borders, war zones: geodata problems show here
        world_layer(ev, today())
    except EvidenceError as exc:
        return Loaded(None, tuple(
            Problem(relative(p.file, root), p.line, p.entry, p.field, relative(p.message, root))
            for p in exc.problems))
    except Exception as exc:  # any failure is shown as a problem, never as a traceback
        log.exception("the evidence base under %s could not be loaded", root)
        return Loaded(None, (_problem(exc, root),))
    return Loaded(ev)
