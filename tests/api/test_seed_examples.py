"""The seed README's examples, sent through the Lambda handler as API Gateway v2 events.

A client of the seed sends the same bodies and reads the same four fields with the same
values; the stored schedule carries more fields, and a GET after each change returns
what was written.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
from moto.server import ThreadedMotoServer

from service.adapters.table_schema import ensure_table
from tests.api.conftest import LambdaApi
from tests.api.events import LambdaContext, LambdaResponse, http_api_event, json_event
from tests.conftest import Aws, Stage, received, table_items

SEED_FIELDS = {"jobId", "payload", "minute", "recurring"}
NEW_FIELDS = {"runAt", "timezone", "cron", "state", "version", "createdAt", "updatedAt", "lastRun", "target"} | {
    *("name", "description", "labels", "startAt", "endAt", "maxRuns", "remainingRuns", "interval", "catchUp"),
    "pauseNote",
}
SEED_CREATE = {"payload": "cool stuff", "minute": 27789898, "recurring": "none"}
SEED_UPDATE = {"payload": "drink more water", "minute": 27789493, "recurring": "none"}


def minute_of(instant: datetime) -> int:
    return int(instant.timestamp()) // 60


FUTURE_MINUTE = minute_of(datetime(2027, 6, 1, 9, 30, tzinfo=UTC))


def _is_job_id(value: Any) -> bool:
    return isinstance(value, str) and len(value) == 36 and value.count("-") == 4


def _assert_seed_shape(body: dict[str, Any], sent: dict[str, Any]) -> None:
    assert set(body) == SEED_FIELDS | NEW_FIELDS
    assert _is_job_id(body["jobId"])
    assert {k: body[k] for k in ("payload", "minute", "recurring")} == sent


def test_the_seed_create_example_with_its_past_minute_is_delivered_at_once_and_kept_completed(
    aws: Aws, lambda_api: LambdaApi, stage: Stage
) -> None:
    created = lambda_api.post("/schedules", SEED_CREATE)

    assert created.status == 201
    body = created.json()
    _assert_seed_shape(body, SEED_CREATE)
    # Handed to the delivery stage at once: queued, not yet delivered.
    assert body["state"] == "active" and body["lastRun"] is None
    assert body["runAt"] == "2022-11-02T12:58:00Z"
    assert body["timezone"] == "UTC" and body["cron"] is None
    assert created.headers["location"] == f"/schedules/{body['jobId']}"
    assert created.headers["content-type"] == "application/json"
    runs = lambda_api.get(f"/schedules/{body['jobId']}/runs").json()
    assert [(r["status"], r["scheduledFor"]) for r in runs] == [("queued", "2022-11-02T12:58:00Z")]

    assert stage.deliver() == 1

    (message,) = received(aws)
    assert message["Body"] == "cool stuff"
    kept = lambda_api.get(f"/schedules/{body['jobId']}").json()
    assert kept["state"] == "completed"
    assert kept["lastRun"]["scheduledFor"] == "2022-11-02T12:58:00Z"
    assert kept["lastRun"]["status"] == "delivered"


def test_the_seed_create_example_with_a_future_minute_is_stored_active(aws: Aws, lambda_api: LambdaApi) -> None:
    sent = {**SEED_CREATE, "minute": FUTURE_MINUTE}

    created = lambda_api.post("/schedules", sent)

    assert created.status == 201
    body = created.json()
    _assert_seed_shape(body, sent)
    assert body["state"] == "active"
    assert body["version"] == 1
    assert body["lastRun"] is None
    assert body["runAt"] == "2027-06-01T09:30:00Z"
    assert created.headers["etag"] == '"1"'
    assert received(aws) == []
    fetched = lambda_api.get(f"/schedules/{body['jobId']}")
    assert fetched.status == 200
    assert fetched.json() == body


def test_the_seed_update_example_replaces_the_schedule_and_a_get_returns_it(aws: Aws, lambda_api: LambdaApi) -> None:
    job_id = lambda_api.post("/schedules", {**SEED_CREATE, "minute": FUTURE_MINUTE}).json()["jobId"]
    sent = {**SEED_UPDATE, "minute": FUTURE_MINUTE + 60}

    updated = lambda_api.put(f"/schedules/{job_id}", sent)

    assert updated.status == 200
    body = updated.json()
    _assert_seed_shape(body, sent)
    assert body["jobId"] == job_id
    assert body["version"] == 2
    assert lambda_api.get(f"/schedules/{job_id}").json() == body


def test_the_seed_update_example_with_its_past_minute_delivers_the_new_payload(
    aws: Aws, lambda_api: LambdaApi, stage: Stage
) -> None:
    job_id = lambda_api.post("/schedules", {**SEED_CREATE, "minute": FUTURE_MINUTE}).json()["jobId"]

    updated = lambda_api.put(f"/schedules/{job_id}", SEED_UPDATE)
    stage.deliver()

    assert updated.status == 200
    body = updated.json()
    _assert_seed_shape(body, SEED_UPDATE)
    assert [m["Body"] for m in received(aws)] == ["drink more water"]
    assert lambda_api.get(f"/schedules/{job_id}").json()["state"] == "completed"


def test_the_seed_list_example_shape_holds_for_a_daily_schedule(lambda_api: LambdaApi) -> None:
    daily = lambda_api.post("/schedules", {"payload": "Nice one", "minute": FUTURE_MINUTE, "recurring": "daily"})
    once = lambda_api.post("/schedules", {**SEED_CREATE, "minute": FUTURE_MINUTE})

    listed = lambda_api.get("/schedules")

    assert listed.status == 200
    body = listed.json()
    assert isinstance(body, list)
    assert body == [daily.json(), once.json()]  # oldest first
    assert body[0]["recurring"] == "daily" and body[0]["minute"] == FUTURE_MINUTE
    assert "link" not in listed.headers  # one page only


def test_the_seed_delete_example_answers_200_and_the_schedule_is_gone(aws: Aws, lambda_api: LambdaApi) -> None:
    job_id = lambda_api.post("/schedules", {**SEED_CREATE, "minute": FUTURE_MINUTE}).json()["jobId"]

    deleted = lambda_api.delete(f"/schedules/{job_id}")

    assert deleted.status == 200
    assert deleted.json()["jobId"] == job_id
    assert lambda_api.get(f"/schedules/{job_id}").status == 404
    assert lambda_api.get("/schedules").json() == []
    assert table_items(aws) == []


def test_a_base64_encoded_body_is_read_as_api_gateway_sends_it(lambda_api: LambdaApi) -> None:
    event = json_event(
        "POST", "/schedules", {**SEED_CREATE, "minute": FUTURE_MINUTE}, base64_body=True, headers=lambda_api.headers
    )
    assert event["isBase64Encoded"] is True

    response = LambdaResponse.of(lambda_api.handler(event, LambdaContext()))

    assert response.status == 201
    assert response.json()["payload"] == "cool stuff"


def test_the_query_string_reaches_the_app_undecoded_as_api_gateway_passes_it(lambda_api: LambdaApi) -> None:
    for _ in range(3):
        lambda_api.post("/schedules", {**SEED_CREATE, "minute": FUTURE_MINUTE})

    first = lambda_api.get("/schedules", query="limit=2&state=active")

    assert [len(first.json())] == [2]
    link = first.headers["link"]
    assert link.startswith("</schedules?") and link.endswith('>; rel="next"')
    next_query = link[len("</schedules?") : -len('>; rel="next"')]
    second = lambda_api.get("/schedules", query=next_query)
    assert len(second.json()) == 1
    assert {s["jobId"] for s in first.json()}.isdisjoint(s["jobId"] for s in second.json())


# Imports the real entry points in a fresh interpreter, as Lambda does, and sends the API the
# events; then gives the delivery function what the API handed off, as Lambda's SQS event
# source would.
LAMBDA_SCRIPT = """
import json, sys
import service.entrypoints.lambda_api as module
from service.entrypoints.local.lambda_context import LambdaContext
given = json.load(sys.stdin)
secret = module.app.state.container.keys.create("default", "lambda").secret
answers = []
for event in given:
    event["headers"]["authorization"] = f"Bearer {secret}"
    answers.append(module.handler(event, LambdaContext(function_name="scheduler-api")))
