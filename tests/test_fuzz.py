"""A bounded fuzz run of the two parsers that take outside input: the catalogue loader
and the page reader of ``caucmap add``.

Random bytes, random text, YAML-shaped noise and damaged copies of real files go in;
what must come out is a result or the documented one-line error (``EvidenceError``,
``UsageError``), never another exception, and nothing written. The run is bounded by
example counts calibrated to about 20 s on two cores; ``CAUCMAP_FUZZ=10`` runs ten
times as many examples.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from caucmap.errors import EvidenceError, UsageError
from caucmap.evidence import load_evidence
from caucmap.ingest.intake import read_page

ROOT = Path(__file__).resolve().parents[1]
SCALE = float(os.environ.get("CAUCMAP_FUZZ", "1"))
FUZZED = [  # the files a contributor edits, and the bulk format
    "catalogue/events.yaml", "catalogue/actors.yaml", "catalogue/recognitions.yaml",
    "catalogue/war2008.yaml", "geodata/gazetteer.yaml", "seeds/sources.yaml",
    "catalogue/events.jsonl",
]


def bounded(examples: int) -> settings:
    return settings(max_examples=max(1, int(examples * SCALE)), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def small_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real sources and gazetteer with a two-event catalogue: a load takes ~30 ms, so
    the fuzz run spends its time on inputs rather than on verifying the whole catalogue."""
    root = tmp_path_factory.mktemp("fuzz-project")
    for name in ("seeds", "catalogue", "geodata"):
        shutil.copytree(ROOT / name, root / name)
    events = yaml.safe_load((ROOT / "catalogue" / "events.yaml").read_text(encoding="utf-8"))
    keep = [e for e in events["events"] if not e.get("actors")][:2]
    (root / "catalogue" / "events.yaml").write_text(yaml.safe_dump({"events": keep}),
                                                    encoding="utf-8")
    for name, key in (("actors", "actors"), ("recognitions", "recognitions"),
                      ("war2008", "features")):
        (root / "catalogue" / f"{name}.yaml").write_text(yaml.safe_dump({key: []}),
                                                         encoding="utf-8")
    assert len(load_evidence(root).events) == 2  # the base loads: failures below are the input's
    return root


@contextmanager
def _replaced(path: Path, data: bytes) -> Iterator[None]:
    """``path`` holds ``data`` for the duration; then the original (or nothing) again."""
    original = path.read_bytes() if path.exists() else None
    path.write_bytes(data)
    try:
        yield
    finally:
        if original is None:
            path.unlink()
        else:
            path.write_bytes(original)


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _damaged(data: st.DataObject, text: bytes) -> bytes:
    """A real file with a few bytes replaced, inserted or deleted."""
    out = bytearray(text)
    for _ in range(data.draw(st.integers(1, 8), label="damages")):
        at = data.draw(st.integers(0, max(0, len(out) - 1)), label="at")
        how = data.draw(st.sampled_from(["replace", "insert", "delete"]), label="how")
        byte = data.draw(st.sampled_from(list(b":-[]{}&*!|>'\"#%@`,?\n\t \x00\xff\xc3")
                                         + list(range(256))), label="byte")
        if how == "replace" and out:
            out[at] = byte
        elif how == "insert":
            out.insert(at, byte)
        elif out:
            del out[at]
    return bytes(out)


YAML_NOISE = st.text(st.sampled_from(list("-:[]{}&*!|>'\"#%@`,?\n\n  \tabcid0129.\\")),
                     max_size=300)


