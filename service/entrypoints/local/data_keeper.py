"""What ``scheduler dev --data FILE`` keeps, saved together in one file: the table's items,
the runs waiting in the delivery stage's own queue (``stage_queue``), and, with the
embedded emulator, the messages on its queues (``emulator_queues``: what was delivered to
a target queue and not consumed yet).

Saved at each autosave and on a clean stop; loaded at start, before anything that reads
or writes them starts. After ``kill -9`` what changed since the last save is lost.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from service.entrypoints.local import data_file, emulator_queues
from service.entrypoints.local.stage_queue import LocalStageQueue

logger = logging.getLogger(__name__)

HANDOFF_SECTION = "handoff"  # the delivery stage's queue, in the data file
EMULATOR_SECTION = "emulator"  # the embedded emulator's queues


@dataclass(frozen=True)
class EmbeddedEmulator:
    """Where the embedded emulator keeps the stack's queues."""

    account: str
    region: str


@dataclass(frozen=True)
class DataKeeper:
    dynamodb: Any
    table_name: str
    path: Path
    stage_queue: LocalStageQueue | None = None
    emulator: EmbeddedEmulator | None = None

    def load(self) -> int:
        """Everything the file holds put back; the number of items of the table."""
        items = data_file.load(self.dynamodb, self.table_name, self.path)
        queues = data_file.read_queues(self.path)
        if self.stage_queue is not None:
            self.stage_queue.restore(queues.get(HANDOFF_SECTION, {}))
        if self.emulator is not None:
            emulator_queues.restore(self.emulator.account, self.emulator.region, queues.get(EMULATOR_SECTION, {}))
        return items

    def save(self, level: int = logging.INFO) -> None:
        queues: dict[str, Any] = {}
        if self.stage_queue is not None:
            queues[HANDOFF_SECTION] = self.stage_queue.snapshot()
        if self.emulator is not None:
            queues[EMULATOR_SECTION] = emulator_queues.snapshot(self.emulator.account, self.emulator.region)
        try:
            count = data_file.save(self.dynamodb, self.table_name, self.path, queues)
        except Exception:  # keep stopping the rest; the previous save is still whole on disk
            logger.exception("could not save the data to %s", self.path)
            return
        runs = len(queues.get(HANDOFF_SECTION, {}).get("messages", []))
        messages = sum(len(m) for m in queues.get(EMULATOR_SECTION, {}).values())
        logger.log(
            level,
            "saved %d items, %d runs in the delivery stage and %d messages on the queues to %s",
            count,
            runs,
            messages,
            self.path,
        )
