"""The web legend: one well-formed block, a row per legend entry, labels as text."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from caucmap.evidence import Evidence
from caucmap.layers import build_layers
from caucmap.render_web import legend_html
from caucmap.viewstate import ViewState


def test_legend_is_one_block_with_a_row_per_entry(ev: Evidence) -> None:
    layers = build_layers(ev, ViewState())
    block = ET.fromstring(legend_html(layers))  # well formed: nothing outside the block
    assert (block.tag, block.get("class")) == ("div", "cm-legend")
    rows = block.findall("div")
    assert [r.get("class") for r in rows] == ["cm-legend-row"] * len(rows)
    labels = ["".join(r.find("span").itertext()) for r in rows]
    assert labels == [e.label for layer in layers.values() for e in layer.legend]
