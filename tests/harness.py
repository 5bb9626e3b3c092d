"""Start the real app and an offline headless Chromium: shared by browser tests and benchmarks.

It drives the checkout's app, so it lives beside the tests, not in the library
(benchmarks import it as ``tests.harness``).

    >>> with running_app() as url, offline_browser() as (browser, blocked):
    ...     page = browser.new_page(); page.goto(url)

Every request that does not go to localhost is aborted and recorded in ``blocked``,
so a test sees at once if anything still reaches for a CDN.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Request, Route
    from streamlit.testing.v1 import AppTest

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}
CHECKOUT = Path(__file__).resolve().parents[1]
#: app/map_frame.py's COMPONENT: Streamlit names the map's frame "<module>.<it>"
MAP_COMPONENT = "caucmap_map"
MAP_FRAME = f"iframe[title$='.{MAP_COMPONENT}']"


def on_every_map_js(init: str) -> str:
    """An init script that runs ``init`` (a function body; ``this`` is the map) on every
    Leaflet map of the frame as it is made, before the map script adds anything.

    Leaflet is caught as it defines ``window.L``; scripts built on this compose, each
    adding its ``init`` to one list that a single hook runs.
    """
    return """
(window.__cmMapInits = window.__cmMapInits || []).push(function () { INIT });
if (!window.__cmMapHook) {
  window.__cmMapHook = true;
  let leaflet;
  Object.defineProperty(window, 'L', {configurable: true, enumerable: true,
    get: () => leaflet,
    set: v => {
      leaflet = v;
      if (v && v.Map && v.Map.addInitHook && !v.__cmMapHook) {
        v.__cmMapHook = true;
        v.Map.addInitHook(function () { window.__cmMapInits.forEach(f => f.call(this)); });
      }
    }});
}
""".replace("INIT", init)


def opened(at: AppTest) -> AppTest:
    """Run the app under AppTest as a reader's browser opens it: the first run, then the
    rerun of the map's report that it has drawn (``release_controls``). A test of the
    held-back first screen itself runs ``at.run()`` alone."""
    return release_controls(at.run())


def release_controls(at: AppTest) -> AppTest:
    """After a first run: what the map's "drawn" report does, and the rerun it asks for.

    A cold open holds the controls back until the map reports it has drawn
    (``app/streamlit_app.py: controls_follow``); AppTest has no browser to draw the map,
    so the report's one effect is set here. A page without held controls (the error
    page, another script) is left alone.
    """
    if at.session_state.get("controls_held"):
        at.session_state["controls_held"] = False
        at.run()
    return at


def chromium_path() -> str | None:
    return os.environ.get("CAUCMAP_CHROMIUM") or shutil.which("chromium")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_app(script: Path | None = None, env: dict[str, str] | None = None,
                timeout: float = 60) -> Iterator[str]:
    """Run ``streamlit run`` on a free local port; yield its URL; stop it afterwards."""
    script = script or CHECKOUT / "app" / "streamlit_app.py"
    port = free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true",
           "--server.enableStaticServing", "true", "--browser.gatherUsageStats", "false"]
    proc = subprocess.Popen(cmd, cwd=CHECKOUT, env={**os.environ, **(env or {})},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
                raise RuntimeError(f"streamlit exited with {proc.returncode}:\n{out}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"streamlit did not answer on {url}") from None
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def _off_localhost(url: str) -> bool:
    host = urlparse(url).hostname or ""
    return not url.startswith(("data:", "blob:", "about:", "file:")) and host not in LOCAL_HOSTS


@contextmanager
def offline_browser(*, intercept: bool = True) -> Iterator[tuple[BrowserContext, list[str]]]:
    """Headless Debian Chromium through Playwright, with every off-localhost request aborted.

    ``intercept=True`` (tests) routes every request through Playwright, which aborts those
    off localhost. Routing turns the browser's HTTP cache off and holds each request for a
    round trip to this process, so timings (the benchmarks: ``intercept=False``) block
    other hosts in Chromium's resolver instead and list the attempts from its events.
    """
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    if path is None:
        raise FileNotFoundError("chromium not found: apt-get install -y chromium")
    blocked: list[str] = []
    resolver = [] if intercept else [
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS + resolver,
                                     headless=True)
        context = browser.new_context(viewport={"width": 1400, "height": 950})

        def guard(route: Route, request: Request) -> None:
            if _off_localhost(request.url):
                blocked.append(request.url)
                route.abort()
            else:
                route.continue_()

        if intercept:
            context.route("**/*", guard)
        else:
            context.on("request", lambda r: _off_localhost(r.url) and blocked.append(r.url))
        try:
            yield context, blocked
        finally:
            context.close()
            browser.close()
