"""What the browser tests share: `scheduler dev` on a free port with a fixed API key (the web UI
and the GraphQL IDE built), and Debian's Chromium driven through Playwright (never Playwright's
own browser download), with every Content-Security-Policy violation a page meets kept."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
WEB_DIST = ROOT / "web" / "dist"
GRAPHQL_IDE_PAGE = ROOT / "service" / "entrypoints" / "static" / "graphiql" / "index.html"
API_KEY = "e2e-browser-key"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
STARTUP_SECONDS = 90
UI_TIMEOUT_MS = 15_000
# Run before any page script, from outside the page (so the page's own policy does not stop it):
# every Content-Security-Policy violation the page meets is kept for the test to read.
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__cspViolations.push(event.violatedDirective + ' blocked ' + (event.blockedURI || 'inline'));
});
"""


def csp_violations(page: Any) -> list[str]:
    violations: list[str] = page.evaluate("() => window.__cspViolations")
    return violations


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _scheduler_command() -> list[str]:
    beside_python = Path(sys.executable).with_name("scheduler")
    found = str(beside_python) if beside_python.exists() else shutil.which("scheduler")
    if found is None:
        pytest.fail("the `scheduler` command is not installed (pip install -e .)")
    return [found, "dev"]


def _wait_until_healthy(base_url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"scheduler dev exited with {process.returncode}:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(f"{base_url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail(f"scheduler dev did not answer /health within {STARTUP_SECONDS} s:\n{log.read_text()[-4000:]}")


@contextmanager
def running_stack(log: Path) -> Iterator[str]:
    """`scheduler dev` with the embedded emulator; its base URL."""
    for built, how in ((WEB_DIST / "index.html", "web/dist"), (GRAPHQL_IDE_PAGE, "the GraphQL IDE")):
        if not built.is_file():
            pytest.fail(f"{how} is not built; run `make web-build` first")
    port = _free_port()
    env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port), "SCHEDULER_API_KEY": API_KEY}
    env.pop("AWS_ENDPOINT_URL", None)  # the embedded emulator, always
    with log.open("wb") as out:
        process = subprocess.Popen(_scheduler_command(), cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(base_url, process, log)
        yield base_url
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@contextmanager
def chromium() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    executable = shutil.which("chromium")
    if executable is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()
