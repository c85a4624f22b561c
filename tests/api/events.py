"""The events Lambda receives: API Gateway HTTP API (payload format 2.0) requests, and the
EventBridge "Scheduled Event" that ticks the dispatcher (``scheduled_event``), and the
context object Lambda passes with them (``LambdaContext``).

API Gateway events carry only what the format defines: ``version`` "2.0", ``routeKey``
"$default", ``rawPath``, ``rawQueryString`` (as the client sent it, undecoded), lower-cased
``headers`` (repeated headers joined with commas), ``queryStringParameters`` (decoded,
repeated values joined with commas), ``requestContext`` with
``http.method/path/protocol/sourceIp/userAgent`` and ``stage`` "$default", and ``body``
with ``isBase64Encoded``.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl

# The one context object of the tests and the local stack, re-exported beside the events.
from service.entrypoints.local.lambda_context import LambdaContext as LambdaContext

ACCOUNT_ID = "123456789012"
API_ID = "a1b2c3d4e5"
DOMAIN = f"{API_ID}.execute-api.us-east-1.amazonaws.com"
SOURCE_IP = "203.0.113.7"
USER_AGENT = "curl/8.5.0"
TIME = "04/Jan/2027:12:00:00 +0000"
TIME_EPOCH = 1799064000000
REGION = "us-east-1"
TICK_RULE_ARN = f"arn:aws:events:{REGION}:{ACCOUNT_ID}:rule/scheduler-dispatch"


def http_api_event(
    method: str,
    path: str,
    *,
    query: str = "",
    body: str | bytes | None = None,
    headers: dict[str, str] | None = None,
    base64_body: bool = False,
    request_id: str = "JKJaXmPLvHcESHA=",
) -> dict[str, Any]:
    """The event API Gateway sends for ``method path?query`` with ``body``."""
    sent_headers = {
        "accept": "*/*",
        "host": DOMAIN,
        "user-agent": USER_AGENT,
        "x-amzn-trace-id": "Root=1-677923c0-1a2b3c4d5e6f708192a3b4c5",
        "x-forwarded-for": SOURCE_IP,
        "x-forwarded-port": "443",
        "x-forwarded-proto": "https",
    }
    for name, value in (headers or {}).items():
        sent_headers[name.lower()] = value
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": query,
        "headers": sent_headers,
        "requestContext": {
            "accountId": ACCOUNT_ID,
            "apiId": API_ID,
            "domainName": DOMAIN,
            "domainPrefix": API_ID,
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": SOURCE_IP,
                "userAgent": USER_AGENT,
            },
            "requestId": request_id,
            "routeKey": "$default",
            "stage": "$default",
            "time": TIME,
            "timeEpoch": TIME_EPOCH,
        },
        "isBase64Encoded": False,
    }
    if query:
        parameters: dict[str, str] = {}
        for name, value in parse_qsl(query, keep_blank_values=True):
            parameters[name] = f"{parameters[name]},{value}" if name in parameters else value
        event["queryStringParameters"] = parameters
    if body is not None:
        raw = body.encode() if isinstance(body, str) else body
        if base64_body or isinstance(body, bytes):
            event["body"] = base64.b64encode(raw).decode()
            event["isBase64Encoded"] = True
        else:
            event["body"] = body
        sent_headers.setdefault("content-length", str(len(raw)))
    return event


def json_event(method: str, path: str, payload: Any, **kwargs: Any) -> dict[str, Any]:
    headers = {"content-type": "application/json", **kwargs.pop("headers", {})}
    return http_api_event(method, path, body=json.dumps(payload), headers=headers, **kwargs)


def scheduled_event(at: datetime, *, rule_arn: str = TICK_RULE_ARN) -> dict[str, Any]:
    """The event an EventBridge schedule rule sends for its tick at ``at``."""
    return {
        "version": "0",
        "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": ACCOUNT_ID,
        "time": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": REGION,
        "resources": [rule_arn],
        "detail": {},
    }


@dataclass
class LambdaResponse:
    """A handler's API Gateway v2 response, decoded."""

    status: int
    headers: dict[str, str]
    body: str
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def of(cls, response: dict[str, Any]) -> LambdaResponse:
        body = response.get("body") or ""
        if response.get("isBase64Encoded"):
            body = base64.b64decode(body).decode()
        headers = {k.lower(): v for k, v in (response.get("headers") or {}).items()}
        return cls(int(response["statusCode"]), headers, body, response)

    def json(self) -> Any:
        return json.loads(self.body)
