"""The dispatcher and the delivery stage on moto: once without crashes, nothing lost with
faults and crashes.

DynamoDB applies each request atomically; moto does not lock, so these tests serialize
moto's request handling (the dispatchers still interleave between requests, which is where
the races are). Faults are injected in two places: at botocore's transport (``Faults``: a
throttling answer or a dropped connection before the request reaches the service, which
botocore then retries), and at the client (``benchmarks.client_faults``: the call raises to
our code, as it does once botocore's retries are used up).
"""

from __future__ import annotations

import json
import threading
import uuid
import zlib
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import botocore.endpoint
import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ConnectionClosedError
from moto.core.botocore_stubber import BotocoreStubber, MockRawResponse

from benchmarks.client_faults import ClientFaults
from service.adapters.dynamo_delivery_store import DynamoDeliveryStore
from service.adapters.dynamo_due_store import DynamoDueStore
from service.adapters.dynamo_items import schedule_to_item
from service.adapters.sqs_batches import BatchSender
from service.adapters.sqs_target_sender import SqsTargetSender
from service.bootstrap.api import ApiContainer
from service.bootstrap.delivery import bootstrap_delivery
from service.config import Settings
from service.domain.handoff_ledger import HandOffLedger
from service.domain.recurrence import RecurrenceKind
from service.domain.runs import Run
from service.domain.schedule import Schedule, ScheduleInput, State
from service.domain.targets import Target, TargetKind
from service.entrypoints.delivery_handler import make_handler as make_delivery_handler
from service.entrypoints.local.stage_queue import LocalStageQueue
from service.entrypoints.local.stage_runner import StageRunner
from service.services.delivery_ports import ScheduleRef
from service.services.dispatch import Dispatcher
from service.services.due_store import DueStore
from service.services.handoff import HandOff, HandOffItem, HandOffOutcome
from service.services.target_ports import Delivery, DeliveryOutcome
from tests.conftest import REGION, Aws
from tests.dispatch_fakes import tuning
from tests.fakes import FakeClock

T = TypeVar("T")
LEASE_LAPSE = timedelta(seconds=15)


class Faults(ClientFaults):
    """Serializes moto and, while on, fails a share of calls at the transport, the way AWS
    can, for botocore to retry. Off until switched on."""

    def __init__(self, rate: float, seed: int) -> None:
        super().__init__(rate, seed)
        self.on = False

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        original = BotocoreStubber.__call__
        faults = self

        def call(stubber: BotocoreStubber, event_name: str, request: Any, **kwargs: Any) -> AWSResponse | None:
            with faults._lock:
                roll = faults._random.random()
                if faults.on and roll < faults.rate / 2:
                    faults.injected["connection"] += 1
                    raise ConnectionClosedError(endpoint_url=request.url)
                if faults.on and roll < faults.rate:
                    faults.injected["throttling"] += 1
                    body = json.dumps({"__type": "ThrottlingException", "message": "Rate exceeded"})
                    headers = {"x-amzn-ErrorType": "ThrottlingException", "Content-Type": "application/x-amz-json-1.0"}
                    return AWSResponse(request.url, 400, headers, MockRawResponse(body))  # type: ignore[arg-type]
                return original(stubber, event_name, request, **kwargs)

        monkeypatch.setattr(BotocoreStubber, "__call__", call)
        # botocore's retries back off for real seconds; the test does not need to wait.
        monkeypatch.setattr(botocore.endpoint, "time", type("NoSleep", (), {"sleep": staticmethod(lambda _: None)}))


class SimulatedCrashError(BaseException):
    """The process died here: nothing after it runs, not even a finally's AWS call (a
    BaseException, so that no handler of failed calls catches it)."""


class CrashSwitch:
    def __init__(self, step: str = "", when: str = "") -> None:
        self.step, self.when, self.fired = step, when, False

    def around(self, step: str, call: Callable[[], T]) -> T:
        if self.fired:
            raise SimulatedCrashError("already dead")
        if step == self.step and self.when == "before":
            self.fired = True
            raise SimulatedCrashError(f"before {step}")
        result = call()
        if step == self.step and self.when == "after":
            self.fired = True
            raise SimulatedCrashError(f"after {step}")
        return result


