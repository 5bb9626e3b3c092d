"""Edit a curated YAML file in place, keeping its comments, order and style.

    >>> doc = RoundTrip(root, Path("catalogue/events.yaml"), "catalogue")
    >>> doc.append("events", {"id": "new-event", ...})
    >>> doc.text()          # the new file text, to validate before ``save()``

ruamel.yaml's round-trip mode re-emits the file as written (folded scalars, quotes,
comments, key order); only the entries we add are new. The file is read through
:mod:`caucmap.safeio` (regular file inside the root, size limit) and written with
:func:`caucmap.atomic.write_atomic`.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from caucmap.atomic import write_atomic
from caucmap.errors import UsageError
from caucmap.safeio import read_text

# The catalogue's layout: "key:\n  - id: ...\n    field: ..."
INDENT = {"mapping": 2, "sequence": 4, "offset": 2}


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(**INDENT)
    return yaml


def _commented(value: Any) -> Any:
    """Plain dicts and lists as ruamel nodes; short lists of scalars flow ``[a, b]``."""
    if isinstance(value, dict):
        node = CommentedMap()
        for key, item in value.items():
            node[key] = _commented(item)
        return node
    if isinstance(value, list):
        seq = CommentedSeq(_commented(v) for v in value)
        if all(isinstance(v, str | int | float) for v in value):
            seq.fa.set_flow_style()
        return seq
    return value


class RoundTrip:
    """One YAML file of the project, loaded for editing."""

    def __init__(self, root: Path, relative: Path, kind: str) -> None:
        self.root, self.relative = root, Path(relative)
        self.path = root / relative
        self._yaml = _yaml()
        try:
            self.data = self._yaml.load(read_text(self.path, root=root, kind=kind))
        except YAMLError as exc:
            raise UsageError(f"{relative}: not valid YAML: {exc}") from None

    def entries(self, key: str) -> list[Any]:
        items = self.data.get(key) if isinstance(self.data, dict) else None
        if not isinstance(items, list):
            raise UsageError(f"{self.relative}: expected a list under '{key}'")
        return items

    def append(self, key: str, entry: dict[str, Any]) -> None:
        items = self.entries(key)
        node = _commented(entry)
        if items and isinstance(items, CommentedSeq):
            items.append(node)
        else:
            self.data[key] = CommentedSeq([*items, node])

    def find(self, key: str, entry_id: str) -> CommentedMap:
        for item in self.entries(key):
            if isinstance(item, dict) and item.get("id") == entry_id:
                return item
        raise UsageError(f"{self.relative}: no entry '{entry_id}' under '{key}'")

    def add_to(self, key: str, entry_id: str, field: str, item: dict[str, Any]) -> None:
        """Append ``item`` to the list ``field`` of entry ``entry_id`` (created if absent)."""
        entry = self.find(key, entry_id)
        if field not in entry or entry[field] is None:
            entry[field] = CommentedSeq()
        entry[field].append(_commented(item))

    def text(self) -> str:
        out = io.StringIO()
        self._yaml.dump(self.data, out)
        return out.getvalue()

    def save(self, text: str | None = None) -> Path:
        return write_atomic(self.path, self.text() if text is None else text, overwrite=True)
