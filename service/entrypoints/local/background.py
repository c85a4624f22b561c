"""A loop that runs in a thread of its own until asked to stop."""

from __future__ import annotations

import abc
import threading


class BackgroundLoop(abc.ABC):
    name = "loop"

    def __init__(self) -> None:
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None

    @abc.abstractmethod
    def run(self) -> None:
        """The loop itself (blocks); returns soon after ``_stopped`` is set."""

    def start(self) -> None:
        # A daemon thread: a loop stuck in a call never keeps the process alive.
        self._thread = threading.Thread(target=self.run, name=self.name, daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stopped.set()
        if self._thread is not None:
            self._thread.join(timeout)
