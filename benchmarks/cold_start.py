"""Cold and warm start of the Lambda handlers.

Cold: the import of each handler module from the built bundle, under the runtime's Python
(3.13), each in a fresh interpreter whose path holds only the bundle, beside the import of
boto3 with its two clients (the floor any Python Lambda on DynamoDB and SQS pays), the three
sampled in turn. The goal is a ratio of 2.0 or less. Warm: one GET and one small GraphQL
query through the Mangum handler, in process, with the store and the queue faked (p50,
p99). Each request carries an API key, made by the project's key service in a moto table:
its check is part of every request (the verification itself is cached, as in a warm
Lambda); the per-key rate limit is raised out of the way.

    python -m benchmarks.cold_start [--repeat N] [--requests N] [--architecture x86_64]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from infra.bundle import build_bundle
from infra.lambda_python import find_runtime_python

HANDLERS = ("service.entrypoints.lambda_api", "service.entrypoints.lambda_dispatcher")
BOTO3_FLOOR = "import boto3\nsession = boto3.Session()\nsession.client('dynamodb')\nsession.client('sqs')"
# The least an API on the chosen stack imports, none of the project's code: the floor, then
# FastAPI with one route behind Mangum, a Powertools Logger and a pydantic-settings model.
STACK_FLOOR = (
    BOTO3_FLOOR
    + """
import fastapi, mangum, pydantic_settings
from aws_lambda_powertools import Logger
class Settings(pydantic_settings.BaseSettings):
    table_name: str = ""
