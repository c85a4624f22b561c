"""uvicorn serving the ASGI app from a thread, so the main thread keeps the signals and
can stop every part of the stack in order."""

from __future__ import annotations

import copy
import socket
import threading
import time
from typing import Any

import uvicorn
from uvicorn.config import LOGGING_CONFIG

GRACEFUL_SHUTDOWN_SECONDS = 5
START_TIMEOUT_SECONDS = 30


class PortInUseError(RuntimeError):
    pass


def log_config() -> dict[str, Any]:
    """uvicorn's logging, all on stderr: stdout carries only the delivery lines."""
    config = copy.deepcopy(LOGGING_CONFIG)
    config["handlers"]["access"]["stream"] = "ext://sys.stderr"
    return config


def bind(host: str, port: int) -> socket.socket:
    """Bind here, before anything starts, to say plainly when the port is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        reason = f"cannot listen on {host}:{port} ({exc.strerror}); choose another with --port or PORT"
        raise PortInUseError(reason) from exc
    return sock


class ApiServer:
    def __init__(self, app: Any, sock: socket.socket) -> None:
        config = uvicorn.Config(
            app,
            lifespan="off",  # the app has no start-up work, as on Lambda
            log_config=log_config(),
            timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        )
        self._server = uvicorn.Server(config)
        self._socket = sock
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]}, name="api", daemon=True)

    def start(self) -> None:
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the web server did not start; see the errors above")
            time.sleep(0.05)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(GRACEFUL_SHUTDOWN_SECONDS + 2)
        self._socket.close()
