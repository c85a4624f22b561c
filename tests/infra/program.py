"""Runs `__main__.py` under Pulumi's mocks and records what it asked AWS for.

No Pulumi CLI, no AWS: the mock monitor answers every resource registration with its
inputs plus the computed outputs the program reads (ARNs, URLs, names), faked here.
"""

from __future__ import annotations

import asyncio
import json
import runpy
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

import pulumi
from pulumi.runtime import mocks, settings
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ACCOUNT = "123456789012"
REGION = "us-east-1"


@dataclass(frozen=True)
class Resource:
    type: str
    name: str
    id: str | None
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    parent_type: str | None
    # The names of the resources it waits for (`depends_on`, and those its inputs come from).
    depends_on: tuple[str, ...] = ()
    ignore_changes: tuple[str, ...] = ()


@dataclass
class Deployment:
    resources: list[Resource] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)

    def of_type(self, type_: str) -> list[Resource]:
        return [r for r in self.resources if r.type == type_]

    def one(self, type_: str, name: str | None = None) -> Resource:
        found = [r for r in self.of_type(type_) if name is None or r.name == name]
        assert len(found) == 1, f"expected one {type_} {name or ''}, found {[r.name for r in found]}"
        return found[0]

    def named(self, name: str) -> Resource:
        found = [r for r in self.resources if r.name == name]
        assert len(found) == 1, f"expected one resource named {name}, found {len(found)}"
        return found[0]


