"""A small, bounded HTTP load generator: threads, one keep-alive http.client connection each.

Every request is built (and signed) before its timer starts; its time runs from sending it
(reconnecting first if the server closed the connection, as gunicorn's sync worker does
after every answer) to the last byte of the answer.
"""

import http.client
import math
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

Request = tuple[str, dict[str, str]]  # body, headers
MAX_ERRORS_KEPT = 5


@dataclass
class LoadResult:
    requested: int
    clients: int
    latencies_s: list[float] = field(default_factory=list)
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    wall_s: float = 0.0
    timed_out: bool = False

    @property
    def answered(self) -> int:
        return len(self.latencies_s)

    @property
    def requests_per_s(self) -> float:
        return self.answered / self.wall_s if self.wall_s else 0.0

    def percentile_ms(self, q: float) -> float:
        return percentile(self.latencies_s, q) * 1e3

    def summary(self) -> dict:
        return {
            "requested": self.requested,
            "clients": self.clients,
            "answered": self.answered,
            "errors": self.errors,
            "error_samples": self.error_samples,
            "timed_out": self.timed_out,
            "wall_s": round(self.wall_s, 3),
            "requests_per_s": round(self.requests_per_s, 1),
            "p50_ms": round(self.percentile_ms(50), 2),
            "p90_ms": round(self.percentile_ms(90), 2),
            "p99_ms": round(self.percentile_ms(99), 2),
            "max_ms": round(max(self.latencies_s, default=0) * 1e3, 2),
        }


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = min(len(ordered), max(1, math.ceil(q / 100 * len(ordered))))
    return ordered[rank - 1]


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1e3 if values else 0.0


def run_load(
    port: int,
    make_request: Callable[[int], Request],
    check: Callable[[int, int, bytes], str | None],
    *,
    total: int,
    clients: int,
    time_limit_s: float,
    path: str = "/slack/events",
    on_answer: Callable[[int], None] | None = None,
) -> LoadResult:
    """POST `total` requests from `clients` threads; `check(i, status, body)` returns a problem
    or None. Stops early at `time_limit_s`. `on_answer(answered_so_far)` is for samplers."""
    result = LoadResult(requested=total, clients=clients)
    lock = threading.Lock()
    next_index = iter(range(total))
    deadline = time.perf_counter() + time_limit_s

    def take() -> int | None:
        with lock:
            return next(next_index, None)

    def record(latency: float | None, problem: str | None) -> None:
        with lock:
            if problem is None and latency is not None:
                result.latencies_s.append(latency)
                answered = len(result.latencies_s)
            else:
                result.errors += 1
                if len(result.error_samples) < MAX_ERRORS_KEPT:
                    result.error_samples.append(problem or "unknown")
                answered = None
        if answered is not None and on_answer is not None:
            on_answer(answered)

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            while (index := take()) is not None:
                if time.perf_counter() > deadline:
                    result.timed_out = True
                    return
                body, headers = make_request(index)
                started = time.perf_counter()
                try:
                    connection.request("POST", path, body.encode("utf-8"), headers)
                    response = connection.getresponse()
                    payload = response.read()
                except (OSError, http.client.HTTPException) as error:
                    connection.close()  # reconnects on the next request
                    record(None, f"{type(error).__name__}: {error}")
                    continue
                latency = time.perf_counter() - started
                record(latency, check(index, response.status, payload))
        finally:
            connection.close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.perf_counter()) + 15)
    result.wall_s = time.perf_counter() - started
    return result
