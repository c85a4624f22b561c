"""The receiver of docs/webhooks.md, run as its reader would run it, verifies what the sender sends."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from service.adapters.webhook_sender import WebhookSender
from service.domain.targets import Target, TargetKind
from service.domain.webhooks import WebhookConfig, new_secret
from service.services.target_ports import Delivery

DOC = Path(__file__).parents[2] / "docs" / "webhooks.md"
SECRET = new_secret()
RUN = Delivery("team-a", "0190d7a8-3c1e-7b2a-9f00-5e3b1c2d4a6f", datetime(2027, 1, 4, 12, 0, tzinfo=UTC), "ping")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def documented_receiver(tmp_path: Path) -> Iterator[tuple[int, subprocess.Popen[str]]]:
    [example] = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.DOTALL)
    script = tmp_path / "receiver.py"
    script.write_text(example)
    port = free_port()
    env = {"WEBHOOK_SECRET": SECRET, "PORT": str(port), "PATH": ""}
    process = subprocess.Popen([sys.executable, str(script)], env=env, stdout=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 10
        while True:  # until it listens
            try:
                socket.create_connection(("127.0.0.1", port), 0.1).close()
                break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, "the receiver did not start"
                time.sleep(0.05)
        yield port, process
    finally:
        process.kill()
        process.wait()


def test_the_documented_receiver_accepts_a_run_once_and_refuses_a_forged_one(
    documented_receiver: tuple[int, subprocess.Popen[str]],
) -> None:
    # given
    port, process = documented_receiver
    url = f"http://127.0.0.1:{port}/hook"
    sender = WebhookSender(allow_loopback=True)
    signed = Target("team-a", "hook", TargetKind.WEBHOOK, url, webhook=WebhookConfig(SECRET))
    forged = Target("team-a", "hook", TargetKind.WEBHOOK, url, webhook=WebhookConfig(new_secret()))
    # when the run is delivered twice, then with another secret
    outcomes = [*sender.deliver(signed, [RUN]), *sender.deliver(signed, [RUN]), *sender.deliver(forged, [RUN])]
    process.kill()
    output, _ = process.communicate()
    # then
    assert [o.status_code for o in outcomes] == [204, 204, 401]
    assert output.splitlines() == [f"run {RUN.occurrence_id}: ping"]
