"""Writes: exactly one of racing creators wins, killed writers' temporaries are cleaned up,
and an unwritable folder is reported for the target before any rendering."""

from __future__ import annotations

import errno
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from caucmap import atomic
from caucmap.atomic import (
    STALE_SECONDS,
    TargetExistsError,
    UnwritableTargetError,
    check_target,
    clean_stale_temps,
    write_atomic,
)
from caucmap.evidence import load_evidence
from caucmap.export import export_view
from caucmap.safeio import UnsafeFileError
from caucmap.viewstate import ViewState

PAYLOAD = 4 * 1024 * 1024  # big enough that a check-then-replace writer loses the race


def _racer(path: str, me: int, barrier, results) -> None:  # runs in a child process
    barrier.wait()
    try:
        write_atomic(Path(path), bytes([me]) * PAYLOAD)
        results.put((me, "wrote"))
    except TargetExistsError:
        results.put((me, "exists"))


def _temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_of_four_racing_creators_exactly_one_writes(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("fork")
    for round_ in range(6):
        target = tmp_path / f"map-{round_}.png"
        barrier, results = ctx.Barrier(4), ctx.Queue()
        racers = [ctx.Process(target=_racer, args=(str(target), me, barrier, results))
                  for me in range(4)]
        for racer in racers:
            racer.start()
        outcome = dict(results.get(timeout=60) for _ in racers)
        for racer in racers:
            racer.join(timeout=60)
        winners = [me for me, said in outcome.items() if said == "wrote"]
        assert len(winners) == 1, (round_, outcome)
        assert target.read_bytes() == bytes([winners[0]]) * PAYLOAD  # the winner's, whole
    assert _temps(tmp_path) == []


BLOCKING_WRITER = """
import os, sys, time
from pathlib import Path
from caucmap.atomic import write_atomic
def stuck(fd):  # the disk never answers: the writer is killed while it waits
    time.sleep(3600)
os.fsync = stuck
write_atomic(Path(sys.argv[1]), b"half-written map" * 1000)
"""


def test_killed_writer_leaves_no_target_and_its_temp_is_cleaned_up(tmp_path: Path) -> None:
    target = tmp_path / "map.png"
    writer = subprocess.Popen([sys.executable, "-c", BLOCKING_WRITER, str(target)])
    try:
        deadline = time.monotonic() + 30
        while not _temps(tmp_path) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _temps(tmp_path), "the writer never started its temporary file"
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=30)
    left = _temps(tmp_path)
    assert len(left) == 1 and left[0].startswith(f".map.png.{writer.pid}-")
    assert not target.exists()  # never half a file
    write_atomic(tmp_path / "other.svg", b"<svg/>")  # the next write into the folder
    assert _temps(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.svg"]


def test_temps_of_live_writers_and_other_files_are_kept(tmp_path: Path) -> None:
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        keep = [
            f".map.png.{live.pid}-{'0' * 16}.tmp",  # a writer still at work
            f".map.png.{os.getpid()}-{'1' * 16}.tmp",  # another thread of this process
            ".notes.tmp", "draft.tmp", ".map.png.tmp",  # not ours
        ]
        for name in keep:
            (tmp_path / name).write_bytes(b"x")
        assert clean_stale_temps(tmp_path) == []
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(keep)
    finally:
        live.kill()
        live.wait(timeout=30)


def test_old_unidentifiable_temps_are_removed_after_the_stale_age(tmp_path: Path) -> None:
    legacy = tmp_path / ".map.png.k3j_x9az.tmp"  # tempfile.mkstemp's name: no pid
    legacy.write_bytes(b"x")
    assert clean_stale_temps(tmp_path) == []
    old = time.time() - STALE_SECONDS - 5
    os.utime(legacy, (old, old))
    assert clean_stale_temps(tmp_path) == [legacy]


@pytest.fixture
def unwritable(tmp_path: Path) -> Path:
    """A folder that refuses new files, even to root (for whom permission bits do not)."""
    if os.geteuid() != 0:
        tmp_path.chmod(0o555)
        return tmp_path
    try:
        (Path("/sys") / "caucmap-probe").touch()
    except OSError:
        return Path("/sys")
    pytest.skip("no folder here refuses files to root")


def test_unwritable_folder_is_reported_for_the_target(unwritable: Path) -> None:
    target = unwritable / "briefing.png"
    for attempt in (lambda: check_target(target), lambda: write_atomic(target, b"x")):
        with pytest.raises(UnwritableTargetError) as caught:
            attempt()
        message = str(caught.value)
        assert message.startswith(f"{target}: cannot write") and ".tmp" not in message


def test_missing_folder_and_folder_target_are_refused_before_work(tmp_path: Path) -> None:
    with pytest.raises(UnwritableTargetError, match="does not exist"):
        check_target(tmp_path / "nope" / "map.png")
    with pytest.raises(IsADirectoryError):
        check_target(tmp_path, overwrite=True)
    (tmp_path / "taken.png").write_bytes(b"keep")
    with pytest.raises(TargetExistsError):
        check_target(tmp_path / "taken.png")
    check_target(tmp_path / "taken.png", overwrite=True)
    assert _temps(tmp_path) == []


def test_export_checks_the_folder_before_rendering(scratch: Path, unwritable: Path,
                                                   tmp_path_factory) -> None:
    """Rendering this root would fail (its regions file is gone after loading), so the
    error we get tells which came first."""
    ev = load_evidence(scratch)
    (scratch / "geodata" / "regions.geojson").unlink()
    with pytest.raises(UnwritableTargetError, match=r"briefing\.png: cannot write"):
        export_view(ev, ViewState(), unwritable / "briefing.png")
    writable = tmp_path_factory.mktemp("out") / "briefing.png"
    with pytest.raises(UnsafeFileError, match=r"regions\.geojson"):  # what rendering does
        export_view(ev, ViewState(), writable)
    assert not writable.exists()


def test_without_hard_links_creation_is_still_exclusive(tmp_path: Path, monkeypatch) -> None:
    def no_links(src: object, dst: object) -> None:
        raise OSError(errno.EPERM, "hard links not supported")

    monkeypatch.setattr(atomic.os, "link", no_links)
    target = tmp_path / "map.svg"
    write_atomic(target, b"first")
    with pytest.raises(TargetExistsError):
        atomic._link_new(tmp_path / "unused", target)  # the moment of truth, past the early check
    assert target.read_bytes() == b"first" and _temps(tmp_path) == []
