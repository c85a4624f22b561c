"""`scheduler targets add|list|remove` against the table (moto), as an operator runs them."""

from __future__ import annotations

import pytest

from service.bootstrap.api import ApiContainer
from service.domain.targets import NoDefaultTarget
from service.entrypoints.cli import main
from tests.conftest import Aws, table_items

ORDERS = "https://sqs.eu-west-1.amazonaws.com/123456789012/orders"
BILLING = "http://127.0.0.1:5000/123456789012/billing.fifo"


@pytest.fixture
def cli_env(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCHEDULER_TABLE_NAME", aws.table_name)
    monkeypatch.setenv("SCHEDULER_QUEUE_URL", aws.queue_url)


def add(namespace: str, name: str, url: str, *flags: str) -> int:
    return main(["targets", "add", "--namespace", namespace, "--name", name, "--sqs-queue-url", url, *flags])


def test_an_added_target_is_listed_and_named_by_schedules_of_its_namespace(
    cli_env: None, container: ApiContainer, capsys: pytest.CaptureFixture[str]
) -> None:
    code = add("team-a", "orders", ORDERS, "--default")
    listed = main(["targets", "list", "--namespace", "team-a"])

    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert (code, listed, err) == (0, 0, "")
    assert lines[0] == f"added target orders to namespace team-a: sqs {ORDERS}"
    assert lines[1] == "it is the namespace's default target now (it had none)"
    assert lines[2].split() == ["NAMESPACE", "NAME", "KIND", "DEFAULT", "CREATED", "URL"]
    assert lines[3].split()[:4] == ["team-a", "orders", "sqs", "yes"] and lines[3].endswith(ORDERS)
    assert container.targets.resolve("team-a", None).url == ORDERS


def test_a_new_default_says_which_one_it_replaced(cli_env: None, capsys: pytest.CaptureFixture[str]) -> None:
    add("team-a", "orders", ORDERS, "--default")

    code = add("team-a", "billing", BILLING, "--default")
    main(["targets", "list", "--namespace", "team-a"])

    out, _ = capsys.readouterr()
    assert code == 0
    assert "it is the namespace's default target now, in place of 'orders'" in out
    defaults = {line.split()[1]: line.split()[3] for line in out.splitlines()[-2:]}
    assert defaults == {"billing": "yes", "orders": "no"}


def test_the_default_namespace_lists_the_stacks_queue_until_another_default_takes_its_place(
    cli_env: None, aws: Aws, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["targets", "list"])
    before = capsys.readouterr().out.splitlines()

    code = add("default", "reports", ORDERS, "--default")
    main(["targets", "list"])

    out = capsys.readouterr().out
    assert before[1].split() == ["default", "default", "sqs", "yes", "built-in", aws.queue_url]
    assert code == 0
    assert "in place of 'default' (the stack's own queue)" in out
    assert [line.split()[:4] for line in out.splitlines()[-2:]] == [
        ["default", "default", "sqs", "no"],
        ["default", "reports", "sqs", "yes"],
    ]


def test_listing_every_namespace_shows_each_by_namespace_and_name(
    cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    add("team-b", "orders", ORDERS)
    add("team-a", "orders", ORDERS, "--default")
    capsys.readouterr()

    code = main(["targets", "list"])

    rows = [line.split()[:4] for line in capsys.readouterr().out.splitlines()[1:]]
    assert code == 0
    assert rows == [
        ["default", "default", "sqs", "yes"],
        ["team-a", "orders", "sqs", "yes"],
        ["team-b", "orders", "sqs", "no"],
    ]


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("sqs.eu-west-1.amazonaws.com/123456789012/orders", "must start with https://"),
        ("https://sqs.eu-west-1.amazonaws.com/orders", "path must be /<account>/<queue name>"),
        ("https://sqs.eu-west-1.amazonaws.com/1234/orders", "is not an account id"),
        ("https://s3.eu-west-1.amazonaws.com/123456789012/orders", "is not an SQS endpoint"),
        ("http://sqs.eu-west-1.amazonaws.com/123456789012/orders", "an AWS queue URL is https"),
    ],
)
def test_a_malformed_queue_url_is_refused_with_its_reason_and_nothing_is_stored(
    cli_env: None, aws: Aws, capsys: pytest.CaptureFixture[str], url: str, reason: str
) -> None:
    code = add("team-a", "orders", url)

    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("scheduler: sqs-queue-url: ") and reason in err
    assert table_items(aws) == []


