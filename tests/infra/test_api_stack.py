"""The API's function behind the HTTP API."""

from __future__ import annotations

import re

from service.entrypoints.rest.routes import router
from tests.infra.conftest import Deploy
from tests.infra.program import Deployment

FUNCTION = "aws:lambda/function:Function"
ROUTE = "aws:apigatewayv2/route:Route"


def _route_keys(stack: Deployment) -> set[str]:
    return {r.inputs["routeKey"] for r in stack.of_type(ROUTE)}


def _served_by(route_keys: set[str], method: str, path: str) -> bool:
    for key in route_keys:
        route_method, route_path = key.split(" ", 1)
        pattern = re.sub(r"\\\{[^}]+\\\+\\\}", ".+", re.escape(route_path))
        pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", pattern)
        if route_method in ("ANY", method) and re.fullmatch(pattern, path):
            return True
    return False


def test_the_gateway_serves_rest_graphql_health_and_the_openapi_document(prod: Deployment) -> None:
    assert _route_keys(prod) == {
        "ANY /health",
        "ANY /openapi.json",
        "ANY /schedules",
        "ANY /schedules/{proxy+}",
        "ANY /graphql",
        "ANY /docs",
        "ANY /docs/{proxy+}",
        "ANY /redoc",
    }


def test_a_wrong_method_on_a_known_path_reaches_the_app_for_its_405(prod: Deployment) -> None:
    keys = _route_keys(prod)

    for method, path in (("DELETE", "/health"), ("PATCH", "/schedules/x"), ("PUT", "/graphql"), ("HEAD", "/health")):
        assert _served_by(keys, method, path), f"{method} {path} gets the gateway's 404"


def test_every_route_of_the_app_is_reachable_through_the_gateway(prod: Deployment) -> None:
    keys = _route_keys(prod)
    app_routes = [(method, route.path) for route in router.routes for method in route.methods]  # type: ignore[attr-defined]

    assert app_routes, "the REST router lists no route"
    for method, path in app_routes:
        concrete = re.sub(r"\{[^}]+\}", "0e8bcf60-5b23-11ed-83c8-bf0a6fed592f", path)
        assert _served_by(keys, method, concrete), f"{method} {path} has no gateway route"


def test_an_unknown_path_gets_the_gateways_404_without_invoking_lambda(prod: Deployment) -> None:
    keys = _route_keys(prod)

    assert not _served_by(keys, "GET", "/admin")
    assert not _served_by(keys, "GET", "/")


def test_routes_go_to_one_lambda_proxy_integration_with_payload_v2(prod: Deployment) -> None:
    integration = prod.one("aws:apigatewayv2/integration:Integration")

    assert integration.inputs["integrationType"] == "AWS_PROXY"
    assert integration.inputs["payloadFormatVersion"] == "2.0"
    assert integration.inputs["timeoutMilliseconds"] <= 30000  # API Gateway's ceiling
    assert {r.inputs["target"] for r in prod.of_type(ROUTE)} == {f"integrations/{integration.id}"}


def test_the_default_stage_deploys_itself_throttles_and_logs_access(prod: Deployment) -> None:
    stage = prod.one("aws:apigatewayv2/stage:Stage").inputs
    access_logs = prod.named("api-access-logs").outputs

    assert stage["name"] == "$default"
    assert stage["autoDeploy"] is True
    assert stage["defaultRouteSettings"] == {"throttlingRateLimit": 50, "throttlingBurstLimit": 100}
    assert stage["accessLogSettings"]["destinationArn"] == access_logs["arn"]


def test_throttling_follows_the_config(deploy: Deploy) -> None:
    stage = deploy("prod", apiThrottleRate=5, apiThrottleBurst=10).one("aws:apigatewayv2/stage:Stage").inputs

    assert stage["defaultRouteSettings"] == {"throttlingRateLimit": 5, "throttlingBurstLimit": 10}


def test_with_snap_start_the_gateway_invokes_the_published_live_alias(prod: Deployment) -> None:
    function = prod.one(FUNCTION, "api")
    alias = prod.one("aws:lambda/alias:Alias")
    permission = prod.named("api-invoked-by-gateway").inputs

    assert function.inputs["snapStart"] == {"applyOn": "PublishedVersions"}
    assert function.inputs["publish"] is True
    assert alias.inputs["functionVersion"] == function.outputs["version"]
    assert prod.one("aws:apigatewayv2/integration:Integration").inputs["integrationUri"] == alias.outputs["arn"]
    assert permission["qualifier"] == alias.inputs["name"]


def test_without_snap_start_the_gateway_invokes_the_function(deploy: Deploy) -> None:
    stack = deploy("prod", apiSnapStart=False)
    function = stack.one(FUNCTION, "api")

    assert "snapStart" not in function.inputs
    assert stack.of_type("aws:lambda/alias:Alias") == []
    assert stack.one("aws:apigatewayv2/integration:Integration").inputs["integrationUri"] == function.outputs["arn"]


def test_only_this_api_may_invoke_the_api_function(prod: Deployment) -> None:
    permission = prod.named("api-invoked-by-gateway").inputs
    api = prod.one("aws:apigatewayv2/api:Api").outputs

    assert permission["principal"] == "apigateway.amazonaws.com"
    assert permission["sourceArn"] == f"{api['executionArn']}/*"


def test_api_environment_names_the_table_and_queue_and_graphql_switches(deploy: Deploy) -> None:
    env = deploy("prod").one(FUNCTION, "api").inputs["environment"]["variables"]
    with_ide = deploy("prod", graphqlIde=True).one(FUNCTION, "api").inputs["environment"]["variables"]

    assert env["SCHEDULER_TABLE_NAME"] == deploy("prod").one("aws:dynamodb/table:Table").outputs["name"]
    assert env["SCHEDULER_QUEUE_URL"] == deploy("prod").named("data-deliveries").outputs["url"]
    assert env["SCHEDULER_HANDOFF_QUEUE_URL"] == deploy("prod").named("data-handoff").outputs["url"]
    assert "SCHEDULER_GRAPHQL_IDE" not in env  # the service's default: off
    assert with_ide["SCHEDULER_GRAPHQL_IDE"] == "on"
    assert (
        deploy("prod", graphqlIntrospection=False)
        .one(FUNCTION, "api")
        .inputs["environment"]["variables"]["SCHEDULER_GRAPHQL_INTROSPECTION"]
        == "off"
    )
    # One origin for the browser (CloudFront), so the app needs no CORS.
    assert "SCHEDULER_CORS_ORIGINS" not in env


def test_api_key_limits_keep_the_services_defaults_unless_configured(deploy: Deploy) -> None:
    names = ("SCHEDULER_RATE_LIMIT_PER_SECOND", "SCHEDULER_RATE_LIMIT_BURST", "SCHEDULER_KEY_CACHE_SECONDS")
    env = deploy("prod").one(FUNCTION, "api").inputs["environment"]["variables"]
    configured = deploy("prod", apiKeyRatePerSecond=5, apiKeyRateBurst=10, apiKeyCacheSeconds=15)
    configured_env = configured.one(FUNCTION, "api").inputs["environment"]["variables"]
    dispatcher_env = configured.one(FUNCTION, "dispatcher").inputs["environment"]["variables"]

    assert not set(names) & set(env)
    assert [configured_env[name] for name in names] == ["5", "10", "15"]
    assert not set(names) & set(dispatcher_env)  # the dispatcher checks no key
