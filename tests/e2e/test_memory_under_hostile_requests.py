"""Under the hostile requests of issue "bounded work", the API's process stays within
300 MB of its idle memory: the app runs in a process of its own (uvicorn, with moto in
another one), and its peak resident size is read from /proc after the requests.

Measured, not timed: the figure is the kernel's high-water mark of the process's memory.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from benchmarks.app_process import (
    NEXT_RUNS_OF_A_FULL_PAGE,
    NEXT_RUNS_UNDER_20_ALIASES,
    PAYLOAD_PAGES_UNDER_4_ALIASES,
    PAYLOADS_UNDER_20_ALIASES,
    AppProcess,
    large_schedules,
    running_app,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(), reason="reads the peak memory from Linux's /proc"),
]

HEADROOM_BYTES = 300 * 1024 * 1024
AT_ONCE = 5


@pytest.fixture(scope="module")
def app() -> Iterator[AppProcess]:
    with running_app(large_schedules(100)) as running:
        yield running


def list_every_page(app: AppProcess) -> int:
    """GET /schedules?limit=100, then each next link; the number of schedules seen."""
    seen = 0
    with httpx.Client(base_url=app.base_url, headers=app.headers, timeout=300) as client:
        url: str | None = "/schedules?limit=100"
        while url:
            response = client.get(url)
            assert response.status_code == 200
            seen += len(response.json())
            url = response.links.get("next", {}).get("url")
    return seen


def post_graphql(app: AppProcess, document: str) -> dict[str, object]:
    with httpx.Client(base_url=app.base_url, headers=app.headers, timeout=300) as client:
        response = client.post("/graphql", json={"query": document})
        assert response.status_code == 200
        body: dict[str, object] = response.json()
        return body


def test_hostile_requests_keep_the_process_within_300_mb_of_idle(app: AppProcess) -> None:
    post_graphql(app, "{ schedules(first: 1) { nodes { jobId } } }")  # everything imported and warm
    idle = app.rss()
    app.reset_peak_rss()

    documents = [PAYLOADS_UNDER_20_ALIASES, NEXT_RUNS_UNDER_20_ALIASES, PAYLOAD_PAGES_UNDER_4_ALIASES]
    documents.append(NEXT_RUNS_OF_A_FULL_PAGE)
    with ThreadPoolExecutor(max_workers=AT_ONCE * (len(documents) + 1)) as pool:
        listings = [pool.submit(list_every_page, app) for _ in range(AT_ONCE)]
        answers = [pool.submit(post_graphql, app, d) for d in documents for _ in range(AT_ONCE)]
        seen = [f.result() for f in listings]
        bodies = [f.result() for f in answers]

    peak = app.peak_rss()
    print(f"idle {idle / 2**20:.0f} MiB, peak {peak / 2**20:.0f} MiB", file=sys.stderr)
    assert seen == [100] * AT_ONCE
    refused = [b for b in bodies if b.get("data") is None]
    assert len(refused) == 2 * AT_ONCE  # the two hostile documents; the heaviest allowed ones ran
    assert peak - idle < HEADROOM_BYTES
