"""What the browser tests share: the local stack they drive, Debian's Chromium, and the checks a
person would make of a page (axe, sideways scrolling, what covers what), plus screenshots.

The stack is `scheduler dev` on a free port with a fixed API key; the browser is Debian's
`chromium`, never a browser Playwright downloads.
"""

from __future__ import annotations

import json
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
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

ROOT = Path(__file__).resolve().parents[2]
WEB_DIST = ROOT / "web" / "dist"
GRAPHQL_IDE_PAGE = ROOT / "service" / "entrypoints" / "static" / "graphiql" / "index.html"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
API_KEY = "e2e-browser-key"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
STARTUP_SECONDS = 90
UI_TIMEOUT_MS = 15_000
# The two screens every page is checked on: a phone held upright and a laptop.
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
# Run before any page script, from outside the page (so the page's own policy does not stop it):
# every Content-Security-Policy violation the page meets is kept for the test to read.
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__cspViolations.push(event.violatedDirective + ' blocked ' + (event.blockedURI || 'inline'));
});
"""
# True once two frames have passed with no transition or animation running: a transition that
# React starts on the next frame is not missed.
SETTLED = """
() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() =>
  resolve(document.getAnimations().every((animation) => animation.playState !== 'running')))))
"""
# The elements a person scrolls: the document, the list's own scrolling area, and the dialogs'.
SIDEWAYS_SCROLLERS = """
() => [...document.querySelectorAll('html, body, main, .mantine-Modal-content, .mantine-Drawer-content')]
  .filter((element) => element.scrollWidth > element.clientWidth + 1)
  .map((element) => `${element.tagName.toLowerCase()}.${element.className}: `
    + `${element.scrollWidth} > ${element.clientWidth}`)
"""


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
    """`scheduler dev` with the built web UI and the embedded emulator, until the block ends."""
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


def graphql(base_url: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    body = json.dumps({"query": query, "variables": variables}).encode()
    request = urllib.request.Request(
        f"{base_url}/graphql",
        data=body,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {API_KEY}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        answer: dict[str, Any] = json.load(response)
    assert "errors" not in answer, answer
    data: dict[str, Any] = answer["data"]
    return data


def create_through_api(base_url: str, schedule_input: dict[str, Any]) -> str:
    """A schedule made as a client of the API would, for the pages to show; its jobId."""
    data = graphql(
        base_url,
        "mutation($input: ScheduleInput!) { createSchedule(input: $input) { __typename ... on Schedule { jobId } } }",
        {"input": schedule_input},
    )
    assert data["createSchedule"]["__typename"] == "Schedule", data
    job_id: str = data["createSchedule"]["jobId"]
    return job_id


def act_through_api(base_url: str, mutation: str, job_id: str) -> None:
    """Runs `runScheduleNow`, `pauseSchedule`... on one schedule."""
    document = f"mutation($jobId: ID!) {{ {mutation}(jobId: $jobId) {{ __typename }} }}"
    data = graphql(base_url, document, {"jobId": job_id})
    assert data[mutation]["__typename"] == "Schedule", data


def sign_in(page: Page) -> None:
    page.goto("/")
    page.get_by_label("API key").fill(API_KEY)
    page.get_by_label("API key").press("Enter")
    page.get_by_test_id("new-schedule").wait_for()


def accessibility_failures(page: Page) -> list[str]:
    """What axe-core (installed with the web UI) finds wrong on the page as rendered, contrast included.

    Evaluated from outside the page: the page's Content-Security-Policy forbids inline scripts.
    Colours are judged once transitions have ended (a dialog fading in is not yet its colour).
    """
    settle(page)
    page.evaluate(AXE.read_text())
    failures: list[str] = page.evaluate(
        """() => axe.run(document).then((result) => result.violations.flatMap((v) =>
            v.nodes.map((n) => v.id + ' at ' + n.target.join(' ') + ': ' + n.failureSummary)))"""
    )
    return failures


def settle(page: Page) -> None:
    """Waits for the page's transitions and animations (a dialog sliding in, a message fading) to end."""
    page.wait_for_function(SETTLED)


def sideways_scrollers(page: Page) -> list[str]:
    """The scrolling parts of the page that are wider than the window and so scroll sideways."""
    scrollers: list[str] = page.evaluate(SIDEWAYS_SCROLLERS)
    return scrollers


def csp_violations(page: Page) -> list[str]:
    violations: list[str] = page.evaluate("() => window.__cspViolations")
    return violations


def box(locator: Locator) -> dict[str, float]:
    found = locator.bounding_box()
    assert found is not None, f"{locator} is not rendered"
    return found


def within_width(locator: Locator, width: int) -> bool:
    """Whether the element lies inside the window from left to right, reachable without scrolling sideways."""
    found = box(locator)
    return found["x"] >= 0 and found["x"] + found["width"] <= width + 0.5


def on_top(page: Page, locator: Locator) -> bool:
    """Whether a click at the element's centre reaches it: nothing lies over it."""
    found = box(locator)
    test_id = locator.get_attribute("data-testid")
    assert test_id, "on_top needs an element with a data-testid"
    centre = (found["x"] + found["width"] / 2, found["y"] + found["height"] / 2)
    hit: bool = page.evaluate(
        '([x, y, id]) => document.elementFromPoint(x, y)?.closest(`[data-testid="${id}"]`) !== null',
        [*centre, test_id],
    )
    return hit


def overlaps(first: dict[str, float], second: dict[str, float]) -> bool:
    return not (
        first["x"] + first["width"] <= second["x"]
        or second["x"] + second["width"] <= first["x"]
        or first["y"] + first["height"] <= second["y"]
        or second["y"] + second["height"] <= first["y"]
    )


def screenshot(page: Page, name: str) -> Path:
    """Saves what the window shows, for people to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    page.mouse.move(0, 0)  # no tooltip left over from the last click
    settle(page)
    page.screenshot(path=str(path))
    return path
