"""Fixtures of the browser tests: one local stack and one Chromium per test process."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

from benchmarks.dev_stack import RunningStack
from tests.e2e.browser_support import CHROMIUM_ARGS, RECORD_CSP_VIOLATIONS, UI_TIMEOUT_MS, running_stack

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

# The browser's zone differs from the schedules' (Europe/Berlin), so pages must convert between them.
VIEWER_ZONE = "America/New_York"

OpenPage = Callable[..., "Page"]


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_stack(tmp_path_factory.mktemp("stack") / "scheduler-dev.log") as base_url:
        yield base_url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def open_page(browser: Browser, stack: str) -> Iterator[OpenPage]:
    """Opens a fresh browser context (own session, own storage) with the given viewport and colour scheme."""
    from playwright.sync_api import expect

    expect.set_options(timeout=UI_TIMEOUT_MS)
    contexts: list[Any] = []

    def open_one(viewport: dict[str, int], color_scheme: str = "light") -> Page:
        context = browser.new_context(
            base_url=stack,
            viewport=viewport,
            color_scheme=color_scheme,
            timezone_id=VIEWER_ZONE,
            locale="en-GB",
            # Dialogs then open at once, so what axe and the screenshots see is what stays on screen.
            reduced_motion="reduce",
        )
        context.set_default_timeout(UI_TIMEOUT_MS)
        context.add_init_script(RECORD_CSP_VIOLATIONS)
        contexts.append(context)
        return context.new_page()

    try:
        yield open_one
    finally:
        for context in contexts:
            context.close()


@pytest.fixture
def stacks() -> Iterator[list[RunningStack]]:
    """Started stacks go in this list; whatever a failed test left running is killed."""
    started: list[RunningStack] = []
    yield started
    for stack in started:
        stack.kill()
