"""The briefing export: valid files, the right pixels in the right places, honest footers.

Pixel checks go through ``RenderedMap.to_pixel``, the transform the renderer drew
with, so they test what is on the page rather than re-deriving the projection.
Most renders use a low dpi to keep the suite fast; the layout scales with the page.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from hostile_root import HOSTILE_VIEW, LONG, PWN_SCRIPT, make_hostile_root
from matplotlib.colors import to_rgb
from PIL import Image

from caucmap import style
from caucmap.cli import main
from caucmap.errors import UsageError
from caucmap.evidence import Evidence, default_evidence, load_evidence
from caucmap.export import export_bytes, export_view
from caucmap.layers import build_layers
from caucmap.models import Category, LayerName
from caucmap.naming import NAMING_LABELS, Naming
from caucmap.render_static import figure_bytes, paper_colour, parse_size, render
from caucmap.viewstate import ViewState, Worldview

SVG = "{http://www.w3.org/2000/svg}"
SOCHI = (39.73, 43.59)
ABKHAZIA_INLAND = (41.2, 43.0)
NOV_2014 = {"start": date(2014, 11, 1), "end": date(2014, 11, 30)}


@pytest.fixture(scope="module")
def ev() -> Evidence:
    return default_evidence()


@pytest.fixture(scope="module")
def sochi_signing(ev: Evidence):
    """The treaty signing at Sochi, found in the catalogue rather than by a fixed id."""
    found = [e for e in ev.events if e.category is Category.TREATY_SIGNING
             and e.places and e.places[0].id == "sochi"]
    assert len(found) == 1, "expected one treaty_signing event placed at sochi"
    return found[0]


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def _window(img: np.ndarray, xy: tuple[float, float], radius: int) -> np.ndarray:
    x, y = round(xy[0]), round(xy[1])
    return img[y - radius: y + radius + 1, x - radius: x + radius + 1].reshape(-1, 3)


def _mode(pixels: np.ndarray) -> np.ndarray:
    values, counts = np.unique(pixels, axis=0, return_counts=True)
    return values[counts.argmax()]


def _rgb255(colour: tuple[float, ...] | str) -> np.ndarray:
    return np.round(np.array(to_rgb(colour)) * 255)


def _svg_texts(svg: bytes, gid: str) -> str:
    root = ET.fromstring(svg)
    group = next(el for el in root.iter(f"{SVG}g") if el.get("id") == gid)
    return "\n".join("".join(t.itertext()) for t in group.iter(f"{SVG}text"))


def _footer_outlets(text: str) -> set[str]:
    body = " ".join(text.split("\n")).removeprefix("Sources: ")
    return {item.rsplit(", ", 1)[0].strip() for item in body.split("; ")}


def _cited_outlets(ev: Evidence, view: ViewState) -> set[str]:
    """Straight from the catalogue: outlets cited by mapped events overlapping the view."""
    return {ev.sources[c.source].outlet for e in ev.events
            if e.places and e.overlaps(view.start, view.end) for c in e.all_citations()}


# ---------------------------------------------------------------- file validity


def test_png_size_and_dpi_metadata(ev: Evidence) -> None:
    png = export_bytes(ev, ViewState(**NOV_2014), "png", size="A4", dpi=150)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.size == (round(297 / 25.4 * 150), round(210 / 25.4 * 150))  # 1754 x 1240
    assert image.info["dpi"] == pytest.approx((150, 150), abs=0.05)  # pHYs: whole px per m


@pytest.mark.parametrize(("size", "dpi", "pixels"), [
    ("1280x800", 300, (1280, 800)),
    ("16:9", 144, (1920, 1080)),
    ("A5", 100, (827, 583)),
])
def test_sizes(size: str, dpi: int, pixels: tuple[int, int]) -> None:
    assert parse_size(size, dpi).pixels == pixels


@pytest.mark.parametrize(("size", "dpi"), [
    ("A3", 300), ("800x600", 300), ("3000x500", 300), ("A4", 2000), ("banana", 300),
])
def test_bad_sizes_are_usage_errors(size: str, dpi: int) -> None:
    with pytest.raises(UsageError):
        parse_size(size, dpi)


def test_pdf_is_one_vector_page(ev: Evidence) -> None:
    pdf = export_bytes(ev, ViewState(**NOV_2014), "pdf", size="A4")
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf)) == 1
    assert not re.search(rb"/Subtype\s*/Image", pdf)  # nothing rasterised


def test_svg_parses_keeps_text_and_is_vector(ev: Evidence) -> None:
    view = ViewState(**NOV_2014)
    svg = export_bytes(ev, view, "svg", size="A4")
    root = ET.fromstring(svg)
    assert not list(root.iter(f"{SVG}image"))
    assert "Abkhazia and South Ossetia: events 1 Nov 2014 - 30 Nov 2014" in _svg_texts(
        svg, "title")
    assert _footer_outlets(_svg_texts(svg, "sources")) == _cited_outlets(ev, view)


def test_rc_params_are_not_leaked(ev: Evidence) -> None:
    before = dict(matplotlib.rcParams)
    figure_bytes(render(ev, ViewState(**NOV_2014), dpi=72), "svg")
    assert dict(matplotlib.rcParams) == before


# ---------------------------------------------------------------- pixels


@pytest.mark.parametrize("worldview", list(Worldview))
def test_abkhazia_has_its_fill(ev: Evidence, worldview: Worldview) -> None:
    view = ViewState(layers=frozenset(), worldview=worldview, lat=43.0, lon=41.4, zoom=8)
    rendered = render(ev, view, dpi=100)
    fills = style.REGION_FILL_RUSSIA_VIEW if worldview is Worldview.RUSSIA else style.REGION_FILL
    regions = build_layers(ev, view)["regions"].frame.set_index("id")
    expected = _rgb255(paper_colour(fills["ABK"], float(regions.loc["ABK", "fill_opacity"])))
    got = _mode(_window(_pixels(figure_bytes(rendered, "png")),
                        rendered.to_pixel(*ABKHAZIA_INLAND), 3))
    assert np.abs(got - expected).max() <= 2, (got, expected)
    georgia = _rgb255(paper_colour(style.REGION_FILL["GEO"],
                                   float(regions.loc["GEO", "fill_opacity"])))
    assert np.abs(got - georgia).max() > 10


def test_abkhazia_with_recognition_layer(ev: Evidence) -> None:
    view = ViewState(layers=frozenset({LayerName.RECOGNITION}), end=date(2015, 1, 1),
                     lat=43.0, lon=41.4, zoom=8)
    rendered = render(ev, view, dpi=100)
    layers = build_layers(ev, view)
    region = layers["regions"].frame.set_index("id").loc["ABK"]
    recog = layers["recognition"].frame.set_index("id").loc["ABK"]
    under = paper_colour(region["fill"], float(region["fill_opacity"]))
    expected = _rgb255(paper_colour(recog["fill"], float(recog["fill_opacity"]),
                                    under=matplotlib.colors.to_hex(under)))
    got = _mode(_window(_pixels(figure_bytes(rendered, "png")),
                        rendered.to_pixel(*ABKHAZIA_INLAND), 3))
    assert np.abs(got - expected).max() <= 3, (got, expected)


def _star_pixels(ev: Evidence, view: ViewState) -> int:
    rendered = render(ev, view, dpi=100)
    colour = _rgb255(style.CATEGORY_STYLE[Category.TREATY_SIGNING][1])
    near = _window(_pixels(figure_bytes(rendered, "png")), rendered.to_pixel(*SOCHI), 6)
    return int((np.abs(near - colour).max(axis=1) <= 12).sum())


def test_sochi_signing_marker_drawn_at_sochi_when_in_range(ev: Evidence, sochi_signing) -> None:
    on = ViewState(start=sochi_signing.start, end=sochi_signing.end,
                   layers=frozenset({LayerName.EVENTS}))
    off = ViewState(start=date(2014, 1, 1), end=date(2014, 6, 30),
                    layers=frozenset({LayerName.EVENTS}))
    assert _star_pixels(ev, on) >= 20
    assert _star_pixels(ev, off) == 0


def test_every_event_of_the_layer_is_drawn_and_nothing_else(ev: Evidence) -> None:
    view = ViewState(start=date(2014, 10, 1), end=date(2015, 3, 31))
    rendered = render(ev, view, dpi=72)
    frame = build_layers(ev, view)["events"].frame
    assert sorted(rendered.events) == sorted(frame.loc[frame.geometry.notna(), "id"])
    assert sorted(rendered.unmapped) == sorted(frame.loc[frame.geometry.isna(), "id"])
    drawn = {a.get_gid() for a in rendered.map_axes.collections
             if (a.get_gid() or "").startswith("event-")}
    assert drawn == {f"event-{i}" for i in rendered.events}


# ---------------------------------------------------------------- text on the page


def test_sources_footer_names_exactly_the_outlets_shown(ev: Evidence) -> None:
    view = ViewState(**NOV_2014)
    rendered = render(ev, view, dpi=72)
    footer = next(t for t in rendered.figure.texts if t.get_gid() == "sources").get_text()
    assert _footer_outlets(footer) == _cited_outlets(ev, view)
    assert {outlet for outlet, _ in rendered.sources} == _cited_outlets(ev, view)
    days = [day for _, day in rendered.sources]
    assert days == sorted(days)
    assert "Civil.ge" not in footer  # cited only by 2017 events


def test_title_subtitle_and_attribution(ev: Evidence) -> None:
    view = ViewState(start=date(2014, 11, 24), end=date(2015, 1, 23),
                     worldview=Worldview.RUSSIA, naming=Naming.GEORGIAN)
    rendered = render(ev, view, dpi=72)
    texts = {t.get_gid(): t.get_text() for t in rendered.figure.texts}
    assert rendered.title.endswith("events 24 Nov 2014 - 23 Jan 2015")
    subtitle = texts["subtitle"].replace("\n", " ")
    assert "Worldview: Russia: Abkhazia and Tskhinvali region as states" in subtitle
    assert "South Ossetia" not in subtitle  # the label follows the naming convention
    assert NAMING_LABELS[Naming.GEORGIAN] in texts["subtitle"].replace("\n", " ")
    attribution = texts["attribution"].replace("\n", " ")
    assert "Natural Earth" in attribution
    assert "endorsement" in attribution


def test_labels_do_not_overlap_in_a_month_view(ev: Evidence) -> None:
    rendered = render(ev, ViewState(**NOV_2014, lat=43.1, lon=41.0, zoom=8), dpi=72)
    assert rendered.label_overlaps == 0


# ---------------------------------------------------------------- the CLI and export_view


def test_cli_export_writes_refuses_and_forces(tmp_path: Path) -> None:
    out = tmp_path / "map.png"
    args = ["export", "--out", str(out), "--size", "A5", "--dpi", "72",
            "--from", "2014-11-01", "--to", "2014-11-30"]
    assert main(args) == 0
    first = out.read_bytes()
    assert Image.open(out).size == parse_size("A5", 72).pixels
    assert main(args) == 2
    assert out.read_bytes() == first
    assert main([*args, "--force"]) == 0


def test_cli_rejects_unknown_suffix(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "x.bmp"
    assert main(["export", "--out", str(out)]) == 2
    assert not out.exists()
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and ".bmp" in err


def test_cli_view_parameter_is_honoured(tmp_path: Path) -> None:
    out = tmp_path / "view.svg"
    view = "from=2014-11-01&to=2014-11-30&naming=georgian"
    assert main(["export", "--out", str(out), "--view", view]) == 0
    subtitle = _svg_texts(out.read_bytes(), "subtitle").replace("\n", " ")
    assert NAMING_LABELS[Naming.GEORGIAN] in subtitle
    assert "1 Nov 2014 - 30 Nov 2014" in subtitle


def test_export_view_checks_before_rendering(ev: Evidence, tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        export_view(ev, ViewState(), tmp_path / "x.png", size="huge")
    with pytest.raises(UsageError):
        export_view(ev, ViewState(), tmp_path / "x")
    with pytest.raises(UsageError):
        export_bytes(ev, ViewState(), "bmp")
    existing = tmp_path / "taken.pdf"
    existing.write_bytes(b"keep")
    with pytest.raises(FileExistsError):
        export_view(ev, ViewState(), existing)
    assert existing.read_bytes() == b"keep"


# ---------------------------------------------------------------- hostile and long text


def _off_the_page(rendered) -> list[tuple[str, list[int]]]:
    """Texts and legends (by gid) whose drawn extent leaves the page."""
    fig = rendered.figure
    renderer = fig.canvas.get_renderer()
    in_legends = {id(t) for lg in fig.legends for t in lg.findobj(matplotlib.text.Text)}
    boxes = [(str(lg.get_gid()), lg.get_window_extent(renderer)) for lg in fig.legends]
    boxes += [(str(t.get_gid()), t.get_window_extent(renderer))
              for t in fig.findobj(matplotlib.text.Text)
              if id(t) not in in_legends and t.get_visible() and t.get_text()]
    page = fig.bbox.expanded(1.001, 1.001)
    return [(gid, [round(v) for v in box.extents]) for gid, box in boxes
            if box.x0 < page.x0 or box.y0 < page.y0 or box.x1 > page.x1 or box.y1 > page.y1]


def test_long_and_hostile_names_are_shortened_onto_the_page(tmp_path: Path) -> None:
    root = make_hostile_root(Path(__file__).resolve().parents[1], tmp_path)
    ev = load_evidence(root)
    view, _ = ViewState.from_query(dict(p.split("=", 1) for p in HOSTILE_VIEW.split("&")),
                                   ev.record_ids())
    rendered = render(ev, view, dpi=72)
    assert _off_the_page(rendered) == []  # title, labels, legend, footer all on the page
    svg = figure_bytes(rendered, "svg")
    tree = ET.fromstring(svg)  # the markup is text in the SVG, not elements
    assert not list(tree.iter(f"{SVG}script")) and not list(tree.iter(f"{SVG}image"))
    texts = "\n".join("".join(t.itertext()) for t in tree.iter(f"{SVG}text"))
    assert LONG[:200] not in texts  # 5,000 characters cut to a label's width
    assert f"Sochi {PWN_SCRIPT}\u2026" in texts  # the label keeps the name's start
    assert "Evil <img src=x onerror=window.__pwned=\u2026, 24 Nov 2014" in _svg_texts(
        svg, "sources")
