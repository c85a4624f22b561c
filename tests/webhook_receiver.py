"""A webhook receiver on loopback for the sender's tests: a real HTTP (or HTTPS) server in a
thread that records every request and answers as the test says."""

from __future__ import annotations

import ssl
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import trustme


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]  # names in lower case
    body: bytes


@dataclass
class Answer:
    status: int = 204
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering
    drip: bool = False  # send the status line and headers one byte at a time, `delay` apart
    gather: int = 0  # answer only once this many requests are in at once


@dataclass
class Receiver:
    port: int
    answer: Answer
    requests: list[Received]
    server_names: list[str | None]  # the SNI of each TLS handshake
    stopping: threading.Event
    barrier: threading.Barrier | None = None

    def url(self, path: str = "/hook", host: str = "127.0.0.1", scheme: str = "http") -> str:
        return f"{scheme}://{host}:{self.port}{path}"


@dataclass(frozen=True)
class Tls:
    """A certificate authority of the test's own, and a certificate it issued for ``hosts``."""

    ca_file: Path
    server_context: ssl.SSLContext


def tls_for(tmp_path: Path, *hosts: str) -> Tls:
    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*hosts).configure_cert(context)
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    return Tls(ca_file, context)


@contextmanager
def receiver(answer: Answer | None = None, tls: Tls | None = None) -> Iterator[Receiver]:
    answer = answer or Answer()
    barrier = threading.Barrier(answer.gather, timeout=5) if answer.gather else None
    state = Receiver(0, answer, [], [], threading.Event(), barrier)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    if tls is not None:
        tls.server_context.sni_callback = _record_sni(state.server_names)
        server.socket = tls.server_context.wrap_socket(server.socket, server_side=True)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.stopping.set()  # a handler still waiting gives up
        if barrier is not None:
            barrier.abort()
        server.shutdown()
        server.server_close()
        thread.join()


def _record_sni(names: list[str | None]) -> Callable[[object, str | None, ssl.SSLContext], None]:
    def record(_: object, server_name: str | None, __: ssl.SSLContext) -> None:
        names.append(server_name)

    return record


def _handler(state: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            headers = {name.lower(): value for name, value in self.headers.items()}
            state.requests.append(Received(self.path, headers, body))
            answer = state.answer
            if state.barrier is not None:
                try:
                    state.barrier.wait()
                except threading.BrokenBarrierError:
                    self.send_error(500, "the requests did not come in together")
                    return
            if answer.drip:
                self._drip(answer)
                return
            if answer.delay and state.stopping.wait(answer.delay):
                return
            self.send_response(answer.status)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.send_header("content-length", "0")
            self.end_headers()

        def _drip(self, answer: Answer) -> None:
            head = f"HTTP/1.1 {answer.status} OK\r\n" + "x-padding: " + "." * 200 + "\r\n\r\n"
            for byte in head.encode():
                if state.stopping.wait(answer.delay):
                    return
                try:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                except OSError:
                    return

        def log_message(self, format: str, *args: object) -> None:
            pass  # quiet

    return Handler
