"""The ports the use cases depend on. Adapters implement them; tests fake them."""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from json.encoder import encode_basestring_ascii
from typing import Generic, TypeVar

from service.domain.about import Labels
from service.domain.idempotency import IdempotentCreate
from service.domain.runs import Run, RunStatus
from service.domain.schedule import MAX_PAYLOAD_BYTES, Schedule, State

T = TypeVar("T")

# -- the size of an answer ---------------------------------------------------------
# A Lambda answer is at most 6 MB, so a page of schedules is cut by size as well as by
# count. Sizes are counted as the bytes a value takes in the answer as it leaves Lambda:
# a JSON string (non-ASCII escaped: the larger of the ways the API writes JSON) inside
# the JSON envelope of the Lambda response, which escapes its quotes and backslashes
# once more. A payload SQS accepts grows at most fourfold so (a '"' becomes '\\\"').

# Every field of a schedule but its payload, cron, name, description, labels and pause
# note, so escaped, with room to spare.
SCHEDULE_FIELDS_BYTES = 1024
LIFECYCLE_FIELDS_BYTES = 256  # startAt, endAt, maxRuns, remainingRuns, interval, catchUp
MAX_PAYLOAD_ANSWER_BYTES = 4 * MAX_PAYLOAD_BYTES + 4


def answer_bytes(text: str) -> int:
    """The bytes ``text`` takes in an answer, as a JSON string in the Lambda envelope."""
    quoted = encode_basestring_ascii(text)
    return len(quoted) + quoted.count("\\") + quoted.count('"')


def schedule_answer_bytes(payload_answer_bytes: int, cron: str | None, details_answer_bytes: int = 0) -> int:
    """The most bytes a schedule takes in an answer, from its payload's answer bytes (and
    those of its name, description, labels and pause note: ``details_answer_bytes``)."""
    fixed = SCHEDULE_FIELDS_BYTES + LIFECYCLE_FIELDS_BYTES
    return fixed + payload_answer_bytes + (answer_bytes(cron) if cron else 0) + details_answer_bytes


def details_answer_bytes(schedule: Schedule) -> int:
    """The bytes a schedule's name, description, labels and pause note take in an answer."""
    return texts_answer_bytes([schedule.name, schedule.description, schedule.pause_note], schedule.labels)


def texts_answer_bytes(texts: Sequence[str | None], labels: Labels) -> int:
    """The bytes ``texts`` and ``labels`` take in an answer: each label as JSON, ``"key":
    "value"`` with its punctuation (GraphQL's ``{key, value}`` pairs a little more)."""
    total = sum(answer_bytes(text) for text in texts if text)
    return total + sum(answer_bytes(key) + answer_bytes(value) + 32 for key, value in labels)


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None = None


class ScheduleRepository(abc.ABC):
    """Where schedules and their run history live.

    Writes are conditional: ``add`` never overwrites, ``replace`` and ``delete`` never
    create, and an ``expected_version`` makes them fail with ``VersionConflict`` when the
    stored schedule has moved on. The history keeps every run recorded: storing a
    schedule never loses the run it replaces as its last run.
    """

    @abc.abstractmethod
    def get(self, namespace: str, job_id: str) -> Schedule | None: ...

    @abc.abstractmethod
    def add(self, schedule: Schedule, *, idempotency: IdempotentCreate | None = None) -> None:
        """Store a new schedule (with its name and label index entries).

        With ``idempotency``, the key's record is stored in the same write, and nothing
        is written if the key already has one that has not expired: ``KeyAlreadyRecorded``
        carries it then.
        """

    @abc.abstractmethod
    def idempotency_record(self, namespace: str, key: str, now: datetime) -> IdempotentCreate | None:
        """The namespace's live record of ``key`` (not expired at ``now``), if any."""

    @abc.abstractmethod
    def replace(
        self,
        schedule: Schedule,
        expected_version: int,
        *,
        payload_changed: bool = False,
        previous: Schedule | None = None,
    ) -> None:
        """Store ``schedule`` over the stored one, which must be at ``expected_version``.

        ``payload_changed`` says whether the payload must be written too: a large payload
        is stored apart and left untouched by changes of state. ``previous``, the stored
        schedule at ``expected_version``, is given when the definition changes: its name,
        description and labels are replaced (and their index entries) by the new ones.
        Without it they are the stored ones, untouched.
        """

    @abc.abstractmethod
    def delete(self, namespace: str, job_id: str, expected_version: int | None = None) -> Schedule: ...

    @abc.abstractmethod
    def list(
        self,
        namespace: str,
        limit: int,
        cursor: str | None,
        state: State | None,
        *,
        max_bytes: int,
        labels: Labels = (),
        name_prefix: str | None = None,
    ) -> Page[Schedule]:
        """Up to ``limit`` schedules, oldest first, whose ``schedule_answer_bytes`` add up
        to at most ``max_bytes`` (but always one, if any is left), read without reading
        the payloads of schedules that do not fit.

        Filtered by ``labels`` (each must match) and ``name_prefix`` (``about.name_key``
        of the name begins with that of the prefix), reading only the index entries of
        one of them and the schedules those name: ordered by name with ``name_prefix``."""

    @abc.abstractmethod
    def record_run(self, schedule: Schedule, expected_version: int, run: Run) -> None:
        """Atomically store ``schedule``, whose last run is ``run`` (as ``replace`` does), and
        keep ``run`` in its history."""

    @abc.abstractmethod
    def add_run(self, run: Run) -> None: ...

    @abc.abstractmethod
    def add_runs(self, runs: Sequence[Run]) -> None:
        """Keep runs in their schedules' history, in batches (a later record of a run wins)."""

    @abc.abstractmethod
    def add_queued_run(self, run: Run) -> None:
        """Record a run handed to the delivery stage, unless the stage has recorded it first."""

    @abc.abstractmethod
    def list_runs(
        self,
        schedule: Schedule,
        limit: int,
        cursor: str | None,
        queued_by: datetime | None = None,
        status: RunStatus | None = None,
    ) -> Page[Run]:
        """The run history of ``schedule`` as read, newest first, its last run included, and
        its pending run as ``queued`` if it is in the delivery stage (looked for only if it
        is due by ``queued_by``: later than that, nothing has handed it off yet); with
        ``status``, only the runs of that status."""
