"""In the local stack the dispatcher's calls give way to the delivery stage: they wait while
the stage queue has runs due or being delivered, for a bounded time, so that a tick never
makes the runs due now late and never stalls."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from service.domain.runs import RunTrigger
from service.entrypoints.local.emulator_calls import GiveWay
from service.entrypoints.local.stage_queue import LocalStageQueue
from service.services.handoff import HandOffItem
from service.services.target_ports import Delivery
from tests.fakes import FakeClock, FakeMonotonic

AT = datetime(2027, 1, 4, 12, 1, 0, tzinfo=UTC)


def _item(job: str, run_at: datetime = AT) -> HandOffItem:
    return HandOffItem(
        delivery=Delivery("default", job, run_at, "payload"),
        trigger=RunTrigger.SCHEDULE,
        revision=1,
        due_run_at=run_at,
        handed_off_at=run_at - timedelta(seconds=50),
    )


def test_the_stage_queue_is_delivering_from_a_run_s_instant_until_the_run_is_settled() -> None:
    clock = FakeClock(AT - timedelta(seconds=50))
    queue = LocalStageQueue(clock=clock)
    queue.hand_off([_item("one"), _item("two")])
    assert not queue.delivering()  # runs a minute ahead: nothing to make way for

    clock.set(AT)
    assert queue.delivering()  # due, not yet taken
    first, second = queue.receive(10, wait=0)
    assert queue.delivering()  # taken, not yet delivered

    queue.delete([first.message_id])
    assert queue.delivering()
    queue.delete([second.message_id])
    assert not queue.delivering()


def test_a_run_offered_again_later_leaves_the_stage_idle_until_then() -> None:
    clock = FakeClock(AT)
    queue = LocalStageQueue(clock=clock)
    queue.hand_off([_item("one")])
    (message,) = queue.receive(10, wait=0)
    received = type("Received", (), {"message_id": message.message_id, "receipt_handle": message.receipt_handle})

    queue.retry_later([(received, timedelta(seconds=30))])  # type: ignore[list-item]

    assert not queue.delivering()
    clock.advance(seconds=30)
    assert queue.delivering()


def test_a_call_goes_at_once_while_the_stage_is_idle() -> None:
    asked: list[bool] = []

    def idle() -> bool:
        asked.append(True)
        return False

    GiveWay(idle, max_wait=60)()

    assert asked == [True]


def test_a_call_waits_until_the_stage_is_idle() -> None:
    answers = iter([True, True, True, False])
    clock = FakeMonotonic()
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.now += seconds

    GiveWay(lambda: next(answers), max_wait=60, poll=0.005, clock=clock, sleep=sleep)()

    assert slept == [0.005] * 3  # while the stage was busy, and no longer


def test_a_call_waits_no_longer_than_its_bound_for_a_stage_that_stays_busy() -> None:
    clock = FakeMonotonic()
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.now += seconds

    GiveWay(lambda: True, max_wait=0.05, poll=0.005, clock=clock, sleep=sleep)()

    assert len(slept) == 10  # 50 ms of 5 ms waits, then the call goes
