"""Read project files safely: regular files inside the project root only, size-bounded, and
YAML with limits, so a hostile contribution cannot leak a server file, hang or eat memory.

    >>> from caucmap.safeio import load_yaml, read_text
    >>> text = read_text(root / "seeds" / "000_x.txt", root=root, kind="seed")
    >>> data = load_yaml(read_text(path, root=root, kind="catalogue"), name="catalogue/x.yaml")

Why each rule (see ``docs/hostile-input.md`` for the table of inputs tried):

- Git stores symlinks, so one contribution can make ``seeds/x.txt`` point at
  ``/etc/passwd`` or ``/dev/zero``: every component under the root is opened with
  ``O_NOFOLLOW`` relative to its parent folder, and only a regular file is read (a FIFO
  would block forever, a device never ends).
- A file is read up to its kind's limit plus one byte, whatever ``fstat`` says, so a
  file that grows while being read cannot exhaust memory either.
- A YAML alias bomb is tiny on disk and small once composed (aliases share nodes); it
  explodes only when a consumer walks it as a tree (``str()``, pydantic). The composed
  node graph is measured before anything is constructed from it.

Every error raised here is an :class:`UnsafeFileError`, an ``OSError`` whose message is
one line naming the file (relative to the root) and what is wrong with it.
"""

from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path
from typing import Any

import yaml

MiB = 1024 * 1024

#: Largest file the project reads, per kind of file, in bytes.
LIMITS: dict[str, int] = {
    "seed": 2 * MiB,  # one article's text; the five seeds are 2-6 KB each
    "sources": 4 * MiB,  # seeds/sources.yaml: about 1 KB per source
    "catalogue": 128 * MiB,  # 100k generated events as JSON Lines are about 56 MB
    "gazetteer": 16 * MiB,  # 3,000 generated places are about 1 MB
    "geodata": 64 * MiB,  # processed layers; world.geojson is 236 KB
    "queue": 32 * MiB,  # the ingest review queue
    "page": 16 * MiB,  # a saved web page (HTML or text) taken in by ingest
}

#: Limits on one YAML document, whatever file it came from.
YAML_MAX_DEPTH = 50  # the catalogue nests about 6 deep
YAML_MAX_ALIASES = 1_000  # the curated files use none
YAML_MAX_ALIAS_NODES = 100_000  # nodes that aliases may stand for, in all
YAML_MAX_CHARS = LIMITS["catalogue"]

_CHUNK = 1 * MiB


class UnsafeFileError(OSError):
    """A file the project will not use: refused, unreadable or malformed; one line.

    ``name`` is the file relative to the root, ``line`` (1-based) where known.
    """

    def __init__(self, name: str, reason: str, line: int | None = None) -> None:
        super().__init__(f"{name if line is None else f'{name}:{line}'}: {reason}")
        self.name = name
        self.reason = reason
        self.line = line


class MissingFileError(UnsafeFileError, FileNotFoundError):
    """The file (or a folder on its way) does not exist."""


def _inside(path: Path, root: Path) -> tuple[str, ...] | None:
    """``path``'s parts below ``root`` (lexically, after folding '..'), or None if outside."""
    full = os.path.normpath(path if path.is_absolute() else root / path)
    for base in dict.fromkeys((os.path.abspath(root), os.path.realpath(root))):
        rel = os.path.relpath(full, base)
        if rel != os.curdir and rel != os.pardir and not rel.startswith(os.pardir + os.sep):
            return Path(rel).parts
    return None


def _why_not_opened(parts: tuple[str, ...], depth: int, parent_fd: int, exc: OSError,
                    shown: str) -> UnsafeFileError:
    """Turn an ``os.open`` failure of ``parts[depth]`` into a reason one can act on."""
    try:
        info = os.stat(parts[depth], dir_fd=parent_fd, follow_symlinks=False)
    except FileNotFoundError:
        return MissingFileError(shown, "file is missing")
    except OSError:
        info = None
    if info is not None and stat.S_ISLNK(info.st_mode):
        link = "is" if depth == len(parts) - 1 else f"is in {'/'.join(parts[:depth + 1])}, which is"
        return UnsafeFileError(shown, f"{link} a symbolic link; refused (only regular files "
                                      "inside the project are read)")
    if exc.errno == errno.ENOTDIR:
        return UnsafeFileError(shown, "a part of this path is not a folder")
    return UnsafeFileError(shown, f"cannot be opened ({os.strerror(exc.errno or 0)})")


