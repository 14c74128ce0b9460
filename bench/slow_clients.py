"""Slow clients against the Procfile's server: N connections sending their headers a byte at a
time (never finishing), and meanwhile real signed /vram requests, each with a deadline. How
many real requests are answered, and how fast, is the figure.

    python -m bench.slow_clients    # 40 slow clients, 5 real requests: the Procfile, sync workers
"""

import argparse
import http.client
import socket
import threading
import time
from dataclasses import dataclass

from bench.server import OURS, Gunicorn
from bench.slack_requests import FORM, QUERY, command_body, signed
from bot.web_api_stub import SlackWebApiStub

SLOW_CLIENTS = 40
REAL_REQUESTS = 5
BYTE_EVERY_S = 0.5  # each slow client sends one byte of its headers this often
DEADLINE_S = 10.0  # a real request not answered by then counts as starved
HEAD = b"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + FORM.encode()


@dataclass(frozen=True)
class SlowClientResult:
    slow_clients: int
    slow_connected: int  # slow connections the server accepted
    real_requests: int
    answered: int  # real requests answered 200 within DEADLINE_S
    latencies_s: tuple[float, ...]  # of the answered ones
    slow_still_open: int  # slow connections the server had not closed at the end

    @property
    def max_s(self) -> float | None:
        return max(self.latencies_s) if self.latencies_s else None


class SlowClient(threading.Thread):
    """Opens a connection and dribbles HEAD a byte at a time until told to stop."""

    def __init__(self, port: int, stop: threading.Event):
        super().__init__(daemon=True)
        self.port, self.stop = port, stop
        self.connected = threading.Event()
        self.closed_by_server = False

    def run(self) -> None:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=5) as conn:
                self.connected.set()
                for byte in HEAD * 100:  # far more bytes than the test lasts
                    if self.stop.wait(BYTE_EVERY_S):
                        return
                    conn.sendall(bytes([byte]))
        except OSError:  # refused, reset or timed out by the server: it defended itself
            self.closed_by_server = True


def real_request(port: int) -> float | None:
    """Seconds to a 200 answer of a signed /vram, or None if none came by DEADLINE_S."""
    body = command_body(QUERY)
    started = time.perf_counter()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=DEADLINE_S)
        connection.request("POST", "/slack/events", body, signed(body, FORM))
        status = connection.getresponse().status
        connection.close()
    except OSError:
        return None
    elapsed = time.perf_counter() - started
    return elapsed if status == 200 and elapsed <= DEADLINE_S else None


def measure(
    port: int, slow_clients: int = SLOW_CLIENTS, real_requests: int = REAL_REQUESTS
) -> SlowClientResult:
    stop = threading.Event()
    slow = [SlowClient(port, stop) for _ in range(slow_clients)]
    try:
        for client in slow:
            client.start()
        for client in slow:
            client.connected.wait(5)
        time.sleep(2 * BYTE_EVERY_S)  # every slow client has begun its headers
        results: list[float | None] = [None] * real_requests

        def ask(i: int) -> None:
            results[i] = real_request(port)

        askers = [
            threading.Thread(target=ask, args=(i,), daemon=True) for i in range(real_requests)
        ]
        for asker in askers:
            asker.start()
        for asker in askers:
            asker.join(DEADLINE_S + 5)
        answered = [r for r in results if r is not None]
        return SlowClientResult(
            slow_clients=slow_clients,
            slow_connected=sum(c.connected.is_set() for c in slow),
            real_requests=real_requests,
            answered=len(answered),
            latencies_s=tuple(round(r, 3) for r in answered),
            slow_still_open=sum(c.is_alive() for c in slow),
        )
    finally:
        stop.set()
        for client in slow:
            client.join(5)


def run(web_api: SlackWebApiStub, workers: int = 2) -> dict:
    """The Procfile's server with WEB_CONCURRENCY=workers under the slow-client load, and the
    same with gunicorn's default sync workers (the command line overrides the config file)."""
    return {
        "procfile": _one_server(web_api, workers, []),
        "sync_workers": _one_server(web_api, workers, ["--worker-class", "sync"]),
    }


def _one_server(web_api: SlackWebApiStub, workers: int, extra_args: list[str]) -> dict:
    with Gunicorn(OURS, web_api.url, {"WEB_CONCURRENCY": str(workers)}) as server:
        server.command += extra_args
        server.start()
        result = measure(server.port)
    return {
        "slow_clients": result.slow_clients,
        "slow_connected": result.slow_connected,
        "real_requests": result.real_requests,
        "answered": result.answered,
        "max_s": result.max_s,
        "latencies_s": list(result.latencies_s),
        "deadline_s": DEADLINE_S,
        "workers": workers,
    }


def summary(figures: dict) -> str:
    """'5 of 5 answered, slowest 0.03 s'"""
    slowest = f", slowest {figures['max_s']:.2f} s" if figures["max_s"] is not None else ""
    return f"{figures['answered']} of {figures['real_requests']} answered{slowest}"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.slow_clients")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with SlackWebApiStub() as web_api:
        figures = run(web_api, args.workers)
    for name, result in figures.items():
        print(
            f"{name}: {result['slow_clients']} slow clients, {summary(result)} "
            f"within {result['deadline_s']:g} s ({args.workers} workers)"
        )


if __name__ == "__main__":
    main()