app = fastapi.FastAPI()
app.get("/health")(lambda: {"status": "ok"})
handler = mangum.Mangum(app, lifespan="off")
logger = Logger(service="floor")
settings = Settings()
"""
)
STACK_FLOOR_NAME = "stack: + FastAPI, Mangum, Logger, settings"
GOAL_RATIO = 2.0
LAMBDA_ENV = {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "SCHEDULER_TABLE_NAME": "bench",
    "SCHEDULER_QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/bench",
    # The delivery stage's queue, which the API and the dispatcher hand runs to (infra sets it).
    "SCHEDULER_HANDOFF_QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/bench-handoff",
}
# The warm benchmark sends thousands of requests a second with one key.
WARM_ENV = {**LAMBDA_ENV, "SCHEDULER_RATE_LIMIT_PER_SECOND": "1000000", "SCHEDULER_RATE_LIMIT_BURST": "1000000"}
TIMER = """
import sys, time
sys.path[:0] = [{bundle!r}]
started = time.perf_counter()
exec(compile({code!r}, "<bench>", "exec"))
print(time.perf_counter() - started)
"""


def cold_import_seconds(python: str, bundle: Path, code: str, repeat: int, home: Path) -> list[float]:
    """Seconds `code` takes in a fresh interpreter (its own start-up excluded), `repeat` times."""
    env = {**LAMBDA_ENV, "HOME": str(home), "AWS_CONFIG_FILE": str(home / "none")}
    timer = TIMER.format(bundle=str(bundle), code=code)
    samples = []
    for _ in range(repeat):
        run = subprocess.run([python, "-I", "-S", "-c", timer], env=env, capture_output=True, text=True, check=False)
        if run.returncode != 0:
            raise RuntimeError(f"{code!r} failed in the bundle:\n{run.stderr[-2000:]}")
        samples.append(float(run.stdout.strip().splitlines()[-1]))
    return samples


def warm_latencies(requests: int) -> dict[str, list[float]]:
    """Milliseconds per request through Mangum and the app, with in-memory fakes behind it."""
    from moto import mock_aws

    with mock_aws():
        return _warm_latencies(requests)


def _warm_latencies(requests: int) -> dict[str, list[float]]:
    import boto3
    from mangum import Mangum

    from service.adapters.table_schema import ensure_table
    from service.bootstrap.api import bootstrap_api
    from service.config import Settings
    from service.entrypoints.app import create_app
    from tests.api.events import LambdaContext, http_api_event, json_event
    from tests.fakes import FakeHandOff, InMemoryRepository

    settings = Settings.from_env(WARM_ENV)
    session = boto3.Session(aws_access_key_id="bench", aws_secret_access_key="bench", region_name="us-east-1")
    ensure_table(session.client("dynamodb"), settings.table_name)  # for the keys only
    # The keys in moto's table; the schedules in memory, sent nowhere.
    wired = bootstrap_api(settings, session=session, repository=InMemoryRepository(), handoff=FakeHandOff())
    key = {"authorization": f"Bearer {wired.keys.create(settings.default_namespace, 'benchmark').secret}"}
    handler = Mangum(create_app(wired), lifespan="off")
    created = handler(
        json_event(
            "POST",
            "/schedules",
            {"payload": "bench", "runAt": "2099-01-01T00:00:00Z", "recurring": "none"},
            headers=key,
        ),
        LambdaContext(),
    )
    if created["statusCode"] != 201:
        raise RuntimeError(f"creating the benchmark's schedule failed: {created}")
    job_id = json.loads(created["body"])["jobId"]
    query = {"query": f'{{ schedule(jobId: "{job_id}") {{ jobId payload state }} }}'}
    events = {
        "GET /schedules/{jobId}": http_api_event("GET", f"/schedules/{job_id}", headers=key),
        "POST /graphql (schedule)": json_event("POST", "/graphql", query, headers=key),
    }
    results: dict[str, list[float]] = {}
    for name, event in events.items():
        timings = []
        for _ in range(requests):
            started = time.perf_counter()
            response = handler(event, LambdaContext())
            timings.append((time.perf_counter() - started) * 1000)
            if response["statusCode"] != 200:
                raise RuntimeError(f"{name} answered {response['statusCode']}: {response.get('body')}")
        results[name] = timings
    return results


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=7, help="fresh interpreters per measurement (median)")
    parser.add_argument("--requests", type=int, default=2000, help="warm requests per route")
    host = "arm64" if platform.machine() in ("arm64", "aarch64") else "x86_64"
    parser.add_argument("--architecture", default=host, help="the bundle to measure (must run on this machine)")
    args = parser.parse_args(argv)

    python = find_runtime_python()
    bundle = build_bundle(args.architecture)
    print(f"command: {' '.join([Path(sys.executable).name, '-m', 'benchmarks.cold_start', *(argv or sys.argv[1:])])}")
    sizes = f"{bundle.zipped_bytes / 1e6:.1f} MB zipped, {bundle.unzipped_bytes / 1e6:.1f} MB unzipped"
    print(f"bundle:  {bundle.path.name}, {sizes}")
    print(f"python:  {python} (-I -S, path = the unzipped bundle only), median of {args.repeat} fresh interpreters")
    with tempfile.TemporaryDirectory() as scratch:
        unzipped = Path(scratch) / "task"
        with zipfile.ZipFile(bundle.path) as archive:
            archive.extractall(unzipped)
        codes = {"floor": BOTO3_FLOOR, STACK_FLOOR_NAME: STACK_FLOOR} | {
            module: f"import {module}" for module in HANDLERS
        }
        samples: dict[str, list[float]] = {name: [] for name in codes}
        # Round by round, each import in turn: a load that drifts during the run (a shared
        # machine) weighs on the floor and on the handlers alike, and their ratio holds.
        for _ in range(args.repeat):
            for name, code in codes.items():
                samples[name] += cold_import_seconds(python, unzipped, code, 1, Path(scratch))
        floor = statistics.median(samples["floor"])
        print(f"\n{'cold import':<44} median    ratio to boto3 + 2 clients (goal <= {GOAL_RATIO})")
        print(f"  {'boto3 + dynamodb and sqs clients':<42} {floor * 1000:7.0f} ms    1.00")
        for module in (STACK_FLOOR_NAME, *HANDLERS):
            seconds = statistics.median(samples[module])
            ratio = seconds / floor
            verdict = "ok" if ratio <= GOAL_RATIO else "above goal"
            print(f"  {module:<42} {seconds * 1000:7.0f} ms    {ratio:.2f}  {verdict}")

    print(
        f"\nwarm, in process ({platform.python_version()}), {args.requests} requests each, store faked, "
        "API key checked (cached after the first)"
    )
    for name, timings in warm_latencies(args.requests).items():
        print(f"  {name:<42} p50 {percentile(timings, 0.5):6.2f} ms   p99 {percentile(timings, 0.99):6.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
