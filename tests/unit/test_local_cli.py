"""The `scheduler` command line: its commands, options and plain-spoken errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.entrypoints.cli import build_parser, main


def test_dev_takes_host_port_and_a_data_file() -> None:
    args = build_parser().parse_args(["dev", "--host", "0.0.0.0", "--port", "9000", "--data", "state.json"])

    assert (args.command, args.host, args.port, args.data) == ("dev", "0.0.0.0", 9000, Path("state.json"))


def test_dev_without_options_leaves_the_defaults_to_the_environment() -> None:
    args = build_parser().parse_args(["dev"])

    assert (args.host, args.port, args.data) == (None, None, None)


def test_dispatch_once_is_a_flag() -> None:
    assert build_parser().parse_args(["dispatch", "--once"]).once is True
    assert build_parser().parse_args(["dispatch"]).once is False


@pytest.mark.parametrize("argv", [[], ["dev", "--port", "http"], ["dev", "--port", "70000"], ["deploy"]])
def test_a_wrong_command_line_exits_with_usage(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args(argv)

    assert exit_info.value.code == 2


def test_dispatch_without_its_settings_says_which_one_is_missing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("SCHEDULER_TABLE_NAME", "SCHEDULER_QUEUE_URL", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)

    assert main(["dispatch", "--once"]) == 2
    assert "SCHEDULER_TABLE_NAME must be set" in capsys.readouterr().err


def test_dev_with_a_data_file_in_a_missing_folder_stops_before_starting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["dev", "--port", "8765", "--data", str(tmp_path / "no-such-folder" / "data.json")]) == 2
    assert "does not exist" in capsys.readouterr().err
