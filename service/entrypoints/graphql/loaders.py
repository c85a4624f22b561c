"""The DataLoaders of one GraphQL request: what nested fields load, gathered per request.

A field hands its key to a loader and awaits it; once every field of a level has done so,
the loader's batch function runs once for all the keys, and a key asked for twice (an
alias, a fragment) is loaded once. Batch functions run on the operation's own event loop
in its worker thread (``threaded``), so the boto3 calls they make never block the server.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from strawberry.dataloader import DataLoader

from service.domain.errors import DomainError
from service.domain.runs import Run, RunStatus
from service.domain.schedule import Schedule
from service.services.ports import Page
from service.services.schedules import ScheduleService


@dataclass(frozen=True)
class RunsRequest:
    """A page of a schedule's run history, as a ``runs`` field asks for it."""

    schedule: Schedule
    first: int
    after: str | None
    status: RunStatus | None = None


class Loaders:
    def __init__(self, schedules: ScheduleService) -> None:
        self._schedules = schedules
        self.runs = DataLoader(load_fn=self._load_runs)

    async def _load_runs(self, requests: Sequence[RunsRequest]) -> list[Page[Run] | BaseException]:
        # One Query per schedule: DynamoDB reads no partitions' pages in one call. An
        # expected failure is that request's alone (its field shows the error).
        pages: list[Page[Run] | BaseException] = []
        for request in requests:
            try:
                pages.append(self._schedules.runs_of(request.schedule, request.first, request.after, request.status))
            except DomainError as exc:
                pages.append(exc)
        return pages
