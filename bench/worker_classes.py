"""The Procfile's server under load with gevent workers (the Procfile: no keep-alive), with
gunicorn's default 2 s keep-alive, and with its sync workers, alternating, to compare their
tails: `python -m bench.worker_classes [rounds]`.

gevent interleaves requests in a worker, so its p99 is noisier than sync workers'; sync
workers are stopped by slow clients (bench/slow_clients.py), hence gevent in the Procfile.
"""

import sys

from bench.http_load import check_ours, command_request
from bench.load import run_load
from bench.server import OURS, Gunicorn
from bot.web_api_stub import SlackWebApiStub

REQUESTS, CLIENTS, WARMUP = 2000, 16, 200


def one_round(api_url: str, extra: list[str]) -> str:
    server = Gunicorn(OURS, api_url)
    server.command += extra
    server.start()
    try:
        run_load(
            server.port, command_request, check_ours, total=WARMUP, clients=CLIENTS, time_limit_s=60
        )
        result = run_load(
            server.port,
            command_request,
            check_ours,
            total=REQUESTS,
            clients=CLIENTS,
            time_limit_s=60,
        )
    finally:
        server.stop()
    latencies = sorted(result.latencies_s)
    p50, p99 = latencies[len(latencies) // 2], latencies[int(len(latencies) * 0.99)]
    return f"{result.requests_per_s:6.0f} req/s  p50 {p50 * 1e3:5.1f} ms  p99 {p99 * 1e3:5.1f} ms"


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    with SlackWebApiStub() as api:
        for _ in range(rounds):
            print("gevent (Procfile)         ", one_round(api.url, []))
            print("gevent with 2 s keep-alive", one_round(api.url, ["--keep-alive", "2"]))
            print("sync workers              ", one_round(api.url, ["--worker-class", "sync"]))


if __name__ == "__main__":
    main()