def _fake_outputs(type_: str, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    """The computed outputs AWS would return, shaped like the real ones."""
    physical = inputs.get("name") or f"{name}-0a1b2c3"
    region_account = f"{REGION}:{ACCOUNT}"
    fakes: dict[str, dict[str, Any]] = {
        "aws:dynamodb/table:Table": {"arn": f"arn:aws:dynamodb:{region_account}:table/{physical}"},
        "aws:sqs/queue:Queue": {
            "arn": f"arn:aws:sqs:{region_account}:{physical}",
            "url": f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{physical}",
        },
        "aws:cloudwatch/logGroup:LogGroup": {"arn": f"arn:aws:logs:{region_account}:log-group:{physical}"},
        "aws:iam/role:Role": {"arn": f"arn:aws:iam::{ACCOUNT}:role/{physical}"},
        "aws:lambda/function:Function": {
            "arn": f"arn:aws:lambda:{region_account}:function:{physical}",
            "invokeArn": f"arn:aws:apigateway:{REGION}:lambda:path/functions/{physical}/invocations",
            "version": "7",
        },
        "aws:lambda/alias:Alias": {
            "arn": f"arn:aws:lambda:{region_account}:function:{inputs.get('functionName')}:{physical}",
            "invokeArn": f"arn:aws:apigateway:{REGION}:lambda:path/functions/{physical}/invocations",
        },
        "aws:cloudwatch/eventRule:EventRule": {"arn": f"arn:aws:events:{region_account}:rule/{physical}"},
        "aws:apigatewayv2/api:Api": {
            "apiEndpoint": f"https://{name}-id.execute-api.{REGION}.amazonaws.com",
            "executionArn": f"arn:aws:execute-api:{region_account}:{name}-id",
        },
        "aws:s3/bucket:Bucket": {
            "arn": f"arn:aws:s3:::{physical}",
            "bucket": physical,
            "bucketRegionalDomainName": f"{physical}.s3.{REGION}.amazonaws.com",
        },
        "aws:cloudfront/distribution:Distribution": {
            "arn": f"arn:aws:cloudfront::{ACCOUNT}:distribution/{name}-id",
            "domainName": "d1234abcd.cloudfront.net",
        },
        "aws:cloudfront/function:Function": {"arn": f"arn:aws:cloudfront::{ACCOUNT}:function/{physical}"},
        "aws:sns/topic:Topic": {"arn": f"arn:aws:sns:{region_account}:{physical}"},
    }
    return {"name": physical, **fakes.get(type_, {})}


# How the engine marks a secret value inside a resource's inputs.
_SECRET_SIG = ("4dabf18193072939515e22adb298388d", "1b47061264138c4ac30d75fd1eb44270")


def _revealed(value: Any) -> Any:
    """``value`` with every secret wrapper taken off: tests compare what the program sends."""
    if isinstance(value, dict):
        if value.get(_SECRET_SIG[0]) == _SECRET_SIG[1]:
            return _revealed(value.get("value"))
        return {key: _revealed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_revealed(item) for item in value]
    return value


class FakeCloud(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.inputs: dict[tuple[str, str], dict[str, Any]] = {}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        inputs = _revealed(dict(args.inputs))
        self.inputs[(args.typ, args.name)] = inputs
        if not args.custom:
            return None, {}
        return f"{args.name}-id", {**inputs, **_fake_outputs(args.typ, args.name, inputs)}

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        raise AssertionError(f"the program should need no provider call, it made {args.token}")


class RecordingMonitor(mocks.MockMonitor):
    """Keeps each registration's parent type, which the mocks' own arguments leave out."""

    def __init__(self, cloud: FakeCloud) -> None:
        super().__init__(cloud)
        self.parents: dict[str, str] = {}
        self.dependencies: dict[str, list[str]] = {}
        self.ignore_changes: dict[str, list[str]] = {}
        self.registered: list[tuple[str, str, str]] = []
        self.thread_loops: list[asyncio.AbstractEventLoop] = []

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 (the gRPC method's name)
        # Registrations arrive on worker threads, where the mocks would create an event loop
        # that nobody closes (and whose garbage collection then raises); make and close our own.
        try:
            loop = asyncio.get_event_loop()
        except RuntimeError:
            loop = None
        if loop is None or loop.is_closed():
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            self.thread_loops.append(loop)
        response = super().RegisterResource(request)
        self.registered.append((request.type, request.name, response.urn))
        self.parents[response.urn] = request.parent
        self.dependencies[response.urn] = list(request.dependencies)
        self.ignore_changes[response.urn] = list(request.ignoreChanges)
        return response


def fake_bundle(directory: Path) -> Path:
    path = directory / "bundle.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("service/__init__.py", "")
    return path


def fake_web_dist(directory: Path) -> Path:
    dist = directory / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><div id=root></div>")
    (dist / "assets" / "index-3f2a1b.js").write_text("console.log('app')")
    (dist / "favicon.svg").write_text("<svg/>")
    (dist / ".built").write_text("")  # the Makefile's stamp, not part of the site
    return dist


def run_program(workdir: Path, stack: str = "prod", **config: object) -> Deployment:
    """Runs the program for `stack` with `scheduler:<key>` config values; returns what it declared."""
    # Pulumi's runtime keeps state on the current event loop: a fresh one per run.
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    values = {"bundleZip": fake_bundle(workdir), "webDist": fake_web_dist(workdir), **config}
    pulumi.runtime.set_all_config(
        {"aws:region": REGION, **{f"scheduler:{key}": _config_text(value) for key, value in values.items()}}
    )
    cloud = FakeCloud()
    monitor = RecordingMonitor(cloud)
    settings.set_root_resource(None)
    pulumi.runtime.set_mocks(cloud, project="scheduler", stack=stack, preview=False, monitor=monitor)
    exports: dict[str, Any] = {}
    try:
        with mock.patch.object(pulumi, "export", exports.__setitem__):
            _sync_await(run_pulumi_func(lambda: runpy.run_path(str(PROJECT_ROOT / "__main__.py"))))
            outputs = _sync_await(pulumi.Output.all(**exports).future()) if exports else {}
    finally:
        for thread_loop in monitor.thread_loops:
            thread_loop.close()
        loop.close()
        asyncio.set_event_loop(None)

    types_by_urn = {urn: type_ for type_, _, urn in monitor.registered}
    names_by_urn = {urn: name for _, name, urn in monitor.registered}
    deployment = Deployment(outputs=dict(outputs or {}))
    for type_, name, urn in monitor.registered:
        registration = monitor.resources.get(urn)
        state = dict(registration.state) if registration is not None else {}
        physical_id = registration.id if registration is not None else None
        parent = monitor.parents.get(urn) or None
        inputs = cloud.inputs.get((type_, name), {})
        depends_on = tuple(names_by_urn.get(dependency, dependency) for dependency in monitor.dependencies[urn])
        ignored = tuple(monitor.ignore_changes.get(urn, ()))
        parent_type = types_by_urn.get(parent) if parent else None
        deployment.resources.append(Resource(type_, name, physical_id, inputs, state, parent_type, depends_on, ignored))
    return deployment


def _config_text(value: object) -> str:
    """A config value as the engine hands it to the program: lists (`--path 'key[0]'`) as JSON."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return json.dumps(list(value))
    return str(value)


def policy_of(resource: Resource, key: str = "policy") -> dict[str, Any]:
    value = resource.inputs[key]
    return json.loads(value) if isinstance(value, str) else dict(value)
