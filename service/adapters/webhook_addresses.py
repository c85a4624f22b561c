"""The registration's DNS check of a webhook URL: its host resolved as a delivery resolves
it (``WebhookSender.addresses``), every address checked by the SSRF rules."""

from __future__ import annotations

from service.adapters.webhook_sender import TargetRefused, WebhookSender
from service.domain.webhook_urls import WebhookUrl, WebhookUrlRefused
from service.services.webhook_targets import AddressCheck


class ResolvedAddressCheck(AddressCheck):
    def __init__(self, sender: WebhookSender) -> None:
        self._sender = sender

    def check(self, url: WebhookUrl) -> None:
        try:
            self._sender.addresses(url)
        except TargetRefused as refused:
            # A name that does not resolve now is refused too: most likely a typing mistake,
            # and a target that could never be delivered to.
            raise WebhookUrlRefused(refused.error.removeprefix("refused: ")) from None
