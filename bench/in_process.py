"""Benchmark 1: signed /vram requests dispatched through the real App, in this process,
against the bare app, interleaved so that both see the same machine noise."""

import time

from slack_bolt import App, BoltRequest

from bench.bare_app import build_bare_app
from bench.load import median_ms, percentile
from bench.slack_requests import BOT_TOKEN, FORM, QUERY, SIGNING_SECRET, command_body, signed
from bot.app import build_app

WARMUP = 50


def signed_request(text: str) -> BoltRequest:
    body = command_body(text)
    headers = {name.lower(): [value] for name, value in signed(body, FORM).items()}
    return BoltRequest(body=body, headers=headers)


def dispatch_s(app: App, request: BoltRequest) -> float:
    started = time.perf_counter()
    response = app.dispatch(request)
    elapsed = time.perf_counter() - started
    if response.status != 200:
        raise RuntimeError(f"dispatch answered {response.status}: {response.body[:200]}")
    return elapsed


def run(api_url: str, rounds: int, time_limit_s: float) -> dict:
    apps = {
        "ours": build_app(token=BOT_TOKEN, signing_secret=SIGNING_SECRET, api_url=api_url),
        "bare": build_bare_app(token=BOT_TOKEN, signing_secret=SIGNING_SECRET, api_url=api_url),
    }
    times: dict[str, list[float]] = {name: [] for name in apps}
    deadline = time.perf_counter() + time_limit_s
    for index in range(WARMUP + rounds):
        if time.perf_counter() > deadline:
            break
        for name, app in apps.items():  # interleaved: ours, bare, ours, bare…
            elapsed = dispatch_s(app, signed_request(QUERY))
            if index >= WARMUP:
                times[name].append(elapsed)
    return {
        name: {
            "n": len(values),
            "median_ms": round(median_ms(values), 3),
            "p99_ms": round(percentile(values, 99) * 1e3, 3),
        }
        for name, values in times.items()
    }
