"""The production server (the Procfile's web: line, gunicorn on 127.0.0.1) under concurrent
signed traffic and faults: no errors, no lost or doubled answers, the same worker throughout.
Throughput, latency and memory over 2,000 requests are `make bench`'s (bench/http_load.py)."""

import http.client
import json

import pytest

from bench.http_load import check_ours, command_request, mention_request, mention_ts
from bench.load import run_load
from bench.server import OURS, Gunicorn
from bench.slack_requests import FORM, command_body, signed
from bot.http import MAX_BODY_BYTES
from bot.web_api_stub import RATELIMITED, Fault, SlackWebApiStub

CLIENTS = 16
REQUESTS = 320  # half slash commands, half mentions


@pytest.fixture(scope="module")
def production():
    """One server for the module (it takes most of a second to start); tests count deltas."""
    with SlackWebApiStub() as web_api, Gunicorn(OURS, web_api.url) as server:
        server.start()
        yield server, web_api


def mixed_request(index: int):
    return command_request(index) if index % 2 == 0 else mention_request(index)


def mixed_check(index: int, status: int, payload: bytes):
    return (
        check_ours(index, status, payload)
        if index % 2 == 0
        else (None if status == 200 else f"HTTP {status}")
    )


def post(server: Gunicorn, body: str, headers: dict) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request("POST", "/slack/events", body.encode("utf-8"), headers)
        return connection.getresponse().status
    finally:
        connection.close()


def test_concurrent_commands_and_mentions_all_answered_once(production):
    server, web_api = production
    workers, before = server.pids()[1:], len(web_api.posts())
    result = run_load(
        server.port, mixed_request, mixed_check, total=REQUESTS, clients=CLIENTS, time_limit_s=60
    )
    assert (result.errors, result.error_samples, result.answered) == (0, [], REQUESTS)
    mentions = {mention_ts(i) for i in range(1, REQUESTS, 2)}
    web_api.wait_for_posts(before + len(mentions), timeout=30)
    threads = [post.params["thread_ts"] for post in web_api.posts()[before:]]
    assert sorted(threads) == sorted(mentions)  # none lost, none twice
    assert server.pids()[1:] == workers  # no worker died or was replaced


def test_the_production_server_refuses_unsigned_and_oversized_requests(production):
    server, web_api = production
    before = len(web_api.calls)
    body = command_body("70B fp16")
    assert post(server, body, {"Content-Type": FORM}) == 401
    forged = {**signed(body, FORM), "X-Slack-Signature": "v0=" + "0" * 64}
    assert post(server, body, forged) == 401
    huge = command_body("9" * MAX_BODY_BYTES)
    assert post(server, huge, signed(huge, FORM)) == 413
    assert post(server, body, signed(body, FORM)) == 200
    assert len(web_api.calls) == before  # a slash command is answered in its ack alone


def test_web_api_faults_do_not_stop_the_worker(production):
    server, web_api = production
    workers, before = server.pids()[1:], len(web_api.posts())
    web_api.script(
        "chat.postMessage", Fault(error="not_in_channel"), RATELIMITED, Fault(status=500)
    )
    faulty = [mention_request(REQUESTS + i) for i in range(3)]  # events not yet seen
    for body, headers in faulty:
        assert post(server, body, headers) == 200
    # 3 mentions and 2 retries (after the 429 and the 500); not_in_channel is not retried
    assert len(web_api.wait_for_posts(before + 5, timeout=20)) == before + 5
    body, headers = command_request(0)
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.request("POST", "/slack/events", body.encode(), headers)
    answer = json.loads(connection.getresponse().read())
    connection.close()
    assert answer["response_type"] == "in_channel"
    assert server.pids()[1:] == workers
    log = server.output()  # the whole module's, so the one line is the not_in_channel one
    assert log.count("could not post the reply") == 1 and "not_in_channel" in log
    assert "Traceback" not in log
