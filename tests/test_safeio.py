"""Hostile files are refused with one line naming the file; YAML bombs are refused quickly."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from caucmap import safeio
from caucmap.safeio import (
    LineDict,
    MissingFileError,
    UnsafeFileError,
    load_json,
    load_yaml,
    read_bytes,
    read_text,
)

BILLION_LAUGHS = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
events:
  - id: *i
"""


@pytest.fixture
def proj(tmp_path: Path) -> Path:
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "a.txt").write_text("plain text\n", encoding="utf-8")
    return tmp_path


def _refusal(path: Path | str, root: Path, kind: str = "seed") -> str:
    with pytest.raises(UnsafeFileError) as caught:
        read_text(Path(path), root=root, kind=kind)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_regular_file_inside_root_is_read(proj: Path) -> None:
    assert read_text(proj / "seeds" / "a.txt", root=proj, kind="seed") == "plain text\n"
    assert read_text(Path("seeds/a.txt"), root=proj, kind="seed") == "plain text\n"


def test_crlf_is_read_as_newlines_like_open_does(proj: Path) -> None:
    (proj / "seeds" / "w.txt").write_bytes(b"one\r\ntwo\rthree")
    assert read_text(proj / "seeds" / "w.txt", root=proj, kind="seed") == "one\ntwo\nthree"


def test_seed_symlink_to_etc_passwd_is_refused(proj: Path) -> None:
    (proj / "seeds" / "000_x.txt").symlink_to("/etc/passwd")
    message = _refusal(proj / "seeds" / "000_x.txt", proj)
    assert message.startswith("seeds/000_x.txt: is a symbolic link")
    assert "root:" not in message


def test_symlink_to_a_file_inside_the_root_is_refused_too(proj: Path) -> None:
    (proj / "seeds" / "b.txt").symlink_to("a.txt")
    assert "symbolic link" in _refusal(proj / "seeds" / "b.txt", proj)


def test_symlinked_folder_inside_root_is_refused(proj: Path, tmp_path_factory) -> None:
    outside = tmp_path_factory.mktemp("outside")
    (outside / "secret.txt").write_text("secret", encoding="utf-8")
    (proj / "seeds" / "more").symlink_to(outside)
    message = _refusal(proj / "seeds" / "more" / "secret.txt", proj)
    assert message.startswith("seeds/more/secret.txt: is in seeds/more, which is a symbolic "
                              "link"), message


def test_root_reached_through_a_symlink_is_fine(proj: Path, tmp_path_factory) -> None:
    link = tmp_path_factory.mktemp("links") / "project"
    link.symlink_to(proj)
    assert read_text(link / "seeds" / "a.txt", root=link, kind="seed") == "plain text\n"


@pytest.mark.parametrize("path", ["../etc/passwd", "/etc/passwd", "seeds/../../x.txt"])
def test_path_leaving_the_root_is_refused(proj: Path, path: str) -> None:
    assert "outside the project folder" in _refusal(path, proj)


def test_fifo_is_refused_without_blocking(proj: Path) -> None:
    fifo = proj / "seeds" / "f.txt"
    os.mkfifo(fifo)
    outcome: list[str] = []

    def read() -> None:
        try:
            read_text(fifo, root=proj, kind="seed")
            outcome.append("read")
        except UnsafeFileError as exc:
            outcome.append(str(exc))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout=5)
    if reader.is_alive():  # blocked in open(): release it so the test run can end
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        reader.join(timeout=5)
        pytest.fail("reading a FIFO blocked")
    assert outcome and "not a regular file" in outcome[0], outcome


@pytest.mark.skipif(os.geteuid() != 0, reason="creating a device node needs root")
def test_device_node_like_dev_zero_is_refused(proj: Path) -> None:
    os.mknod(proj / "seeds" / "zero.txt", 0o644 | 0o020000, os.makedev(1, 5))
    assert "not a regular file" in _refusal(proj / "seeds" / "zero.txt", proj)


def test_folder_is_refused(proj: Path) -> None:
    assert "is a folder" in _refusal(proj / "seeds", proj)


def test_missing_file_is_a_file_not_found_error(proj: Path) -> None:
    with pytest.raises(FileNotFoundError) as caught:
        read_text(proj / "seeds" / "nope.txt", root=proj, kind="seed")
    assert isinstance(caught.value, MissingFileError)
    assert str(caught.value) == "seeds/nope.txt: file is missing"


def test_file_over_its_kind_limit_is_refused(proj: Path, monkeypatch) -> None:
    monkeypatch.setitem(safeio.LIMITS, "seed", 100)
    (proj / "seeds" / "big.txt").write_text("x" * 101, encoding="utf-8")
    message = _refusal(proj / "seeds" / "big.txt", proj)
    assert "101 bytes, over the 100-byte limit for a seed file" in message
    (proj / "seeds" / "ok.txt").write_text("x" * 100, encoding="utf-8")
    assert len(read_text(proj / "seeds" / "ok.txt", root=proj, kind="seed")) == 100


