"""Slow clients and slow Slack: neither holds up the answers of others.

The Procfile's server (gunicorn on 127.0.0.1) under 40 connections that send their headers a
byte at a time still answers real requests inside Slack's 3 seconds; posts that hang in the
Web API do not delay an unrelated reply. `make bench` reports the slow-client figure."""

import time

import pytest

from bench.server import OURS, Gunicorn
from bench.slow_clients import measure
from bot.app import build_app
from bot.config import API_TIMEOUT_S
from bot.web_api_stub import Fault, SlackWebApiStub
from tests.hardening.conftest import (
    BOT_TOKEN,
    SIGNING_SECRET,
    event_body,
    make_direct_message,
    make_mention,
    signed_bolt_request,
    wait_until,
)

SLACKS_ACK_DEADLINE_S = 3.0


@pytest.fixture(scope="module")
def production_server():
    with SlackWebApiStub() as web_api, Gunicorn(OURS, web_api.url) as server:
        server.start()
        yield server


def test_slow_clients_do_not_starve_real_requests(production_server):
    result = measure(production_server.port, slow_clients=40, real_requests=5)
    assert result.slow_connected == 40  # the load was there
    assert result.answered == 5, result
    assert result.max_s is not None and result.max_s < SLACKS_ACK_DEADLINE_S, result
    assert "Traceback" not in production_server.output()


def test_hanging_posts_do_not_delay_an_unrelated_reply(web_api):
    """More posts hang than Bolt's default pool has threads (5): the next reply still goes."""
    hanging = 2 * 5
    app = build_app(token=BOT_TOKEN, signing_secret=SIGNING_SECRET, api_url=web_api.url)
    web_api.script("chat.postMessage", *[Fault(delay_s=API_TIMEOUT_S + 5)] * hanging)
    for n in range(hanging):
        mention = make_mention("70B fp16", ts=f"1700000000.{n:06d}")
        assert (
            app.dispatch(signed_bolt_request(event_body(mention), "application/json")).status == 200
        )
    wait_until(
        lambda: len(web_api.calls_to("chat.postMessage")) == hanging, what="the hanging posts"
    )

    asked = time.monotonic()
    dm = make_direct_message("70B int4", ts="1700000001.000001", channel="D0UNRELATED")
    assert app.dispatch(signed_bolt_request(event_body(dm), "application/json")).status == 200
    wait_until(
        lambda: any(
            c.params["channel"] == "D0UNRELATED" for c in web_api.calls_to("chat.postMessage")
        ),
        timeout=API_TIMEOUT_S + 6,
        what="the unrelated reply",
    )
    assert time.monotonic() - asked < 1.0  # not after a hanging post gave up
