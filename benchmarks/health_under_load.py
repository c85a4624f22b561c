"""How fast ``/health`` answers while five of the heaviest requests the API allows run.

    python -m benchmarks.health_under_load            (or: make bench)

The app runs as the local stack serves it (uvicorn, one event loop) in a process of its
own, against a moto server in another, holding 100 schedules with 256 KiB payloads. Five
clients each send one kind of heavy request in a loop while a sixth times ``/health``.
The machine is shared: the load average is printed with the figures.
"""

from __future__ import annotations

import os
import shlex
import statistics
import sys
import threading
import time
from collections.abc import Callable

import httpx

from benchmarks.app_process import (
    NEXT_RUNS_OF_A_FULL_PAGE,
    PAYLOAD_PAGES_UNDER_4_ALIASES,
    AppProcess,
    large_schedules,
    running_app,
)

HEAVY_CLIENTS = 5
SAMPLES = 200
PAUSE_SECONDS = 0.02


def _graphql(document: str) -> Callable[[httpx.Client], None]:
    def send(client: httpx.Client) -> None:
        response = client.post("/graphql", json={"query": document})
        assert response.status_code == 200 and "errors" not in response.json(), response.text[:300]

    return send


def _rest_list(client: httpx.Client) -> None:
    response = client.get("/schedules?limit=100")
    assert response.status_code == 200


HEAVY: dict[str, Callable[[httpx.Client], None]] = {
    "GET /schedules?limit=100 (a 4 MB page)": _rest_list,
    "GraphQL: 4 aliases of 100 payloads": _graphql(PAYLOAD_PAGES_UNDER_4_ALIASES),
    "GraphQL: nextRuns(count: 98) of 100": _graphql(NEXT_RUNS_OF_A_FULL_PAGE),
}


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def time_health(app: AppProcess, heavy: Callable[[httpx.Client], None] | None) -> tuple[list[float], int]:
    """/health round trips in ms while ``HEAVY_CLIENTS`` clients loop over ``heavy``."""
    stop = threading.Event()
    done = [0]

    def loop() -> None:
        assert heavy is not None
        with httpx.Client(base_url=app.base_url, headers=app.headers, timeout=120) as client:
            while not stop.is_set():
                heavy(client)
                done[0] += 1

    workers = [threading.Thread(target=loop) for _ in range(HEAVY_CLIENTS if heavy else 0)]
    for worker in workers:
        worker.start()
    try:
        time.sleep(1.0 if heavy else 0)  # every heavy client under way
        timings = []
        with httpx.Client(base_url=app.base_url, timeout=30) as client:
            for _ in range(SAMPLES):
                started = time.perf_counter()
                assert client.get("/health").status_code == 200
                timings.append((time.perf_counter() - started) * 1000)
                time.sleep(PAUSE_SECONDS)
    finally:
        stop.set()
        for worker in workers:
            worker.join()
    return timings, done[0]


def main() -> None:
    print(f"$ {shlex.join([os.path.basename(sys.executable), '-m', 'benchmarks.health_under_load'])}")
    print(f"/health round trips ({SAMPLES} samples) while {HEAVY_CLIENTS} clients loop over one heavy request")
    header = f"{'heavy request':<42}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'max ms':>8}{'heavy done':>12}{'load':>7}"
    print(header)
    print("-" * len(header))
    with running_app(large_schedules(100)) as app:
        for label, heavy in {"none (idle)": None, **HEAVY}.items():
            timings, done = time_health(app, heavy)
            load = os.getloadavg()[0]
            print(
                f"{label:<42}{statistics.median(timings):>8.1f}{_percentile(timings, 0.95):>8.1f}"
                f"{_percentile(timings, 0.99):>8.1f}{max(timings):>8.1f}{done:>12}{load:>7.2f}"
            )
    print(f"machine: {os.cpu_count()} CPUs; load = 1-minute load average after each row")


if __name__ == "__main__":
    main()
