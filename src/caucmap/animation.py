"""Animated export: the view played back frame by frame as a GIF (or an MP4).

    >>> from caucmap.animation import export_animation
    >>> export_animation(ev, view, Path("2014.gif"), step="month", window="fixed", fps=2)

The playback of the app's time strip, on paper: the view's date range is cut into
calendar weeks (Monday to Sunday), months or years; each frame shows one of them
(``fixed``: a window of the step's length sliding through the range) or everything
from the view's start to the end of one of them (``growing``). Every frame is a page
of :func:`caucmap.render_static.render` for that window, so title, subtitle, legend,
recognition shading and the "Sources" footer are those a PNG of the window would have;
the period is written large at the top right, beside the title.

Why a whole page per frame rather than a base drawn once: the title, legend, sources
and recognition shading all change with the window, and so does the map frame's size
(the footer lists the frame's sources), which moves every label; frames are therefore
independent pages, drawn in parallel by forked workers on the usable cores.
``bench/bench_export.py`` times a year of monthly frames at A5 against a 10 s budget.

GIF frames share one palette made from all of them (no colour flicker between
frames); MP4 needs the ``imageio-ffmpeg`` package (it ships its own ffmpeg). Files are
written atomically; bad options raise :class:`caucmap.errors.UsageError` before any
frame is drawn.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import tempfile
from calendar import monthrange
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from types import ModuleType
from typing import Literal, cast

from PIL import Image

from caucmap.atomic import check_target, write_atomic
from caucmap.dates import short_day
from caucmap.errors import UsageError
from caucmap.evidence import Evidence
from caucmap.render_static import RenderedMap, parse_size, render
from caucmap.render_static.look import PAPER
from caucmap.viewstate import ViewState

AnimationFormat = Literal["gif", "mp4"]
ANIMATION_FORMATS: tuple[AnimationFormat, ...] = ("gif", "mp4")
Step = Literal["week", "month", "year"]
STEPS: tuple[Step, ...] = ("week", "month", "year")
Window = Literal["fixed", "growing"]
WINDOWS: tuple[Window, ...] = ("fixed", "growing")
DEFAULT_DPI = 120  # A5 at 120 dpi is 992x699 px: a slide's width, type still legible
FPS_RANGE = (0.2, 30.0)
MAX_FRAMES = 240  # twenty years of months; past it a coarser step says the same
COLOURS = 255  # GIF palette entries (one spare for the encoder)
MAX_WORKERS = 4
#: what forked frame workers read (inherited, never pickled): evidence, view, size, dpi
_JOB: tuple[Evidence, ViewState, str, int] | None = None


@dataclass(frozen=True)
class Frame:
    """One frame: the window drawn (first and last day) and the period written on it."""

    start: date
    end: date
    label: str


def animation_format(out: Path) -> AnimationFormat | None:
    """``gif`` or ``mp4`` if ``out`` asks for an animation, else None (a still)."""
    suffix = Path(out).suffix.lower().lstrip(".")
    return cast(AnimationFormat, suffix) if suffix in ANIMATION_FORMATS else None


def _period(day: date, step: Step) -> tuple[date, date]:
    """The calendar week (Monday first), month or year holding ``day``."""
    if step == "week":
        first = day - timedelta(days=day.weekday())
        return first, first + timedelta(days=6)
    if step == "month":
        return day.replace(day=1), day.replace(day=monthrange(day.year, day.month)[1])
    return date(day.year, 1, 1), date(day.year, 12, 31)


def _label(first: date, last: date, step: Step) -> str:
    """'Nov 2014', '2014', or a week's days in the range: '10-16 Nov 2014', '27 Oct -
    2 Nov 2014'."""
    if step == "year":
        return str(first.year)
    if step == "month":
        return first.strftime("%b %Y")
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}-{short_day(last)}"
    head = short_day(first) if first.year != last.year else first.strftime("%-d %b")
    return f"{head} - {short_day(last)}"


