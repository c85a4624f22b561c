"""How late runs reach a webhook: the local stack (``scheduler dev``, in a process of its own:
the dispatcher ticking each minute, the delivery stage, the real sender) delivering runs
due over a minute to a receiver on loopback that answers at once.

Lateness is measured at the receiver: the wall time a request arrives, less the run's
instant (its ``scheduler-scheduled-for`` header), so nothing of the stack's own reckoning
counts. The runs are due from 40 s after their creation on: those within the dispatcher's
lookahead (70 s) are handed off by the API itself, the others by the dispatcher's tick. Each request is verified
with the standardwebhooks package, as a receiver would. SPEC section 4: never early, p99
within 1 s; the benchmark fails if a run is early, missing, repeated or p99 is over 1 s.

    python -m benchmarks.webhook_lateness [--runs N] [--spread SECONDS]
"""

from __future__ import annotations

import argparse
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook

from benchmarks.dev_stack import RunningStack, clean_env, percentile

SETTLE_SECONDS = 8.0
ON_TIME_MS = 1000


@dataclass
class Arrivals:
    secret: str = ""
    late_ms: list[int] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    unverified: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def start_receiver(arrivals: Arrivals) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            arrived = time.time()
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            self.send_response(204)
            self.send_header("content-length", "0")
            self.end_headers()
            headers = {name.lower(): value for name, value in self.headers.items()}
            due = datetime.fromisoformat(headers["scheduler-scheduled-for"].replace("Z", "+00:00")).timestamp()
            try:
                Webhook(arrivals.secret).verify(body, headers)
                verified = True
            except Exception:
                verified = False
            with arrivals.lock:
                arrivals.late_ms.append(round((arrived - due) * 1000))
                arrivals.ids.append(headers["webhook-id"])
                arrivals.unverified += int(not verified)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.request_queue_size = 128
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=120, help="runs due over the spread (default 120)")
    parser.add_argument("--spread", type=int, default=60, help="seconds the runs are due over (default 60)")
    options = parser.parse_args()

    arrivals = Arrivals()
    receiver = start_receiver(arrivals)
    url = f"http://127.0.0.1:{receiver.server_address[1]}/hook"
    stack = RunningStack(clean_env(SCHEDULER_CONSUME="off"))
    api = stack.http
    try:
        created = api.post("/targets", json={"name": "bench", "kind": "webhook", "url": url})
        if created.status_code != 201:
            raise SystemExit(f"POST /targets answered {created.status_code}: {created.text}")
        arrivals.secret = created.json()["secret"]
        # From 40 s on: about half within the dispatcher's lookahead (70 s), which the API
        # hands off itself, the rest past it, which a tick of the dispatcher hands off.
        start = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=40)
        offsets = [round(i * options.spread / options.runs) for i in range(options.runs)]
        expected: set[str] = set()
        for offset in offsets:
            run_at = (start + timedelta(seconds=offset)).strftime("%Y-%m-%dT%H:%M:%SZ")
            body = {"payload": f'{{"offset": {offset}}}', "runAt": run_at, "target": "bench"}
            response = api.post("/schedules", json=body)
            if response.status_code != 201:
                raise SystemExit(f"POST /schedules answered {response.status_code}: {response.text}")
            expected.add(f"{response.json()['jobId']}/{run_at}")
        last = start + timedelta(seconds=max(offsets))
        time.sleep(max(0.0, (last - datetime.now(UTC)).total_seconds()) + SETTLE_SECONDS)
    finally:
        stack.stop()
        receiver.shutdown()

    late = arrivals.late_ms
    counts = Counter(arrivals.ids)
    missing = expected - set(counts)
    repeated = sum(n - 1 for n in counts.values())
    print(f"webhook lateness, {len(late)} of {len(expected)} runs over {max(offsets)} s, measured at the receiver:")
    if late:
        print(
            f"  p50 {percentile(late, 0.5)} ms, p99 {percentile(late, 0.99)} ms, max {max(late)} ms, "
            f"min {min(late)} ms; missing {len(missing)}, repeated {repeated}, unverified {arrivals.unverified}"
        )
    if missing or repeated or arrivals.unverified or not late or min(late) < 0 or percentile(late, 0.99) > ON_TIME_MS:
        raise SystemExit("FAILED: every run once, verified, never early, p99 within 1 s")


if __name__ == "__main__":
    main()