@bounded(200)
@given(data=st.data(), rel=st.sampled_from(FUZZED))
def test_fuzzed_catalogue_files_load_or_fail_clearly(small_root: Path, data: st.DataObject,
                                                     rel: str) -> None:
    path = small_root / rel
    real = (ROOT / rel).read_bytes() if (ROOT / rel).exists() else b'{"id": "x"}\n'
    kind = data.draw(st.sampled_from(["bytes", "text", "yaml-noise", "damaged"]), label="kind")
    event(f"loader input: {kind}")
    content = (_damaged(data, real) if kind == "damaged" else data.draw({
        "bytes": st.binary(max_size=2000),
        "text": st.text(max_size=2000).map(str.encode),
        "yaml-noise": YAML_NOISE.map(str.encode),
    }[kind], label="content"))
    if rel.endswith(".jsonl"):
        (small_root / "catalogue" / "events.yaml").rename(small_root / "events.yaml.off")
    try:
        with _replaced(path, content):
            before = _files(small_root)
            try:
                load_evidence(small_root)
                event("loader: loads")
            except EvidenceError as exc:
                event("loader: EvidenceError")
                assert exc.problems and all("\n" not in str(p) for p in exc.problems)
            assert _files(small_root) == before, "loading wrote to the project"
    finally:
        if rel.endswith(".jsonl"):
            (small_root / "events.yaml.off").rename(small_root / "catalogue" / "events.yaml")


# ---------------------------------------------------------------- the page reader


WORDS = st.sampled_from([
    "Abkhazia", "South", "Ossetia", "Russia", "signed", "treaty", "in", "Sochi", "on",
    "Monday", "November", "24", "2014", "yesterday", "the", "president", "said", ".", ",",
    "MOSCOW,", "(Sputnik)", "-", "Tskhinvali", "last", "week", "\u201cquoted\u201d", "&amp;",
    "<", ">", "\u00a0", "\u200b", "2015-01-23", "1/2/2015", "Khajimba", "Putin",
])
SENTENCES = st.lists(WORDS, min_size=1, max_size=40).map(" ".join)
TAGS = st.sampled_from(["p", "div", "article", "h1", "span", "script", "style", "time",
                        "main", "table", "td", "li", "noscript", "iframe", "svg"])
META = st.sampled_from([
    '<meta property="article:published_time" content="{}">',
    '<meta name="date" content="{}">', '<meta property="og:site_name" content="{}">',
    '<link rel="canonical" href="{}">', '<title>{}</title>',
    '<script type="application/ld+json">{{"datePublished": "{}"}}</script>',
])
META_VALUES = st.one_of(SENTENCES, st.sampled_from([
    "2014-11-24", "2014-11-24T10:15:00+03:00", "0000-00-00", "99999-01-01", "yesterday",
    "https://example.org/2014/11/24/x", "javascript:alert(1)", "", "\x00"]))


@st.composite
def _pages(draw: st.DrawFn) -> str:
    """HTML shaped like a saved article page: metadata in the head, paragraphs of words."""
    head = "".join(draw(META).format(draw(META_VALUES)) for _ in range(draw(st.integers(0, 5))))
    body = ""
    for _ in range(draw(st.integers(0, 12))):
        tag = draw(TAGS)
        body += f"<{tag}>{draw(SENTENCES)}" + ("" if draw(st.booleans()) else f"</{tag}>")
    doctype = draw(st.sampled_from(["<!DOCTYPE html>", "", "<?xml version='1.0'?>"]))
    return f"{doctype}<html><head>{head}</head><body>{body}</body></html>"


@bounded(120)
@given(content=st.one_of(
    _pages().map(str.encode),
    st.lists(SENTENCES, max_size=20).map("\n".join).map(str.encode),
    st.binary(max_size=3000),
    st.text(max_size=3000).map(str.encode),
), suffix=st.sampled_from([".html", ".htm", ".txt", ".md", "", ".pdf"]))
def test_fuzzed_pages_are_read_or_refused_in_one_line(tmp_path_factory: pytest.TempPathFactory,
                                                      content: bytes, suffix: str) -> None:
    folder = tmp_path_factory.mktemp("page")
    path = folder / f"article{suffix}"
    path.write_bytes(content)
    try:
        page = read_page(path)
    except UsageError as exc:
        event("page: UsageError")
        assert str(exc) and "\n" not in str(exc), exc
    else:
        event("page: read")
        assert page.text.strip() and page.path == path
    assert [p.name for p in folder.iterdir()] == [path.name]  # nothing written beside it
