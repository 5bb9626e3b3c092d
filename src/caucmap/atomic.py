"""Atomic file writes: a reader never sees half a file, and nothing is overwritten by accident.

    >>> from caucmap.atomic import write_atomic
    >>> write_atomic(Path("out/map.geojson"), text, overwrite=False)
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class TargetExistsError(FileExistsError):
    """Raised when a write would replace an existing file without ``overwrite=True``."""


def _mode_for(path: Path) -> int:
    """Keep an existing file's mode; new files get the usual 0666 less the umask."""
    if path.exists():
        return path.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomic(path: Path, data: str | bytes, *, overwrite: bool = False) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    path = Path(path)
    if path.exists() and not overwrite:
        raise TargetExistsError(f"{path}: already exists; pass --force (overwrite) to replace it")
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, _mode_for(path))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
