"""Atomic file writes: a reader never sees half a file, and nothing is overwritten by accident.

    >>> from caucmap.atomic import check_target, write_atomic
    >>> check_target(Path("out/map.png"), overwrite=False)   # before an expensive render
    >>> write_atomic(Path("out/map.geojson"), text, overwrite=False)

The data goes to a temporary file in the target's folder (``.NAME.PID-RANDOM.tmp``),
is flushed to disk, and is then swapped in:

- with ``overwrite``, by ``os.replace`` (readers see the old file or the new one);
- without it, by ``os.link(tmp, target)``, which fails if the target exists *at that
  instant*: of several writers racing to create one file exactly one succeeds, where a
  check followed by a replace would let two of them "win".

A writer killed mid-write leaves its temporary file behind; the next write into that
folder removes it (only files with our name pattern whose writer process is gone, or
that are older than :data:`STALE_SECONDS`).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import time
from pathlib import Path

#: a temporary file whose writer we cannot identify is left alone this long
STALE_SECONDS = 600
# ours: ".NAME.PID-TOKEN.tmp"; and the older tempfile.mkstemp names ".NAME.XXXXXXXX.tmp"
_OURS = re.compile(r"^\.(?P<name>.+)\.(?:(?P<pid>\d+)-[0-9a-f]{16}|[a-z0-9_]{8})\.tmp$")


class TargetExistsError(FileExistsError):
    """Raised when a write would replace an existing file without ``overwrite=True``."""


class UnwritableTargetError(PermissionError):
    """The target's folder is missing or does not accept files; names the target."""


def _exists_message(path: Path) -> str:
    return f"{path}: already exists; pass --force (overwrite) to replace it"


def _mode_for(path: Path) -> int:
    """Keep an existing file's mode; new files get the usual 0666 less the umask."""
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True  # another thread of this process may be writing
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def clean_stale_temps(folder: Path, *, now: float | None = None) -> list[Path]:
    """Remove temporary files our writers left in ``folder`` when killed; return them."""
    now = time.time() if now is None else now
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _OURS.match(entry.name)
        if not match or not entry.is_file(follow_symlinks=False):
            continue
        pid = match.group("pid")
        try:
            old = now - entry.stat(follow_symlinks=False).st_mtime > STALE_SECONDS
        except FileNotFoundError:
            continue  # its writer finished meanwhile
        if old or (pid is not None and not _alive(int(pid))):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed


def _open_temp(path: Path) -> tuple[int, Path]:
    """A new temporary file beside ``path``; an unwritable folder is reported for ``path``."""
    folder = path.parent
    if not folder.is_dir():
        raise UnwritableTargetError(f"{path}: cannot write: folder {folder} does not exist")
    tmp = folder / f".{path.name}.{os.getpid()}-{secrets.token_hex(8)}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        raise UnwritableTargetError(f"{path}: cannot write into folder {folder} "
                                    f"({os.strerror(exc.errno or errno.EACCES)})") from None
    return fd, tmp


def check_target(path: Path, *, overwrite: bool = False) -> None:
    """Raise now, before any work, if ``write_atomic(path, ...)`` would surely fail.

    The folder must exist (a mistyped folder is not created) and accept a new file
    (tried for real: permission bits say nothing to root or on a read-only mount), the
    target must not be a folder, and it must be absent unless ``overwrite``.
    ``write_atomic`` still decides race-free when it puts the file in place.
    """
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(f"{path}: is a folder")
    if not overwrite and os.path.lexists(path):
        raise TargetExistsError(_exists_message(path))
    fd, tmp = _open_temp(path)
    os.close(fd)
    tmp.unlink(missing_ok=True)


def _fsync_folder(folder: Path) -> None:
    """Make the new name durable, not only the data (where the platform allows)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _link_new(tmp: Path, path: Path) -> None:
    """Give the finished ``tmp`` the name ``path`` only if no file has that name yet."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise TargetExistsError(_exists_message(path)) from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
            raise
        # no hard links here (some network and FAT file systems): claim the name with
        # O_EXCL, then swap the finished file over the empty claim
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            raise TargetExistsError(_exists_message(path)) from None
        os.replace(tmp, path)


def write_atomic(path: Path, data: str | bytes, *, overwrite: bool = False) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder.

    Without ``overwrite``, raises :class:`TargetExistsError` if ``path`` exists, decided
    at the moment the file is put in place. Missing folders are created.
    """
    path = Path(path)
    if not overwrite and os.path.lexists(path):
        raise TargetExistsError(_exists_message(path))  # early: skip the write
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UnwritableTargetError(f"{path}: cannot create folder {path.parent} "
                                    f"({os.strerror(exc.errno or errno.EACCES)})") from None
    clean_stale_temps(path.parent)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = _open_temp(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, _mode_for(path))
        if overwrite:
            os.replace(tmp, path)
        else:
            _link_new(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)  # after a link, or a failure; a no-op after a replace
    _fsync_folder(path.parent)
    return path
