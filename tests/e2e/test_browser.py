"""The web UI in a real browser against the local stack.

Drives Debian's Chromium through Playwright against `scheduler dev` (tests/e2e/browser_stack.py)
the way a person would: sign in (a wrong key is refused), create a future job, find it
in the list at the right local time, edit it, pause and resume it, run it now and see the run in its
history, delete it, sign out.
Screenshots of the list and the form are saved under artifacts/screenshots/.
"""

from __future__ import annotations

import json
import urllib.request
import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.browser_stack import API_KEY, RECORD_CSP_VIOLATIONS, ROOT, UI_TIMEOUT_MS, csp_violations

pytestmark = pytest.mark.e2e

SCREENSHOTS = ROOT / "artifacts" / "screenshots"
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
# The browser's zone differs from the schedule's, so the list must convert between them.
VIEWER_ZONE = "America/New_York"
SCHEDULE_ZONE = "Europe/Berlin"


@pytest.fixture
def page(browser: Any, stack: str) -> Iterator[Any]:
    context = browser.new_context(
        base_url=stack, viewport={"width": 1280, "height": 900}, timezone_id=VIEWER_ZONE, locale="en-GB"
    )
    context.set_default_timeout(UI_TIMEOUT_MS)
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    try:
        yield context.new_page()
    finally:
        context.close()


def _shown_in_viewer_zone(day: date, wall_time: str) -> str:
    """How the list prints a Berlin wall time for a New York viewer: 'Thu 3 Dec 2026, 03:00:00'."""
    local = datetime.fromisoformat(f"{day.isoformat()}T{wall_time}").replace(tzinfo=ZoneInfo(SCHEDULE_ZONE))
    seen = local.astimezone(ZoneInfo(VIEWER_ZONE))
    return f"{seen:%a} {seen.day} {seen:%b %Y, %H:%M:%S}"


def _screenshot(page: Any, name: str, saved: list[Path]) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    page.screenshot(path=str(path), full_page=True)
    saved.append(path)


