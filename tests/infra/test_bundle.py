"""The Lambda bundle carries everything it needs and nothing else: in a clean Python 3.13 whose
path holds only the unzipped bundle, both handlers import and serve their events against an AWS
emulator, the GraphQL IDE's page and files included; no local-stack or test code ships."""

from __future__ import annotations

import base64
import json
import logging
import os
import re
import shutil
import socket
import subprocess
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from infra import bundle as bundle_module
from infra.bundle import Bundle, build_bundle
from infra.lambda_python import BundleError, find_runtime_python, runtime_requirements
from infra.settings import PROJECT_ROOT
from service.adapters.dynamo_keys import DynamoKeyStore
from service.adapters.table_schema import ensure_table
from service.services.keys import KeyService
from tests.api.events import http_api_event, json_event, scheduled_event

pytestmark = pytest.mark.network

REGION = "us-east-1"
RESULT_MARK = "BUNDLE-TEST-RESULT "
IDE_PAGE = "service/entrypoints/static/graphiql/index.html"
IDE_ASSETS = "service/entrypoints/static/graphiql/assets"
LAMBDA_RESPONSE_BYTES = 6 * 1024 * 1024

# Runs inside the bundle's interpreter: only the standard library and the bundle are importable.
SCRIPT = r"""
import json, sys
given = json.load(sys.stdin)
sys.path[:0] = [given["bundle"]]

class Context:
    function_name = "dispatcher"
    aws_request_id = "c6af9ac6-7b61-11e6-9a41-93e812345678"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:dispatcher"
    memory_limit_in_mb = 1024
    def get_remaining_time_in_millis(self):
        return 60_000

import service.entrypoints.lambda_api as api
import service.entrypoints.lambda_dispatcher as dispatcher

responses = [api.handler(event, Context()) for event in given["api_events"]]
summary = dispatcher.handler(given["tick"], Context())
# What the API and the dispatcher handed off, as Lambda's SQS event source gives it.
import os, boto3
import service.entrypoints.lambda_delivery as delivery
handed = boto3.client("sqs").receive_message(
    QueueUrl=os.environ["SCHEDULER_HANDOFF_QUEUE_URL"], MaxNumberOfMessages=10,
    MessageAttributeNames=["All"], AttributeNames=["All"],
).get("Messages", [])
records = [
    {
        "messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
        "attributes": m["Attributes"], "eventSource": "aws:sqs",
        "messageAttributes": {
            k: {"stringValue": v["StringValue"], "dataType": "String"} for k, v in m["MessageAttributes"].items()
        },
    }
    for m in handed
]
delivered = delivery.handler({"Records": records}, Context())
modules = {name: getattr(sys.modules[name], "__file__", None) for name in ("fastapi", "boto3", "pydantic_core")}
import marshal
with open(given["bundle"] + "/service/adapters/__pycache__/table_schema.cpython-313.pyc", "rb") as pyc:
    compiled_as = marshal.loads(pyc.read()[16:]).co_filename  # after the 16-byte header
print(given["mark"] + json.dumps(
    {
        "responses": responses, "tick": summary, "handed": len(records), "delivered": delivered,
        "modules": modules, "path": sys.path, "compiled_as": compiled_as,
    }
))
"""


@dataclass(frozen=True)
class Emulator:
    endpoint: str
    table_name: str
    queue_url: str
    handoff_queue_url: str

    def client(self, service: str) -> Any:
        return boto3.client(
            service,
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    def keys(self) -> KeyService:
        """The project's own key service, on the emulator's table: keys as `scheduler keys` makes them."""
        return KeyService(DynamoKeyStore(self.client("dynamodb"), self.table_name))


def _pypi_reachable() -> bool:
    try:
        socket.create_connection(("pypi.org", 443), timeout=5).close()
    except OSError:
        return False
    return True


@pytest.fixture(scope="module")
def bundle() -> Bundle:
    try:
        return build_bundle("x86_64")
    except BundleError:
        if not _pypi_reachable():
            pytest.skip("PyPI cannot be reached: the bundle's dependencies cannot be downloaded")
        raise


@pytest.fixture
def options(bundle: Bundle, tmp_path: Path) -> dict[str, Any]:
    """Builds from a snapshot of the service: the shared tree may change while a test runs."""
    snapshot = tmp_path / "project"
    shutil.copytree(PROJECT_ROOT / "service", snapshot / "service", ignore=shutil.ignore_patterns("__pycache__"))
    return {"project_root": snapshot, "requirements": runtime_requirements(), "cache_dir": bundle.path.parent.parent}


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)
    table_name = "bundle-test-schedules"
    ensure_table(session.client("dynamodb", endpoint_url=endpoint), table_name)
    sqs = session.client("sqs", endpoint_url=endpoint)
    queue_url = sqs.create_queue(QueueName="bundle-test-deliveries")["QueueUrl"]
    handoff_url = sqs.create_queue(QueueName="bundle-test-deliveries-handoff")["QueueUrl"]
    try:
        yield Emulator(endpoint, table_name, queue_url, handoff_url)
    finally:
        server.stop()


