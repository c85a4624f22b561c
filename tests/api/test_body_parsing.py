"""Bodies JSON cannot parse are ``400 malformed_json`` naming why, whatever broke the parser."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import LambdaApi
from tests.api.events import LambdaContext, LambdaResponse, http_api_event
from tests.conftest import Aws, received, table_items

UNPARSABLE = [
    (b'{"payload": "\xff\xfe", "immediate": true}', "not UTF-8 JSON: byte 0xff at position 13"),
    (b"[" * 5000 + b"]" * 5000, "nest too deeply"),
    (b'{"a": ' * 5000 + b"1" + b"}" * 5000, "nest too deeply"),
    (b'{"payload": "x", "minute": ' + b"9" * 5000 + b"}", "more than 4300 digits"),
    (b'{"payload": "x",', "not valid JSON"),
]
IDS = ["invalid-utf8", "arrays-5000-deep", "objects-5000-deep", "number-5000-digits", "truncated"]
JSON = {"content-type": "application/json"}


@pytest.mark.parametrize(("body", "words"), UNPARSABLE, ids=IDS)
def test_a_body_json_cannot_parse_is_400_malformed_json_on_every_route_that_takes_one(
    aws: Aws, client: TestClient, body: bytes, words: str
) -> None:
    job_id = client.post("/schedules", json={"payload": "kept", "runAt": "2027-06-01T09:30:00Z"}).json()["jobId"]
    before = table_items(aws)

    for method, path in (("POST", "/schedules"), ("PUT", f"/schedules/{job_id}"), ("POST", "/schedules/preview")):
        response = client.request(method, path, content=body, headers=JSON)

        assert response.status_code == 400, (path, response.text)
        assert response.json()["error"] == "malformed_json"
        assert words in response.json()["message"]
    assert table_items(aws) == before
    assert received(aws) == []


@pytest.mark.parametrize(("body", "words"), UNPARSABLE, ids=IDS)
def test_through_the_lambda_handler_an_unparsable_body_is_400_malformed_json(
    lambda_api: LambdaApi, body: bytes, words: str
) -> None:
    # Invalid UTF-8 can only reach API Gateway's event base64-encoded; send every body so.
    event = http_api_event("POST", "/schedules", body=body, headers={**JSON, **lambda_api.headers})

    response = LambdaResponse.of(lambda_api.handler(event, LambdaContext()))

    assert response.status == 400, response.body
    assert response.json()["error"] == "malformed_json"
    assert words in response.json()["message"]
