"""``scheduler schedules`` through ``main``, against the real app served by uvicorn (on moto)
and, for ``backfill``, a fake server answering as the route will."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI

from service.entrypoints.cli import main
from service.entrypoints.cli_http import EXIT_CONFLICT, EXIT_NOT_FOUND, EXIT_REFUSED, EXIT_UNAVAILABLE, EXIT_USAGE
from tests.conftest import Stage

UNKNOWN = "00000000-0000-7000-8000-999999999999"


@pytest.fixture
def api_url(app: FastAPI) -> Iterator[str]:
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def cli(api_url: str, api_key: str, capsys: pytest.CaptureFixture[str]) -> Any:
    """Runs ``scheduler schedules ...`` against the app; returns (exit code, stdout, stderr)."""

    def run(*argv: str, url: str | None = None) -> tuple[int, str, str]:
        code = main(["schedules", *argv, "--url", url or api_url, "--key", api_key])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def created(cli: Any, *argv: str) -> dict[str, Any]:
    code, out, err = cli("create", "--output", "json", *argv)
    assert code == 0, err
    body: dict[str, Any] = json.loads(out)
    return body


def test_create_with_a_name_labels_bounds_and_a_key_then_get_it(cli: Any) -> None:
    args = ["--payload", "send the report", "--recurring", "interval", "--interval", "PT15M"]
    args += ["--run-at", "2030-01-01T09:00:00Z", "--name", "Cool stuff", "--label", "team=payments"]
    args += ["--label", "env=prod", "--max-runs", "10", "--catch-up", "none", "--idempotency-key", "cli-1"]
    made = created(cli, *args)
    again = created(cli, *args)

    code, out, _ = cli("get", made["jobId"])

    assert again["jobId"] == made["jobId"]
    assert made["labels"] == {"team": "payments", "env": "prod"} and made["remainingRuns"] == 10
    assert code == 0
    assert "Cool stuff" in out and "env=prod, team=payments" in out and "PT15M" in out


def test_list_filters_by_label_and_name_and_follows_every_page(cli: Any) -> None:
    ids = [created(cli, "--payload", f"p{n}", "--run-at", "2030-01-01T00:00:00Z", "--name", f"Job {n}",
                   "--label", "team=ops")["jobId"] for n in range(3)]  # fmt: skip
    created(cli, "--payload", "other", "--run-at", "2030-01-01T00:00:00Z", "--label", "team=web")

    code, out, _ = cli("list", "--label", "team=ops", "--limit", "2", "--all", "--output", "json")
    _, table, _ = cli("list", "--name", "job 1")

    assert code == 0 and [s["jobId"] for s in json.loads(out)] == ids
    lines = table.splitlines()
    assert lines[0].split() == ["JOB", "ID", "NAME", "STATE", "RULE", "NEXT", "RUN", "LABELS"]
    assert len(lines) == 2 and ids[1] in lines[1] and "team=ops" in lines[1]


def test_update_changes_only_the_fields_given(cli: Any) -> None:
    made = created(cli, "--payload", "report", "--recurring", "daily", "--run-at", "2030-01-06T09:00:00",
                   "--timezone", "Europe/Berlin", "--name", "old", "--end-at", "2030-06-01T00:00:00Z")  # fmt: skip

    code, out, err = cli("update", made["jobId"], "--name", "new", "--clear", "endAt", "--output", "json")

    changed = json.loads(out)
    assert code == 0, err
    assert (changed["name"], changed["endAt"], changed["payload"]) == ("new", None, "report")
    assert (changed["timezone"], changed["runAt"], changed["version"]) == ("Europe/Berlin", made["runAt"], 2)


def test_pause_with_a_note_resume_run_runs_next_and_delete(cli: Any, stage: Stage) -> None:
    job_id = created(cli, "--payload", "p", "--recurring", "daily", "--run-at", "2030-01-06T09:00:00")["jobId"]

    code, shown, _ = cli("pause", job_id, "--note", "holiday")
    assert code == 0 and any(line.split() == ["pauseNote", "holiday"] for line in shown.splitlines())
    _, paused, _ = cli("get", job_id, "--output", "json")
    assert json.loads(paused)["pauseNote"] == "holiday"
    assert cli("resume", job_id)[0] == 0
    assert cli("run", job_id)[0] == 0
    stage.deliver()
    code, runs, _ = cli("runs", job_id)
    assert code == 0 and "manual" in runs and "delivered" in runs
    code, upcoming, _ = cli("next", job_id, "--count", "2")
    assert code == 0 and upcoming.splitlines()[1].startswith("2030-01-06T09:00:00Z")
    assert cli("delete", job_id)[0] == 0
    assert cli("get", job_id)[0] == EXIT_NOT_FOUND


def test_errors_are_the_apis_own_with_exit_codes_scripts_can_test(cli: Any, stage: Stage) -> None:
    code, _, err = cli("get", UNKNOWN)
    assert code == EXIT_NOT_FOUND and "404 not_found: no schedule with jobId" in err

    code, _, err = cli("create", "--payload", "x", "--recurring", "daily")
    assert code == EXIT_REFUSED and "422 validation_failed" in err and "runAt:" in err

    once = created(cli, "--payload", "x", "--immediate")
    stage.deliver()  # delivered at once: completed
    code, _, err = cli("pause", once["jobId"])
    assert code == EXIT_CONFLICT and "409 invalid_state" in err

    code, out, err = cli("get", UNKNOWN, "--output", "json")
    assert code == EXIT_NOT_FOUND and out == "" and json.loads(err)["error"] == "not_found"


def test_url_and_key_come_from_the_environment(
    api_url: str, api_key: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SCHEDULER_URL", api_url)
    monkeypatch.setenv("SCHEDULER_API_KEY", api_key)

    assert main(["schedules", "list"]) == 0
    monkeypatch.delenv("SCHEDULER_API_KEY")
    assert main(["schedules", "list"]) == EXIT_USAGE
    assert "give --key ($SCHEDULER_API_KEY)" in capsys.readouterr().err


def test_a_wrong_key_is_refused_and_an_unreachable_api_is_exit_5(cli: Any, api_url: str) -> None:
    assert main(["schedules", "list", "--url", api_url, "--key", "sk_live_wrong"]) == EXIT_REFUSED
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    code, _, err = cli("list", url=closed)
    assert code == EXIT_UNAVAILABLE and "could not reach" in err


# -- backfill, against a fake of the route ---------------------------------------------


class BackfillRoute(BaseHTTPRequestHandler):
    """Answers ``POST /schedules/{jobId}/backfill`` as the route will."""

    seen: list[dict[str, Any]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        BackfillRoute.seen.append({"path": self.path, "body": body, "auth": self.headers["Authorization"]})
        if body["from"] >= body["to"]:
            status, answer = 422, {"error": "validation_failed", "message": "to: must be after from",
                                   "problems": [{"field": "to", "message": "must be after from"}]}  # fmt: skip
        else:
            job_id = self.path.split("/")[2]
            runs = [
                {"occurrenceId": f"{job_id}/2027-01-0{d}T09:00:00Z", "scheduledFor": f"2027-01-0{d}T09:00:00Z",
                 "status": "queued", "trigger": "backfill", "recordedAt": "2027-01-10T00:00:00Z"}
                for d in (1, 2)
            ]  # fmt: skip
            status, answer = 201, {"jobId": job_id, "runs": runs}
        raw = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *_: Any) -> None:
        pass


@pytest.fixture
def fake_api() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BackfillRoute)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    BackfillRoute.seen = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_backfill_posts_the_range_and_shows_the_runs_it_queued(
    fake_api: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["schedules", "backfill", UNKNOWN, "--from", "2027-01-01T00:00:00Z", "--to", "2027-01-03T00:00:00Z",
                 "--url", fake_api, "--key", "sk_test"])  # fmt: skip

    out = capsys.readouterr().out
    assert code == 0
    assert BackfillRoute.seen == [{"path": f"/schedules/{UNKNOWN}/backfill",
                                   "body": {"from": "2027-01-01T00:00:00Z", "to": "2027-01-03T00:00:00Z"},
                                   "auth": "Bearer sk_test"}]  # fmt: skip
    assert out.splitlines()[1].startswith("2027-01-01T09:00:00Z  queued")
    assert len(out.splitlines()) == 3


def test_backfill_of_a_bad_range_shows_the_apis_422(fake_api: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["schedules", "backfill", UNKNOWN, "--from", "2027-01-03T00:00:00Z", "--to", "2027-01-01T00:00:00Z",
                 "--url", fake_api, "--key", "sk_test"])  # fmt: skip

    assert code == EXIT_REFUSED
    assert "422 validation_failed: to: must be after from" in capsys.readouterr().err


def test_backfill_against_the_api_queues_the_range_and_the_stage_delivers_it(cli: Any, stage: Stage) -> None:
    job_id = created(cli, "--payload", "p", "--recurring", "cron", "--cron", "0 * * * *")["jobId"]

    code, out, _ = cli("backfill", job_id, "--from", "2027-01-04T09:00:00Z", "--to", "2027-01-04T10:00:00Z")
    stage.deliver()
    _, runs, _ = cli("runs", job_id)

    assert code == 0 and out.count("backfill") == 2 and "queued" in out
    assert runs.count("backfill") == 2 and "delivered" in runs
