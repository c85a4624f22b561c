"""The GraphQL cost of a document, computed from the document alone (no AWS)."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import parse

from service.entrypoints.graphql.cost import (
    DATA_FIELD_POINTS,
    DEFAULT_LIST_SIZE,
    FIELD_BYTES,
    MAX_ANSWER_BYTES,
    MAX_POINTS,
    PAGE_PAYLOAD_BYTES,
    Cost,
    document_cost,
)
from service.entrypoints.graphql.cost_limit import refusal
from service.entrypoints.graphql.schema import build_schema
from service.services.ports import MAX_PAYLOAD_ANSWER_BYTES
from tests.web_documents import UI_VARIABLES, web_documents

SCHEMA = build_schema()._schema


def cost(document: str, operation: str | None = None, **variables: Any) -> Cost:
    return document_cost(SCHEMA, parse(document), operation, variables)


def aliased(count: int, selection: str) -> str:
    return "{ " + " ".join(f"a{n}: {selection}" for n in range(count)) + " }"


PAYLOADS_20 = aliased(20, "schedules(first: 100) { nodes { payload } }")
NEXT_RUNS_20 = aliased(20, "schedules(first: 100) { nodes { nextRuns(count: 100) { runAt } } }")


def test_a_list_multiplies_what_it_holds_by_its_size() -> None:
    one = cost("{ schedules(first: 1) { nodes { jobId } } }")
    hundred = cost("{ schedules(first: 100) { nodes { jobId } } }")

    assert one.points == 1 + DATA_FIELD_POINTS + 1 + 1
    assert hundred.points == 1 + DATA_FIELD_POINTS + 1 + 100
    assert hundred.field_bytes == (2 + 100) * FIELD_BYTES


def test_nested_lists_multiply_their_sizes() -> None:
    runs = cost("{ schedules(first: 10) { nodes { runs(first: 30) { nodes { status } } } } }")
    next_runs = cost("{ schedules(first: 10) { nodes { nextRuns(count: 40) { runAt local } } } }")

    assert runs.points == 12 + 10 * (1 + DATA_FIELD_POINTS + 1 + 30)
    assert next_runs.points == 12 + 10 * (1 + 40 * 2)


def test_the_namespaces_targets_read_the_table_and_count_as_a_list_of_unstated_size() -> None:
    targets = cost("{ targets { name url default } }")

    assert targets.points == 1 + DATA_FIELD_POINTS + DEFAULT_LIST_SIZE * 3


def test_sizes_given_as_variables_or_left_to_defaults_count_as_they_will_run() -> None:
    document = "query($n: Int = 7) { schedules(first: $n) { nodes { jobId } } }"

    assert cost(document, n=100) == cost("{ schedules(first: 100) { nodes { jobId } } }")
    assert cost(document) == cost("{ schedules(first: 7) { nodes { jobId } } }")
    assert cost("{ schedules { nodes { jobId } } }") == cost("{ schedules(first: 50) { nodes { jobId } } }")


def test_aliases_count_apart_and_fragments_count_as_if_written_out() -> None:
    plain = cost("{ schedules(first: 100) { nodes { payload jobId } } }")
    through_fragments = cost(
        "query { schedules(first: 100) { nodes { ...P ... on Schedule { jobId } ...P } } }"
        " fragment P on Schedule { payload }"
    )

    assert through_fragments == plain
    assert cost(aliased(2, "schedules(first: 100) { nodes { payload jobId } }")) == Cost(
        plain.points * 2, plain.field_bytes * 2, plain.payload_bytes * 2
    )


def test_fragments_that_spread_each_other_count_once_per_selection() -> None:
    # Each fragment spreads the next twice: written out, 2**12 copies of jobId.
    chain = "".join(f"fragment F{n} on Schedule {{ ...F{n + 1} ...F{n + 1} }} " for n in range(12))
    document = "{ schedules(first: 1) { nodes { ...F0 } } } " + chain + "fragment F12 on Schedule { jobId }"

    assert cost(document) == cost("{ schedules(first: 1) { nodes { jobId } } }")


def test_a_selected_payload_counts_the_largest_one_but_a_page_only_what_the_page_holds() -> None:
    single = cost('{ schedule(jobId: "x") { payload } }')
    page = cost("{ schedules(first: 100) { nodes { payload } } }")
    without = cost("{ schedules(first: 100) { nodes { jobId } } }")

    assert single.payload_bytes == MAX_PAYLOAD_ANSWER_BYTES
    assert page.payload_bytes == PAGE_PAYLOAD_BYTES
    assert without.payload_bytes == 0


def test_a_union_counts_its_costliest_member() -> None:
    preview = cost(
        'query { previewSchedule(input: {payload: "x"}, count: 50) {'
        " ... on Preview { runs { runAt minute local } } ... on ValidationError { message } } }"
    )

    assert preview.points == 1 + 1 + 50 * 3


def test_the_operation_named_is_the_one_counted() -> None:
    document = f"query Cheap {{ schedules(first: 1) {{ nodes {{ jobId }} }} }} query Costly {NEXT_RUNS_20}"

    assert cost(document, "Cheap") == cost("{ schedules(first: 1) { nodes { jobId } } }")
    assert cost(document) == cost(NEXT_RUNS_20)


def test_the_hostile_documents_are_refused_with_their_cost_and_the_limit() -> None:
    too_large = refusal(cost(PAYLOADS_20))
    too_costly = refusal(cost(NEXT_RUNS_20))

    assert too_large is not None and too_costly is not None
    assert too_large.extensions == {
        "code": "answer_too_large",
        "cost": cost(PAYLOADS_20).answer_bytes,
        "limit": MAX_ANSWER_BYTES,
    }
    assert f"{MAX_ANSWER_BYTES:,}" in too_large.message
    assert f"{cost(PAYLOADS_20).answer_bytes:,}" in too_large.message
    assert too_costly.extensions == {"code": "query_too_costly", "cost": cost(NEXT_RUNS_20).points, "limit": MAX_POINTS}
    assert f"{cost(NEXT_RUNS_20).points:,} points" in too_costly.message


@pytest.mark.parametrize("name", sorted(web_documents()))
def test_each_web_ui_document_stays_well_within_both_limits(name: str) -> None:
    document_cost_ = cost(web_documents()[name], None, **UI_VARIABLES)

    assert document_cost_.points <= MAX_POINTS // 5
    assert document_cost_.answer_bytes <= MAX_ANSWER_BYTES // 3


EVERY_NEW_FIELD = "name description labels { key value } startAt endAt maxRuns remainingRuns interval catchUp pauseNote"


def test_a_page_of_100_schedules_with_every_new_field_and_payloads_fits_under_the_limits() -> None:
    page = cost(f"{{ schedules(first: 100) {{ nodes {{ payload {EVERY_NEW_FIELD} }} }} }}")

    assert page.payload_bytes == PAGE_PAYLOAD_BYTES  # the page is cut by payloads and texts together
    assert page.answer_bytes < MAX_ANSWER_BYTES and page.points < MAX_POINTS


def test_a_description_counts_as_much_as_the_longest_can_take() -> None:
    one = cost('{ schedule(jobId: "x") { description } }')

    assert one.payload_bytes == 2000 * 14


def test_a_list_argument_costs_a_point_per_element() -> None:
    query = "query($l: [LabelInput!]) { schedules(first: 1, labels: $l) { nodes { jobId } } }"

    few, many = cost(query, l=[{"key": "a", "value": "b"}]), cost(query, l=[{"key": "a", "value": "b"}] * 500)

    assert many.points - few.points == 499
