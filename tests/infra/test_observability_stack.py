"""Logs with a retention, in JSON, and alarms on what a team must hear about."""

from __future__ import annotations

from tests.infra.conftest import Deploy
from tests.infra.program import Deployment

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
DISPATCHER_EMF = {"service": "dispatcher"}
DELIVERY_EMF = {"service": "delivery"}


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


def test_late_missed_and_slow_deliveries_alarm_on_the_emf_metrics_of_the_function_that_measures_them(
    prod: Deployment,
) -> None:
    alarms = _alarms(prod)

    for key, metric, dimensions in (
        ("late-deliveries", "Late", DELIVERY_EMF),
        ("lateness-p99", "LatenessMs", DELIVERY_EMF),
        ("missed-occurrences", "Missed", DISPATCHER_EMF),
        ("missed-at-delivery", "Missed", DELIVERY_EMF),
    ):
        assert alarms[key]["namespace"] == "Scheduler"
        assert alarms[key]["metricName"] == metric
        assert alarms[key]["dimensions"] == dimensions
    assert alarms["lateness-p99"]["extendedStatistic"] == "p99"
    assert alarms["lateness-p99"]["threshold"] == 1000  # SPEC: within 1 s, p99


def test_the_late_alarm_threshold_follows_the_config(deploy: Deploy) -> None:
    assert _alarms(deploy("prod", lateAlarmThreshold=25))["late-deliveries"]["threshold"] == 25


def test_every_alarm_notifies_the_alarm_topic(prod: Deployment) -> None:
    topic = prod.one("aws:sns/topic:Topic").outputs["arn"]

    assert len(_alarms(prod)) >= 12
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
        "/scheduler/prod/delivery",
        "/scheduler/prod/api-access",
    }
    assert {g.inputs["retentionInDays"] for g in groups} == {14}


def test_functions_log_json_into_their_own_group(prod: Deployment) -> None:
    for function in prod.of_type("aws:lambda/function:Function"):
        logging = function.inputs["loggingConfig"]
        assert logging["logFormat"] == "JSON"
        assert logging["logGroup"] == f"/scheduler/prod/{function.name}"


def test_runs_the_delivery_stage_gave_up_on_alarm_at_the_first(prod: Deployment) -> None:
    alarm = _alarms(prod)["handoff-dead-letters"]

    assert (alarm["namespace"], alarm["metricName"]) == ("AWS/SQS", "ApproximateNumberOfMessagesVisible")
    assert alarm["dimensions"] == {"QueueName": prod.named("data-handoff-dead-letters").outputs["name"]}
    assert (alarm["threshold"], alarm["statistic"]) == (1, "Maximum")


def test_due_runs_left_waiting_in_the_handoff_queue_for_three_minutes_alarm(prod: Deployment) -> None:
    # Visible hand-off messages are due runs not yet taken (delayed ones are not counted).
    alarm = _alarms(prod)["handoff-backlog"]

    assert (alarm["namespace"], alarm["metricName"]) == ("AWS/SQS", "ApproximateNumberOfMessagesVisible")
    assert alarm["dimensions"] == {"QueueName": prod.named("data-handoff").outputs["name"]}
    assert (alarm["statistic"], alarm["threshold"], alarm["comparisonOperator"]) == (
        "Minimum",
        100,
        "GreaterThanOrEqualToThreshold",
    )
    assert (alarm["period"], alarm["evaluationPeriods"], alarm["datapointsToAlarm"]) == (60, 3, 3)


def test_delivery_errors_and_throttles_alarm(prod: Deployment) -> None:
    alarms = _alarms(prod)
    delivery = {"FunctionName": prod.one("aws:lambda/function:Function", "delivery").outputs["name"]}

    assert (alarms["delivery-errors"]["metricName"], alarms["delivery-errors"]["dimensions"]) == ("Errors", delivery)
    assert (alarms["delivery-errors"]["evaluationPeriods"], alarms["delivery-errors"]["datapointsToAlarm"]) == (5, 2)
    assert (alarms["delivery-throttles"]["metricName"], alarms["delivery-throttles"]["dimensions"]) == (
        "Throttles",
        delivery,
    )


def test_each_namespace_queues_dead_letters_alarm_and_no_other_queue_gets_one(with_targets: Deployment) -> None:
    alarms = _alarms(with_targets)
    dead_letter_alarms = {key for key in alarms if key.startswith("ns-")}

    assert dead_letter_alarms == {"ns-team-a-dead-letters", "ns-team-b-dead-letters"}
    for namespace in ("team-a", "team-b"):
        alarm = alarms[f"ns-{namespace}-dead-letters"]
        assert alarm["dimensions"] == {"QueueName": with_targets.named(f"ns-{namespace}-dlq").outputs["name"]}
        assert alarm["threshold"] == 1
