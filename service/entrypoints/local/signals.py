"""Ctrl-C and SIGTERM ask for a clean stop; a second one stops at once."""

from __future__ import annotations

import os
import signal
import sys
from types import FrameType

FORCED_EXIT_CODE = 130


class StopRequest:
    def __init__(self) -> None:
        self.requested = False

    def install(self) -> None:
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self._handle)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.requested:
            sys.stderr.write("Stopped at once: nothing more was saved.\n")
            sys.stderr.flush()
            os._exit(FORCED_EXIT_CODE)
        self.requested = True
        sys.stderr.write("Stopping (press Ctrl-C again to stop at once)...\n")
        sys.stderr.flush()
