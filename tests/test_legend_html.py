"""The web legend: one well-formed block, a collapsible group per legend group, a row per
legend entry, labels as text."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from caucmap.evidence import Evidence
from caucmap.layers import build_layers, legend_blocks
from caucmap.render_web import legend_html
from caucmap.viewstate import ViewState


def test_legend_is_one_block_with_a_group_per_block_and_a_row_per_entry(ev: Evidence) -> None:
    layers = build_layers(ev, ViewState())
    block = ET.fromstring(legend_html(layers))  # well formed: nothing outside the block
    assert (block.tag, block.get("class")) == ("div", "cm-legend")
    groups = block.findall("details")
    blocks = legend_blocks(layers)
    assert [g.find("summary").text for g in groups] == [b.title for b in blocks]
    assert all(g.get("class") == "cm-legend-group" and g.get("open") is not None
               for g in groups)  # open, and the reader can fold each away
    for group, expected in zip(groups, blocks, strict=True):
        rows = group.find("div").findall("span")
        assert [r.get("class") for r in rows] == ["cm-legend-row"] * len(rows)
        assert ["".join(r.itertext()) for r in rows] == [e.label for _, e in expected.rows]
