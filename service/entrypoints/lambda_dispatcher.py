"""Lambda entry point of the dispatcher, invoked each minute by an EventBridge rule, and by
itself for a fan-out or a continuation (``service.services.fan_out``).

The dispatcher is wired once per execution environment, at import (the cold start), from
the environment's settings, and reused by every invocation (``cold_start``).
"""

from __future__ import annotations

from service.entrypoints.cold_start import cold_start

with cold_start():
    from service.bootstrap.dispatcher import bootstrap_dispatcher
    from service.entrypoints.dispatch_handler import make_handler

    handler = make_handler(bootstrap_dispatcher())
