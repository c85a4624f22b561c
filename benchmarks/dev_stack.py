"""`scheduler dev` in a process of its own, as a newcomer runs it: used through REST with a
fixed API key, watched through the delivery lines its consumer prints on stdout. Shared by
the local stack's end-to-end tests and ``benchmarks.local_stack``.
"""

from __future__ import annotations

import json
import math
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from benchmarks.moto_server import free_port

# The console script of the installed package, or the same entry point through Python.
_SCRIPT = Path(sys.executable).with_name("scheduler")
SCHEDULER = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "service.entrypoints.cli"]
START_TIMEOUT = 60.0
STOP_TIMEOUT = 30.0
API_KEY = "sk_live_e2e-local-stack-key-0123456789"
_ENDPOINT_LINE = re.compile(r"export AWS_ENDPOINT_URL=(\S+)")


class StackError(RuntimeError):
    pass


def clean_env(**extra: str) -> dict[str, str]:
    """The environment of a machine with no AWS account and nothing of the scheduler set."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "SCHEDULER_"))}
    env["AWS_CONFIG_FILE"] = os.devnull
    env["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


def iso(instant: datetime) -> str:
    return instant.strftime("%Y-%m-%dT%H:%M:%SZ")


def percentile(values: Sequence[int], share: float) -> int:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def p99(values: Sequence[int]) -> int:
    return percentile(values, 0.99)


class RunningStack:
    """One `scheduler dev` process, its delivery lines and its stderr."""

    def __init__(self, env: dict[str, str], data: Path | None = None) -> None:
        self.port = free_port()
        env = {"SCHEDULER_API_KEY": API_KEY, **env}
        command = [*SCHEDULER, "dev", "--port", str(self.port)]
        if data is not None:
            command += ["--data", str(data)]
        self.process = subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1
        )
        self.deliveries: queue.Queue[dict[str, Any]] = queue.Queue()
        self.logs: list[dict[str, Any]] = []  # the other JSON lines: the functions' structured logs
        self.stderr: list[str] = []
        threading.Thread(target=self._read_stdout, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()
        self.http = httpx.Client(
            base_url=f"http://127.0.0.1:{self.port}", timeout=30, headers={"Authorization": f"Bearer {API_KEY}"}
        )
        self._wait_healthy()

    def _read_stdout(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(record, dict) and record.get("event") == "delivered":
                self.deliveries.put(record)
            elif isinstance(record, dict):
                self.logs.append(record)

    def _read_stderr(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.stderr.append(line)

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise StackError(f"scheduler dev exited with {self.process.returncode}:\n{''.join(self.stderr)}")
            try:
                if self.http.get("/health").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        self.kill()
        raise StackError(f"scheduler dev did not answer /health in {START_TIMEOUT} s:\n{''.join(self.stderr)}")

    @property
    def endpoint_url(self) -> str:
        """The emulator's address, from the `export AWS_ENDPOINT_URL=…` line it prints."""
        for line in self.stderr:
            if found := _ENDPOINT_LINE.search(line):
                return found.group(1)
        raise StackError("scheduler dev printed no AWS_ENDPOINT_URL")

    def collect(self, until: datetime) -> list[dict[str, Any]]:
        """Every delivery line printed until the wall-clock time ``until``."""
        lines = []
        while (remaining := (until - datetime.now(UTC)).total_seconds()) > 0:
            try:
                lines.append(self.deliveries.get(timeout=remaining))
            except queue.Empty:
                break
        return lines

    def stop(self, sig: signal.Signals = signal.SIGINT) -> int:
        """Ctrl-C (or ``sig``), as a user stops it; the exit code."""
        self.http.close()
        self.process.send_signal(sig)
        try:
            return self.process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.kill()
            raise StackError(
                f"scheduler dev did not stop within {STOP_TIMEOUT} s of {sig.name}:\n{''.join(self.stderr)}"
            ) from None

    def kill(self) -> None:
        """``kill -9``: nothing of the process runs after it."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
