"""The HTTP request of one webhook delivery: its body and its signed headers.

The body is the payload exactly (UTF-8). The Standard Webhooks headers sign it together with
the delivery's id and the attempt's time: ``webhook-id`` is the occurrenceId, the same at
every attempt and every repeat, so a receiver can drop a delivery it has already processed;
``webhook-timestamp`` is the attempt's own time, which a receiver checks (five minutes of
tolerance in the specification's libraries) so an old request replayed is refused;
``webhook-signature`` has one ``v1,<base64 HMAC-SHA256>`` per secret in use. The ``scheduler-``
headers say which run it is without parsing the body.
"""

from __future__ import annotations

from datetime import datetime
from math import floor

from standardwebhooks import Webhook

from service.domain.webhook_urls import WebhookUrl
from service.domain.webhooks import WebhookConfig, content_type_for
from service.services.target_ports import Delivery

USER_AGENT = "Scheduler-Webhooks/1"


def request_body(delivery: Delivery) -> bytes:
    return delivery.payload.encode("utf-8")


def request_headers(delivery: Delivery, config: WebhookConfig, url: WebhookUrl, now: datetime) -> dict[str, str]:
    """The headers of ``delivery`` sent at ``now`` (``host`` included: the connection goes to
    an address, and the request must still name the host)."""
    # The specification asks for an id the client does not control, with no "." (it delimits
    # the signed content): an occurrenceId is "<uuid>/<ISO seconds>[/<uuid>]", made by the service.
    message_id = delivery.occurrence_id
    body = request_body(delivery)
    signatures = " ".join(Webhook(secret).sign(message_id, now, body) for secret in config.signing_secrets(now))
    return {
        "host": url.host_header,
        "user-agent": USER_AGENT,
        "content-type": content_type_for(delivery.payload, config.content_type),
        "webhook-id": message_id,
        "webhook-timestamp": str(floor(now.timestamp())),  # as the library signs it
        "webhook-signature": signatures,
        "scheduler-job-id": delivery.job_id,
        "scheduler-scheduled-for": delivery.scheduled_for_text,
        "scheduler-namespace": delivery.namespace,
        # One delivery per connection: each is made to an address checked for it.
        "connection": "close",
    }
