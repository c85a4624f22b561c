"""The namespace's webhooks in a real browser, on a phone: a person registers one in the
targets drawer and sees its signing secret once, beside a copy button; a run to it that failed
is redelivered from the schedule's drawer and arrives signed with that secret; the secret is
rotated, then the webhook deleted. Axe judges each screen, and the drawer never scrolls sideways.

The local stack allows webhooks on loopback, so the receiver is a server in this process.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from standardwebhooks import Webhook

from service.services.targets import DEFAULT_CACHE_TTL
from tests.e2e.browser_support import (
    PHONE,
    accessibility_failures,
    create_through_api,
    csp_violations,
    graphql,
    screenshot,
    sideways_scrollers,
    sign_in,
)
from tests.e2e.conftest import OpenPage
from tests.webhook_receiver import Answer, receiver

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

pytestmark = pytest.mark.e2e

RUN_STATUS = "query($jobId: ID!) { schedule(jobId: $jobId) { runs(first: 1) { nodes { status } } } }"


def _fits(page: Page, screen: str) -> None:
    failures = accessibility_failures(page)
    assert failures == [], f"{screen}: {failures}"
    scrollers = sideways_scrollers(page)
    assert scrollers == [], f"{screen}: {scrollers}"


def _wait_for_status(stack: str, job_id: str, status: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    seen: list[str] = []
    while time.monotonic() < deadline:
        seen = [run["status"] for run in graphql(stack, RUN_STATUS, {"jobId": job_id})["schedule"]["runs"]["nodes"]]
        if seen == [status]:
            return
        time.sleep(0.2)
    pytest.fail(f"the run of {job_id} is {seen}, not {status}, after {seconds} s")


def _open_targets(page: Page) -> Locator:
    from playwright.sync_api import expect

    page.get_by_role("button", name="Targets").click()
    drawer = page.get_by_role("dialog", name="Targets")
    expect(drawer.get_by_test_id("target-list")).to_be_visible()
    return drawer


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_person_registers_a_webhook_redelivers_a_failed_run_rotates_the_secret_and_deletes_it(
    open_page: OpenPage, stack: str, scheme: str
) -> None:
    from playwright.sync_api import expect

    name = f"hook-{uuid.uuid4().hex[:8]}"
    payload = f'{{"redelivered": "{name}"}}'
    # A list with a schedule in it (the empty list's own screen is not this test's)
    create_through_api(
        stack, {"payload": "a neighbour", "recurring": "NONE", "timezone": "UTC", "runAt": "2031-01-01T00:00:00Z"}
    )
    page = open_page(PHONE, scheme)
    sign_in(page)

    with receiver(Answer(500)) as hook:
        # Register it: one attempt only, so the refused run fails at once
        drawer = _open_targets(page)
        drawer.get_by_test_id("add-webhook").click()
        drawer.get_by_test_id("webhook-name").fill(name)
        drawer.get_by_test_id("webhook-url").fill(hook.url())
        drawer.get_by_test_id("webhook-max-attempts").fill("1")
        _fits(page, "the webhook form")
        screenshot(page, f"webhook-form-phone-{scheme}.png")
        # The delivery stage remembers a namespace's targets for a while: a run due later than
        # that finds the new webhook, whatever it remembered just before.
        due = datetime.now(UTC).replace(microsecond=0) + DEFAULT_CACHE_TTL + timedelta(seconds=2)
        drawer.get_by_test_id("save-webhook").click()

        # The secret, once, with a copy button and a warning
        reveal = drawer.get_by_test_id("secret-reveal")
        expect(reveal).to_contain_text("you will not see it again")
        expect(reveal.get_by_role("button", name="Copy the secret")).to_be_visible()
        secret = reveal.get_by_test_id("secret-value").inner_text()
        assert secret.startswith("whsec_")
        card = drawer.get_by_test_id("target-card").filter(has_text=name)
        expect(card.get_by_test_id("target-kind")).to_have_text("webhook")
        expect(card).to_contain_text("1 attempt within")
        _fits(page, "targets drawer with a secret")
        screenshot(page, f"webhook-secret-phone-{scheme}.png")
        reveal.get_by_test_id("dismiss-secret").click()
        expect(reveal).to_be_hidden()
        expect(drawer).not_to_contain_text(secret)
        page.keyboard.press("Escape")
        expect(drawer).to_be_hidden()

        # A run to it is refused and fails; redelivered once the receiver accepts, it arrives
        job_id = create_through_api(
            stack,
            {
                "payload": payload,
                "recurring": "NONE",
                "timezone": "UTC",
                "runAt": f"{due:%Y-%m-%dT%H:%M:%SZ}",
                "target": name,
            },
        )
        _wait_for_status(stack, job_id, "FAILED", seconds=30)
        page.reload()
        page.get_by_test_id("schedule-row").filter(has_text=payload).get_by_test_id("schedule-title").click()
        details = page.get_by_role("dialog", name=payload)
        run = details.get_by_test_id("run-row").first
        expect(run.get_by_test_id("run-status")).to_have_text("failed", ignore_case=True)
        run.get_by_role("button").first.click()
        expect(run.get_by_test_id("run-detail")).to_contain_text("HTTP 500")
        _fits(page, "a failed run")
        hook.answer = Answer(204)
        run.get_by_test_id("redeliver-run").click()
        expect(details.get_by_role("region", name="Messages about this schedule")).to_contain_text(
            "The run is queued to be delivered again"
        )
        expect(details.get_by_test_id("run-row").first.get_by_test_id("run-status")).to_have_text(
            "delivered", ignore_case=True, timeout=20_000
        )
        assert len(hook.requests) == 2
        first, again = hook.requests
        assert first.headers["webhook-id"] == again.headers["webhook-id"]
        assert Webhook(secret).verify(again.body, again.headers) == {"redelivered": name}
        page.keyboard.press("Escape")
        expect(details).to_be_hidden()

    # Rotate the secret: a new one, once, and the old one said to keep working
    drawer = _open_targets(page)
    card = drawer.get_by_test_id("target-card").filter(has_text=name)
    card.get_by_test_id("rotate-secret").click()
    reveal = drawer.get_by_test_id("secret-reveal")
    expect(reveal).to_contain_text(f"The new secret of {name}")
    expect(reveal).to_contain_text("The old secret keeps working for 24 hours")
    rotated = reveal.get_by_test_id("secret-value").inner_text()
    assert rotated.startswith("whsec_") and rotated != secret
    _fits(page, "targets drawer with a rotated secret")

    # Delete it, after a dialog that names it
    card.get_by_test_id("delete-target").click()
    dialog = page.get_by_role("dialog", name="Delete this webhook?")
    expect(dialog.get_by_test_id("delete-target-name")).to_have_text(name)
    _fits(page, "delete a webhook")
    dialog.get_by_test_id("confirm-delete-target").click()
    expect(dialog).to_be_hidden()
    expect(card).to_have_count(0)
    expect(drawer.get_by_test_id("target-removed")).to_have_text(f"{name} was deleted.")
    expect(drawer.get_by_test_id("secret-reveal")).to_have_count(0)
    graphql(stack, "mutation($jobId: ID!) { deleteSchedule(jobId: $jobId) { __typename } }", {"jobId": job_id})

    assert csp_violations(page) == []
