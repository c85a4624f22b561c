"""``kill -9`` one of two dispatchers mid-tick: how soon the other takes its shards over,
and what reaches the target.

    python -m benchmarks.takeover            (or: make bench)

A moto server runs in a process of its own; two dispatchers, each the real handler run by
``scheduler dispatch --once`` in a process of its own, tick against it with thousands of
runs due, handing them to the delivery stage's queue on that server. The delivery function
(the real handler, here, in the events of Lambda's event source: ``benchmarks.event_source``)
takes them from that queue and delivers them to the target queue, which a consumer reads.
The first dispatcher holds every busy shard and is handing off when it gets SIGKILL; the
second, started a second before the kill, waits for those shards. Everything is measured
from the data: the dead one's leases as its lease items show them right after the kill,
the survivor's leases afterwards, each hand-off message's ``SentTimestamp``, and the
messages on the target (the stage drops a repeat of a run it has already delivered).
"""

from __future__ import annotations

import json
import logging
import os
import shlex
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks.event_source import EventSource
from benchmarks.moto_server import fill, queue_depth, session, start_moto
from service.adapters.dynamo_items import schedule_to_item
from service.adapters.table_schema import DUE_SHARDS, all_shards, due_shard, ensure_table, runs_key
from service.bootstrap.delivery import bootstrap_delivery
from service.config import Settings
from service.domain.recurrence import RecurrenceKind
from service.domain.schedule import Schedule, State
from service.entrypoints.delivery_handler import make_handler

TABLE = "takeover"
DELIVERY_TIMEOUT = 180.0  # after the last tick: for every run, the crons' next minute included
NS = "default"


@dataclass(frozen=True)
class Lease:
    owner: str
    until: float  # epoch seconds
    leased_at: float


@dataclass
class Takeover:
    one_time: set[str]  # the one-time occurrences due: each must arrive
    crons: list[str]  # per-minute cron jobs, their next run within the lookahead
    kill_at: float
    dead_leases: dict[str, Lease]  # the killed dispatcher's, read right after the kill
    leases_after: dict[str, Lease]  # as the survivor's tick left them
    received: Counter[str]  # occurrence id: copies handed off (one-time runs only)
    delivered: Counter[str]  # occurrence id: copies on the target (one-time runs only)
    first_send: dict[str, float]  # shard: the survivor's first hand-off from it, once it took it
    survivor: dict[str, Any]  # the survivor's tick summary
    extra_ticks: int  # ticks needed after the survivor's to finish (a slow machine)
    missed: int  # runs recorded missed
    crons_delivered: int  # crons whose next run reached the target

    @property
    def repeats(self) -> int:
        """Runs handed off again (by the survivor, of what the dead one had handed off)."""
        return sum(self.received.values()) - len(self.received)

    @property
    def delivered_repeats(self) -> int:
        return sum(self.delivered.values()) - len(self.delivered)

    def takeover_seconds(self) -> list[float]:
        """From the kill to the survivor's lease on each shard the dead one held."""
        return sorted(self.leases_after[shard].leased_at - self.kill_at for shard in self.dead_leases)

    def first_send_seconds(self) -> list[float]:
        return sorted(at - self.kill_at for at in self.first_send.values())

    def lease_lapse_seconds(self) -> list[float]:
        return sorted(lease.until - self.kill_at for lease in self.dead_leases.values())


def _schedule(index: int, now: datetime, cron: bool) -> Schedule:
    # A cron's next run is at the next minute, inside the lookahead; one-time runs are due.
    next_minute = (now + timedelta(minutes=1)).replace(second=0, microsecond=0)
    run_at = next_minute if cron else now - timedelta(seconds=index % 50)
    return Schedule(
        namespace=NS,
        job_id=str(uuid.UUID(int=index + 1)),
        payload=f"job {index}",
        recurring=RecurrenceKind.CRON if cron else RecurrenceKind.NONE,
        timezone="UTC",
        cron="* * * * *" if cron else None,
        anchor=None,
        run_at=run_at,
        state=State.ACTIVE,
        version=1,
        created_at=now,
        updated_at=now,
    )


def _leases(dynamodb: Any) -> dict[str, Lease]:
    found = {}
    for shard in all_shards():
        key = {"pk": {"S": f"LEASE#{shard}"}, "sk": {"S": "LEASE"}}
        item = dynamodb.get_item(TableName=TABLE, Key=key, ConsistentRead=True).get("Item")
        if item is not None:
            found[shard] = Lease(
                item["owner"]["S"], int(item["leaseUntil"]["N"]) / 1000, int(item["leasedAt"]["N"]) / 1000
            )
    return found


