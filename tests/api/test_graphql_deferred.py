"""The GraphQL router is built at the first request to /graphql, not at start-up (the API's
cold start): until then the app has stand-in routes, which /openapi.json and every look at
the app's routes see exactly as they would see the router's own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from graphql import get_introspection_query

from service.config import Settings
from service.entrypoints.graphql.routes import INCLUDE, stand_ins
from service.entrypoints.graphql.schema import build_schema, graphql_router
from tests.api.conftest import LambdaApi

ROOT = Path(__file__).resolve().parents[2]
# A fresh interpreter builds the app, as the Lambda handler's import does, then sends it one
# GraphQL request through Mangum with an API Gateway event; it prints what it saw.
FRESH_START = """
import json, sys
from dataclasses import replace
from mangum import Mangum
from service.bootstrap.api import bootstrap_api
from service.config import Settings
from service.entrypoints.app import create_app
from service.services.keys import KeyService
from tests.api.events import LambdaContext, json_event
from tests.fakes import FakeHandOff, InMemoryRepository
from tests.key_fakes import InMemoryKeyStore

def graphql_loaded():
    return sorted({name.split(".")[0] for name in sys.modules} & {"strawberry", "graphql"})

settings = Settings.model_validate({"table_name": "t", "queue_url": "https://sqs.us-east-1.amazonaws.com/1/q"})
container = bootstrap_api(settings, dynamodb=object(), repository=InMemoryRepository(), handoff=FakeHandOff())
container = replace(container, keys=KeyService(InMemoryKeyStore()))
key = container.keys.create("default", "test").secret
handler = Mangum(create_app(container), lifespan="off")
at_start = graphql_loaded()
query = {"query": "{ timeZones { names } }"}
answer = handler(json_event("POST", "/graphql", query, headers={"authorization": f"Bearer {key}"}), LambdaContext())
print(json.dumps({"at_start": at_start, "after": graphql_loaded(), "status": answer["statusCode"],
                  "body": json.loads(answer["body"])}))
"""


def _printed_by(script: str, env: dict[str, str] | None = None) -> Any:
    """What ``script`` printed last, as JSON, run by a fresh interpreter at the project's root."""
    run = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=120
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout.splitlines()[-1])


def test_the_app_starts_without_strawberry_and_its_first_graphql_request_through_lambda_is_answered() -> None:
    seen = _printed_by(FRESH_START)

    assert seen["at_start"] == []
    assert seen["status"] == 200
    assert "UTC" in seen["body"]["data"]["timeZones"]["names"]
    assert seen["after"] == ["graphql", "strawberry"]


# Lambda's runtime module for SnapStart's hooks, as a stand-in that records them; the handler
# module is imported as Lambda imports it, then the hooks run as before a snapshot.
SNAPSHOT_HOOKS = """
hooks = []

def register_before_snapshot(hook, *args, **kwargs):
    hooks.append((hook, args, kwargs))
"""
BEFORE_SNAPSHOT = """
import json, sys
import snapshot_restore_py
import service.entrypoints.lambda_api

def graphql_loaded():
    return sorted({name.split(".")[0] for name in sys.modules} & {"strawberry", "graphql"})

at_import = graphql_loaded()
for hook, args, kwargs in snapshot_restore_py.hooks:
    hook(*args, **kwargs)
print(json.dumps({"at_import": at_import, "hooks": len(snapshot_restore_py.hooks), "before_snapshot": graphql_loaded(),
                  "schema": "service.entrypoints.graphql.schema" in sys.modules}))
"""


def test_with_snapstart_the_graphql_router_is_built_before_the_snapshot(tmp_path: Path) -> None:
    (tmp_path / "snapshot_restore_py.py").write_text(SNAPSHOT_HOOKS)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)]),
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "none",
        "AWS_SECRET_ACCESS_KEY": "none",
        "SCHEDULER_TABLE_NAME": "scheduler",
        "SCHEDULER_QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/deliveries",
        "SCHEDULER_HANDOFF_QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/handoff",
    }

    seen = _printed_by(BEFORE_SNAPSHOT, env)

    assert seen == {"at_import": [], "hooks": 1, "before_snapshot": ["graphql", "strawberry"], "schema": True}


def test_the_first_introspection_through_the_lambda_handler_serves_the_schema_unchanged(
    lambda_api: LambdaApi,
) -> None:
    answer = lambda_api.post("/graphql", {"query": get_introspection_query()})

    assert answer.status == 200
    assert answer.json() == {"data": build_schema().introspect()}


@pytest.mark.parametrize("ide", [False, True], ids=["ide off", "ide on"])
def test_the_stand_ins_document_graphql_as_the_graphql_router_does(ide: bool) -> None:
    settings = Settings.model_validate({"table_name": "t", "queue_url": "https://q", "graphql_ide": ide})
    deferred, built = FastAPI(), FastAPI()

    deferred.include_router(stand_ins(deferred, ide=ide), **INCLUDE)
    built.include_router(graphql_router(settings), **INCLUDE)

    assert deferred.openapi() == built.openapi()
    assert set(deferred.openapi()["paths"]["/graphql"]) == ({"get", "post"} if ide else {"post"})
