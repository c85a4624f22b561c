"""The API documents (/docs, /redoc) and the GraphQL IDE (/graphql) in a real browser against the
local stack, with no way out: a request to any other host is refused, as on a machine with no
network, and every request a page makes is recorded. Each page renders from the stack alone,
asks no other host for anything, and breaks nothing of its Content-Security-Policy; in the IDE a
person gives the key and runs a query."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.browser_support import API_KEY, RECORD_CSP_VIOLATIONS, UI_TIMEOUT_MS, csp_violations

pytestmark = pytest.mark.e2e


class Offline:
    """A page whose requests to other hosts are refused and recorded, with all it asked for."""

    def __init__(self, context: Any, origin: str) -> None:
        self.origin = origin
        self.requested: list[str] = []
        context.route("**/*", self._only_the_stack)
        self.page = context.new_page()
        # Every request the page makes, those its policy stops before they leave included.
        self.page.on("request", lambda request: self.requested.append(request.url))

    def _only_the_stack(self, route: Any) -> None:
        if self._is_own(route.request.url):
            route.continue_()
        else:
            route.abort("internetdisconnected")

    def _is_own(self, url: str) -> bool:
        return url.startswith((f"{self.origin}/", f"blob:{self.origin}/", "data:"))

    def elsewhere(self) -> list[str]:
        self.page.wait_for_load_state("networkidle")
        return [url for url in self.requested if not self._is_own(url)]


@pytest.fixture
def offline(browser: Any, stack: str) -> Iterator[Offline]:
    context = browser.new_context(base_url=stack, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(UI_TIMEOUT_MS)
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    try:
        yield Offline(context, stack)
    finally:
        context.close()


def _create_schedule(base_url: str, payload: str) -> None:
    request = urllib.request.Request(
        f"{base_url}/schedules",
        data=json.dumps({"payload": payload, "runAt": "2099-01-01T09:00:00Z"}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {API_KEY}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 201


@pytest.mark.parametrize(("path", "rendered"), [("/docs", ".swagger-ui .info .title"), ("/redoc", "redoc h1")])
def test_the_api_documents_render_from_the_stack_alone(offline: Offline, path: str, rendered: str) -> None:
    from playwright.sync_api import expect

    offline.page.goto(path)

    expect(offline.page.locator(rendered).first).to_contain_text("Scheduler")
    assert offline.elsewhere() == []
    assert csp_violations(offline.page) == []


def test_the_graphql_ide_renders_from_the_stack_alone_and_runs_a_query_with_the_key(
    offline: Offline, stack: str
) -> None:
    from playwright.sync_api import expect

    # Given a schedule in the namespace, and the IDE open
    _create_schedule(stack, "seen through the IDE")
    page = offline.page
    page.goto("/graphql")
    expect(page.locator(".graphiql-query-editor")).to_contain_text("query Schedules")

    # When the person writes the key in Headers and runs the query the IDE opens with
    headers = page.locator(".graphiql-editor-tool .graphiql-editor:not(.hidden)")
    headers.click()
    page.keyboard.type(f'{{"Authorization": "Bearer {API_KEY}"}}')
    expect(headers).to_contain_text(API_KEY)
    page.get_by_role("button", name="Execute query (Ctrl-Enter)").click()

    # Then the answer is the namespace's schedules (other tests share the stack: the one
    # created here may be on a later page, but a page of schedules is there)
    result = page.locator(".result-window")
    expect(result).to_contain_text('"schedules": {')
    expect(result).to_contain_text('"payload": ')
    assert "unauthorized" not in result.inner_text()

    # And with the key the IDE reads the schema, for its docs panel
    page.get_by_role("button", name="Re-fetch GraphQL schema (Shift-Ctrl-R)").click()
    page.get_by_role("button", name="Show Documentation Explorer").click()
    expect(page.locator(".graphiql-doc-explorer")).to_contain_text("Mutation")

    assert offline.elsewhere() == []
    assert csp_violations(page) == []