def _dispatch_once(endpoint: str, queue_url: str, handoff_url: str) -> subprocess.Popen[bytes]:
    scheduler = Path(sys.executable).with_name("scheduler")
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_DEFAULT_REGION": "us-east-1",
        "SCHEDULER_TABLE_NAME": TABLE,
        "SCHEDULER_QUEUE_URL": queue_url,
        "SCHEDULER_HANDOFF_QUEUE_URL": handoff_url,
        "PYTHONWARNINGS": "ignore::UserWarning",  # Powertools on a tick that publishes nothing
    }
    return subprocess.Popen([str(scheduler), "dispatch", "--once"], env=env, stdout=subprocess.PIPE)


class Consumer:
    """Receives and deletes every message as it becomes visible, as consumers would, in a few
    threads (moto's SQS slows down with the number of messages a queue holds; SQS does not)."""

    def __init__(self, endpoint: str, queue_url: str, threads: int = 4) -> None:
        self._queue_url = queue_url
        self.messages: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._draining = threading.Event()
        self._threads = [
            threading.Thread(target=self._run, args=(session().client("sqs", endpoint_url=endpoint),), daemon=True)
            for _ in range(threads)
        ]
        for thread in self._threads:
            thread.start()

    def snapshot(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self.messages)

    def drain(self) -> list[dict[str, Any]]:
        """Every message received, once the visible ones are all taken."""
        self._draining.set()
        for thread in self._threads:
            thread.join()
        return self.messages

    def _run(self, sqs: Any) -> None:
        while True:
            batch = sqs.receive_message(
                QueueUrl=self._queue_url,
                MaxNumberOfMessages=10,
                MessageAttributeNames=["All"],
                AttributeNames=["SentTimestamp"],
            ).get("Messages", [])
            if batch:
                entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(batch)]
                sqs.delete_message_batch(QueueUrl=self._queue_url, Entries=entries)
                with self._lock:
                    self.messages.extend(batch)
            elif self._draining.is_set():
                return
            else:
                time.sleep(0.2)


