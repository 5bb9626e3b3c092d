"""Bulk JSON Lines catalogues: each bad line is one problem naming its line."""

from __future__ import annotations

from pathlib import Path

from catalogue_edits import problems


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