class CrashingStore(DueStore):
    def __init__(self, inner: DueStore, switch: CrashSwitch) -> None:
        self.inner, self.switch = inner, switch

    def shards(self) -> Sequence[str]:
        return self.inner.shards()

    def has_due(self, shard: str, until: datetime) -> bool:
        return self.switch.around("has_due", lambda: self.inner.has_due(shard, until))

    def lease(self, shard: str, owner: str, now: datetime, until: datetime) -> HandOffLedger | None:
        return self.switch.around("lease", lambda: self.inner.lease(shard, owner, now, until))

    def renew(self, shard: str, owner: str, until: datetime, ledger: HandOffLedger | None = None) -> bool:
        return self.switch.around("renew", lambda: self.inner.renew(shard, owner, until, ledger))

    def lease_ends(self, shard: str) -> datetime | None:
        return self.switch.around("lease_ends", lambda: self.inner.lease_ends(shard))

    def release(self, shard: str, owner: str, free_from: datetime, ledger: HandOffLedger | None = None) -> None:
        self.switch.around("release", lambda: self.inner.release(shard, owner, free_from, ledger))

    def ledger(self, shard: str) -> HandOffLedger:
        return self.inner.ledger(shard)

    def due(self, shard: str, until: datetime) -> Iterator[list[Schedule]]:
        pages = self.inner.due(shard, until)
        while True:
            page = self.switch.around("due", lambda: next(pages, None))
            if page is None:
                return
            yield page

    def advance(self, schedule: Schedule, expected_version: int) -> bool:
        return self.switch.around("advance", lambda: self.inner.advance(schedule, expected_version))

    def add_runs(self, runs: Sequence[Run]) -> None:
        self.switch.around("add_runs", lambda: self.inner.add_runs(runs))


class CrashingHandOff(HandOff):
    def __init__(self, inner: HandOff, switch: CrashSwitch) -> None:
        self.inner, self.switch = inner, switch

    def hand_off(self, items: Sequence[HandOffItem]) -> list[HandOffOutcome]:
        return self.switch.around("hand_off", lambda: self.inner.hand_off(items))


def _received(aws: Aws) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    while True:
        batch = aws.sqs.receive_message(
            QueueUrl=aws.queue_url, MaxNumberOfMessages=10, MessageAttributeNames=["All"], VisibilityTimeout=600
        ).get("Messages", [])
        if not batch:
            return messages
        messages.extend(batch)


def _occurrence_ids(messages: list[dict[str, Any]]) -> Counter[str]:
    return Counter(m["MessageAttributes"]["occurrenceId"]["StringValue"] for m in messages)


def _create_due(container: ApiContainer, clock: FakeClock, one_time: int, daily: int) -> set[str]:
    """Schedules that fall due over the next minutes; returns their expected occurrence ids."""
    expected = set()
    start = clock()
    for index in range(one_time + daily):
        run_at = start + timedelta(minutes=2, seconds=7 * index)
        recurring = "daily" if index < daily else "none"
        schedule = container.schedules.create(
            "default", ScheduleInput(payload=f"job {index}", recurring=recurring, run_at=run_at.isoformat())
        )
        expected.add(f"{schedule.job_id}/{run_at.strftime('%Y-%m-%dT%H:%M:%SZ')}")
    clock.set(start + timedelta(minutes=2, seconds=7 * (one_time + daily)))
    return expected


