"""Property-based tests of the whole API from its own schemas (schemathesis), with a valid key
and moto behind the app: no 5xx anywhere, and every answer matches what the schema declares."""

from __future__ import annotations

from typing import Any

import boto3
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from service.bootstrap.api import bootstrap_api
from service.config import Settings
from service.entrypoints.app import create_app
from service.entrypoints.graphql.schema import build_schema
from tests.api.conftest import bearer
from tests.fakes import FakeHandOff

# Enough to reach every parameter and body field of each operation, while the file stays
# near a couple of minutes on two busy cores.
EXAMPLES = 50
HYPOTHESIS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
REST_CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


def _schema_only_app() -> FastAPI:
    """The app as /openapi.json and introspection see it: nothing is called on it.

    The schemas are loaded at import (schemathesis' lazy fixture loader does not work with
    this pytest); each test then calls the app of its own moto account.
    """
    session = boto3.Session(region_name="us-east-1", aws_access_key_id="none", aws_secret_access_key="none")
    queue = "https://sqs.us-east-1.amazonaws.com/000000000000/none"
    return create_app(
        bootstrap_api(
            Settings.model_validate({"table_name": "none", "queue_url": queue}), session=session, handoff=FakeHandOff()
        )
    )


# GraphQL has its own schema, tested below; /openapi.json only names its route.
rest = schemathesis.openapi.from_asgi("/openapi.json", _schema_only_app()).exclude(path_regex="^/graphql")
graphql = schemathesis.graphql.from_dict(build_schema().introspect())
GRAPHQL_URL = "http://testserver/graphql"


@rest.parametrize()
@HYPOTHESIS
def test_every_rest_operation_answers_within_its_schema(case: Any, app: FastAPI, api_key: str) -> None:
    # On the case itself: schemathesis leaves out an Authorization given to call_and_validate
    # for operations that declare a security scheme (it would send no key at all).
    case.headers = {**(case.headers or {}), **bearer(api_key)}
    response = case.call_and_validate(app=app, checks=REST_CHECKS)

    assert response.status_code not in (401, 429), response.text  # the key is valid, the limit out of reach


@graphql.parametrize()
@HYPOTHESIS
def test_every_graphql_field_answers_without_a_server_error(case: Any, app: FastAPI, api_key: str) -> None:
    # schemathesis counts any resolver error as a server failure; ours are expected
    # failures by design (SPEC section 2): an error with a stable code, never a crash.
    response = case.call(app=app, base_url=GRAPHQL_URL, headers=bearer(api_key))

    assert response.status_code == 200, response.text
    body = response.json()
    for error in body.get("errors") or []:
        assert error["message"] != "Internal error.", body  # an unexpected failure, masked
        if error.get("path"):  # raised while executing: a domain failure with its code
            assert error.get("extensions", {}).get("code"), body
