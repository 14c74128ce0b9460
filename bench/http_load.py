"""Benchmarks 2 and 4, and the load check: the production server (Procfile web:) on
127.0.0.1 under signed /vram requests from concurrent clients, ours against the bare app;
then, for ours, app_mention events whose answers must all reach the Web API stand-in."""

import statistics
import time

from bench.bare_app import CONSTANT
from bench.load import run_load
from bench.server import BARE, OURS, Gunicorn
from bench.slack_requests import FORM, JSON, QUERY, command_body, event_body, make_mention, signed
from bot.web_api_stub import SlackWebApiStub

WARMUP_REQUESTS = 100
ANSWER_WAIT_S = 60


def command_request(index: int) -> tuple[str, dict[str, str]]:
    body = command_body(QUERY)
    return body, signed(body, FORM)


def check_ours(index: int, status: int, payload: bytes) -> str | None:
    """The answer itself, cheaply (the client shares the machine's two cores with the server)."""
    if status != 200:
        return f"HTTP {status}"
    if b'"response_type": "in_channel"' not in payload or b"GiB" not in payload:
        return f"not an answer: {payload[:120]!r}"
    return None


def check_bare(index: int, status: int, payload: bytes) -> str | None:
    if status != 200:
        return f"HTTP {status}"
    return None if CONSTANT.encode() in payload else f"not the constant: {payload[:120]!r}"


def mention_ts(index: int) -> str:
    return f"1710000000.{index:06d}"


def mention_request(index: int) -> tuple[str, dict[str, str]]:
    body = event_body(make_mention("70B int4 ctx=8k users=4", ts=mention_ts(index)))
    return body, signed(body, JSON)


def check_ack(index: int, status: int, payload: bytes) -> str | None:
    return None if status == 200 else f"HTTP {status}"


def workers_env(workers: int) -> dict[str, str]:
    """gunicorn takes its default --workers from WEB_CONCURRENCY, which Heroku sets at dyno
    boot (2 on Eco, Basic and Standard-1X dynos); the Procfile leaves it to the platform."""
    return {"WEB_CONCURRENCY": str(workers)}


def commands(
    spec: str, web_api: SlackWebApiStub, total: int, clients: int, limit_s: float, workers: int
) -> dict:
    check = check_ours if spec == OURS else check_bare
    with Gunicorn(spec, web_api.url, workers_env(workers)) as server:
        server.start()
        run_load(
            server.port, command_request, check, total=WARMUP_REQUESTS, clients=4, time_limit_s=30
        )
        after_warmup = server.memory_kib()
        cpu_before = server.cpu_s()
        checkpoints = {total // 4: None, total: None}

        def sample(answered: int) -> None:
            if answered in checkpoints:
                checkpoints[answered] = server.memory_kib()["rss"]

        result = run_load(
            server.port,
            command_request,
            check,
            total=total,
            clients=clients,
            time_limit_s=limit_s,
            on_answer=sample,
        )
        cpu_used = server.cpu_s() - cpu_before
        after = server.memory_kib()
        return {
            **result.summary(),
            "server_cpu_ms_per_request": round(cpu_used * 1e3 / max(1, result.answered), 2),
            "workers": after["processes"] - 1,
            "rss_after_warmup_kib": after_warmup["rss"],
            "rss_at_quarter_kib": checkpoints[total // 4],
            "rss_at_end_kib": checkpoints[total] or after["rss"],
            "peak_rss_kib": after["peak"],
            "pss_kib": after["pss"],
        }


def mentions(
    web_api: SlackWebApiStub, total: int, clients: int, limit_s: float, workers: int
) -> dict:
    """Every mention acknowledged with 200, and every one answered once in its own thread."""
    with Gunicorn(OURS, web_api.url, workers_env(workers)) as server:
        server.start()
        already = len(web_api.posts())
        result = run_load(
            server.port, mention_request, check_ack, total=total, clients=clients,
            time_limit_s=limit_s,
        )  # fmt: skip
        deadline = time.monotonic() + ANSWER_WAIT_S
        expected = already + result.answered
        while len(web_api.posts()) < expected and time.monotonic() < deadline:
            web_api.wait_for_posts(expected, timeout=1.0)
        time.sleep(0.2)  # anything beyond `expected` would be a duplicate: let it arrive
        threads = [post.params.get("thread_ts") for post in web_api.posts()[already:]]
        wanted = {mention_ts(i) for i in range(total)}
        after = server.memory_kib()
        return {
            **result.summary(),
            "answers_posted": len(threads),
            "lost_answers": len(wanted - set(threads)),
            "duplicate_answers": len(threads) - len(set(threads)),
            "peak_rss_kib": after["peak"],
        }


def run(
    web_api: SlackWebApiStub,
    total: int,
    events: int,
    clients: int,
    limit_s: float,
    workers: int,
    rounds: int,
) -> dict:
    """Ours and bare alternate for `rounds` rounds, so that both meet the machine's slow and
    fast moments alike; each figure is the median over the rounds, counts are summed."""
    runs: dict[str, list[dict]] = {"ours": [], "bare": []}
    for _ in range(rounds):
        runs["ours"].append(commands(OURS, web_api, total, clients, limit_s, workers))
        runs["bare"].append(commands(BARE, web_api, total, clients, limit_s, workers))
    return {
        "rounds": rounds,
        "ours": median_of(runs["ours"]),
        "bare": median_of(runs["bare"]),
        "ours_runs": runs["ours"],
        "bare_runs": runs["bare"],
        # what WEB_CONCURRENCY bought: the same load on gunicorn's own default, one worker
        "ours_1_worker": commands(OURS, web_api, total, clients, limit_s, 1),
        "mentions": mentions(web_api, events, clients, limit_s, workers),
    }


SUMMED = ("requested", "answered", "errors")
LAST = ("workers", "clients", "rss_after_warmup_kib", "rss_at_quarter_kib", "rss_at_end_kib",
        "peak_rss_kib", "pss_kib", "timed_out")  # fmt: skip


def median_of(runs: list[dict]) -> dict:
    merged: dict = {}
    for key in runs[0]:
        values = [run[key] for run in runs]
        if key in SUMMED:
            merged[key] = sum(values)
        elif key in LAST:
            merged[key] = values[-1]
        elif key == "error_samples":
            merged[key] = [sample for run in runs for sample in run[key]][:5]
        else:
            merged[key] = statistics.median(values)
    merged["timed_out"] = any(run["timed_out"] for run in runs)
    return merged
