"""Benchmark 3: wall time of `python -m estimator 70B fp16`, and of the production server
from process start to its first answered /vram (ours and bare), each in a fresh process."""

import statistics
import subprocess
import sys
import time

from bench.http_load import workers_env
from bench.server import BARE, OURS, REPO, Gunicorn


def _wall_s(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=REPO, check=True, capture_output=True, timeout=30)
    return time.perf_counter() - started


def cli(runs: int) -> dict:
    estimator = [_wall_s([sys.executable, "-m", "estimator", "70B", "fp16"]) for _ in range(runs)]
    bare_python = [_wall_s([sys.executable, "-c", "pass"]) for _ in range(runs)]
    return {
        "estimator_cli": _stats(estimator),
        "python_c_pass": _stats(bare_python),
    }


def first_answer(api_url: str, runs: int, workers: int) -> dict:
    results = {}
    for name, spec in (("ours", OURS), ("bare", BARE)):
        times = []
        for _ in range(runs):
            with Gunicorn(spec, api_url, workers_env(workers)) as server:
                times.append(server.start())
        results[name] = _stats(times)
    return results


def _stats(times: list[float]) -> dict:
    return {
        "runs": len(times),
        "median_s": round(statistics.median(times), 3),
        "max_s": round(max(times), 3),
    }