def _until(condition: Any, timeout: float) -> bool:
    """Whether ``condition`` came true within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def _wait_for(condition: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _early_in_a_minute(within: int = 20) -> None:
    """Wait, if need be, until at most ``within`` seconds into a minute. The crons' next run,
    at the next minute, is then 40 to 60 s away: inside the first dispatcher's lookahead, and
    far enough that a slow machine's take-over cannot make it late past the run after it
    (a per-minute cron more than a minute late has its run recorded missed, by its rule)."""
    clock = datetime.now(UTC)
    second = clock.second + clock.microsecond / 1e6
    if second > within:
        time.sleep(60 - second)


def kill_one_of_two(endpoint: str, one_time: int = 2000, crons: int = 50, kill_after_sent: int = 100) -> Takeover:
    dynamodb = session().client("dynamodb", endpoint_url=endpoint)
    sqs = session().client("sqs", endpoint_url=endpoint)
    ensure_table(dynamodb, TABLE)
    queue_url = sqs.create_queue(QueueName=f"takeover-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    handoff_url = sqs.create_queue(QueueName=f"takeover-{uuid.uuid4().hex[:8]}-handoff")["QueueUrl"]
    _early_in_a_minute()
    # Whole seconds, as the API stores a runAt: the stage matches a run to its schedule's.
    now = datetime.now(UTC).replace(microsecond=0)
    schedules = [_schedule(i, now, cron=i >= one_time) for i in range(one_time + crons)]
    fill(dynamodb, TABLE, [schedule_to_item(s) for s in schedules])
    expected = {f"{s.job_id}/{s.run_at:%Y-%m-%dT%H:%M:%SZ}" for s in schedules[:one_time]}

    settings = Settings(table_name=TABLE, queue_url=queue_url, handoff_queue_url=handoff_url)
    stage = session()
    handler = make_handler(
        bootstrap_delivery(settings, dynamodb=stage.client("dynamodb", endpoint_url=endpoint), sqs=sqs),
        emit_metrics=False,
    )
    source = EventSource(handler, sqs, handoff_url)
    source.start(concurrency=4)
    consumer = Consumer(endpoint, queue_url)
    try:
        doomed = _dispatch_once(endpoint, queue_url, handoff_url)
        _wait_for(lambda: len(_leases(dynamodb)) == DUE_SHARDS, 60, "the first dispatcher to lease every shard")
        doomed_owner = {lease.owner.split("/")[0] for lease in _leases(dynamodb).values()}
        # Handed off so far: what the stage has taken, and what waits on its queue.
        _wait_for(
            lambda: len(source.received) + queue_depth(sqs, handoff_url) >= kill_after_sent,
            120,
            "the first dispatcher to hand off",
        )
        # The survivor starts now, so that its budget is not spent before the kill: it finds
        # the shards leased and waits for them.
        survivor = _dispatch_once(endpoint, queue_url, handoff_url)
        time.sleep(1)
        if doomed.poll() is not None:
            raise RuntimeError("the first dispatcher finished its tick before it could be killed")
        kill_at = time.time()
        doomed.send_signal(signal.SIGKILL)
        doomed.wait()
        dead_leases = {shard: x for shard, x in _leases(dynamodb).items() if x.owner.split("/")[0] in doomed_owner}

        out, _ = survivor.communicate(timeout=300)
        summary = last = json.loads(out.decode().strip().splitlines()[-1])
        survivor_leases = _leases(dynamodb)
        extra_ticks = 0
        while (last["stoppedEarly"] or last["shardsBusy"]) and extra_ticks < 5:
            extra_ticks += 1  # a slow machine: the rest goes to the ticks that follow, as it would
            out, _ = _dispatch_once(endpoint, queue_url, handoff_url).communicate(timeout=300)
            last = json.loads(out.decode().strip().splitlines()[-1])

        # The crons' next runs are handed off for the next minute, and delivered then.
        cron_ids = {s.job_id for s in schedules[one_time:]}
        # What has not arrived by then is counted as not delivered.
        _until(
            lambda: cron_ids <= _job_ids(snapshot := consumer.snapshot()) and expected <= _occurrences(snapshot),
            DELIVERY_TIMEOUT,
        )
        time.sleep(2)  # for a repeat still in flight
    finally:
        source.stop()
    messages = consumer.drain()
    handed_off = {m["MessageId"]: m for m in source.received}  # a run offered again is one hand-off
    first_send: dict[str, float] = {}
    for message in handed_off.values():
        sent = int(message["Attributes"]["SentTimestamp"]) / 1000
        shard = due_shard(NS, message["MessageAttributes"]["jobId"]["StringValue"])
        if shard in dead_leases and sent >= survivor_leases[shard].leased_at:
            first_send[shard] = min(sent, first_send.get(shard, sent))
    missed = 0
    for schedule in schedules[one_time:]:
        runs = dynamodb.query(
            TableName=TABLE,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": runs_key(NS, schedule.job_id)}},
        )["Items"]
        missed += sum(1 for run in runs if run["status"]["S"] == "missed")
    return Takeover(
        one_time=expected,
        crons=[s.job_id for s in schedules[one_time:]],
        kill_at=kill_at,
        dead_leases=dead_leases,
        leases_after=survivor_leases,
        received=_only(Counter(_occurrence(m) for m in handed_off.values()), expected),
        delivered=_only(Counter(_occurrence(m) for m in messages), expected),
        first_send=first_send,
        survivor=summary,
        extra_ticks=extra_ticks,
        missed=missed,
        crons_delivered=len(_job_ids(messages) & cron_ids),
    )


def _occurrence(message: dict[str, Any]) -> str:
    return str(message["MessageAttributes"]["occurrenceId"]["StringValue"])


def _occurrences(messages: list[dict[str, Any]]) -> set[str]:
    return {_occurrence(m) for m in messages}


def _job_ids(messages: list[dict[str, Any]]) -> set[str]:
    return {m["MessageAttributes"]["jobId"]["StringValue"] for m in messages}


def _only(counts: Counter[str], occurrences: set[str]) -> Counter[str]:
    return Counter({occurrence: n for occurrence, n in counts.items() if occurrence in occurrences})


def main() -> None:
    logging.getLogger("scheduler-delivery").setLevel(logging.WARNING)  # a summary line per batch
    process, endpoint = start_moto()
    try:
        print(f"$ {shlex.join([os.path.basename(sys.executable), '-m', 'benchmarks.takeover'])}")
        print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        result = kill_one_of_two(endpoint)
        lapse, takeover, first = result.lease_lapse_seconds(), result.takeover_seconds(), result.first_send_seconds()
        print(f"due: {len(result.one_time)} one-time runs and {len(result.crons)} per-minute crons; 2 dispatchers")
        print(f"the killed one's leases ended {lapse[0]:.1f} to {lapse[-1]:.1f} s after the kill (bound: 15 s)")
        print(f"the survivor leased its shards {takeover[0]:.1f} to {takeover[-1]:.1f} s after the kill", end="")
        if first:
            print(f" and handed off from them {first[0]:.1f} to {first[-1]:.1f} s after it")
        else:
            print("; the stage received no hand-off it made from them")
        tick = {key: result.survivor.get(key) for key in ("handedOff", "alreadyHandedOff", "stoppedEarly", "missed")}
        print(f"the survivor's tick: {tick}")
        print(
            f"handed off {len(result.received)}/{len(result.one_time)} one-time runs, {result.repeats} twice; "
            f"delivered {len(result.delivered)}/{len(result.one_time)}, {result.delivered_repeats} twice (same "
            f"occurrenceId); {result.crons_delivered}/{len(result.crons)} crons delivered, "
            f"{result.missed} runs recorded missed; ticks after the survivor's: {result.extra_ticks}"
        )
    finally:
        process.terminate()
        process.wait()


if __name__ == "__main__":
    main()