def _store_due(aws: Aws, clock: FakeClock, one_time: int, daily: int) -> set[str]:
    """Many due schedules written straight to the table, as the API would have stored them."""
    now = clock()
    expected = set()
    requests = []
    for index in range(one_time + daily):
        run_at = now - timedelta(seconds=index % 50)
        schedule = Schedule(
            namespace="default",
            job_id=str(uuid.UUID(int=index + 1)),
            payload=f"job {index}",
            recurring=RecurrenceKind.DAILY if index < daily else RecurrenceKind.NONE,
            timezone="UTC",
            cron=None,
            anchor=run_at.replace(tzinfo=None) if index < daily else None,
            run_at=run_at,
            state=State.ACTIVE,
            version=1,
            created_at=now,
            updated_at=now,
        )
        expected.add(f"{schedule.job_id}/{run_at.strftime('%Y-%m-%dT%H:%M:%SZ')}")
        requests.append({"PutRequest": {"Item": schedule_to_item(schedule)}})
    for start in range(0, len(requests), 25):
        aws.dynamodb.batch_write_item(RequestItems={aws.table_name: requests[start : start + 25]})
    return expected


def _dispatcher(
    aws: Aws, clock: FakeClock, queue: HandOff, workers: int = 1, switch: CrashSwitch | None = None
) -> Dispatcher:
    store: DueStore = DynamoDueStore(aws.dynamodb, aws.table_name)
    handoff: HandOff = queue
    if switch is not None:
        store, handoff = CrashingStore(store, switch), CrashingHandOff(handoff, switch)
    settings = tuning(shard_workers=workers, write_workers=workers)
    return Dispatcher(store, handoff, settings, clock=clock, sleep=lambda seconds: clock.advance(seconds=seconds))


def _deliver_all(
    aws: Aws, clock: FakeClock, queue: LocalStageQueue, dynamodb: Any = None, sqs: Any = None, rounds: int = 40
) -> None:
    """The real delivery function over everything handed off, each run at its time: the
    clock moves on to the next visible run, and past the retries it asks for."""
    settings = Settings.model_validate({"table_name": aws.table_name, "queue_url": aws.queue_url})
    container = bootstrap_delivery(
        settings,
        session=aws.session,
        dynamodb=dynamodb or aws.dynamodb,
        sqs=sqs or aws.sqs,
        queue=queue,
        clock=clock,
        sleep=lambda seconds: clock.advance(seconds=seconds),
    )
    runner = StageRunner(make_delivery_handler(container, emit_metrics=False), queue, REGION)
    for _ in range(rounds):
        while runner.invoke_once(wait=0):
            pass
        if not len(queue):
            return
        clock.advance(seconds=30)


def _anything_due(aws: Aws, clock: FakeClock, faults: Faults) -> bool:
    """The test's own look at the index, with no fault injected into it."""
    store = DynamoDueStore(aws.dynamodb, aws.table_name)
    was_on, faults.on = faults.on, False
    try:
        return any(store.has_due(shard, clock() + timedelta(minutes=1)) for shard in store.shards())
    finally:
        faults.on = was_on


def _tick(dispatcher: Dispatcher, clock: FakeClock) -> bool:
    """One tick; False if it died (a crash, or AWS failing past botocore's retries)."""
    try:
        dispatcher.tick(clock(), clock() + timedelta(seconds=50))
    except (Exception, SimulatedCrashError):
        return False
    return True


