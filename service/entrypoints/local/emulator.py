"""The AWS endpoint of the local stack: moto's server embedded in this process, or the
endpoint the user configured in ``AWS_ENDPOINT_URL``."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from moto.server import ThreadedMotoServer

from service.entrypoints.local import emulator_serializer

LOOPBACK = "127.0.0.1"


@dataclass
class Endpoint:
    url: str
    embedded: bool
    server: ThreadedMotoServer | None = None

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None


def open_endpoint(configured_url: str | None) -> Endpoint:
    if configured_url:
        return Endpoint(url=configured_url, embedded=False)
    # werkzeug, under moto, logs every request at INFO: one line per API call and poll.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    emulator_serializer.install()  # DynamoDB's answers written at a third of moto's cost
    # Port 0: the system picks a free port, so two stacks (or a test) never collide.
    server = ThreadedMotoServer(ip_address=LOOPBACK, port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    return Endpoint(url=f"http://{host}:{port}", embedded=True, server=server)