def plan_frames(view: ViewState, step: Step = "month", window: Window = "fixed") -> list[Frame]:
    """The frames of ``view``'s range, in order; too many raise UsageError (none drawn)."""
    if step not in STEPS:
        raise UsageError(f"--step {step}: use one of {', '.join(STEPS)}")
    if window not in WINDOWS:
        raise UsageError(f"--window {window}: use one of {', '.join(WINDOWS)}")
    frames: list[Frame] = []
    day = view.start
    while day <= view.end:
        first, last = _period(day, step)
        end = min(last, view.end)
        frames.append(Frame(view.start if window == "growing" else day, end,
                            _label(max(first, view.start), end, step)))
        if len(frames) > MAX_FRAMES:
            coarser = {"week": " or --step month", "month": " or --step year"}.get(step, "")
            raise UsageError(f"--from {view.start} --to {view.end} is more than {MAX_FRAMES} "
                             f"{step}ly frames; narrow the range{coarser}")
        day = end + timedelta(days=1)
    return frames


def render_frames(ev: Evidence, view: ViewState, frames: list[Frame], *, size: str = "A5",
                  dpi: int = DEFAULT_DPI) -> Iterator[RenderedMap]:
    """Each frame as a rendered page of ``view`` narrowed to its window, its period written
    large at the top right (beside the header, so it never hides a label on the map)."""
    for frame in frames:
        yield render(ev, view.with_(start=frame.start, end=frame.end), size=size, dpi=dpi,
                     stamp=frame.label)


def frame_image(rendered: RenderedMap) -> Image.Image:
    """The page rasterised at its dpi, as an RGB image (the figure is not kept)."""
    canvas = rendered.figure.canvas
    canvas.draw()
    rgba = canvas.buffer_rgba()  # type: ignore[attr-defined]
    return Image.frombuffer("RGBA", (int(rgba.shape[1]), int(rgba.shape[0])), rgba,
                            "raw", "RGBA", 0, 1).convert("RGB")


def _frame_rgb(frame: Frame) -> tuple[bytes, tuple[int, int]]:
    """In a forked worker: one frame's RGB pixels and size (what crosses back cheaply)."""
    if _JOB is None:
        raise RuntimeError("frame worker started without a job")
    ev, view, size, dpi = _JOB
    (rendered,) = render_frames(ev, view, [frame], size=size, dpi=dpi)
    image = frame_image(rendered)
    return image.tobytes(), image.size


