"""The local stack delivers to webhooks as the cloud does: `scheduler dev` in a process of
its own, a receiver on this machine (loopback is allowed there, and only there), a run
POSTed signed and verified with the standardwebhooks package, a refusal retried.

Waits for real time to pass (about 15 s). Run alone with
`pytest -m e2e -s tests/e2e/test_local_webhooks.py`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks import Webhook

from benchmarks.dev_stack import RunningStack, clean_env, iso
from tests.webhook_receiver import Answer, receiver

pytestmark = pytest.mark.e2e


def _wait_for(condition: Callable[[], bool], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not condition():
        time.sleep(0.1)


@pytest.fixture
def stack() -> Iterator[RunningStack]:
    running = RunningStack(clean_env())
    yield running
    running.kill()


def test_a_run_reaches_a_local_receiver_signed_and_a_refusal_is_retried(stack: RunningStack) -> None:
    with receiver(Answer(500)) as hook:
        registered = stack.http.post("/targets", json={"name": "local", "kind": "webhook", "url": hook.url()})
        assert registered.status_code == 201, registered.text
        secret = registered.json()["secret"]
        run_at = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=3)
        created = stack.http.post("/schedules", json={"payload": '{"n": 1}', "runAt": iso(run_at), "target": "local"})
        assert created.status_code == 201, created.text
        job = created.json()["jobId"]

        _wait_for(lambda: len(hook.requests) == 1, 10)
        hook.answer = Answer(204)
        retrying = stack.http.get(f"/schedules/{job}/runs").json()[0]
        _wait_for(lambda: len(hook.requests) == 2, 15)
        _wait_for(lambda: stack.http.get(f"/schedules/{job}/runs").json()[0]["status"] == "delivered", 5)

    first, second = hook.requests
    assert Webhook(secret).verify(first.body, first.headers) == {"n": 1}
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == f"{job}/{iso(run_at)}"
    assert (retrying["status"], retrying["attempts"], retrying["lastError"]) == ("queued", 1, "HTTP 500")
    assert retrying["nextAttemptAt"] is not None
    delivered = stack.http.get(f"/schedules/{job}/runs").json()[0]
    assert (delivered["status"], delivered["attempts"]) == ("delivered", 2)
    assert stack.stop() == 0
