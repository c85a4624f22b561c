"""The local stack's settings: the cloud's, on the stack's own resources, with what a machine
of one's own wants on; with the embedded emulator, whose stage queue is the stack's own, a
tick hands off further ahead."""

from __future__ import annotations

from datetime import timedelta

from service.entrypoints.local.resources import Resources
from service.entrypoints.local.stack import EMBEDDED_LOOKAHEAD_SECONDS, local_settings

RESOURCES = Resources(
    table_name="scheduler-local",
    queue_url="http://127.0.0.1:5000/123456789012/scheduler-deliveries",
    dead_letter_queue_url="http://127.0.0.1:5000/123456789012/scheduler-deliveries-dlq",
)


def test_with_the_embedded_emulator_a_tick_hands_off_further_ahead_than_in_the_cloud() -> None:
    embedded = local_settings({}, RESOURCES, embedded=True)
    shared = local_settings({}, RESOURCES)

    assert embedded.lookahead == timedelta(seconds=EMBEDDED_LOOKAHEAD_SECONDS) > shared.lookahead
    assert shared.lookahead == timedelta(seconds=70)


def test_a_lookahead_set_in_the_environment_is_kept() -> None:
    settings = local_settings({"SCHEDULER_LOOKAHEAD_SECONDS": "90"}, RESOURCES, embedded=True)

    assert settings.lookahead == timedelta(seconds=90)


def test_the_stack_s_own_resources_win_over_the_environment() -> None:
    settings = local_settings({"SCHEDULER_TABLE_NAME": "elsewhere", "SCHEDULER_GRAPHQL_IDE": "off"}, RESOURCES)

    assert settings.table_name == "scheduler-local"
    assert not settings.graphql_ide
