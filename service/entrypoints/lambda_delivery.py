"""Lambda entry point of the delivery function, fed by the hand-off queue (SQS event source,
batches of up to 10, partial batch failures).

The stage is wired once per execution environment, at import (the cold start), from the
environment's settings, and reused by every invocation (``cold_start``).
"""

from __future__ import annotations

from service.entrypoints.cold_start import cold_start

with cold_start():
    from service.bootstrap.delivery import bootstrap_delivery
    from service.entrypoints.delivery_handler import make_handler

    handler = make_handler(bootstrap_delivery())