def _iso(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def _unzip(bundle: Bundle, target: Path) -> Path:
    with zipfile.ZipFile(bundle.path) as archive:
        archive.extractall(target)
    return target


def _files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def test_the_three_handlers_serve_their_events_from_the_bundle_alone(
    bundle: Bundle, emulator: Emulator, tmp_path: Path
) -> None:
    unzipped = _unzip(bundle, tmp_path / "task")
    shipped = _files(unzipped)
    now = datetime.now(UTC)
    later = now + timedelta(hours=1)
    keys = emulator.keys()
    issued = keys.create("default", "bundle-test")
    key = {"authorization": f"Bearer {issued.secret}"}
    api_events = [
        # Already due: the API hands it to the delivery stage at once.
        json_event(
            "POST",
            "/schedules",
            {"payload": "hi", "runAt": _iso(now - timedelta(seconds=10)), "recurring": "none"},
            headers=key,
        ),
        # Due in an hour: left to the dispatcher, which hands it off for its time.
        json_event("POST", "/schedules", {"payload": "later", "runAt": _iso(later), "recurring": "none"}, headers=key),
        # No key, no entry.
        json_event("POST", "/schedules", {"payload": "anonymous", "runAt": _iso(later), "recurring": "none"}),
        # The GraphQL IDE (on in this stack's settings) and the files its page names.
        http_api_event("GET", "/graphql", headers={"accept": "text/html"}),
    ]
    # Every file of the build, the ones the page loads later (the editor, its workers) included.
    ide_files = sorted(f"/docs/graphiql/assets/{file.name}" for file in (unzipped / IDE_ASSETS).iterdir())
    api_events += [http_api_event("GET", path) for path in ide_files]
    # A tick just after it falls due (the dispatcher takes the event's time when it is ahead of the clock).
    tick = scheduled_event(later + timedelta(seconds=30))
    given = {"bundle": str(unzipped), "api_events": api_events, "tick": tick, "mark": RESULT_MARK}
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "AWS_ENDPOINT_URL": emulator.endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "AWS_CONFIG_FILE": str(tmp_path / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-aws-credentials"),
        "SCHEDULER_TABLE_NAME": emulator.table_name,
        "SCHEDULER_QUEUE_URL": emulator.queue_url,
        "SCHEDULER_HANDOFF_QUEUE_URL": emulator.handoff_queue_url,
        "SCHEDULER_GRAPHQL_IDE": "on",
    }

    # -I: no user site, no PYTHON* variables, no script directory; -S: no site-packages.
    run = subprocess.run(
        [find_runtime_python(), "-I", "-S", "-c", SCRIPT],
        input=json.dumps(given),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert run.returncode == 0, run.stderr[-4000:]
    result = json.loads(
        next(line for line in run.stdout.splitlines() if line.startswith(RESULT_MARK))[len(RESULT_MARK) :]
    )
    created_now, created_later, refused = (json.loads(response["body"]) for response in result["responses"][:3])
    ide_page, *ide_answers = result["responses"][3:]
    assert [response["statusCode"] for response in result["responses"][:3]] == [201, 201, 401]
    assert "www-authenticate" in {name.lower() for name in result["responses"][2]["headers"]}, refused
    # The IDE's page and every file it names come from the bundle itself.
    assert ide_page["statusCode"] == 200 and ide_page["body"] == (unzipped / IDE_PAGE).read_text()
    assert set(re.findall(r'(?:src|href)="(/docs/graphiql/assets/[^"]+)"', ide_page["body"])) <= set(ide_files)
    assert len(ide_files) >= 2 and [answer["statusCode"] for answer in ide_answers] == [200] * len(ide_files)
    # Each answer fits in what Lambda may return (6 MB), as the runtime serializes it.
    assert max(len(json.dumps(answer)) for answer in ide_answers) < LAMBDA_RESPONSE_BYTES
    for path, answer in zip(ide_files, ide_answers, strict=True):
        body = base64.b64decode(answer["body"]) if answer["isBase64Encoded"] else answer["body"].encode()
        assert body == (unzipped / IDE_ASSETS / path.rsplit("/", 1)[1]).read_bytes(), path
    (used,) = keys.list("default")
    assert used.key_id == issued.key.key_id
    assert used.last_used_at is not None  # the bundle's API recorded the key's use in the table
    assert created_now["state"] == "active" and created_later["state"] == "active"
    assert result["tick"]["handedOff"] == 1  # the later one, for its time: the API handed off the other
    for module_file in result["modules"].values():
        assert module_file.startswith(str(unzipped)), module_file
    assert not any("site-packages" in entry for entry in result["path"])

    # The one due now reached the stack's queue through the delivery function; the later one
    # waits on the hand-off queue until its time.
    assert result["handed"] == 1 and result["delivered"] == {"batchItemFailures": []}
    messages = _drain(emulator)
    assert [(m["Body"], m["MessageAttributes"]["jobId"]["StringValue"]) for m in messages] == [
        ("hi", created_now["jobId"])
    ]
    waiting = emulator.client("sqs").get_queue_attributes(
        QueueUrl=emulator.handoff_queue_url, AttributeNames=["ApproximateNumberOfMessagesDelayed"]
    )["Attributes"]
    assert waiting["ApproximateNumberOfMessagesDelayed"] == "1"
    # Python found the shipped bytecode valid and compiled nothing: /var/task is read-only on Lambda.
    assert _files(unzipped) == shipped
    # The bytecode names the file where Lambda will have it, not the build's temporary folder.
    assert result["compiled_as"] == "/var/task/service/adapters/table_schema.py"


def _drain(emulator: Emulator) -> list[dict[str, Any]]:
    sqs = emulator.client("sqs")
    received: list[dict[str, Any]] = []
    while batch := sqs.receive_message(
        QueueUrl=emulator.queue_url, MaxNumberOfMessages=10, MessageAttributeNames=["All"], WaitTimeSeconds=0
    ).get("Messages", []):
        received += batch
    return sorted(received, key=lambda m: m["Body"])


def test_the_bundle_holds_runtime_code_and_dependencies_only_with_bytecode_of_the_runtime(bundle: Bundle) -> None:
    with zipfile.ZipFile(bundle.path) as archive:
        names = archive.namelist()
    top_level = {name.split("/", 1)[0] for name in names}
    distributions = {name.split("-", 1)[0].lower() for name in top_level if name.endswith(".dist-info")}

    assert {"service", "fastapi", "strawberry", "mangum", "boto3", "botocore", "pydantic_core", "uuid6"} <= top_level
    for unwanted in ("moto", "pulumi", "pulumi_aws", "pytest", "hypothesis", "uvicorn", "bin", "tests", "benchmarks"):
        assert unwanted not in top_level, unwanted
        assert unwanted not in distributions, unwanted
    assert "infra" not in top_level
    # The local stack and the command line run on a developer's or an operator's machine, never on Lambda.
    entrypoints = {
        name.removeprefix("service/entrypoints/").replace("__pycache__/", "").split(".")[0]
        for name in names
        if name.startswith("service/entrypoints/")
    }
    assert "lambda_api" in entrypoints
    assert not {"cli", "cli_keys"} & entrypoints
    assert not [name for name in entrypoints if name.startswith("local/")]
    assert "service/entrypoints/lambda_api.py" in names
    pycs = [name for name in names if name.endswith(".pyc")]
    assert pycs and all(".cpython-313." in name for name in pycs)
    assert "service/__pycache__/config.cpython-313.pyc" in names
    assert len(names) == len(set(names))
    assert bundle.unzipped_bytes <= 250 * 1024 * 1024
    assert bundle.zipped_bytes <= 50 * 1024 * 1024


def test_the_bundle_is_built_for_the_lambda_platform_not_the_host(bundle: Bundle) -> None:
    with zipfile.ZipFile(bundle.path) as archive:
        native = [name for name in archive.namelist() if name.endswith(".so")]

    assert native, "pydantic-core ships compiled code"
    assert all("cpython-313-x86_64-linux-gnu" in name or "abi3" in name or ".libs/" in name for name in native), native


def test_an_unchanged_service_gives_the_same_bytes_and_a_changed_one_does_not(options: dict[str, Any]) -> None:
    config = options["project_root"] / "service" / "config.py"

    first = build_bundle("x86_64", **options)
    second = build_bundle("x86_64", **options)
    config.write_text(config.read_text() + "\n# edited\n")
    edited = build_bundle("x86_64", **options)

    assert second.path == first.path
    assert second.sha256_base64 == first.sha256_base64
    assert edited.sha256_base64 != first.sha256_base64
    with zipfile.ZipFile(first.path) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_a_bundle_over_lambdas_size_limits_is_refused(options: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    # The dependencies alone are tens of megabytes: a one-megabyte limit refuses any bundle.
    monkeypatch.setattr(bundle_module, "MAX_UNZIPPED_BYTES", 1_000_000)
    with pytest.raises(BundleError, match="unzipped"):
        build_bundle("x86_64", **options)
    monkeypatch.undo()
    monkeypatch.setattr(bundle_module, "MAX_ZIPPED_BYTES", 1_000_000)
    with pytest.raises(BundleError, match="zipped"):
        build_bundle("x86_64", **options)


def test_a_service_whose_graphql_ide_is_not_built_is_refused_naming_the_build(options: dict[str, Any]) -> None:
    (options["project_root"] / IDE_PAGE).unlink()

    with pytest.raises(BundleError, match="make web-build"):
        build_bundle("x86_64", **options)


def test_bytecode_from_another_python_version_is_refused() -> None:
    other = Path("/root/.pyenv/versions/3.12.1/bin/python3")
    if not other.exists():
        pytest.skip("needs a Python other than 3.13 at a known path")

    with pytest.raises(BundleError, match=r"is Python 3\.12; the Lambda runtime is 3\.13"):
        find_runtime_python(str(other))
