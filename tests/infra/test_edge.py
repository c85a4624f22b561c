"""What CloudFront tells the API: the viewer's address, believed only next to the origin secret."""

from __future__ import annotations

import json
import subprocess

import pytest

from infra.edge import VIEWER_ADDRESS
from service.entrypoints.client import ORIGIN_SECRET_HEADER, VIEWER_ADDRESS_HEADER
from service.entrypoints.security_headers import CSP, HEADERS
from tests.infra.program import Deployment

DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
PARAMETER = "aws:ssm/parameter:Parameter"


def test_cloudfront_shows_the_api_the_secret_its_function_holds(prod: Deployment) -> None:
    secret = prod.one(PARAMETER)
    api_origin = next(o for o in prod.one(DISTRIBUTION).inputs["origins"] if o["originId"] == "api")
    env = prod.one("aws:lambda/function:Function", "api").inputs["environment"]["variables"]

    assert secret.inputs["type"] == "SecureString"
    assert len(secret.inputs["value"]) >= 40
    assert api_origin["customHeaders"] == [{"name": "X-Origin-Verify", "value": secret.outputs["value"]}]
    assert api_origin["customHeaders"][0]["name"].lower() == ORIGIN_SECRET_HEADER
    assert env["SCHEDULER_ORIGIN_SECRET"] == secret.outputs["value"]


def test_the_secret_is_drawn_once_and_kept_across_deployments(prod: Deployment) -> None:
    # Each run draws a new value; without ignore_changes every `pulumi up` would change it.
    assert prod.one(PARAMETER).ignore_changes == ("value",)


def test_every_api_behaviour_writes_the_viewer_address_and_the_web_one_does_not(prod: Deployment) -> None:
    distribution = prod.one(DISTRIBUTION).inputs
    function = prod.one("aws:cloudfront/function:Function", "web-viewer-address")

    for behaviour in distribution["orderedCacheBehaviors"]:
        assert behaviour["functionAssociations"] == [
            {"eventType": "viewer-request", "functionArn": function.outputs["arn"]}
        ]
    assert function.outputs["arn"] not in json.dumps(distribution["defaultCacheBehavior"])


def test_the_function_overwrites_a_viewer_address_the_viewer_sent() -> None:
    node = subprocess.run(["node", "--version"], capture_output=True, check=False)
    if node.returncode != 0:
        pytest.skip("node is needed to run the CloudFront function")
    event = {"viewer": {"ip": "198.51.100.23"}, "request": {"headers": {VIEWER_ADDRESS_HEADER: {"value": "1.1.1.1"}}}}
    script = f"{VIEWER_ADDRESS}\nconsole.log(JSON.stringify(handler({json.dumps(event)}).headers));"

    result = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True)

    assert json.loads(result.stdout) == {VIEWER_ADDRESS_HEADER: {"value": "198.51.100.23"}}


def test_a_response_headers_policy_with_the_apps_own_headers_is_on_every_behaviour(prod: Deployment) -> None:
    policy = prod.one("aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy")
    distribution = prod.one(DISTRIBUTION).inputs
    behaviours = [distribution["defaultCacheBehavior"], *distribution["orderedCacheBehaviors"]]

    assert {b["responseHeadersPolicyId"] for b in behaviours} == {policy.id}
    config = policy.inputs["securityHeadersConfig"]
    assert config["contentSecurityPolicy"] == {"contentSecurityPolicy": CSP, "override": False}
    assert "frame-ancestors 'none'" in CSP
    assert config["contentTypeOptions"] == {"override": False}
    assert config["frameOptions"] == {"frameOption": "DENY", "override": False}
    assert config["referrerPolicy"] == {"referrerPolicy": "no-referrer", "override": False}
    hsts = config["strictTransportSecurity"]
    assert (hsts["accessControlMaxAgeSec"], hsts["includeSubdomains"], hsts["override"]) == (63072000, True, True)
    custom = {item["header"]: item["value"] for item in policy.inputs["customHeadersConfig"]["items"]}
    assert custom == {
        name: value
        for name, value in HEADERS.items()
        if name not in ("X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy")
    }
    # The API's own headers win (the documents' pages have a policy of their own).
    assert not any(item["override"] for item in policy.inputs["customHeadersConfig"]["items"])


def test_the_managed_security_headers_policy_is_no_longer_used(prod: Deployment) -> None:
    assert "67f7725c-6f97-4210-82d7-5512b31e9d03" not in json.dumps(prod.one(DISTRIBUTION).inputs)
