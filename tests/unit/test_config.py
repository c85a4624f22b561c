"""Settings are read once from the environment; a missing or bad value fails fast, by name."""

from __future__ import annotations

from datetime import timedelta

import pytest

from service.config import ConfigError, Settings

REQUIRED = {
    "SCHEDULER_TABLE_NAME": "scheduler",
    "SCHEDULER_QUEUE_URL": "https://sqs.eu-central-1.amazonaws.com/123456789012/deliveries",
}


def test_only_the_table_and_the_queue_are_required_and_the_rest_has_defaults() -> None:
    settings = Settings.from_env(REQUIRED)

    assert settings.table_name == "scheduler"
    assert settings.queue_url == "https://sqs.eu-central-1.amazonaws.com/123456789012/deliveries"
    assert settings.default_namespace == "default"
    assert settings.run_retention == timedelta(days=90)
    assert (settings.graphql_ide, settings.graphql_introspection) == (False, True)
    assert settings.cors_origins == ()
    assert settings.catch_up == timedelta(hours=24)
    assert settings.lookahead == timedelta(seconds=70)
    assert settings.function_name is None


def test_a_checked_key_is_remembered_10_seconds_by_default_so_a_revocation_lands_within_10_seconds() -> None:
    assert Settings.from_env(REQUIRED).key_cache == timedelta(seconds=10)
    assert Settings.from_env({**REQUIRED, "SCHEDULER_KEY_CACHE_SECONDS": "3"}).key_cache == timedelta(seconds=3)


@pytest.mark.parametrize("missing", ["SCHEDULER_TABLE_NAME", "SCHEDULER_QUEUE_URL"])
def test_a_missing_required_setting_is_named(missing: str) -> None:
    env = {k: v for k, v in REQUIRED.items() if k != missing}

    with pytest.raises(ConfigError, match=f"{missing} must be set"):
        Settings.from_env(env)


def test_a_blank_required_setting_counts_as_missing() -> None:
    with pytest.raises(ConfigError, match="SCHEDULER_TABLE_NAME must be set"):
        Settings.from_env({**REQUIRED, "SCHEDULER_TABLE_NAME": "   "})


def test_every_optional_setting_is_read() -> None:
    settings = Settings.from_env(
        {
            **REQUIRED,
            "SCHEDULER_NAMESPACE": "team-a",
            "SCHEDULER_RUN_RETENTION_DAYS": "7",
            "SCHEDULER_GRAPHQL_IDE": "on",
            "SCHEDULER_GRAPHQL_INTROSPECTION": "false",
            "SCHEDULER_CORS_ORIGINS": " http://localhost:5173 , https://app.example.com,, ",
        }
    )

    assert settings.default_namespace == "team-a"
    assert settings.run_retention == timedelta(days=7)
    assert settings.graphql_ide is True
    assert settings.graphql_introspection is False
    assert settings.cors_origins == ("http://localhost:5173", "https://app.example.com")


@pytest.mark.parametrize(("text", "expected"), [("1", True), ("YES", True), ("off", False), ("0", False), ("", False)])
def test_flags_accept_the_usual_words(text: str, expected: bool) -> None:
    assert Settings.from_env({**REQUIRED, "SCHEDULER_GRAPHQL_IDE": text}).graphql_ide is expected


def test_a_flag_that_is_not_on_or_off_is_refused_by_name() -> None:
    with pytest.raises(ConfigError, match="SCHEDULER_GRAPHQL_IDE must be on or off, got 'maybe'"):
        Settings.from_env({**REQUIRED, "SCHEDULER_GRAPHQL_IDE": "maybe"})


@pytest.mark.parametrize(("text", "message"), [("ninety", "must be a whole number"), ("0", "must be at least 1")])
def test_a_bad_retention_is_refused_by_name(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=f"SCHEDULER_RUN_RETENTION_DAYS {message}"):
        Settings.from_env({**REQUIRED, "SCHEDULER_RUN_RETENTION_DAYS": text})


def test_the_process_environment_is_read_when_no_mapping_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in REQUIRED.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("SCHEDULER_NAMESPACE", "from-env")

    assert Settings.from_env().default_namespace == "from-env"


def test_a_variable_set_to_nothing_keeps_its_default() -> None:
    settings = Settings.from_env({**REQUIRED, "SCHEDULER_LOOKAHEAD_SECONDS": " ", "SCHEDULER_ORIGIN_SECRET": ""})

    assert settings.lookahead == timedelta(seconds=70)
    assert settings.origin_secret is None


@pytest.mark.parametrize(
    ("variable", "text", "message"),
    [
        ("SCHEDULER_DISPATCH_INVOCATIONS", "9", "must be 1..8, got 9"),
        ("SCHEDULER_LOOKAHEAD_SECONDS", "901", "must be 0..900, got 901"),
        ("SCHEDULER_KEY_CACHE_SECONDS", "-1", "must be at least 0, got -1"),
        ("SCHEDULER_RATE_LIMIT_BURST", "lots", "must be a whole number, got 'lots'"),
    ],
)
def test_a_value_out_of_its_range_is_refused_with_the_range(variable: str, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as refused:
        Settings.from_env({**REQUIRED, variable: text})

    assert refused.value.problems == [(variable, message)]


def test_every_problem_is_named_at_once() -> None:
    with pytest.raises(ConfigError) as refused:
        Settings.from_env({"SCHEDULER_CATCH_UP_HOURS": "0"})

    assert str(refused.value) == (
        "SCHEDULER_TABLE_NAME must be set; SCHEDULER_QUEUE_URL must be set; "
        "SCHEDULER_CATCH_UP_HOURS must be at least 1, got 0"
    )


def test_the_process_environment_is_read_with_the_same_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in REQUIRED.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("SCHEDULER_CORS_ORIGINS", "http://localhost:5173, https://app.example.com")
    monkeypatch.setenv("SCHEDULER_GRAPHQL_IDE", "on")
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "scheduler-dispatcher")
    monkeypatch.setenv("SCHEDULER_LOOKAHEAD_SECONDS", "")

    settings = Settings.from_env()

    assert settings.cors_origins == ("http://localhost:5173", "https://app.example.com")
    assert settings.graphql_ide is True
    assert settings.function_name == "scheduler-dispatcher"
    assert settings.lookahead == timedelta(seconds=70)
    monkeypatch.setenv("SCHEDULER_GRAPHQL_IDE", "maybe")
    with pytest.raises(ConfigError, match="SCHEDULER_GRAPHQL_IDE must be on or off, got 'maybe'"):
        Settings.from_env()


def test_each_setting_names_its_variable() -> None:
    assert Settings.variable("table_name") == "SCHEDULER_TABLE_NAME"
    assert Settings.variable("default_namespace") == "SCHEDULER_NAMESPACE"
    assert Settings.variable("function_name") == "AWS_LAMBDA_FUNCTION_NAME"


def test_a_namespace_that_no_key_could_open_is_refused_by_name() -> None:
    with pytest.raises(ConfigError, match="SCHEDULER_NAMESPACE must be 1 to 63 of a-z, 0-9 and '-'"):
        Settings.from_env({**REQUIRED, "SCHEDULER_NAMESPACE": "Team A"})