def test_read_stops_at_the_limit_when_the_size_on_disk_says_nothing(monkeypatch) -> None:
    """/proc files say size 0 like a growing file would: the read itself is bounded."""
    status = Path("/proc/self/status")
    assert status.stat().st_size == 0 and len(status.read_bytes()) > 64
    monkeypatch.setitem(safeio.LIMITS, "page", 64)
    asked: list[int] = []
    real_read = os.read

    def counted_read(fd: int, n: int) -> bytes:
        asked.append(n)
        return real_read(fd, n)

    monkeypatch.setattr(safeio.os, "read", counted_read)
    with pytest.raises(UnsafeFileError, match="grew past the 64-byte limit"):
        read_bytes(status, root=Path("/proc/self"), kind="page")
    assert sum(asked) <= 65, asked


def test_non_utf8_text_names_the_byte_offset(proj: Path) -> None:
    (proj / "seeds" / "latin.txt").write_bytes(b"Tbilisi caf\xe9")
    assert _refusal(proj / "seeds" / "latin.txt", proj) == \
        "seeds/latin.txt: not UTF-8 text (byte 11)"


BOMB_LOADER = """
import sys, time, tracemalloc
from caucmap.safeio import UnsafeFileError, load_yaml
tracemalloc.start()
began = time.perf_counter()
try:
    load_yaml(sys.stdin.read(), name="catalogue/events.yaml")
except UnsafeFileError as exc:
    print(time.perf_counter() - began, tracemalloc.get_traced_memory()[1], exc, sep="\\n")
"""


def test_alias_bomb_is_refused_quickly_in_little_memory() -> None:
    try:  # in a child process: a loader that expands the bomb hangs there, not here
        done = subprocess.run([sys.executable, "-c", BOMB_LOADER], input=BILLION_LAUGHS,
                              capture_output=True, text=True, timeout=30, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail("the alias bomb was not refused within 30 s")
    elapsed, peak, message = done.stdout.splitlines()
    assert float(elapsed) < 1.0 and int(peak) < 20 * 1024 * 1024, (elapsed, peak)
    assert message.startswith("catalogue/events.yaml:") and "alias bomb" in message


def test_too_many_aliases_are_refused(monkeypatch) -> None:
    monkeypatch.setattr(safeio, "YAML_MAX_ALIASES", 10)
    text = "x: &x 1\nys: [" + ", ".join(["*x"] * 11) + "]\n"
    with pytest.raises(UnsafeFileError, match="more than 10 aliases"):
        load_yaml(text, name="a.yaml")
    assert load_yaml(text.replace("*x, ", "", 1), name="a.yaml")["ys"] == [1] * 10


def test_recursive_alias_is_refused() -> None:
    with pytest.raises(UnsafeFileError, match="contains it"):
        load_yaml("a: &x [1, *x]\n", name="a.yaml")


def test_deep_nesting_is_refused_with_its_line() -> None:
    text = "top:\n" + "".join("  " * d + f"  k{d}:\n" for d in range(60)) + "  " * 61 + "v\n"
    with pytest.raises(UnsafeFileError, match=r"^deep\.yaml:\d+: nested more than 50"):
        load_yaml(text, name="deep.yaml")
    with pytest.raises(UnsafeFileError, match="nested more than 50"):
        load_yaml("[" * 200 + "]" * 200, name="deep.yaml")


def test_document_over_the_size_limit_is_refused() -> None:
    with pytest.raises(UnsafeFileError, match="over the 10 limit"):
        load_yaml("a: 12345678", name="a.yaml", max_chars=10)


def test_modest_aliases_still_load() -> None:
    data = load_yaml("base: &b {kind: town}\nplaces: [*b, *b]\n", name="a.yaml")
    assert data["places"] == [{"kind": "town"}, {"kind": "town"}]


def test_yaml_keeps_dates_as_text_and_mapping_lines() -> None:
    data = load_yaml("first: 1\nentry:\n  start: 2014-02-30\n", name="a.yaml")
    assert data["entry"] == {"start": "2014-02-30"}
    assert isinstance(data["entry"], LineDict) and data["entry"].line == 3


def test_python_tags_are_refused() -> None:
    with pytest.raises(UnsafeFileError, match="could not determine a constructor"):
        load_yaml("events: !!python/object/apply:os.system ['echo pwned']\n", name="e.yaml")


def test_broken_yaml_names_file_and_line() -> None:
    with pytest.raises(UnsafeFileError) as caught:
        load_yaml("a: 1\nb: [1,\n", name="e.yaml")
    assert caught.value.name == "e.yaml" and caught.value.line == 3
    assert str(caught.value).startswith("e.yaml:3: not valid YAML")


def test_broken_json_names_file_and_line() -> None:
    with pytest.raises(UnsafeFileError, match=r"^g\.json:2: not valid JSON"):
        load_json('{"a":\n}', name="g.json")
    with pytest.raises(UnsafeFileError, match="nested too deeply"):
        load_json("[" * 100_000, name="g.json")
