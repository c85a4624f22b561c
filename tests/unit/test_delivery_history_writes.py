"""The delivery stage writes the history of a batch of runs together: one batched write per
batch of up to 25 items, not one per run, and a schedule moves on only once its run's
history is written."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from service.domain.runs import Run, RunStatus
from service.domain.schedule import Schedule
from tests.dispatch_fakes import NS, START, InMemoryDueStore, World, dispatch_world


class CountingStore(InMemoryDueStore):
    """The in-memory store, counting its history writes; it can fail the next ones."""

    def __init__(self, world: World) -> None:
        super().__init__(world.repository)
        self.history_writes: list[int] = []
        self.fail_history = 0

    def add_runs(self, runs: Sequence[Run]) -> None:
        self.history_writes.append(len(runs))
        if self.fail_history:
            self.fail_history -= 1
            raise ConnectionError("the table did not answer")
        super().add_runs(runs)


def _world_of_crons(count: int) -> tuple[World, CountingStore, list[str]]:
    world = dispatch_world()
    store = CountingStore(world)
    world.store = store
    jobs = [world.create(recurring="cron", cron="* * * * *") for _ in range(count)]  # handed off by the API
    return world, store, jobs


def _runs(world: World, job: str) -> list[Run]:
    return list(world.repository.runs.get((NS, job), {}).values())


def _stored(world: World, job: str) -> Schedule:
    stored = world.repository.get(NS, job)
    assert stored is not None
    return stored


def test_a_batch_of_ten_cron_runs_writes_their_history_in_one_call() -> None:
    world, store, jobs = _world_of_crons(10)

    result = world.deliver_due()

    assert result.report.delivered == 10
    assert store.history_writes == [10]
    for job in jobs:
        assert [run.status for run in _runs(world, job)] == [RunStatus.DELIVERED]
        assert _stored(world, job).run_at == START + timedelta(minutes=1)


def test_a_history_write_that_fails_leaves_every_schedule_of_the_batch_where_it_was() -> None:
    world, store, jobs = _world_of_crons(3)
    store.fail_history = 3  # every try of the stage's one call

    result = world.deliver_due()

    assert store.history_writes == [3, 3, 3]
    assert len(result.later) == 3  # every run offered again
    for job in jobs:
        assert _runs(world, job) == []
        assert _stored(world, job).run_at == START  # not moved on past a run with no record


def test_the_runs_offered_again_after_a_failed_history_write_are_recorded_once_when_it_recovers() -> None:
    world, store, jobs = _world_of_crons(3)
    store.fail_history = 3

    world.deliver_due()
    world.clock.advance(seconds=5)
    world.deliver_due()

    for job in jobs:
        assert [run.scheduled_for for run in _runs(world, job)] == [START]
        assert _stored(world, job).run_at == START + timedelta(minutes=1)