def test_a_name_taken_is_refused(cli_env: None, capsys: pytest.CaptureFixture[str]) -> None:
    add("team-a", "orders", ORDERS)

    code = add("team-a", "orders", BILLING, "--default")
    built_in = add("default", "default", ORDERS)

    err = capsys.readouterr().err
    assert (code, built_in) == (1, 1)
    assert "namespace 'team-a' already has a target named 'orders'" in err
    assert "namespace 'default' already has the stack's own queue named 'default'" in err


def test_a_bad_namespace_or_name_is_refused(cli_env: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert add("Team#A", "orders", ORDERS) == 2
    assert add("team-a", "Orders", ORDERS) == 2
    err = capsys.readouterr().err
    assert "'Team#A' is not a namespace" in err
    assert "name: 'Orders' is not a target name" in err


def test_removing_a_target_that_is_no_default_says_only_that(cli_env: None, capsys: pytest.CaptureFixture[str]) -> None:
    add("team-a", "orders", ORDERS, "--default")
    add("team-a", "audit", BILLING)
    capsys.readouterr()

    code = main(["targets", "remove", "--namespace", "team-a", "audit"])

    assert code == 0
    assert capsys.readouterr().out == "removed target audit from namespace team-a\n"


def test_removing_the_default_says_the_namespace_has_none_now(
    cli_env: None, container: ApiContainer, capsys: pytest.CaptureFixture[str]
) -> None:
    add("team-a", "orders", ORDERS, "--default")
    capsys.readouterr()

    code = main(["targets", "remove", "--namespace", "team-a", "orders"])

    out = capsys.readouterr().out
    assert code == 0
    assert "namespace team-a has no default target now" in out
    assert "scheduler targets add --namespace team-a" in out
    with pytest.raises(NoDefaultTarget):
        container.targets.resolve("team-a", None)


def test_removing_the_default_namespaces_default_gives_it_back_the_stacks_queue(
    cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    add("default", "reports", ORDERS, "--default")

    code = main(["targets", "remove", "--namespace", "default", "reports"])

    assert code == 0
    assert "its default target is 'default' (the stack's own queue) again" in capsys.readouterr().out


def test_removing_an_unknown_target_or_the_stacks_queue_fails_with_a_message(
    cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    unknown = main(["targets", "remove", "--namespace", "team-a", "orders"])
    built_in = main(["targets", "remove", "--namespace", "default", "default"])

    err = capsys.readouterr().err
    assert (unknown, built_in) == (1, 1)
    assert "namespace 'team-a' has no target 'orders'" in err
    assert "is the stack's own queue: it cannot be removed" in err


def test_targets_take_the_table_from_the_flag(cli_env: None, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["targets", "list", "--table", "no-such-table"])

    assert code == 1
    assert "ResourceNotFoundException" in capsys.readouterr().err


# -- webhooks ---------------------------------------------------------------------------


def test_an_operator_adds_a_webhook_and_is_shown_its_secret_once(
    cli_env: None, aws: Aws, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SCHEDULER_WEBHOOK_ALLOW_LOOPBACK", "on")  # as against the local stack

    code = main(
        ["targets", "add", "--namespace", "team-a", "--name", "hook", "--webhook-url", "http://127.0.0.1:9000/hook"]
    )
    listed = main(["targets", "list", "--namespace", "team-a"])

    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert (code, listed, err) == (0, 0, "")
    assert lines[0] == "added target hook to namespace team-a: webhook http://127.0.0.1:9000/hook"
    secret = lines[1].rsplit(" ", 1)[-1]
    assert lines[1].startswith("its signing secret, shown this once") and secret.startswith("whsec_")
    assert lines[3].split()[:4] == ["team-a", "hook", "webhook", "no"]
    assert secret not in "\n".join(lines[2:])


def test_a_webhook_url_the_ssrf_rules_refuse_is_refused_by_the_command_too(
    cli_env: None, aws: Aws, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["targets", "add", "--namespace", "team-a", "--name", "hook", "--webhook-url", "http://127.0.0.1:9000/hook"]
    )

    _, err = capsys.readouterr()
    assert code == 2
    assert "url: must be an https URL" in err
    assert [i for i in table_items(aws) if i["pk"]["S"].startswith("TARGETS")] == []


def test_an_add_names_a_queue_or_a_webhook_not_both(cli_env: None, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(
            [
                "targets",
                "add",
                "--namespace",
                "a",
                "--name",
                "b",
                "--sqs-queue-url",
                ORDERS,
                "--webhook-url",
                "https://x.example.com/",
            ]
        )

    assert exited.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err
