"""What the embedded emulator's DynamoDB serializer saves: the dispatcher's read of a whole
due index, answered by moto's own serializer and by the local stack's
(``service/entrypoints/local/emulator_serializer.py``), side by side in one run.

    python -m benchmarks.emulator_answers            (or: make bench)

3,000 schedules are created through the API's use case on moto in this process (mock_aws),
due within the dispatcher's reach, in the due index's 8 shards; each round reads every page
(100 schedules) of every shard through the dispatcher's store, once with each serializer,
in alternating order. The figure is milliseconds a page, the median of the rounds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import UTC, datetime, timedelta

import boto3
from moto import mock_aws
from moto.core import serialize

from service.adapters.dynamo_due_store import DynamoDueStore
from service.adapters.table_schema import ensure_table
from service.bootstrap.api import bootstrap_api
from service.config import Settings
from service.domain.schedule import ScheduleInput
from service.entrypoints.local import emulator_serializer
from service.entrypoints.local.stage_queue import LocalStageQueue

SCHEDULES = 3000
TABLE = "emulator-answers"


def _read_all(store: DynamoDueStore, until: datetime) -> tuple[float, int]:
    """Seconds to read every due page of every shard, and the number of pages."""
    started, pages = time.perf_counter(), 0
    for shard in store.shards():
        for _ in store.due(shard, until):
            pages += 1
    return time.perf_counter() - started, pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    print(f"$ python -m benchmarks.emulator_answers{'' if rounds == 5 else f' --rounds {rounds}'}")
    for name, value in {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local"}.items():
        os.environ.setdefault(name, value)
    os.environ.pop("AWS_ENDPOINT_URL", None)
    theirs = dict(serialize.SERVICE_SPECIFIC_SERIALIZERS)
    with mock_aws():
        session = boto3.Session(region_name="us-east-1")
        dynamodb = session.client("dynamodb")
        ensure_table(dynamodb, TABLE)
        queue_url = session.client("sqs").create_queue(QueueName=TABLE)["QueueUrl"]
        api = bootstrap_api(
            Settings.model_validate({"table_name": TABLE, "queue_url": queue_url}),
            session=session,
            handoff=LocalStageQueue(),
        )
        now = datetime.now(UTC)
        for i in range(SCHEDULES):
            run_at = now + timedelta(seconds=200 + i // 50)
            api.schedules.create("default", ScheduleInput(payload=f"run {i}", run_at=run_at.isoformat()))
        store = DynamoDueStore(dynamodb, TABLE)
        until = now + timedelta(hours=1)
        timings: dict[str, list[float]] = {"moto's serializer": [], "the local stack's": []}
        pages = 0
        for round_ in range(rounds):
            order = list(timings) if round_ % 2 == 0 else list(reversed(timings))
            for which in order:
                serialize.SERVICE_SPECIFIC_SERIALIZERS.clear()
                serialize.SERVICE_SPECIFIC_SERIALIZERS.update(theirs)
                if which == "the local stack's":
                    emulator_serializer.install()
                seconds, pages = _read_all(store, until)
                timings[which].append(seconds * 1000 / pages)
        serialize.SERVICE_SPECIFIC_SERIALIZERS.clear()
        serialize.SERVICE_SPECIFIC_SERIALIZERS.update(theirs)
    print(f"{SCHEDULES} schedules due, {pages} pages of up to 100 per read of the due index, {rounds} rounds:")
    medians = {which: statistics.median(values) for which, values in timings.items()}
    base = medians["moto's serializer"]
    for which, median in medians.items():
        print(f"  {which:<20} {median:6.1f} ms a page  {median / base:.2f}")


if __name__ == "__main__":
    main()
