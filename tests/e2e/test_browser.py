"""The web UI in a real browser against the local stack: a person's whole journey with one job.

Drives Debian's Chromium through Playwright the way a person would: sign in (a wrong key is
refused), create a future job, find it in the list at the right local time, edit it, pause and
resume it, run it now and see the run in its history, delete it, sign out. How each screen
looks and fits at two sizes and in both themes is `test_browser_screens.py`.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.browser_support import (
    API_KEY,
    accessibility_failures,
    create_through_api,
    csp_violations,
)
from tests.e2e.conftest import VIEWER_ZONE, OpenPage

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

pytestmark = pytest.mark.e2e

SCHEDULE_ZONE = "Europe/Berlin"
# Tall enough for the whole list; the form's fit in less is checked in test_browser_screens.py.
WINDOW = {"width": 1280, "height": 900}


def _shown_in_viewer_zone(day: date, wall_time: str) -> str:
    """How the list prints a Berlin wall time for a New York viewer: 'Thu 3 Dec 2026, 03:00:00'."""
    local = datetime.fromisoformat(f"{day.isoformat()}T{wall_time}").replace(tzinfo=ZoneInfo(SCHEDULE_ZONE))
    seen = local.astimezone(ZoneInfo(VIEWER_ZONE))
    return f"{seen:%a} {seen.day} {seen:%b %Y, %H:%M:%S}"


def _fill_run_time(page: Page, day: date, wall_time: str) -> None:
    page.get_by_test_id("date-input").fill(day.isoformat())
    page.get_by_test_id("time-input").fill(wall_time)


def _choose_zone(page: Page, zone: str) -> None:
    select = page.get_by_role("textbox", name="Time zone")
    select.click()
    select.fill(zone)
    page.get_by_role("option", name=zone, exact=True).click()


def test_a_person_manages_a_future_job_from_the_browser(open_page: OpenPage, stack: str) -> None:
    from playwright.sync_api import expect

    page = open_page(WINDOW)
    payload = f'{{"e2e": "{uuid.uuid4()}"}}'
    day = date.today() + timedelta(days=10)
    create_through_api(
        stack,
        {
            "payload": "morning digest",
            "recurring": "DAILY",
            "timezone": "Europe/Berlin",
            "runAt": "2030-01-07T09:00:00",
        },
    )

    # Sign in: a wrong key is refused, the right one kept for the session
    page.goto("/")
    page.get_by_label("API key").fill("not-the-key")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("This API key was not accepted.")).to_be_visible()
    page.get_by_label("API key").fill(API_KEY)
    page.get_by_label("API key").press("Enter")  # the keyboard is enough
    expect(page.get_by_test_id("new-schedule")).to_be_visible()

    # Create a future job at 09:00:00 Berlin time, typed on the 24-hour clock
    page.get_by_test_id("new-schedule").click()
    form = page.get_by_test_id("schedule-form")
    expect(form).to_be_visible()
    form.get_by_text("Future", exact=True).click()
    _fill_run_time(page, day, "09:00:00")
    _choose_zone(page, SCHEDULE_ZONE)
    page.get_by_test_id("payload-input").fill(payload)
    expect(page.get_by_test_id("preview-runs")).to_contain_text(f"09:00:00 {SCHEDULE_ZONE}")
    page.get_by_test_id("save-schedule").click()
    expect(form).to_be_hidden()
    expect(page.get_by_role("region", name="Notifications")).to_contain_text("Schedule created")

    # It is in the list, named by its payload, at the same instant in the viewer's zone
    row = page.get_by_test_id("schedule-row").filter(has_text=payload)
    expect(row).to_have_count(1)
    expect(row.get_by_test_id("schedule-title")).to_have_text(payload)
    expect(row.get_by_test_id("next-run-local")).to_have_text(_shown_in_viewer_zone(day, "09:00:00"))
    expect(row.get_by_test_id("next-run-zone")).to_have_text(
        re.compile(rf"09:00:00 {SCHEDULE_ZONE} · due in \d+ days$")
    )
    expect(row.get_by_test_id("state-badge")).to_have_text("active", ignore_case=True)
    expect(page.get_by_role("dialog")).to_have_count(0)
    assert accessibility_failures(page) == []

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
    page.get_by_test_id("pause-note-input").fill("office closed until Monday")
    page.get_by_test_id("confirm-pause").click()
    expect(row.get_by_test_id("state-badge")).to_have_text("paused", ignore_case=True)
    expect(row.get_by_test_id("pause-note")).to_have_text("Paused: office closed until Monday")
    row.get_by_role("button", name="Resume").click()
    expect(row.get_by_test_id("state-badge")).to_have_text("active", ignore_case=True)

    # Run it now, and see the run in its history; the schedule itself is unchanged
    row.get_by_role("button", name="Run now").click()
    expect(row.get_by_test_id("run-status")).to_have_text("delivered", ignore_case=True)
    expect(row.get_by_test_id("last-run")).to_contain_text("ago")
    expect(row.get_by_test_id("state-badge")).to_have_text("active", ignore_case=True)
    row.get_by_test_id("schedule-title").click()
    drawer = page.get_by_role("dialog", name=payload)
    runs = drawer.get_by_test_id("run-row")
    expect(runs).to_have_count(1)
    expect(runs).to_contain_text("delivered", ignore_case=True)
    expect(runs).to_contain_text("manual")
    runs.get_by_role("button").first.click()
    expect(runs.get_by_test_id("run-detail")).to_contain_text("Message id")
    expect(runs.get_by_test_id("run-detail")).to_contain_text(f"Occurrence id{_job_id(row)}/")
    page.keyboard.press("Escape")
    expect(drawer).to_be_hidden()

    # Delete it, after a dialog that names it by its payload, not its id
    row.get_by_role("button", name="Delete").click()
    dialog = page.get_by_role("dialog", name="Delete this schedule?")
    expect(dialog.get_by_test_id("delete-summary")).to_contain_text(payload)
    expect(dialog).not_to_contain_text(_job_id(row))
    dialog.get_by_test_id("confirm-delete").click()
    expect(row).to_have_count(0)

    # Signing out forgets the key
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_label("API key")).to_be_visible()
    assert page.evaluate("() => window.sessionStorage.length") == 0

    # The whole journey ran under the app's Content-Security-Policy without breaking it
    assert csp_violations(page) == []


def _job_id(row: Locator) -> str:
    job_id = row.get_attribute("data-job-id")
    assert job_id
    return job_id


def test_a_run_due_in_seconds_shows_queued_in_the_drawer_then_delivered_at_its_time(
    open_page: OpenPage, stack: str
) -> None:
    from playwright.sync_api import expect

    from tests.e2e.browser_support import sign_in

    page = open_page(WINDOW)
    payload = f'{{"soon": "{uuid.uuid4()}"}}'
    due = (datetime.now(ZoneInfo("UTC")) + timedelta(seconds=8)).replace(microsecond=0)
    # Inside the dispatcher's window: handed to the delivery stage at once, by the API.
    create_through_api(stack, {"payload": payload, "runAt": due.strftime("%Y-%m-%dT%H:%M:%SZ")})
    sign_in(page)
    row = page.get_by_test_id("schedule-row").filter(has_text=payload)
    row.get_by_test_id("schedule-title").click()
    drawer = page.get_by_role("dialog", name=payload)
    runs = drawer.get_by_test_id("run-row")

    expect(runs).to_have_count(1)
    expect(runs).to_contain_text("queued", ignore_case=True)
    assert datetime.now(ZoneInfo("UTC")) < due  # seen queued before its time, never delivered early
    expect(runs).to_contain_text("delivered", ignore_case=True, timeout=20_000)
    expect(runs).not_to_contain_text("queued", ignore_case=True)
