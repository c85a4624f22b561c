"""The web UI: a private bucket behind CloudFront, with the API behind the same distribution."""

from __future__ import annotations

import json
import subprocess

import pytest

from infra.api import PATH_PATTERNS
from infra.web import SPA_FALLBACK
from tests.infra.program import Deployment

DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"


def _origins(prod: Deployment) -> dict[str, dict[str, object]]:
    return {o["originId"]: o for o in prod.one(DISTRIBUTION).inputs["origins"]}


def test_the_bucket_is_private_and_encrypted(prod: Deployment) -> None:
    block = prod.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs
    ownership = prod.one("aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs
    encryption = prod.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")

    for setting in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"):
        assert block[setting] is True
    assert ownership["rule"] == {"objectOwnership": "BucketOwnerEnforced"}
    (rule,) = encryption.inputs["rules"]
    assert rule["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "AES256"


def test_only_the_distribution_reads_the_bucket_through_origin_access_control(prod: Deployment) -> None:
    bucket = prod.one("aws:s3/bucket:Bucket").outputs
    distribution = prod.one(DISTRIBUTION).outputs
    access = prod.one("aws:cloudfront/originAccessControl:OriginAccessControl")
    (statement,) = json.loads(prod.one("aws:s3/bucketPolicy:BucketPolicy").inputs["policy"])["Statement"]

    assert access.inputs["originAccessControlOriginType"] == "s3"
    assert access.inputs["signingBehavior"] == "always"
    assert _origins(prod)["web"]["originAccessControlId"] == access.id
    assert _origins(prod)["web"]["domainName"] == bucket["bucketRegionalDomainName"]
    assert statement["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert statement["Action"] == "s3:GetObject"
    assert statement["Resource"] == f"{bucket['arn']}/*"
    assert statement["Condition"] == {"StringEquals": {"AWS:SourceArn": distribution["arn"]}}


def test_every_file_of_the_build_is_uploaded_with_its_type_and_caching(prod: Deployment) -> None:
    objects = {o.inputs["key"]: o.inputs for o in prod.of_type("aws:s3/bucketObjectv2:BucketObjectv2")}

    assert set(objects) == {"index.html", "assets/index-3f2a1b.js", "favicon.svg"}
    assert objects["index.html"]["contentType"] == "text/html"
    assert objects["index.html"]["cacheControl"] == "no-cache"
    assert objects["assets/index-3f2a1b.js"]["contentType"] in ("text/javascript", "application/javascript")
    assert "immutable" in objects["assets/index-3f2a1b.js"]["cacheControl"]


def test_the_default_behaviour_serves_the_bucket_with_the_spa_fallback(prod: Deployment) -> None:
    distribution = prod.one(DISTRIBUTION).inputs
    default = distribution["defaultCacheBehavior"]
    fallback = prod.one("aws:cloudfront/function:Function", "web-spa-fallback")

    assert default["targetOriginId"] == "web"
    assert default["viewerProtocolPolicy"] == "redirect-to-https"
    assert default["functionAssociations"] == [{"eventType": "viewer-request", "functionArn": fallback.outputs["arn"]}]
    assert distribution["defaultRootObject"] == "index.html"
    # An error-page rewrite would also turn the API's 404s into index.html.
    assert not distribution.get("customErrorResponses")


def test_every_api_path_goes_to_the_api_origin_uncached_with_the_viewers_headers(prod: Deployment) -> None:
    behaviours = {b["pathPattern"]: b for b in prod.one(DISTRIBUTION).inputs["orderedCacheBehaviors"]}
    api = prod.one("aws:apigatewayv2/api:Api").outputs

    assert set(behaviours) == set(PATH_PATTERNS)
    for behaviour in behaviours.values():
        assert behaviour["targetOriginId"] == "api"
        assert behaviour["cachePolicyId"] == CACHING_DISABLED
        assert behaviour["originRequestPolicyId"] == ALL_VIEWER_EXCEPT_HOST
        assert {"POST", "PUT", "DELETE"} <= set(behaviour["allowedMethods"])
    assert _origins(prod)["api"]["domainName"] == api["apiEndpoint"].removeprefix("https://")
    assert _origins(prod)["api"]["customOriginConfig"]["originProtocolPolicy"] == "https-only"


def test_each_gateway_route_prefix_has_a_cloudfront_behaviour(prod: Deployment) -> None:
    patterns = set(PATH_PATTERNS)
    for route in prod.of_type("aws:apigatewayv2/route:Route"):
        path = route.inputs["routeKey"].split(" ", 1)[1]
        expected = path.split("/{", 1)[0] + "/*" if "{" in path else path
        assert expected in patterns, f"{path} is not routed to the API by CloudFront"


@pytest.mark.parametrize(
    ("uri", "served"),
    [
        ("/", "/index.html"),
        ("/schedules/new", "/index.html"),
        ("/jobs/0e8bcf60/edit", "/index.html"),
        ("/assets/index-3f2a1b.js", "/assets/index-3f2a1b.js"),
        ("/favicon.svg", "/favicon.svg"),
    ],
)
def test_the_spa_fallback_serves_the_app_shell_for_client_routes_only(uri: str, served: str) -> None:
    node = subprocess.run(["node", "--version"], capture_output=True, check=False)
    if node.returncode != 0:
        pytest.skip("node is needed to run the CloudFront function")
    script = f"{SPA_FALLBACK}\nconsole.log(handler({{request: {{uri: {json.dumps(uri)}}}}}).uri);"
    result = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True)

    assert result.stdout.strip() == served
