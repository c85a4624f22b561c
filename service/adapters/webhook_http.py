"""One HTTP POST to one checked address: the connection goes where the SSRF check said it may.

A connection pool would resolve the URL's host itself when it connects, and a second
resolution can answer differently from the one that was checked (DNS rebinding). So each
request gets a connection of its own, opened to the address that was checked; TLS is still
for the URL's host: SNI names it and the certificate must be valid for it. Nothing follows
redirects, and no proxy is read from the environment.

The timeout bounds the whole request: each connect, send and read waits at most that long,
and a watchdog shuts the socket down when the time is up, so a receiver that answers one byte
at a time cannot hold a delivery for longer.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from http.client import HTTPException

from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import HTTPError

from service.domain.webhook_urls import WebhookUrl

# Opens a TCP connection to (address, port) within a timeout in seconds.
Connector = Callable[[tuple[str, int], float], socket.socket]
# The longest wait a Retry-After is read as: longer ones end the retries all the same.
MAX_RETRY_AFTER = timedelta(days=30)


def open_tcp(address: tuple[str, int], timeout: float) -> socket.socket:
    sock = socket.create_connection(address, timeout)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


@dataclass(frozen=True)
class HttpReply:
    status: int
    retry_after: str | None  # the Retry-After header, as sent


class RequestFailed(Exception):  # noqa: N818 - says what happened
    """No HTTP answer: the message says why ("timeout after 10 s", "connection refused")."""


def post(
    url: WebhookUrl,
    addresses: Sequence[str],
    body: bytes,
    headers: Mapping[str, str],
    timeout: float,
    *,
    connect: Connector = open_tcp,
    ca_certs: str | None = None,
) -> HttpReply:
    """POST ``body`` to ``url`` at the first of ``addresses`` that takes a connection (as a
    resolver's answers are tried in order); its status, or ``RequestFailed``."""
    deadline = _Deadline(timeout)

    def open_socket() -> socket.socket:
        failure: OSError = ConnectionError("no address")
        for address in addresses:
            try:
                sock = connect((address, url.port), deadline.remaining())
            except OSError as exc:  # nothing was sent: the next address may take it
                failure = exc
                continue
            return deadline.watch(sock)
        raise failure

    connection = _connection(url, timeout, ca_certs)
    connection.open_socket = open_socket
    try:
        connection.request("POST", url.target, body=body, headers=headers, preload_content=False)
        response = connection.getresponse()
        # The body is never read: the status says it all, and a large or slow one costs nothing.
        return HttpReply(response.status, response.headers.get("retry-after"))
    except (OSError, HTTPException, HTTPError) as exc:
        raise RequestFailed(_failure(exc, deadline.expired, timeout)) from exc
    finally:
        deadline.cancel()
        connection.close()


def parse_retry_after(value: str | None, now: datetime) -> timedelta | None:
    """A Retry-After header (seconds, or an HTTP date) as a wait from ``now``; None if absent
    or unreadable. A date in the past is no wait."""
    text = (value or "").strip()
    if text.isdigit():
        seconds = int(text) if len(text) <= 12 else 10**12  # a longer number only overflows
        return min(timedelta(seconds=seconds), MAX_RETRY_AFTER)
    try:
        at = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    wait = (at if at.tzinfo else at.replace(tzinfo=UTC)) - now
    return min(max(wait, timedelta(0)), MAX_RETRY_AFTER)


class _PinnedHTTPConnection(HTTPConnection):
    open_socket: Callable[[], socket.socket]

    def _new_conn(self) -> socket.socket:
        return self.open_socket()


class _PinnedHTTPSConnection(HTTPSConnection):
    open_socket: Callable[[], socket.socket]

    def _new_conn(self) -> socket.socket:
        return self.open_socket()


_Pinned = _PinnedHTTPConnection | _PinnedHTTPSConnection


def _connection(url: WebhookUrl, timeout: float, ca_certs: str | None) -> _Pinned:
    # The host given here is never resolved: ``open_socket`` connects, to a checked address.
    if url.scheme == "http":
        return _PinnedHTTPConnection(url.host, url.port, timeout=timeout)
    return _PinnedHTTPSConnection(
        url.host,
        url.port,
        timeout=timeout,
        server_hostname=url.host,  # SNI, and the name the certificate must be valid for
        cert_reqs=ssl.CERT_REQUIRED,
        ca_certs=ca_certs,  # None: the system's trust store
    )


class _Deadline:
    def __init__(self, seconds: float) -> None:
        self._at = time.monotonic() + seconds
        self._timer: threading.Timer | None = None
        self._watched: socket.socket | None = None
        self.expired = False

    def remaining(self) -> float:
        return max(0.0, self._at - time.monotonic())

    def watch(self, sock: socket.socket) -> socket.socket:
        # A descriptor of its own (a dup): wrapping ``sock`` in TLS detaches it, and a shutdown
        # through any descriptor of a socket ends its connection. Closed only once the timer is
        # stopped, so a shutdown never reaches a descriptor number reused by another socket.
        self._watched = socket.fromfd(sock.fileno(), sock.family, sock.type)
        self._timer = threading.Timer(self.remaining(), self._expire)
        self._timer.daemon = True
        self._timer.start()
        return sock

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer.join()
        if self._watched is not None:
            self._watched.close()

    def _expire(self) -> None:
        self.expired = True
        if self._watched is not None:
            with suppress(OSError):
                self._watched.shutdown(socket.SHUT_RDWR)  # wakes a blocked read in the sending thread


def _failure(exc: BaseException, expired: bool, timeout: float) -> str:
    if expired or isinstance(exc, TimeoutError):
        return f"timeout after {timeout:g} s"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, ConnectionResetError):
        return "connection reset"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"TLS certificate not accepted: {exc.verify_message}"
    if isinstance(exc, ssl.SSLError):
        return f"TLS failed: {exc.reason or exc}"
    if isinstance(exc, HTTPException):
        return f"no HTTP answer ({type(exc).__name__})"
    if isinstance(exc, OSError):
        return f"connection failed: {exc.strerror or exc}"
    return f"request failed: {exc}"