def default_workers(frames: int) -> int:
    """Processes for ``frames`` frames: the usable cores (at most MAX_WORKERS), where the
    platform can fork (workers inherit the loaded evidence instead of loading it again)."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, MAX_WORKERS, frames // 2))


def frame_images(ev: Evidence, view: ViewState, frames: list[Frame], *, size: str = "A5",
                 dpi: int = DEFAULT_DPI, workers: int | None = None) -> list[Image.Image]:
    """Every frame rasterised, in order. Frames are independent pages of 0.5-1 s of CPU
    each (text layout mostly), so they are drawn by ``workers`` forked processes
    (default: :func:`default_workers`); one worker draws them here, in order."""
    workers = default_workers(len(frames)) if workers is None else workers
    if workers <= 1:
        return [frame_image(r) for r in render_frames(ev, view, frames, size=size, dpi=dpi)]
    # the first frame here: what it loads and caches (geodata, layers, fonts) the workers
    # inherit, instead of each paying for it again
    first = frame_images(ev, view, frames[:1], size=size, dpi=dpi, workers=1)
    global _JOB
    _JOB = (ev, view, size, dpi)
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            return first + [Image.frombytes("RGB", shape, data)
                            for data, shape in pool.map(_frame_rgb, frames[1:])]
    finally:
        _JOB = None


def _check_options(view: ViewState, fmt: str, fps: float, size: str, dpi: int) -> None:
    if fmt not in ANIMATION_FORMATS:
        raise UsageError(f"unsupported animation format {fmt!r}; use "
                         + ", ".join(f".{f}" for f in ANIMATION_FORMATS))
    if not FPS_RANGE[0] <= fps <= FPS_RANGE[1]:
        raise UsageError(f"--fps {fps:g}: must be between {FPS_RANGE[0]:g} and "
                         f"{FPS_RANGE[1]:g} frames a second")
    parse_size(size, dpi)
    if view.world:
        raise UsageError("the world view is not animated (it exports as HTML only); turn the "
                         "world view off for GIF or MP4")
    if fmt == "mp4":
        _ffmpeg()


def _ffmpeg() -> ModuleType:
    """imageio_ffmpeg, imported only when an MP4 is asked for (it is optional)."""
    try:
        import imageio_ffmpeg
    except ImportError:
        raise UsageError("MP4 export needs the imageio-ffmpeg package (pip install "
                         "imageio-ffmpeg, which ships its own ffmpeg); or export a .gif"
                         ) from None
    return imageio_ffmpeg


def gif_bytes(images: list[Image.Image], fps: float) -> bytes:
    """An endless GIF of ``images`` at ``fps``, on one palette made from every frame."""
    thumbs = [im.reduce(4) for im in images]
    sheet = Image.new("RGB", (thumbs[0].width, sum(t.height for t in thumbs)))
    y = 0
    for thumb in thumbs:
        sheet.paste(thumb, (0, y))
        y += thumb.height
    palette = sheet.quantize(COLOURS, method=Image.Quantize.MEDIANCUT)
    frames = [im.quantize(palette=palette, dither=Image.Dither.NONE) for im in images]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:], loop=0,
                   duration=round(1000 / fps), optimize=False)
    return buffer.getvalue()


def mp4_bytes(images: list[Image.Image], fps: float) -> bytes:
    """An H.264 MP4 (yuv420p, so every player opens it) of ``images`` at ``fps``."""
    ffmpeg = _ffmpeg()
    width, height = images[0].size
    even = (width + width % 2, height + height % 2)  # yuv420p wants even sides
    with tempfile.TemporaryDirectory(prefix="caucmap-mp4-") as folder:
        path = Path(folder) / "frames.mp4"
        writer = ffmpeg.write_frames(str(path), even, fps=fps, codec="libx264",
                                     pix_fmt_in="rgb24", pix_fmt_out="yuv420p",
                                     macro_block_size=1, ffmpeg_log_level="error",
                                     output_params=["-movflags", "+faststart"])
        writer.send(None)  # start ffmpeg
        for image in images:
            padded = Image.new("RGB", even, PAPER)
            padded.paste(image, (0, 0))
            writer.send(padded.tobytes())
        writer.close()
        return path.read_bytes()


def animation_bytes(ev: Evidence, view: ViewState, fmt: str, *, step: Step = "month",
                    window: Window = "fixed", fps: float = 2.0, size: str = "A5",
                    dpi: int = DEFAULT_DPI) -> bytes:
    """The playback of ``view`` encoded as ``fmt`` (gif or mp4)."""
    _check_options(view, fmt, fps, size, dpi)
    return _encode(ev, view, fmt, plan_frames(view, step, window), fps, size, dpi)


def _encode(ev: Evidence, view: ViewState, fmt: str, frames: list[Frame], fps: float,
            size: str, dpi: int) -> bytes:
    images = frame_images(ev, view, frames, size=size, dpi=dpi)
    return gif_bytes(images, fps) if fmt == "gif" else mp4_bytes(images, fps)


def export_animation(ev: Evidence, view: ViewState, out: Path, *, step: Step = "month",
                     window: Window = "fixed", fps: float = 2.0, size: str = "A5",
                     dpi: int = DEFAULT_DPI, overwrite: bool = False) -> Path:
    """Write the playback to ``out`` (.gif or .mp4); every option is checked first."""
    out = Path(out)
    fmt = animation_format(out)
    if fmt is None:
        raise UsageError(f"--out {out}: an animation is a .gif or .mp4")
    _check_options(view, fmt, fps, size, dpi)
    frames = plan_frames(view, step, window)  # too many: said before the first is drawn
    check_target(out, overwrite=overwrite)
    return write_atomic(out, _encode(ev, view, fmt, frames, fps, size, dpi),
                        overwrite=overwrite)