class RecordingHandOff(HandOff):
    """Thread-safe record of what was handed off (the races here are in DynamoDB)."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self._lock = threading.Lock()

    def hand_off(self, items: Sequence[HandOffItem]) -> list[HandOffOutcome]:
        with self._lock:
            self.sent.extend(i.delivery.occurrence_id for i in items)
        return [HandOffOutcome(i) for i in items]


def test_four_concurrent_dispatchers_hand_off_2000_due_occurrences_once_each(
    aws: Aws, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    Faults(rate=0.0, seed=1).install(monkeypatch)
    expected = _store_due(aws, clock, one_time=1800, daily=200)
    handoff = RecordingHandOff()
    dispatchers = [
        # Leases on the real clock: a waiting dispatcher really waits for the holder. Long
        # ones, which a step of in-process moto on a loaded machine cannot outlast: a lease
        # that lapses mid-step is a take-over, whose re-sends are tested on their own.
        Dispatcher(
            DynamoDueStore(aws.dynamodb, aws.table_name),
            handoff,
            tuning(
                shard_workers=4,
                write_workers=4,
                busy_poll=timedelta(seconds=1),
                lease_period=timedelta(minutes=2),
                renew_margin=timedelta(seconds=90),
            ),
        )
        for _ in range(4)
    ]
    start = threading.Barrier(len(dispatchers))

    def run(dispatcher: Dispatcher) -> None:
        start.wait()
        # A budget that in-process moto under a loaded machine cannot use up: the tick ends
        # when the work does.
        dispatcher.tick(clock(), datetime.now(UTC) + timedelta(minutes=10))

    threads = [threading.Thread(target=run, args=(d,)) for d in dispatchers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    ids = Counter(handoff.sent)
    assert set(ids) == expected
    assert set(ids.values()) == {1}


@pytest.mark.parametrize("when", ["before", "after"])
@pytest.mark.parametrize("step", ["has_due", "lease", "due", "hand_off", "release"])
def test_a_dispatcher_crash_at_any_step_under_random_aws_faults_loses_nothing(
    aws: Aws,
    container: ApiContainer,
    clock: FakeClock,
    stage_queue: LocalStageQueue,
    monkeypatch: pytest.MonkeyPatch,
    step: str,
    when: str,
) -> None:
    faults = Faults(rate=0.10, seed=zlib.crc32(f"{step}/{when}".encode()) % 1000)  # the same each run
    faults.install(monkeypatch)
    expected = _create_due(container, clock, one_time=20, daily=4)
    faults.on = True

    crashed = not _tick(_dispatcher(aws, clock, stage_queue, switch=CrashSwitch(step, when)), clock)
    for _ in range(12):  # recovery: a new dispatcher each tick, after the dead one's lease lapsed
        clock.advance(seconds=LEASE_LAPSE.total_seconds())
        _tick(_dispatcher(aws, clock, stage_queue), clock)
        _deliver_all(aws, clock, stage_queue)
        if not _anything_due(aws, clock, faults):
            break

    assert crashed
    faults.on = False
    ids = _occurrence_ids(_received(aws))
    assert set(ids) == expected  # every occurrence at least once, and no other id
    assert sum(faults.injected.values()) > 0


class CrashingDeliveryStore(DynamoDeliveryStore):
    def __init__(self, aws: Aws, switch: CrashSwitch) -> None:
        super().__init__(aws.dynamodb, aws.table_name)
        self.switch = switch

    def schedules(self, refs: Sequence[ScheduleRef]) -> dict[ScheduleRef, Schedule]:
        return self.switch.around("read", lambda: super(CrashingDeliveryStore, self).schedules(refs))

    def add_runs(self, runs: Sequence[Run]) -> None:
        self.switch.around("add_runs", lambda: super(CrashingDeliveryStore, self).add_runs(runs))

    def advance(self, schedule: Schedule, expected_version: int) -> bool:
        return self.switch.around(
            "advance", lambda: super(CrashingDeliveryStore, self).advance(schedule, expected_version)
        )


class CrashingTargetSender(SqsTargetSender):
    def __init__(self, aws: Aws, clock: FakeClock, switch: CrashSwitch) -> None:
        super().__init__(BatchSender(aws.sqs), clock)
        self.switch = switch

    def deliver(self, target: Target, deliveries: Sequence[Delivery]) -> list[DeliveryOutcome]:
        return self.switch.around("deliver", lambda: super(CrashingTargetSender, self).deliver(target, deliveries))


@pytest.mark.parametrize("when", ["before", "after"])
@pytest.mark.parametrize("step", ["read", "deliver", "add_runs", "advance"])
def test_a_delivery_function_crash_at_any_step_loses_nothing_and_a_repeat_carries_the_same_id(
    aws: Aws,
    container: ApiContainer,
    clock: FakeClock,
    stage_queue: LocalStageQueue,
    monkeypatch: pytest.MonkeyPatch,
    step: str,
    when: str,
) -> None:
    Faults(rate=0.0, seed=5).install(monkeypatch)  # serializes moto
    expected = _create_due(container, clock, one_time=20, daily=4)
    _tick(_dispatcher(aws, clock, stage_queue), clock)
    switch = CrashSwitch(step, when)
    settings = Settings.model_validate({"table_name": aws.table_name, "queue_url": aws.queue_url})
    crashing = bootstrap_delivery(
        settings,
        session=aws.session,
        store=CrashingDeliveryStore(aws, switch),
        dynamodb=aws.dynamodb,
        senders={TargetKind.SQS: CrashingTargetSender(aws, clock, switch)},
        queue=stage_queue,
        clock=clock,
        sleep=lambda seconds: clock.advance(seconds=seconds),
    )
    runner = StageRunner(make_delivery_handler(crashing, emit_metrics=False), stage_queue, REGION)

    with pytest.raises(SimulatedCrashError):
        while runner.invoke_once(wait=0):
            pass
    _deliver_all(aws, clock, stage_queue)  # a new instance, once the dead one's batch is visible again
    for _ in range(3):  # the next runs of the daily schedules are a day away: nothing else comes due
        clock.advance(minutes=1)
        _tick(_dispatcher(aws, clock, stage_queue), clock)
        _deliver_all(aws, clock, stage_queue)

    ids = _occurrence_ids(_received(aws))
    assert set(ids) == expected  # every occurrence at least once, and no other id
    assert sum(ids.values()) - len(ids) <= 10  # repeats: at most the batch in flight


def test_random_aws_faults_alone_deliver_everything_with_stable_ids(
    aws: Aws, container: ApiContainer, clock: FakeClock, stage_queue: LocalStageQueue, monkeypatch: pytest.MonkeyPatch
) -> None:
    faults = Faults(rate=0.10, seed=7)
    faults.install(monkeypatch)
    expected = _create_due(container, clock, one_time=60, daily=12)
    faults.on = True

    for _ in range(6):
        if not _tick(_dispatcher(aws, clock, stage_queue, workers=4), clock):
            clock.advance(seconds=LEASE_LAPSE.total_seconds())
        _deliver_all(aws, clock, stage_queue)
        clock.advance(minutes=1)

    faults.on = False
    ids = _occurrence_ids(_received(aws))
    assert set(ids) == expected
    assert faults.injected["throttling"] > 0 and faults.injected["connection"] > 0


def test_a_tenth_of_all_calls_failing_fails_no_tick_and_repeats_stay_under_15_percent(
    aws: Aws, container: ApiContainer, clock: FakeClock, stage_queue: LocalStageQueue, monkeypatch: pytest.MonkeyPatch
) -> None:
    Faults(rate=0.0, seed=3).install(monkeypatch)  # serializes moto
    expected = _create_due(container, clock, one_time=240, daily=60)
    faults = ClientFaults(rate=0.10, seed=11)
    dynamodb, sqs = aws.session.client("dynamodb"), aws.session.client("sqs")
    faults.attach(dynamodb, sqs)
    dispatcher = Dispatcher(
        DynamoDueStore(dynamodb, aws.table_name),
        stage_queue,
        tuning(shard_workers=4, write_workers=4),
        clock=clock,
        sleep=lambda seconds: clock.advance(seconds=seconds),
    )

    reports = []
    for _ in range(12):
        reports.append(dispatcher.tick(clock(), clock() + timedelta(seconds=50)))  # never raises
        _deliver_all(aws, clock, stage_queue, dynamodb=dynamodb, sqs=sqs)  # the stage under the same faults
        clock.advance(minutes=1)
        if not _anything_due(aws, clock, faults) and not len(stage_queue):
            break

    faults.on = False
    ids = _occurrence_ids(_received(aws))
    assert set(ids) == expected
    repeats = sum(ids.values()) - len(ids)
    assert repeats < 0.15 * len(expected)
    assert sum(faults.injected.values()) > 20
    assert sum(r.failed_calls for r in reports) > 0  # counted by the ticks that lived through them
