"""Logs with a retention, in JSON, and alarms on what a team must hear about."""

from __future__ import annotations

from tests.infra.conftest import Deploy
from tests.infra.program import Deployment

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
DISPATCHER_EMF = {"service": "dispatcher"}


def _alarms(stack: Deployment) -> dict[str, dict[str, object]]:
    return {a.name.removeprefix("observability-"): a.inputs for a in stack.of_type(ALARM)}


def test_the_dead_letter_queue_alarms_on_its_first_message(prod: Deployment) -> None:
    alarm = _alarms(prod)["dead-letters"]

    assert (alarm["namespace"], alarm["metricName"]) == ("AWS/SQS", "ApproximateNumberOfMessagesVisible")
    assert alarm["dimensions"] == {"QueueName": prod.named("data-dead-letters").outputs["name"]}
    assert alarm["threshold"] == 1
    assert alarm["comparisonOperator"] == "GreaterThanOrEqualToThreshold"


def test_failed_ticks_alarm_too(prod: Deployment) -> None:
    alarm = _alarms(prod)["failed-ticks"]

    assert alarm["dimensions"] == {"QueueName": prod.named("dispatcher-failed-ticks").outputs["name"]}


def test_dispatcher_errors_throttles_and_silence_alarm(prod: Deployment) -> None:
    alarms = _alarms(prod)
    dispatcher = {"FunctionName": prod.one("aws:lambda/function:Function", "dispatcher").outputs["name"]}

    assert (alarms["dispatcher-errors"]["metricName"], alarms["dispatcher-errors"]["dimensions"]) == (
        "Errors",
        dispatcher,
    )
    assert (alarms["dispatcher-throttles"]["metricName"], alarms["dispatcher-throttles"]["dimensions"]) == (
        "Throttles",
        dispatcher,
    )
    silent = alarms["dispatcher-silent"]
    assert (silent["metricName"], silent["comparisonOperator"]) == ("Invocations", "LessThanThreshold")
    # No data at all means no tick ran: that is the failure this alarm exists for.
    assert silent["treatMissingData"] == "breaching"


def test_late_missed_and_slow_deliveries_alarm_on_the_dispatchers_emf_metrics(prod: Deployment) -> None:
    alarms = _alarms(prod)

    for key, metric in (("late-deliveries", "Late"), ("missed-occurrences", "Missed"), ("lateness-p99", "LatenessMs")):
        assert alarms[key]["namespace"] == "Scheduler"
        assert alarms[key]["metricName"] == metric
        assert alarms[key]["dimensions"] == DISPATCHER_EMF
    assert alarms["lateness-p99"]["extendedStatistic"] == "p99"
    assert alarms["lateness-p99"]["threshold"] == 1000  # SPEC: within 1 s, p99


def test_the_late_alarm_threshold_follows_the_config(deploy: Deploy) -> None:
    assert _alarms(deploy("prod", lateAlarmThreshold=25))["late-deliveries"]["threshold"] == 25


def test_every_alarm_notifies_the_alarm_topic(prod: Deployment) -> None:
    topic = prod.one("aws:sns/topic:Topic").outputs["arn"]

    assert len(_alarms(prod)) >= 8
    for alarm in _alarms(prod).values():
        assert alarm["alarmActions"] == [topic]
        assert alarm["okActions"] == [topic]


def test_an_alarm_email_subscribes_to_the_topic(deploy: Deploy) -> None:
    assert deploy("prod").of_type("aws:sns/topicSubscription:TopicSubscription") == []
    (subscription,) = deploy("prod", alarmEmail="ops@example.com").of_type(
        "aws:sns/topicSubscription:TopicSubscription"
    )

    assert (subscription.inputs["protocol"], subscription.inputs["endpoint"]) == ("email", "ops@example.com")


def test_every_log_group_has_the_configured_retention(deploy: Deploy) -> None:
    groups = deploy("prod", logRetentionDays=14).of_type("aws:cloudwatch/logGroup:LogGroup")

    assert {g.inputs["name"] for g in groups} == {
        "/scheduler/prod/api",
        "/scheduler/prod/dispatcher",
        "/scheduler/prod/api-access",
    }
    assert {g.inputs["retentionInDays"] for g in groups} == {14}


def test_functions_log_json_into_their_own_group(prod: Deployment) -> None:
    for function in prod.of_type("aws:lambda/function:Function"):
        logging = function.inputs["loggingConfig"]
        assert logging["logFormat"] == "JSON"
        assert logging["logGroup"] == f"/scheduler/prod/{function.name}"
