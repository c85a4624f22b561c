"""No request blocks another: a request held inside the repository (as a slow DynamoDB
call would hold it) leaves the event loop free to answer ``/health`` and other requests.

The held request waits on an Event, not on a clock: the assertions are about order (the
others are answered while it is still held), never about how long anything took.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import anyio.to_thread
import httpx
import pytest
from fastapi import FastAPI

from service.bootstrap.api import ApiContainer, bootstrap_api
from service.config import Settings
from service.domain.runs import Run
from service.domain.schedule import Schedule, State
from service.entrypoints.local.stage_queue import LocalStageQueue
from service.services.ports import Page
from tests.api.conftest import bearer
from tests.conftest import Aws
from tests.fakes import FakeClock, InMemoryRepository

# A safety net only: without the fix the held call blocks the event loop until then,
# and the test fails because the others were answered after it, not while it was held.
HOLD_AT_MOST_SECONDS = 10

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


class HeldRepository(InMemoryRepository):
    """Holds every ``list`` (or, told so, every ``list_runs``) until the test releases it;
    everything else answers at once."""

    def __init__(self, held: str = "list") -> None:
        super().__init__()
        self.held = held
        self.entered = threading.Event()
        self.released = threading.Event()

    def list(
        self, namespace: str, limit: int, cursor: str | None, state: State | None, **kwargs: Any
    ) -> Page[Schedule]:
        self._hold("list")
        return super().list(namespace, limit, cursor, state, **kwargs)

    def list_runs(
        self, schedule: Schedule, limit: int, cursor: str | None, queued_by: datetime | None = None, **kwargs: Any
    ) -> Page[Run]:
        self._hold("list_runs")
        return super().list_runs(schedule, limit, cursor, queued_by, **kwargs)

    def _hold(self, method: str) -> None:
        if method != self.held:
            return
        self.entered.set()
        if not self.released.wait(HOLD_AT_MOST_SECONDS):
            raise TimeoutError("the test never released the held request")


@pytest.fixture
def held_method() -> str:
    """The repository method the held repository holds (a test parametrizes it)."""
    return "list"


@pytest.fixture
def held(held_method: str) -> HeldRepository:
    return HeldRepository(held_method)


@pytest.fixture
def container(
    aws: Aws, settings: Settings, dynamodb: Any, clock: FakeClock, held: HeldRepository, stage_queue: LocalStageQueue
) -> ApiContainer:
    """The API wired with the held repository (its keys in moto's table)."""
    return bootstrap_api(
        settings, session=aws.session, dynamodb=dynamodb, repository=held, clock=clock, handoff=stage_queue
    )


@pytest.fixture
async def client(app: FastAPI, api_key: str) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test", headers=bearer(api_key)) as c:
        yield c


def _read_payload(job_id: str) -> dict[str, Any]:
    return {"query": "query($id: ID!) { schedule(jobId: $id) { payload } }", "variables": {"id": job_id}}


async def _hold(held: HeldRepository, request: Any) -> asyncio.Task[httpx.Response]:
    task = asyncio.ensure_future(request)
    # Waits in a thread, so the event loop runs the request meanwhile (if it can).
    entered = await anyio.to_thread.run_sync(held.entered.wait, HOLD_AT_MOST_SECONDS)
    assert entered, "the held request never reached the repository"
    return task


async def test_a_held_rest_list_does_not_stop_health_or_other_requests(
    held: HeldRepository, client: httpx.AsyncClient
) -> None:
    created = (await client.post("/schedules", json={"payload": "x", "runAt": "2030-01-01T00:00:00Z"})).json()
    listing = await _hold(held, client.get("/schedules"))

    health = await client.get("/health")
    one = await client.get(f"/schedules/{created['jobId']}")
    graphql = await client.post("/graphql", json=_read_payload(created["jobId"]))
    answered_while_held = not listing.done()
    held.released.set()
    listed = await listing

    assert answered_while_held
    assert health.json() == {"status": "ok"}
    assert one.json()["payload"] == "x"
    assert graphql.json()["data"] == {"schedule": {"payload": "x"}}
    assert [s["jobId"] for s in listed.json()] == [created["jobId"]]


async def test_a_held_graphql_operation_does_not_stop_health_or_other_requests(
    held: HeldRepository, client: httpx.AsyncClient
) -> None:
    created = (await client.post("/schedules", json={"payload": "y", "runAt": "2030-01-01T00:00:00Z"})).json()
    operation = await _hold(held, client.post("/graphql", json={"query": "{ schedules { nodes { jobId } } }"}))

    health = await client.get("/health")
    one = await client.post("/graphql", json=_read_payload(created["jobId"]))
    rest = await client.get(f"/schedules/{created['jobId']}/next?count=1")
    answered_while_held = not operation.done()
    held.released.set()
    listed = await operation

    assert answered_while_held
    assert health.status_code == 200
    assert one.json()["data"] == {"schedule": {"payload": "y"}}
    assert rest.status_code == 200
    assert listed.json()["data"]["schedules"]["nodes"] == [{"jobId": created["jobId"]}]


@pytest.mark.parametrize("held_method", ["list_runs"])
async def test_a_history_held_inside_a_graphql_loader_does_not_stop_health_or_other_requests(
    held: HeldRepository, client: httpx.AsyncClient
) -> None:
    created = (await client.post("/schedules", json={"payload": "z", "runAt": "2030-01-01T00:00:00Z"})).json()
    history = "query($id: ID!) { schedule(jobId: $id) { runs { nodes { status } } } }"
    operation = await _hold(
        held, client.post("/graphql", json={"query": history, "variables": {"id": created["jobId"]}})
    )

    health = await client.get("/health")
    one = await client.post("/graphql", json=_read_payload(created["jobId"]))
    answered_while_held = not operation.done()
    held.released.set()
    read = await operation

    assert answered_while_held
    assert health.status_code == 200
    assert one.json()["data"] == {"schedule": {"payload": "z"}}
    assert read.json()["data"] == {"schedule": {"runs": {"nodes": []}}}
