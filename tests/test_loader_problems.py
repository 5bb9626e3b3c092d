"""Each broken input is one problem naming its file and line, and the entry and field
where it has one: bulk JSON Lines, a document of the wrong shape, unknown ids."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from catalogue_edits import edit_yaml, problems


def test_each_bad_json_line_is_named(scratch: Path) -> None:
    (scratch / "catalogue" / "events.yaml").unlink()
    lines = ["[1, 2]", "", "[" * 100_000 + "]" * 100_000, "{not json", '"text"']
    (scratch / "catalogue" / "events.jsonl").write_text("\n".join(lines) + "\n",
                                                       encoding="utf-8")
    found = problems(scratch)
    assert "catalogue/events.jsonl:1: expected one JSON object a line" in found
    assert "catalogue/events.jsonl:3: not valid JSON: nested too deeply" in found
    assert any(p.startswith("catalogue/events.jsonl:4: not valid JSON") for p in found)
    assert "catalogue/events.jsonl:5: expected one JSON object a line" in found


def test_a_document_of_the_wrong_shape_names_where_it_starts(scratch: Path) -> None:
    (scratch / "catalogue" / "events.yaml").write_text("# events\n\nevents:\n  a: 1\n",
                                                       encoding="utf-8")
    assert ("catalogue/events.yaml:3: expected a mapping with a list under 'events'"
            in problems(scratch))


def _first(data: dict, key: str, test: Callable[[dict], bool]) -> dict:
    return next(record for record in data[key] if test(record))


@pytest.mark.parametrize(("relpath", "key", "pick", "change", "says"), [
    ("catalogue/war2008.yaml", "features", lambda f: bool(f["geometry"].get("point")),
     lambda f: f["geometry"].update(point="atlantis"),
     "field 'geometry[0]': unknown place id 'atlantis'"),
    ("catalogue/events.yaml", "events", lambda e: bool(e.get("citations")),
     lambda e: e["citations"][0].update(source="nosuch"),
     "field 'citations[0].source': unknown source id 'nosuch'"),
    ("geodata/gazetteer.yaml", "places", lambda p: bool(p.get("polygon")),
     lambda p: p.update(polygon="XYZ"), "field 'polygon': unknown region polygon 'XYZ'"),
])
def test_an_unknown_reference_names_its_entry_and_field(
        scratch: Path, relpath: str, key: str, pick: Callable[[dict], bool],
        change: Callable[[dict], object], says: str) -> None:
    chosen: dict[str, str] = {}

    def edit(data: dict) -> None:
        record = _first(data, key, pick)
        chosen["id"] = record["id"]
        change(record)

    edit_yaml(scratch / relpath, edit)
    assert any(p.startswith(f"{relpath}:") and f"entry '{chosen['id']}', {says}" in p
               for p in problems(scratch)), problems(scratch)
