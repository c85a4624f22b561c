"""A batch of ten webhook deliveries to one target: one at a time, or all at once.

A receiver on loopback answers each request after a set latency (0, 50 and 200 ms: a fast
receiver, a typical one across a region, a slow one); the real sender delivers a batch of ten
runs to it, with its thread pool at one worker (one at a time) and at ten (all at once).
Each figure is the median wall time of a batch over the repeats, and its cost per delivery.

    python -m benchmarks.webhook_delivery [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from service.adapters.webhook_sender import MAX_CONCURRENCY, WebhookSender
from service.domain.targets import Target, TargetKind
from service.domain.webhooks import WebhookConfig, new_secret
from service.services.target_ports import Delivery

BATCH = 10
LATENCIES_MS = (0, 50, 200)


def start_receiver(latency: float) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length", "0")))
            time.sleep(latency)
            self.send_response(204)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.request_queue_size = 64
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def batch_seconds(sender: WebhookSender, target: Target, repeat: int) -> float:
    runs = [
        Delivery("bench", "0190d7a8-3c1e-7b2a-9f00-5e3b1c2d4a6f", datetime(2027, 1, 4, 12, m, tzinfo=UTC), '{"n": 1}')
        for m in range(BATCH)
    ]
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        outcomes = sender.deliver(target, runs)
        timings.append(time.perf_counter() - started)
        assert all(o.accepted for o in outcomes), [o.error for o in outcomes if not o.accepted]
    return statistics.median(timings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)
    print(f"command: python -m benchmarks.webhook_delivery {' '.join(argv or sys.argv[1:])}".rstrip())
    print(f"a batch of {BATCH} deliveries to a loopback receiver, median of {args.repeat} batches\n")
    print(f"{'receiver latency':<18}{'one at a time':>22}{f'{MAX_CONCURRENCY} at once':>22}")
    for latency_ms in LATENCIES_MS:
        server = start_receiver(latency_ms / 1000)
        target = Target(
            "bench",
            "hook",
            TargetKind.WEBHOOK,
            f"http://127.0.0.1:{server.server_address[1]}/hook",
            webhook=WebhookConfig(new_secret()),
        )
        cells = []
        for workers in (1, MAX_CONCURRENCY):
            sender = WebhookSender(allow_loopback=True, max_concurrency=workers)
            seconds = batch_seconds(sender, target, args.repeat)
            cells.append(f"{seconds * 1000:8.1f} ms ({seconds * 1000 / BATCH:5.1f}/run)")
        server.shutdown()
        server.server_close()
        print(f"{f'{latency_ms} ms':<18}{cells[0]:>22}{cells[1]:>22}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
