"""Each screen of the web UI on a phone (390 x 844) and a laptop (1280 x 800), light and dark.

Every screen (sign-in, list, details drawer, form, delete dialog, empty list) passes axe, contrast
included, and never scrolls sideways; on a phone every part of a schedule's card is in reach;
messages never lie over the list; the form's save button is in sight however long the form;
the form refuses an impossible time; the lateness chart is loaded only when a drawer shows it.
Screenshots of every screen at both sizes and in both themes are written to
artifacts/screenshots/ for people to look at.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import TYPE_CHECKING

import pytest

from tests.e2e.browser_support import (
    DESKTOP,
    PHONE,
    accessibility_failures,
    act_through_api,
    box,
    create_through_api,
    csp_violations,
    on_top,
    overlaps,
    screenshot,
    sideways_scrollers,
    sign_in,
    within_width,
)
from tests.e2e.conftest import OpenPage

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.e2e

SIZES = {"phone": PHONE, "desktop": DESKTOP}
DAILY = "daily report"
LONG = '{"invoice": 4711, "customer": "ACME Corporation International", "amount": 129.95, "currency": "EUR"}'
CHART_CHUNK = re.compile(r"/assets/LatenessChart-[^/]*\.js$")


@pytest.fixture(scope="module")
def schedules(stack: str) -> None:
    """One schedule of each kind the list shows, the daily one with runs for its chart."""
    daily = create_through_api(
        stack,
        {
            "payload": f"{DAILY}\nsent to the finance team",
            "recurring": "DAILY",
            "timezone": "Europe/Berlin",
            "runAt": "2030-01-07T09:00:00",
        },
    )
    for _ in range(3):
        act_through_api(stack, "runScheduleNow", daily)
    tick = create_through_api(
        stack,
        {"payload": "weekday tick", "recurring": "CRON", "timezone": "America/New_York", "cron": "*/15 9-17 * * 1-5"},
    )
    act_through_api(stack, "pauseSchedule", tick)
    create_through_api(
        stack, {"payload": LONG, "recurring": "NONE", "timezone": "UTC", "runAt": "2031-05-01T12:00:00Z"}
    )
    create_through_api(stack, {"payload": "cleanup now", "recurring": "NONE", "timezone": "UTC", "immediate": True})


def _fits(page: Page, size: str, screen: str) -> None:
    """The checks every screen passes: axe finds nothing, nothing scrolls sideways."""
    assert accessibility_failures(page) == [], screen
    assert sideways_scrollers(page) == [], screen
    assert page.evaluate("() => document.documentElement.scrollWidth") <= SIZES[size]["width"], screen


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_every_screen_passes_axe_and_fits_the_window(
    open_page: OpenPage, schedules: None, size: str, scheme: str
) -> None:
    from playwright.sync_api import expect

    page = open_page(SIZES[size], scheme)
    scripts: list[str] = []
    page.on("request", lambda request: scripts.append(request.url) if request.resource_type == "script" else None)

    # Sign-in
    page.goto("/")
    expect(page.get_by_label("API key")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("data-mantine-color-scheme", scheme)
    _fits(page, size, "sign-in")
    screenshot(page, f"sign-in-{size}-{scheme}.png")

    # The list: a card per schedule on the phone, a table row on the laptop
    sign_in(page)
    daily = page.get_by_test_id("schedule-row").filter(has_text=DAILY)
    expect(daily.get_by_test_id("run-status")).to_have_text("delivered")
    expect(page.get_by_role("table" if size == "desktop" else "list", name="Schedules")).to_be_visible()
    _fits(page, size, "list")
    screenshot(page, f"list-{size}-{scheme}.png")
    assert not any(CHART_CHUNK.search(url) for url in scripts), "the chart's code loaded with the list"

    # The drawer, with the lateness chart and one run opened in full
    daily.get_by_test_id("schedule-title").click()
    drawer = page.get_by_role("dialog", name=DAILY)
    expect(drawer.get_by_test_id("lateness-chart").locator("svg.recharts-surface")).to_be_visible()
    expect(drawer.get_by_test_id("lateness-summary")).to_contain_text("runs: median lateness")
    newest = drawer.get_by_test_id("run-row").first
    newest.get_by_role("button").first.click()
    expect(newest.get_by_test_id("run-detail")).to_be_visible()
    expect(newest.get_by_test_id("run-detail")).to_contain_text("Occurrence id")
    assert any(CHART_CHUNK.search(url) for url in scripts), "the chart's code never loaded"
    _fits(page, size, "drawer")
    screenshot(page, f"drawer-{size}-{scheme}.png")
    page.keyboard.press("Escape")
    expect(drawer).to_be_hidden()

    # The form, as long as it gets: a cron rule, a payload of many lines
    page.get_by_test_id("new-schedule").click()
    form = page.get_by_test_id("schedule-form")
    form.get_by_text("Recurring", exact=True).click()
    form.get_by_text("Cron", exact=True).click()
    page.get_by_test_id("cron-input").fill("0 9 * * 1-5")
    page.get_by_test_id("payload-input").fill("\n".join(f"line {n}" for n in range(20)))
    expect(page.get_by_test_id("preview-runs").locator("li")).to_have_count(5)
    _fits(page, size, "form")
    screenshot(page, f"form-{size}-{scheme}.png")
    page.keyboard.press("Escape")
    expect(form).to_be_hidden()

    # The delete dialog
    page.get_by_test_id("schedule-row").filter(has_text="invoice").get_by_test_id("action-delete").click()
    dialog = page.get_by_role("dialog", name="Delete this schedule?")
    expect(dialog.get_by_test_id("delete-summary")).to_contain_text("ACME")
    _fits(page, size, "delete dialog")
    screenshot(page, f"delete-{size}-{scheme}.png")
    dialog.get_by_role("button", name="Cancel").click()

    # A search that finds nothing: the empty list, with its way back
    page.get_by_label("Search by name").fill("no schedule is called this")
    expect(page.get_by_test_id("schedules-empty")).to_be_visible()
    expect(page.get_by_role("button", name="Clear the filters")).to_be_visible()
    _fits(page, size, "empty list")
    screenshot(page, f"empty-{size}-{scheme}.png")

    assert csp_violations(page) == []


def test_on_a_phone_every_part_of_a_card_is_in_reach(open_page: OpenPage, schedules: None) -> None:
    from playwright.sync_api import expect

    page = open_page(PHONE)
    sign_in(page)
    card = page.get_by_test_id("schedule-row").filter(has_text=DAILY)
    expect(card).to_be_visible()

    parts = ["schedule-title", "rule", "next-run-local", "state-badge", "last-run"]
    for part in parts:
        assert within_width(card.get_by_test_id(part), PHONE["width"]), part
    for action in ["Edit", "Pause", "Run now", "Delete"]:
        button = card.get_by_role("button", name=action)
        expect(button).to_have_text(action)  # words, not a bare icon: a phone has no hover
        assert within_width(button, PHONE["width"]), action
    # The header's buttons stay in the header, clear of the filters below
    header, filters = box(page.locator("header")), box(page.get_by_test_id("filter-bar"))
    for control in ["new-schedule", "theme-toggle", "sign-out"]:
        found = box(page.get_by_test_id(control))
        assert found["y"] + found["height"] <= header["y"] + header["height"], control
        assert within_width(page.get_by_test_id(control), PHONE["width"]), control
    assert header["y"] + header["height"] <= filters["y"]


def test_messages_never_cover_the_list_and_never_pile_up(open_page: OpenPage, schedules: None, stack: str) -> None:
    from playwright.sync_api import expect

    create_through_api(
        stack, {"payload": "messages", "recurring": "DAILY", "timezone": "UTC", "runAt": "2030-01-01T08:00:00"}
    )
    page = open_page(PHONE)
    sign_in(page)
    card = page.get_by_test_id("schedule-row").filter(has_text="messages")
    card.scroll_into_view_if_needed()

    card.get_by_role("button", name="Pause").click()
    page.get_by_test_id("confirm-pause").click()
    card.get_by_role("button", name="Resume").click()
    card.get_by_role("button", name="Run now").click()

    strip = page.get_by_role("region", name="Notifications")
    expect(strip.get_by_role("alert")).to_have_count(1)
    expect(strip).to_contain_text("Payload sent")
    assert not overlaps(box(strip), box(page.locator("main")))
    # What was just pressed is still there to press, not under a message. The list refreshes
    # after a run, so the card may still be settling: look again for up to 2 s, while the
    # message is still shown (it stays for seconds).
    run_now = card.get_by_role("button", name="Run now")
    for _ in range(20):
        if on_top(page, run_now):
            break
        page.wait_for_timeout(100)
    assert on_top(page, run_now)
    expect(strip.get_by_role("alert")).to_have_count(1)


def test_the_save_button_stays_in_sight_however_long_the_form(open_page: OpenPage, schedules: None) -> None:
    from playwright.sync_api import expect

    page = open_page({"width": 1280, "height": 900})
    sign_in(page)
    page.get_by_test_id("new-schedule").click()
    page.get_by_test_id("schedule-form").get_by_text("Recurring", exact=True).click()
    page.get_by_test_id("payload-input").fill("\n".join(f"line {n}" for n in range(40)))

    save = page.get_by_test_id("save-schedule")
    expect(save).to_be_in_viewport(ratio=1)
    found = box(save)
    assert found["y"] + found["height"] <= 900
    assert on_top(page, save)


def test_the_form_refuses_an_impossible_time_and_warns_of_a_past_one(open_page: OpenPage, schedules: None) -> None:
    from playwright.sync_api import expect

    page = open_page(PHONE)
    sign_in(page)
    page.get_by_test_id("new-schedule").click()
    form = page.get_by_test_id("schedule-form")
    form.get_by_text("Future", exact=True).click()
    page.get_by_test_id("date-input").fill((date.today() + timedelta(days=3)).isoformat())
    page.get_by_test_id("time-input").fill("25:00:00")
    page.get_by_test_id("payload-input").fill("never sent")

    expect(form).to_contain_text("25:00:00 is not a time of day: hours run from 00 to 23")
    page.get_by_test_id("save-schedule").click()
    expect(form).to_be_visible()
    expect(page.get_by_test_id("time-input")).to_have_value("25:00:00")

    page.get_by_test_id("date-input").fill((date.today() - timedelta(days=3)).isoformat())
    page.get_by_test_id("time-input").fill("09:00:00")
    expect(page.get_by_test_id("past-warning")).to_contain_text("delivered as soon as you save")
    expect(page.get_by_test_id("preview-at-once")).to_be_visible()


def test_nothing_scrolls_sideways_on_the_narrowest_phone(open_page: OpenPage, schedules: None) -> None:
    from playwright.sync_api import expect

    page = open_page({"width": 360, "height": 740})
    sign_in(page)
    expect(page.get_by_test_id("schedule-row").filter(has_text="invoice")).to_be_visible()
    assert sideways_scrollers(page) == []

    page.get_by_test_id("schedule-row").filter(has_text=DAILY).get_by_test_id("schedule-title").click()
    expect(page.get_by_role("dialog", name=DAILY).get_by_test_id("lateness-chart")).to_be_visible()
    assert sideways_scrollers(page) == []
    page.keyboard.press("Escape")

    page.get_by_test_id("new-schedule").click()
    page.get_by_test_id("schedule-form").get_by_text("Recurring", exact=True).click()
    expect(page.get_by_test_id("time-input")).to_be_visible()
    assert sideways_scrollers(page) == []


def test_the_drawers_own_actions_open_over_it(open_page: OpenPage, stack: str) -> None:
    from playwright.sync_api import expect

    create_through_api(
        stack, {"payload": "from the drawer", "recurring": "NONE", "timezone": "UTC", "runAt": "2032-01-01T08:00:00Z"}
    )
    page = open_page(DESKTOP)
    sign_in(page)
    page.get_by_test_id("schedule-row").filter(has_text="from the drawer").get_by_test_id("schedule-title").click()
    drawer = page.get_by_role("dialog", name="from the drawer")

    # Edit: the form lies over the drawer, and what is saved shows in the drawer
    drawer.get_by_role("button", name="Edit").click()
    save = page.get_by_test_id("save-schedule")
    assert on_top(page, save)
    page.get_by_test_id("time-input").fill("09:30:00")
    save.click()
    expect(drawer.get_by_test_id("drawer-rule")).to_contain_text("09:30")

    # Delete: the dialog lies over the drawer, and the drawer closes with the schedule
    drawer.get_by_role("button", name="Delete").click()
    confirm = page.get_by_test_id("confirm-delete")
    assert on_top(page, confirm)
    confirm.click()
    expect(drawer).to_be_hidden()
    expect(page.get_by_test_id("schedule-row").filter(has_text="from the drawer")).to_have_count(0)
