"""Files the map's browser fetches beside the map's own message: large layers' data.

    >>> publish = Published(Path("app/static/cache"), "/app/static/cache")
    >>> url = publish(blob, ".bin")        # "/app/static/cache/map-<hash>.bin"

The map's message holds what the map needs to start; a 100k-event layer's columns
(render_web.POINT_COLUMNS, 1.7 MB) or thousands of place names would make it wait for
them (the page's own scripts queue behind a message that size), and be sent again to
every new session. As a file named by its content the browser fetches it beside the
geometry, caches it, and never sees a stale copy: new content is a new name. Writes
are atomic, and only the newest ``keep`` files stay (a session holds its map's points
once fetched).
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from caucmap.atomic import TargetExistsError, write_atomic

PREFIX = "map-"

#: Stores bytes (and their file suffix) where the map's browser can fetch them, and
#: returns their address; renderers take one, or inline what they would publish
Publish = Callable[[bytes, str], str]


@dataclass(frozen=True)
class Published:
    """Content-addressed files in ``folder``, served at ``url``."""

    folder: Path
    url: str
    keep: int = 32

    def __call__(self, data: bytes, suffix: str) -> str:
        name = f"{PREFIX}{hashlib.sha256(data).hexdigest()[:24]}{suffix}"
        path = self.folder / name
        self.folder.mkdir(parents=True, exist_ok=True)
        try:
            write_atomic(path, data, overwrite=False)
        except TargetExistsError:
            path.touch()  # the same content, published again: now among the newest
        self._prune()
        return f"{self.url}/{name}"

    def _prune(self) -> None:
        stamped = []
        for path in self.folder.glob(f"{PREFIX}*"):
            with contextlib.suppress(FileNotFoundError):  # another session's prune
                stamped.append((path.stat().st_mtime, path))
        for _, old in sorted(stamped, reverse=True)[self.keep:]:
            old.unlink(missing_ok=True)
