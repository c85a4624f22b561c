"""A run can be called back until its instant (SPEC section 4): deleting, pausing or changing a
schedule a few seconds before its run, through the API, decides what the delivery stage does
at that instant. The API, the dispatcher and the delivery function are wired as on Lambda, on
moto and one fake clock."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from service.services.dispatch import Dispatcher
from tests.conftest import NOW, Aws, Stage, received

RUN_AT = NOW + timedelta(minutes=10)


def _iso(offset: timedelta = timedelta(0)) -> str:
    return (RUN_AT + offset).strftime("%Y-%m-%dT%H:%M:%SZ")


def _handed_off(client: TestClient, dispatcher: Dispatcher, clock: Any, **fields: Any) -> str:
    """A schedule due at RUN_AT, handed to the stage by the dispatcher's tick 40 s before it."""
    job_id: str = client.post("/schedules", json={"payload": "original", "runAt": _iso(), **fields}).json()["jobId"]
    clock.set(RUN_AT - timedelta(seconds=40))
    assert dispatcher.tick(clock(), clock() + timedelta(seconds=50)).handed_off == 1
    clock.set(RUN_AT - timedelta(seconds=3))
    return job_id


def _runs(client: TestClient, job_id: str) -> list[tuple[str, str | None]]:
    return [(r["status"], r.get("reason")) for r in client.get(f"/schedules/{job_id}/runs").json()]


def test_a_schedule_deleted_seconds_before_its_run_is_not_delivered(
    aws: Aws, client: TestClient, dispatcher: Dispatcher, clock: Any, stage: Stage
) -> None:
    job_id = _handed_off(client, dispatcher, clock)
    assert _runs(client, job_id) == [("queued", None)]

    assert client.delete(f"/schedules/{job_id}").status_code == 200
    clock.set(RUN_AT)
    stage.deliver()

    assert received(aws) == []


def test_a_schedule_paused_seconds_before_its_run_has_that_run_canceled(
    aws: Aws, client: TestClient, dispatcher: Dispatcher, clock: Any, stage: Stage
) -> None:
    job_id = _handed_off(client, dispatcher, clock, recurring="daily")

    assert client.post(f"/schedules/{job_id}/pause").status_code == 200
    clock.set(RUN_AT)
    stage.deliver()

    assert received(aws) == []
    assert _runs(client, job_id) == [("canceled", "paused")]


def test_a_schedule_updated_seconds_before_its_run_delivers_it_once_under_the_new_definition(
    aws: Aws, client: TestClient, dispatcher: Dispatcher, clock: Any, stage: Stage
) -> None:
    job_id = _handed_off(client, dispatcher, clock)

    updated = client.put(f"/schedules/{job_id}", json={"payload": "updated", "runAt": _iso()})
    clock.set(RUN_AT)
    stage.deliver()

    assert updated.status_code == 200
    assert [m["Body"] for m in received(aws)] == ["updated"]
    assert _runs(client, job_id) == [("delivered", None)]


def test_a_schedule_moved_seconds_before_its_run_is_delivered_at_its_new_time_only(
    aws: Aws, client: TestClient, dispatcher: Dispatcher, clock: Any, stage: Stage
) -> None:
    job_id = _handed_off(client, dispatcher, clock)

    client.put(f"/schedules/{job_id}", json={"payload": "moved", "runAt": _iso(timedelta(seconds=20))})
    clock.set(RUN_AT)
    stage.deliver()
    at_first = received(aws)
    clock.set(RUN_AT + timedelta(seconds=20))
    stage.deliver()

    assert at_first == []
    assert [m["Body"] for m in received(aws)] == ["moved"]
    assert sorted(_runs(client, job_id)) == [("canceled", "changed"), ("delivered", None)]
