"""The API key store on DynamoDB (moto), and the `scheduler keys` commands against it."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from service.adapters import table_schema as ts
from service.bootstrap.api import ApiContainer
from service.domain.keys import KeyNotFound, hash_key
from service.entrypoints.cli import main
from tests.conftest import Aws, table_items
from tests.fakes import FakeClock


def test_the_table_holds_no_plaintext_key_only_its_hash(aws: Aws, container: ApiContainer) -> None:
    issued = container.keys.create("team-a", "ci")
    container.keys.authenticate(issued.secret)  # and a verification writes the last use

    raw = json.dumps(table_items(aws, with_keys=True))

    assert issued.secret not in raw
    assert issued.secret[len(issued.key.prefix) :] not in raw
    assert hash_key(issued.secret) in raw
    assert issued.key.prefix in raw


def test_a_key_is_a_grant_by_hash_and_a_record_by_id(aws: Aws, container: ApiContainer) -> None:
    issued = container.keys.create("team-a", "ci")

    items = {(i["pk"]["S"], i["sk"]["S"]): i for i in table_items(aws, with_keys=True)}

    grant = items[(f"KEY#{hash_key(issued.secret)}", "KEY")]
    record = items[(ts.KEY_RECORDS, issued.key.key_id)]
    assert grant["namespace"]["S"] == record["namespace"]["S"] == "team-a"
    assert grant["revoked"]["BOOL"] is False and record["revoked"]["BOOL"] is False
    assert record["name"]["S"] == "ci"


def test_revoking_changes_the_grant_and_the_record(aws: Aws, container: ApiContainer) -> None:
    issued = container.keys.create("team-a", "ci")

    revoked = container.keys.revoke(issued.key.key_id)

    assert revoked.revoked
    flags = {i["pk"]["S"]: i["revoked"]["BOOL"] for i in table_items(aws, with_keys=True)}
    assert flags == {f"KEY#{hash_key(issued.secret)}": True, ts.KEY_RECORDS: True}


def test_revoking_an_unknown_id_is_key_not_found(container: ApiContainer) -> None:
    with pytest.raises(KeyNotFound):
        container.keys.revoke("key_0000000000000000")


def test_listing_is_a_query_filtered_by_namespace(container: ApiContainer) -> None:
    container.keys.create("team-a", "one")
    container.keys.create("team-b", "two")
    container.keys.create("team-a", "three")

    # The container fails the test on any Scan.
    assert sorted(k.name for k in container.keys.list("team-a")) == ["one", "three"]
    assert len(container.keys.list()) == 3


def test_the_last_use_is_recorded_once_per_interval_and_listed(container: ApiContainer, clock: FakeClock) -> None:
    issued = container.keys.create("team-a", "ci")
    first_use = clock()
    container.keys.authenticate(issued.secret)
    clock.advance(minutes=1)
    container.keys.authenticate(issued.secret)

    (listed,) = container.keys.list("team-a")

    assert listed.last_used_at == first_use
    assert listed.created_at == first_use
    # A second instance with a fresh memory does not write over a recent use either.
    container.keys.store.touch(issued.key.key_id, clock(), clock() - timedelta(minutes=5))
    assert container.keys.list("team-a")[0].last_used_at == first_use


# -- the command line ---------------------------------------------------------------------


@pytest.fixture
def cli_env(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCHEDULER_TABLE_NAME", aws.table_name)


def test_keys_create_prints_the_key_once_with_a_warning(
    cli_env: None, container: ApiContainer, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["keys", "create", "--namespace", "team-a", "--name", "deploy bot"])

    out, err = capsys.readouterr()
    secret = out.strip()
    assert code == 0
    assert secret.startswith("sk_live_")
    assert "not shown again" in err
    assert container.keys.authenticate(secret).namespace == "team-a"


def test_keys_list_shows_metadata_and_never_the_key(
    cli_env: None, container: ApiContainer, capsys: pytest.CaptureFixture[str]
) -> None:
    issued = container.keys.create("team-a", "deploy bot")
    container.keys.create("team-b", "other")

    code = main(["keys", "list", "--namespace", "team-a"])

    out, _ = capsys.readouterr()
    lines = out.splitlines()
    assert code == 0
    assert lines[0].split() == ["ID", "PREFIX", "NAME", "NAMESPACE", "CREATED", "LAST", "USED", "REVOKED"]
    assert len(lines) == 2
    assert issued.key.key_id in lines[1] and "deploy bot" in lines[1] and "team-a" in lines[1]
    assert issued.key.prefix in lines[1] and "never" in lines[1] and lines[1].endswith("no")
    assert issued.secret not in out


def test_keys_revoke_revokes_by_id(cli_env: None, container: ApiContainer, capsys: pytest.CaptureFixture[str]) -> None:
    issued = container.keys.create("team-a", "deploy bot")

    code = main(["keys", "revoke", issued.key.key_id])
    listed = main(["keys", "list"])

    out, _ = capsys.readouterr()
    assert code == 0 and listed == 0
    assert f"revoked {issued.key.key_id}" in out
    assert out.splitlines()[-1].endswith("yes")


def test_keys_revoke_of_an_unknown_id_fails_with_a_message(
    cli_env: None, aws: Aws, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["keys", "revoke", "key_missing"])

    assert code == 1
    assert "no API key with id 'key_missing'" in capsys.readouterr().err


def test_keys_create_refuses_a_bad_namespace(cli_env: None, aws: Aws, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["keys", "create", "--namespace", "Team#A", "--name", "x"])

    assert code == 2
    assert "not a namespace" in capsys.readouterr().err


def test_keys_take_the_table_from_the_flag(aws: Aws, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["keys", "list", "--table", "no-such-table"])

    assert code == 1
    assert "ResourceNotFoundException" in capsys.readouterr().err
