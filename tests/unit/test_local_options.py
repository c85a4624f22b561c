"""What `scheduler dev` reads from its environment, and what it prints at start-up."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from service.adapters.queue_schema import MAX_RECEIVE_COUNT, QueueDefinition
from service.entrypoints.local.aws_defaults import DEFAULT_REGION, apply_aws_defaults
from service.entrypoints.local.banner import StackInfo, browse_url, startup_lines
from service.entrypoints.local.options import DEFAULT_TABLE_NAME, LocalOptions, OptionError
from service.entrypoints.local.resources import Resources


def test_defaults_serve_on_loopback_port_8000_with_ticker_and_consumer_on() -> None:
    options = LocalOptions.from_env({})

    assert (options.host, options.port) == ("127.0.0.1", 8000)
    assert options.dispatch and options.consume
    assert options.endpoint_url is None
    assert options.table_name == DEFAULT_TABLE_NAME


def test_host_and_port_come_from_the_environment_and_options_override_them() -> None:
    env = {"HOST": "0.0.0.0", "PORT": "9000"}

    assert (LocalOptions.from_env(env).host, LocalOptions.from_env(env).port) == ("0.0.0.0", 9000)
    assert LocalOptions.from_env(env, host="127.0.0.2", port=9100).port == 9100


@pytest.mark.parametrize("port", ["0", "65536", "eighty", "-1"])
def test_a_port_that_is_not_a_port_is_refused_naming_the_variable(port: str) -> None:
    with pytest.raises(OptionError, match="PORT"):
        LocalOptions.from_env({"PORT": port})


@pytest.mark.parametrize(("text", "on"), [("off", False), ("OFF", False), ("0", False), ("on", True), ("", True)])
def test_dispatch_and_consume_switch_off_with_off(text: str, on: bool) -> None:
    options = LocalOptions.from_env({"SCHEDULER_DISPATCH": text, "SCHEDULER_CONSUME": text})

    assert (options.dispatch, options.consume) == (on, on)


def test_a_switch_that_is_neither_on_nor_off_is_refused() -> None:
    with pytest.raises(OptionError, match="SCHEDULER_CONSUME"):
        LocalOptions.from_env({"SCHEDULER_CONSUME": "sometimes"})


def test_with_data_everything_is_saved_every_minute_unless_the_environment_says_otherwise() -> None:
    assert LocalOptions.from_env({}).autosave_seconds == 60
    assert LocalOptions.from_env({"SCHEDULER_AUTOSAVE_SECONDS": "2.5"}).autosave_seconds == 2.5


@pytest.mark.parametrize("seconds", ["0", "-5", "soon", "inf", "nan"])
def test_an_autosave_interval_that_is_no_positive_number_of_seconds_is_refused(seconds: str) -> None:
    with pytest.raises(OptionError, match="SCHEDULER_AUTOSAVE_SECONDS"):
        LocalOptions.from_env({"SCHEDULER_AUTOSAVE_SECONDS": seconds})


def test_a_configured_queue_url_names_the_queue_to_create() -> None:
    options = LocalOptions.from_env({"SCHEDULER_QUEUE_URL": "http://localhost:4566/000000000000/jobs.fifo"})

    assert options.queue.name == "jobs.fifo"
    assert options.queue.dead_letter_name == "jobs-dlq.fifo"


def test_the_queue_redrives_to_its_dead_letter_queue_after_the_configured_receives() -> None:
    attributes = QueueDefinition().queue_attributes("arn:aws:sqs:us-east-1:123456789012:scheduler-deliveries-dlq")

    redrive = json.loads(attributes["RedrivePolicy"])
    assert redrive == {
        "deadLetterTargetArn": "arn:aws:sqs:us-east-1:123456789012:scheduler-deliveries-dlq",
        "maxReceiveCount": MAX_RECEIVE_COUNT,
    }
    assert "FifoQueue" not in attributes


def test_dummy_credentials_and_a_region_are_added_only_when_missing() -> None:
    env: dict[str, str] = {}

    added = apply_aws_defaults(env, has_credentials=lambda: False, has_region=lambda: False)

    assert env["AWS_DEFAULT_REGION"] == DEFAULT_REGION
    assert env["AWS_ACCESS_KEY_ID"] and env["AWS_SECRET_ACCESS_KEY"]
    assert sorted(added) == ["AWS_ACCESS_KEY_ID", "AWS_DEFAULT_REGION", "AWS_SECRET_ACCESS_KEY"]


def test_configured_credentials_and_region_are_left_alone() -> None:
    env = {"AWS_PROFILE": "work"}

    assert apply_aws_defaults(env, has_credentials=lambda: True, has_region=lambda: True) == []
    assert env == {"AWS_PROFILE": "work"}


def test_a_wildcard_address_is_browsed_through_loopback() -> None:
    assert browse_url("0.0.0.0", 8000) == "http://127.0.0.1:8000"
    assert browse_url("::", 8000) == "http://[::1]:8000"
    assert browse_url("192.168.1.5", 8080) == "http://192.168.1.5:8080"


def info(**changes: object) -> StackInfo:
    base = {
        "base_url": "http://127.0.0.1:8000",
        "endpoint_url": "http://127.0.0.1:5123",
        "embedded_emulator": True,
        "resources": Resources("scheduler-local", "http://127.0.0.1:5123/1/q", "http://127.0.0.1:5123/1/q-dlq"),
        "web_served": True,
        "dispatch": "on",
        "consume": True,
        "data_file": None,
        "items_loaded": 0,
    }
    return StackInfo(**(base | changes))  # type: ignore[arg-type]


def test_startup_lines_give_the_app_the_graphql_ide_and_the_api_docs() -> None:
    lines = startup_lines(info())
    text = "\n".join(lines)

    assert ["App", "http://127.0.0.1:8000/"] in [line.split() for line in lines]
    assert "http://127.0.0.1:8000/graphql" in text
    assert "http://127.0.0.1:8000/docs" in text
    assert "export AWS_ENDPOINT_URL=http://127.0.0.1:5123 SCHEDULER_TABLE_NAME=scheduler-local" in text
    assert "API key" not in text


def test_right_under_the_banner_is_the_export_line_the_readme_examples_use() -> None:
    lines = startup_lines(info(api_key="sk_live_123"))

    assert lines[0] == "Scheduler is running locally."
    assert "shell you send requests from" in lines[1]
    assert lines[2].strip() == "export SCHEDULER_API_KEY=sk_live_123"
    assert sum("sk_live_123" in line for line in lines) == 1


@pytest.mark.parametrize("key", ["~/key", "~", "sk_live_A-b.c_~+/"])
def test_a_chosen_key_pasted_into_a_shell_keeps_every_character(key: str) -> None:
    (export,) = [line for line in startup_lines(info(api_key=key)) if "SCHEDULER_API_KEY" in line]

    shell = subprocess.run(
        ["bash", "-c", f'{export}\nprintf %s "$SCHEDULER_API_KEY"'], capture_output=True, text=True, check=True
    )

    assert shell.stdout == key


def test_startup_lines_say_where_the_data_is_kept() -> None:
    assert any("in memory only" in line for line in startup_lines(info()))
    lines = startup_lines(info(data_file=Path("data.json"), items_loaded=7))
    assert any("data.json (7 items loaded; saved every minute and on exit)" in line for line in lines)
    lines = startup_lines(info(data_file=Path("data.json"), items_loaded=7, autosave_seconds=5))
    assert any("saved every 5 s and on exit" in line for line in lines)
