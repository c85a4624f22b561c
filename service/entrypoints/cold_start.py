"""The cold start of a Lambda function: its handler module's imports and wiring, run once per
execution environment.

Start-up makes hundreds of thousands of objects that live as long as the process (modules,
classes, pydantic and botocore models), and each of Python's full garbage collections on the
way walks all of them again, to find nothing to free. ``cold_start`` runs the start-up
without collections, then freezes what it made (``gc.freeze``): later collections, during
requests, skip those objects instead of walking them at each full collection.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cold_start() -> Iterator[None]:
    """Around a handler module's start-up: no garbage collection in it, its objects frozen after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
        gc.freeze()
    finally:
        if enabled:
            gc.enable()
