"""Delivers runs to a webhook target: one signed POST each, to an address checked for SSRF.

For each call (one target, a batch of at most ten runs) the URL is checked again, its host is
resolved once, and every address the resolver answers is checked (``service.domain.addresses``).
One refused address refuses them all: a name that points at a private address as well as a
public one is misconfigured at best and a rebinding attack at worst, and the client is told
which address it was rather than seeing some deliveries fail at random. The requests then go
to those checked addresses only, never to a fresh resolution (``webhook_http``).

The runs of a batch go out at once, each in a thread of its own: one receiver that hangs
costs the batch one timeout, not ten in a row.

An outcome is permanent only when no retry can change it: a URL or an address the rules
refuse, a target with no webhook settings. A resolver that fails, a refused connection, a
timeout and every HTTP status but 2xx are tried again by the retry policy.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime

from service.adapters.webhook_http import Connector, RequestFailed, open_tcp, parse_retry_after, post
from service.adapters.webhook_request import request_body, request_headers
from service.domain.addresses import address_text, parse_address, refusal
from service.domain.targets import Target, TargetKind
from service.domain.webhook_urls import WebhookUrl, WebhookUrlRefused, check_webhook_url
from service.domain.webhooks import WebhookConfig
from service.services.target_ports import Delivery, DeliveryOutcome, TargetSender

# Resolves a host name (and port) to its addresses, in the order to try them.
Resolver = Callable[[str, int], Sequence[str]]
MAX_CONCURRENCY = 10  # a batch is at most ten runs


def system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def utc_now() -> datetime:
    return datetime.now(UTC)


class TargetRefused(Exception):  # noqa: N818 - says what happened
    """A whole batch fails before any request: ``permanent`` when no retry can change it."""

    def __init__(self, error: str, *, permanent: bool) -> None:
        super().__init__(error)
        self.error, self.permanent = error, permanent


@dataclass(frozen=True)
class _Route:
    url: WebhookUrl
    addresses: tuple[str, ...]  # checked, in the order to try them
    config: WebhookConfig


class WebhookSender(TargetSender):
    def __init__(
        self,
        *,
        allow_loopback: bool = False,  # the local stack's setting (Settings.webhook_allow_loopback)
        resolver: Resolver = system_resolver,
        connect: Connector = open_tcp,
        clock: Callable[[], datetime] = utc_now,
        ca_certs: str | None = None,  # None: the system's trust store
        max_concurrency: int = MAX_CONCURRENCY,
    ) -> None:
        self._allow_loopback = allow_loopback
        self._resolver = resolver
        self._connect = connect
        self._clock = clock
        self._ca_certs = ca_certs
        self._max_concurrency = max_concurrency

    def deliver(self, target: Target, deliveries: Sequence[Delivery]) -> list[DeliveryOutcome]:
        if not deliveries:
            return []
        try:
            route = self._route(target)
        except TargetRefused as refused:
            return [DeliveryOutcome(d, error=refused.error, permanent=refused.permanent) for d in deliveries]
        workers = min(len(deliveries), self._max_concurrency)
        if workers == 1:
            return [self._deliver_one(route, delivery) for delivery in deliveries]
        with ThreadPoolExecutor(workers, thread_name_prefix="webhook") as pool:
            return list(pool.map(lambda delivery: self._deliver_one(route, delivery), deliveries))

    def addresses(self, url: WebhookUrl) -> tuple[str, ...]:
        """The addresses a delivery to ``url`` may connect to, in order; ``TargetRefused`` if
        its host cannot be resolved or resolves to an address the rules refuse."""
        if url.address is not None:
            return (str(url.address),)  # ``check_webhook_url`` has checked it
        try:
            answers = self._resolver(url.host, url.port)
        except OSError as exc:
            raise TargetRefused(f"could not resolve {url.host}: {exc.strerror or exc}", permanent=False) from exc
        checked: list[str] = []
        for answer in answers:
            try:
                address = parse_address(answer)
            except ValueError:
                raise TargetRefused(f"{url.host} resolves to {answer!r}, not an address", permanent=False) from None
            reason = refusal(address, allow_loopback=self._allow_loopback)
            if reason is not None:
                text = address_text(address)
                raise TargetRefused(f"refused: {url.host} resolves to {text}, which {reason}", permanent=True)
            checked.append(str(address))
        if not checked:
            raise TargetRefused(f"could not resolve {url.host}: no address", permanent=False)
        return tuple(checked)

    def _route(self, target: Target) -> _Route:
        if target.kind is not TargetKind.WEBHOOK or target.webhook is None:
            raise TargetRefused(f"target {target.name!r} is not a webhook with its settings", permanent=True)
        try:
            url = check_webhook_url(target.url, allow_loopback=self._allow_loopback)
        except WebhookUrlRefused as refused:
            raise TargetRefused(f"refused: {refused.reason}", permanent=True) from None
        return _Route(url, self.addresses(url), target.webhook)

    def _deliver_one(self, route: _Route, delivery: Delivery) -> DeliveryOutcome:
        headers = request_headers(delivery, route.config, route.url, self._clock())
        try:
            reply = post(
                route.url,
                route.addresses,
                request_body(delivery),
                headers,
                route.config.timeout_seconds,
                connect=self._connect,
                ca_certs=self._ca_certs,
            )
        except RequestFailed as failed:
            return DeliveryOutcome(delivery, error=str(failed))
        answered_at = self._clock()
        if 200 <= reply.status < 300:
            return DeliveryOutcome(delivery, accepted_at=answered_at, status_code=reply.status)
        error = f"HTTP {reply.status}"
        if 300 <= reply.status < 400:
            error += " (a redirect: not followed, the URL needs changing)"
        return DeliveryOutcome(
            delivery,
            status_code=reply.status,
            error=error,
            retry_after=parse_retry_after(reply.retry_after, answered_at),
        )
