"""Lists page by size as well as by count (every answer fits in Lambda's 6 MB), on moto.

Payloads over 512 bytes live in items of their own; the schedule item keeps their answer
size, so a page is planned before any payload is read, and the payloads that fit are
read in one batch. A payload that moves or goes while it is read, in a page or alone, has
its schedule read again.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from service.adapters import table_schema as ts
from service.adapters.dynamo_repository import DynamoScheduleRepository
from service.domain.schedule import MAX_PAYLOAD_BYTES, Schedule
from service.services.ports import MAX_PAYLOAD_ANSWER_BYTES, answer_bytes, schedule_answer_bytes
from tests.builders import NS, a_schedule
from tests.conftest import Aws
from tests.integration.conftest import CallLog

# The costliest payload to answer: each '"' takes four bytes once escaped twice.
QUOTES = '"' * MAX_PAYLOAD_BYTES
PAGE_BYTES = 4_000_000


def list_all(repo: DynamoScheduleRepository, limit: int, max_bytes: int) -> list[list[Schedule]]:
    pages, cursor = [], None
    while True:
        page = repo.list(NS, limit, cursor, None, max_bytes=max_bytes)
        pages.append(page.items)
        if (cursor := page.next_cursor) is None:
            return pages


def size(schedule: Schedule) -> int:
    return schedule_answer_bytes(answer_bytes(schedule.payload), schedule.cron)


@pytest.mark.parametrize("text", ["plain", '"quoted" \\ back', "é€😀", "tab\tnew\nline\r", "</script>"])
def test_answer_bytes_are_what_the_text_takes_in_the_lambda_envelope(text: str) -> None:
    # The API writes JSON with or without non-ASCII escaped; Lambda's python3.13
    # runtime writes its envelope without. The envelope's own quotes are not the text's.
    in_envelope = max(len(json.dumps(json.dumps(text, ensure_ascii=a), ensure_ascii=False)) for a in (True, False))

    assert answer_bytes(text) == in_envelope - 2
    assert answer_bytes(text) <= 4 * len(text.encode()) + 4


def test_the_largest_payload_answers_in_four_times_its_bytes() -> None:
    assert answer_bytes(QUOTES) == MAX_PAYLOAD_ANSWER_BYTES


def test_large_payloads_page_by_size_and_paging_on_lists_every_schedule_once(repo: DynamoScheduleRepository) -> None:
    stored = [a_schedule(n, payload=QUOTES if n % 2 else "x" * MAX_PAYLOAD_BYTES) for n in range(1, 13)]
    for schedule in stored:
        repo.add(schedule)

    pages = list_all(repo, 100, PAGE_BYTES)

    assert [s for page in pages for s in page] == stored
    assert len(pages) > 1
    assert all(sum(size(s) for s in page) <= PAGE_BYTES for page in pages)


def test_small_payloads_still_page_by_count(repo: DynamoScheduleRepository) -> None:
    for n in range(1, 31):
        repo.add(a_schedule(n, payload="p" * 2000))

    assert [len(page) for page in list_all(repo, 10, PAGE_BYTES)] == [10, 10, 10]


def test_a_schedule_larger_than_the_page_comes_alone(repo: DynamoScheduleRepository) -> None:
    for n in range(1, 4):
        repo.add(a_schedule(n, payload=QUOTES))

    assert [len(page) for page in list_all(repo, 100, 10_000)] == [1, 1, 1]


def test_only_the_payloads_that_fit_are_read_and_in_one_batch(repo: DynamoScheduleRepository, calls: CallLog) -> None:
    for n in range(1, 11):
        repo.add(a_schedule(n, payload=QUOTES))
    calls.clear()

    page = repo.list(NS, 100, None, None, max_bytes=PAGE_BYTES)

    assert calls.names() == ["Query", "BatchGetItem"]
    (batch,) = [params for name, params in calls.calls if name == "BatchGetItem"]
    requested = batch["RequestItems"][repo._table]
    assert len(requested["Keys"]) == len(page.items) == 3
    assert requested["ConsistentRead"] is True


def test_an_item_stored_without_its_payload_size_counts_as_the_largest_payload(
    aws: Aws, repo: DynamoScheduleRepository
) -> None:
    for n in range(1, 6):
        repo.add(a_schedule(n, payload="small but external " * 40))
    for n in range(1, 6):
        key = {"pk": {"S": ts.namespace_key(NS)}, "sk": {"S": ts.schedule_sort_key(a_schedule(n).job_id)}}
        aws.dynamodb.update_item(TableName=aws.table_name, Key=key, UpdateExpression="REMOVE payloadAnswerBytes")

    pages = list_all(repo, 100, 3 * MAX_PAYLOAD_ANSWER_BYTES + 4000)

    assert [len(page) for page in pages] == [3, 2]


def test_a_schedule_deleted_while_its_page_is_read_is_left_out(
    aws: Aws, client: Any, repo: DynamoScheduleRepository
) -> None:
    kept, deleted = a_schedule(1, payload="k" * 1000), a_schedule(2, payload="d" * 1000)
    repo.add(kept)
    repo.add(deleted)

    def delete_meanwhile(**_: Any) -> None:
        repo.delete(NS, deleted.job_id)

    client.meta.events.register_first("before-call.dynamodb.BatchGetItem", delete_meanwhile)

    assert repo.list(NS, 100, None, None, max_bytes=PAGE_BYTES).items == [kept]


def test_a_payload_moved_into_its_item_while_the_page_is_read_is_read_again(
    client: Any, repo: DynamoScheduleRepository
) -> None:
    schedule = a_schedule(1, payload="large " * 200)
    repo.add(schedule)
    smaller = replace(schedule, payload="small", version=2)

    def replace_meanwhile(**_: Any) -> None:
        repo.replace(smaller, 1, payload_changed=True)

    client.meta.events.register_first("before-call.dynamodb.BatchGetItem", replace_meanwhile)

    assert repo.list(NS, 100, None, None, max_bytes=PAGE_BYTES).items == [smaller]


def _on_the_payload_read(client: Any, action: Any) -> None:
    """Runs ``action`` once, just before the second GetItem (the payload's) goes out."""
    gets = iter(range(2))

    def maybe(**_: Any) -> None:
        if next(gets, None) == 1:
            action()

    client.meta.events.register_first("before-call.dynamodb.GetItem", maybe)


def test_a_schedule_deleted_while_its_payload_is_read_reads_as_gone(
    client: Any, repo: DynamoScheduleRepository
) -> None:
    schedule = a_schedule(1, payload="large " * 200)
    repo.add(schedule)
    _on_the_payload_read(client, lambda: repo.delete(NS, schedule.job_id))

    assert repo.get(NS, schedule.job_id) is None


def test_a_payload_moved_into_its_item_while_it_is_read_reads_the_schedule_again(
    client: Any, repo: DynamoScheduleRepository
) -> None:
    schedule = a_schedule(1, payload="large " * 200)
    repo.add(schedule)
    smaller = replace(schedule, payload="small", version=2)
    _on_the_payload_read(client, lambda: repo.replace(smaller, 1, payload_changed=True))

    assert repo.get(NS, schedule.job_id) == smaller
