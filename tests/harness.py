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

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}
CHECKOUT = Path(__file__).resolve().parents[1]


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


@contextmanager
def offline_browser() -> Iterator[tuple[BrowserContext, list[str]]]:
    """Headless Debian Chromium through Playwright, with every off-localhost request aborted."""
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    if path is None:
        raise FileNotFoundError("chromium not found: apt-get install -y chromium")
    blocked: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1400, "height": 950})

        def guard(route: Route, request: Request) -> None:
            host = urlparse(request.url).hostname or ""
            if request.url.startswith(("data:", "blob:", "about:", "file:")) or host in LOCAL_HOSTS:
                route.continue_()
            else:
                blocked.append(request.url)
                route.abort()

        context.route("**/*", guard)
        try:
            yield context, blocked
        finally:
            context.close()
            browser.close()
