"""A context object of the same shape as the one the Python Lambda runtime passes a handler:
the local stack invokes the handlers with it, and the tests do too."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

LOCAL_ACCOUNT = "000000000000"
DEFAULT_FUNCTION = "scheduler-dispatcher"


@dataclass
class LambdaContext:
    """The attributes handlers (and Powertools) read. The remaining time runs down on
    ``clock`` (a monotonic clock in seconds) from ``timeout_seconds`` at creation."""

    function_name: str = DEFAULT_FUNCTION
    region: str = "us-east-1"
    account: str = LOCAL_ACCOUNT
    timeout_seconds: float = 60
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 256
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_stream_name: str = "local"
    identity: Any = None
    client_context: Any = None
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    _deadline: float = field(default=0.0, init=False, repr=False)

    def __post_init__(self) -> None:
        self._deadline = self.clock() + self.timeout_seconds

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{self.region}:{self.account}:function:{self.function_name}"

    @property
    def log_group_name(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, round((self._deadline - self.clock()) * 1000))