def _open_inside(parts: tuple[str, ...], root: Path, shown: str) -> int:
    """A read-only descriptor of ``root/parts...``, never following a symlink on the way."""
    flags = os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW
    try:
        fd = os.open(os.path.realpath(root), os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as exc:
        raise MissingFileError(shown, "the project folder cannot be opened") from exc
    try:
        for depth, part in enumerate(parts):
            last = depth == len(parts) - 1
            mode = flags | (os.O_NONBLOCK | os.O_NOCTTY if last else os.O_DIRECTORY)
            try:
                child = os.open(part, mode, dir_fd=fd)
            except OSError as exc:
                raise _why_not_opened(parts, depth, fd, exc, shown) from None
            os.close(fd)
            fd = child
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_bytes(path: Path, *, root: Path, kind: str) -> bytes:
    """The bytes of a regular file inside ``root``, at most ``LIMITS[kind]`` of them.

    A relative ``path`` is taken inside ``root``. Refuses a path that leaves the root,
    any symlink below the root, FIFOs, devices, sockets and folders, and files over the
    limit (by their size and by what is actually read).
    """
    limit = LIMITS[kind]
    path = Path(path)
    parts = _inside(path, Path(root))
    if parts is None:
        raise UnsafeFileError(str(path), "is outside the project folder; refused")
    shown = "/".join(parts)
    fd = _open_inside(parts, Path(root), shown)
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise UnsafeFileError(shown, "is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise UnsafeFileError(shown, "is not a regular file (a FIFO, device or socket); "
                                         "refused")
        if info.st_size > limit:
            raise UnsafeFileError(shown, f"is {info.st_size:,} bytes, over the {limit:,}-byte "
                                         f"limit for a {kind} file")
        chunks: list[bytes] = []
        total = 0
        while total <= limit:
            chunk = os.read(fd, min(_CHUNK, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    finally:
        os.close(fd)
    if total > limit:
        raise UnsafeFileError(shown, f"grew past the {limit:,}-byte limit for a {kind} file "
                                     "while being read; refused")
    return b"".join(chunks)


def read_text(path: Path, *, root: Path, kind: str) -> str:
    """Like :func:`read_bytes`, decoded as UTF-8 with universal newlines (as ``open`` does)."""
    data = read_bytes(path, root=root, kind=kind)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        name = "/".join(_inside(Path(path), Path(root)) or ())
        raise UnsafeFileError(name, f"not UTF-8 text (byte {exc.start})") from None
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def load_json(text: str, *, name: str) -> Any:
    """JSON, with a bad document or absurd nesting reported as one line naming ``name``."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnsafeFileError(name, f"not valid JSON: {exc.msg} (column {exc.colno})",
                        line=exc.lineno) from None
    except RecursionError:
        raise UnsafeFileError(name, "not valid JSON: nested too deeply") from None


class LineDict(dict):  # type: ignore[type-arg]
    """A mapping that remembers the (1-based) line it started on."""

    line: int = 0


# libyaml's parser where PyYAML was built with it (the wheels are): ~10x faster on
# large catalogues; the constructor stays the safe one either way
_SafeBase = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class SafeLineLoader(_SafeBase):  # type: ignore[misc, valid-type]
    """Safe YAML that keeps timestamps as strings and records mapping line numbers.

    Timestamps stay text so an impossible date ("2014-02-30") is a field error from
    the model, not a crash in the parser.
    """


SafeLineLoader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader: SafeLineLoader, node: yaml.MappingNode) -> LineDict:
    mapping = LineDict(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    return mapping


SafeLineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
                               _construct_mapping)


def _check_graph(top: yaml.Node, name: str) -> None:
    """Refuse a composed document that is too deep or whose aliases stand for too much.

    Aliases share nodes, so the graph is walked once per distinct node: the cost is
    that of the text, however large the tree it spells.
    """
    sizes: dict[int, int] = {}  # node -> nodes in its expanded tree
    on_path: set[int] = set()
    aliases = alias_nodes = 0

    def fail(node: yaml.Node, reason: str) -> UnsafeFileError:
        return UnsafeFileError(name, reason, line=node.start_mark.line + 1)

    def alias(node: yaml.Node, key: int) -> int:
        nonlocal aliases, alias_nodes
        aliases += 1
        alias_nodes += sizes[key]
        if aliases > YAML_MAX_ALIASES:
            raise fail(node, f"more than {YAML_MAX_ALIASES:,} aliases; refused")
        if alias_nodes > YAML_MAX_ALIAS_NODES:
            raise fail(node, f"aliases expand to more than {YAML_MAX_ALIAS_NODES:,} "
                             "nodes (an alias bomb?); refused")
        return sizes[key]

    def visit(node: yaml.Node, depth: int) -> int:
        """Nodes in ``node``'s expanded tree; ``node`` is a collection not seen before."""
        if depth > YAML_MAX_DEPTH:
            raise fail(node, f"nested more than {YAML_MAX_DEPTH} levels deep; refused")
        key = id(node)
        on_path.add(key)
        children = node.value
        if isinstance(node, yaml.MappingNode):
            children = [part for pair in children for part in pair]
        size = 1
        for child in children:  # scalars inline: most nodes are scalars
            ckey = id(child)
            if ckey in sizes:
                size += alias(child, ckey)
            elif ckey in on_path:
                raise fail(child, "an alias refers to a node that contains it; refused")
            elif isinstance(child, yaml.ScalarNode):
                sizes[ckey] = 1
                size += 1
            else:
                size += visit(child, depth + 1)
        on_path.discard(key)
        sizes[key] = size
        return size

    if not isinstance(top, yaml.ScalarNode):
        visit(top, 1)


def load_yaml(text: str, *, name: str, max_chars: int = YAML_MAX_CHARS) -> Any:
    """One YAML document, safely: no Python tags, timestamps kept as text, mappings as
    :class:`LineDict`, and limits on size, depth and aliases. Raises :class:`UnsafeFileError`.
    """
    if len(text) > max_chars:
        raise UnsafeFileError(name, f"is {len(text):,} characters, over the {max_chars:,} limit")
    loader = SafeLineLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_graph(node, name)
        return loader.construct_document(node)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        said = [getattr(exc, "context", None), getattr(exc, "problem", None)]
        problem = ", ".join(p for p in said if p) or str(exc).splitlines()[0]
        raise UnsafeFileError(name, f"not valid YAML: {problem}",
                        line=mark.line + 1 if mark else None) from None
    finally:
        loader.dispose()
