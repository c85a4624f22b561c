"""Manual runs ("run now") have occurrence ids of their own (SPEC section 4): ten in the same
second are ten messages with ten ids and ten history items; the schedule's own occurrences keep
``<jobId>/<scheduledFor>``."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.bootstrap.api import bootstrap_api
from service.bootstrap.delivery import bootstrap_delivery
from service.config import Settings
from service.entrypoints.app import create_app
from service.entrypoints.local.stage_queue import LocalStageQueue
from tests.api.conftest import LambdaApi, bearer
from tests.conftest import Aws, Stage, received
from tests.fakes import FakeClock

WEEKLY = {"payload": "report", "recurring": "weekly", "runAt": "2027-01-11T09:00:00Z"}
RUN_NOW = "mutation($id: ID!) { runScheduleNow(jobId: $id) { ... on Schedule { lastRun { occurrenceId } } } }"


def _ids(messages: list[dict[str, Any]]) -> list[str]:
    return [m["MessageAttributes"]["occurrenceId"]["StringValue"] for m in messages]


def _history(client: TestClient, job_id: str) -> list[dict[str, Any]]:
    response = client.get(f"/schedules/{job_id}/runs?limit=100")
    assert response.status_code == 200
    runs: list[dict[str, Any]] = response.json()
    return runs


def test_ten_runs_now_in_one_second_are_ten_messages_with_ten_ids_and_ten_history_items(
    aws: Aws, client: TestClient, stage: Stage
) -> None:
    job_id = client.post("/schedules", json=WEEKLY).json()["jobId"]

    answers = [client.post(f"/schedules/{job_id}/run").json() for _ in range(10)]  # the clock stands still
    stage.deliver()

    ids = _ids(received(aws))
    assert len(ids) == len(set(ids)) == 10
    assert all(i.startswith(f"{job_id}/2027-01-04T12:00:00Z/") for i in ids)
    assert {a["lastRun"]["occurrenceId"] for a in answers} == set(ids)
    history = _history(client, job_id)
    assert sorted(r["occurrenceId"] for r in history) == sorted(ids)
    assert {(r["trigger"], r["status"]) for r in history} == {("manual", "delivered")}


def test_a_scheduled_occurrence_keeps_its_job_id_and_time_as_its_id(aws: Aws, client: TestClient, stage: Stage) -> None:
    created = client.post("/schedules", json={"payload": "x", "minute": 27789898}).json()  # past: delivered now
    stage.deliver()

    (message,) = received(aws)
    assert _ids([message]) == [f"{created['jobId']}/2022-11-02T12:58:00Z"]
    kept = client.get(f"/schedules/{created['jobId']}").json()
    assert kept["lastRun"]["occurrenceId"] == f"{created['jobId']}/2022-11-02T12:58:00Z"


def test_graphql_and_the_lambda_handler_give_each_manual_run_its_own_id(
    aws: Aws, client: TestClient, lambda_api: LambdaApi, stage: Stage
) -> None:
    job_id = client.post("/schedules", json=WEEKLY).json()["jobId"]

    through_graphql = [
        client.post("/graphql", json={"query": RUN_NOW, "variables": {"id": job_id}}).json() for _ in range(3)
    ]
    through_lambda = [lambda_api.post(f"/schedules/{job_id}/run").json() for _ in range(3)]
    stage.deliver()

    ids = {g["data"]["runScheduleNow"]["lastRun"]["occurrenceId"] for g in through_graphql}
    ids |= {r["lastRun"]["occurrenceId"] for r in through_lambda}
    assert len(ids) == 6
    assert set(_ids(received(aws))) == ids
    assert len(_history(client, job_id)) == 6


@pytest.fixture
def fifo_settings(aws: Aws, settings: Settings) -> Settings:
    return settings.model_copy(update={"queue_url": aws.fifo_queue_url})


def test_on_a_fifo_queue_runs_now_in_one_second_are_not_deduplicated_by_sqs(
    aws: Aws, fifo_settings: Settings, clock: FakeClock, stage_queue: LocalStageQueue
) -> None:
    # Every run in one second, to the default namespace's built-in target: a FIFO queue.
    container = bootstrap_api(fifo_settings, session=aws.session, clock=clock, handoff=stage_queue)
    delivery = bootstrap_delivery(fifo_settings, session=aws.session, queue=stage_queue, clock=clock)
    key = container.keys.create("default", "tests").secret
    with TestClient(create_app(container), headers=bearer(key)) as fifo_client:
        job_id = fifo_client.post("/schedules", json=WEEKLY).json()["jobId"]
        for _ in range(5):
            assert fifo_client.post(f"/schedules/{job_id}/run").status_code == 200
    Stage(delivery, stage_queue).deliver()

    assert len(set(_ids(received(aws, aws.fifo_queue_url)))) == 5