import os, boto3
import service.entrypoints.lambda_delivery as delivery
sqs = boto3.client("sqs")
handed = sqs.receive_message(
    QueueUrl=os.environ["SCHEDULER_HANDOFF_QUEUE_URL"], MaxNumberOfMessages=10,
    MessageAttributeNames=["All"], AttributeNames=["All"],
)["Messages"]
records = [
    {
        "messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
        "attributes": m["Attributes"], "eventSource": "aws:sqs",
        "messageAttributes": {
            k: {"stringValue": v["StringValue"], "dataType": v["DataType"]} for k, v in m["MessageAttributes"].items()
        },
    }
    for m in handed
]
failures = delivery.handler({"Records": records}, LambdaContext(function_name="scheduler-delivery", timeout_seconds=30))
print(json.dumps([answers, len(records), failures]))
"""


def test_the_real_lambda_module_serves_the_seed_examples_configured_by_its_environment(tmp_path: Path) -> None:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        aws = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1")
        ensure_table(aws.client("dynamodb", endpoint_url=endpoint), "seed")
        sqs = aws.client("sqs", endpoint_url=endpoint)
        queue_url = sqs.create_queue(QueueName="seed")["QueueUrl"]
        handoff_url = sqs.create_queue(QueueName="seed-handoff")["QueueUrl"]
        future = minute_of(datetime(2999, 1, 1, tzinfo=UTC))
        events = [
            json_event("POST", "/schedules", SEED_CREATE),
            json_event("POST", "/schedules", {**SEED_CREATE, "minute": future}),
            http_api_event("GET", "/health"),
        ]
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(tmp_path),
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "SCHEDULER_TABLE_NAME": "seed",
            "SCHEDULER_QUEUE_URL": queue_url,
            "SCHEDULER_HANDOFF_QUEUE_URL": handoff_url,
        }

        run = subprocess.run(
            [sys.executable, "-c", LAMBDA_SCRIPT],
            input=json.dumps(events),
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

        assert run.returncode == 0, run.stderr[-4000:]
        answers, handed_off, delivered = json.loads(run.stdout.splitlines()[-1])
        created, later, health = (LambdaResponse.of(a) for a in answers)
        assert created.status == 201 and created.json()["runAt"] == "2022-11-02T12:58:00Z"
        assert later.status == 201 and later.json()["state"] == "active"
        assert health.status == 200 and health.json() == {"status": "ok"}
        assert handed_off == 1  # the past run, handed to the stage by the API
        assert delivered == {"batchItemFailures": []}
        (message,) = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, MessageAttributeNames=["All"])[
            "Messages"
        ]
        assert message["Body"] == "cool stuff"
        assert message["MessageAttributes"]["namespace"]["StringValue"] == "default"
    finally:
        server.stop()