def _create_through_api(base_url: str, schedule_input: dict[str, Any]) -> None:
    """Neighbours for the job under test, so the list shows each kind of rule."""
    body = json.dumps(
        {
            "query": "mutation($input: ScheduleInput!) { createSchedule(input: $input) { __typename } }",
            "variables": {"input": schedule_input},
        }
    ).encode()
    request = urllib.request.Request(
        f"{base_url}/graphql",
        data=body,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {API_KEY}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        answer = json.load(response)
    assert answer["data"]["createSchedule"]["__typename"] == "Schedule", answer


def _accessibility_failures(page: Any) -> list[str]:
    """What axe-core (installed with the web UI) finds wrong on the page as rendered, contrast included.

    Evaluated from outside the page: the page's Content-Security-Policy forbids inline scripts.
    """
    page.evaluate(AXE.read_text())
    failures: list[str] = page.evaluate(
        """() => axe.run(document).then((result) => result.violations.flatMap((v) =>
            v.nodes.map((n) => v.id + ' at ' + n.target.join(' ') + ': ' + n.failureSummary)))"""
    )
    return failures


def _fill_run_time(page: Any, day: date, wall_time: str) -> None:
    page.get_by_test_id("date-input").fill(day.isoformat())
    page.get_by_test_id("time-input").fill(wall_time)


def _choose_zone(page: Any, zone: str) -> None:
    select = page.get_by_role("textbox", name="Time zone")
    select.click()
    select.fill(zone)
    page.get_by_role("option", name=zone, exact=True).click()


def test_a_person_manages_a_future_job_from_the_browser(
    page: Any, stack: str, capsys: pytest.CaptureFixture[str], record_property: Any
) -> None:
    from playwright.sync_api import expect

    expect.set_options(timeout=UI_TIMEOUT_MS)
    saved: list[Path] = []
    payload = f'{{"e2e": "{uuid.uuid4()}"}}'
    day = date.today() + timedelta(days=10)
    _create_through_api(
        stack,
        {"payload": "daily report", "recurring": "DAILY", "timezone": "Europe/Berlin", "runAt": "2030-01-07T09:00:00"},
    )
    _create_through_api(
        stack,
        {"payload": "weekday tick", "recurring": "CRON", "timezone": "America/New_York", "cron": "*/15 9-17 * * 1-5"},
    )

    # Sign in: a wrong key is refused, the right one kept for the session
    page.goto("/")
    page.get_by_label("API key").fill("not-the-key")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("This API key was not accepted.")).to_be_visible()
    page.get_by_label("API key").fill(API_KEY)
    page.get_by_label("API key").press("Enter")  # the keyboard is enough
    expect(page.get_by_test_id("new-schedule")).to_be_visible()

    # Create a future job at 09:00:00 Berlin time
    page.get_by_test_id("new-schedule").click()
    form = page.get_by_test_id("schedule-form")
    expect(form).to_be_visible()
    form.get_by_text("Future", exact=True).click()
    _fill_run_time(page, day, "09:00:00")
    _choose_zone(page, SCHEDULE_ZONE)
    page.get_by_test_id("payload-input").fill(payload)
    expect(page.get_by_test_id("preview-runs")).to_contain_text(f"09:00:00 {SCHEDULE_ZONE}")
    _screenshot(page, "schedule-form.png", saved)
    page.get_by_test_id("save-schedule").click()
    expect(form).to_be_hidden()

    # It is in the list, at the same instant in the viewer's zone
    row = page.get_by_test_id("schedule-row").filter(has_text=payload)
    expect(row).to_have_count(1)
    expect(row.get_by_test_id("next-run-local")).to_have_text(_shown_in_viewer_zone(day, "09:00:00"))
    expect(row.get_by_test_id("next-run-zone")).to_contain_text(f"09:00:00 {SCHEDULE_ZONE}")
    expect(row.get_by_test_id("state-badge")).to_have_text("active", ignore_case=True)
    expect(page.get_by_role("dialog")).to_have_count(0)
    _screenshot(page, "schedule-list.png", saved)

    # Both themes keep text readable, and every control has a name
    assert _accessibility_failures(page) == []
    page.get_by_test_id("theme-toggle").click()
    expect(page.locator("html")).to_have_attribute("data-mantine-color-scheme", "dark")
    page.mouse.move(0, 0)  # away from the toggle, whose tooltip is not part of the page
    expect(page.get_by_role("tooltip")).to_have_count(0)
    _screenshot(page, "schedule-list-dark.png", saved)
    assert _accessibility_failures(page) == []
    page.get_by_test_id("theme-toggle").click()
    expect(page.locator("html")).to_have_attribute("data-mantine-color-scheme", "light")

    # Edit it: a new time, read back in the schedule's own zone
    row.get_by_role("button", name="Edit").click()
    expect(form).to_be_visible()
    expect(page.get_by_test_id("time-input")).to_have_value("09:00:00")
    page.get_by_test_id("time-input").fill("10:30:15")
    page.get_by_test_id("save-schedule").click()
    expect(form).to_be_hidden()
    expect(row.get_by_test_id("next-run-local")).to_have_text(_shown_in_viewer_zone(day, "10:30:15"))

    # Pause and resume it
    row.get_by_role("button", name="Pause").click()
    expect(row.get_by_test_id("state-badge")).to_have_text("paused", ignore_case=True)
    row.get_by_role("button", name="Resume").click()
    expect(row.get_by_test_id("state-badge")).to_have_text("active", ignore_case=True)

    # Run it now, and see the run in its history; the schedule itself is unchanged
    row.get_by_role("button", name="Run now").click()
    expect(row.get_by_test_id("run-status")).to_have_text("delivered", ignore_case=True)
    expect(row.get_by_test_id("state-badge")).to_have_text("active", ignore_case=True)
    row.get_by_test_id("payload-preview").click()
    history = page.get_by_test_id("run-history")
    expect(history.get_by_test_id("run-row")).to_have_count(1)
    expect(history).to_contain_text("delivered", ignore_case=True)
    expect(history).to_contain_text("manual")
    page.keyboard.press("Escape")
    expect(history).to_be_hidden()

    # Delete it, after confirming
    row.get_by_role("button", name="Delete").click()
    page.get_by_test_id("confirm-delete").click()
    expect(row).to_have_count(0)

    # Signing out forgets the key
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_label("API key")).to_be_visible()
    assert page.evaluate("() => window.sessionStorage.length") == 0

    # The whole journey ran under the app's Content-Security-Policy without breaking it
    assert csp_violations(page) == []

    record_property("screenshots", [str(path) for path in saved])
    with capsys.disabled():
        for path in saved:
            print(f"\nscreenshot: {path}")
