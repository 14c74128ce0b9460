"""HTTP mode checks Slack's signature on every request, and nothing unsigned, forged, stale
or oversized reaches a listener."""

import http.client
import time
from urllib.parse import urlsplit

import pytest
from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier

from bot.app import build_app
from bot.config import ConfigError
from bot.http import MAX_BODY_BYTES, create_flask_app
from tests.hardening.conftest import (
    BOT_TOKEN,
    SIGNING_SECRET,
    command_body,
    event_body,
    make_mention,
    wait_until,
)


def test_http_mode_refuses_an_app_without_a_signing_secret(web_api, monkeypatch):
    monkeypatch.delenv("SLACK_SIGNING_SECRET", raising=False)  # Bolt would fall back to it
    unsigned = build_app(token=BOT_TOKEN, signing_secret="", api_url=web_api.url)
    with pytest.raises(ConfigError, match="signature check"):
        create_flask_app(unsigned)


def test_http_mode_refuses_an_app_with_request_verification_off(web_api):
    client = WebClient(token=BOT_TOKEN, base_url=web_api.url)
    trusting = App(client=client, signing_secret=SIGNING_SECRET, request_verification_enabled=False)
    with pytest.raises(ConfigError, match="signature check"):
        create_flask_app(trusting)


def test_http_mode_serves_an_app_that_checks_signatures(bolt_app):
    assert create_flask_app(bolt_app) is not None  # the check above is not a blanket refusal


def _raw_post(url: str, body: str, headers: dict) -> int:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request("POST", parts.path, body.encode("utf-8"), headers)
        return connection.getresponse().status
    finally:
        connection.close()


FORGERIES = {
    "unsigned": dict(signature=""),
    "forged": dict(signature="v0=" + "0" * 64),
    "signed with another secret": dict(secret="not-our-signing-secret"),
    "stale (6 minutes old)": dict(timestamp_offset=-6 * 60),
    "from the future (6 minutes ahead)": dict(timestamp_offset=6 * 60),
    "signature of another body": dict(signed_body=command_body("70B int4")),
}


@pytest.mark.parametrize("forgery", FORGERIES.values(), ids=FORGERIES.keys())
def test_a_request_slack_did_not_sign_just_now_gets_401_and_runs_no_listener(
    slack, events_url, listener_runs, forgery
):
    body = command_body("70B fp16")
    timestamp = str(int(time.time()) + forgery.get("timestamp_offset", 0))
    if "signature" in forgery:
        signature = forgery["signature"]
    else:
        secret = forgery.get("secret", SIGNING_SECRET)
        signature = _signature(secret, timestamp, forgery.get("signed_body", body))
    headers = {"Content-Type": "application/x-www-form-urlencoded",
               "X-Slack-Request-Timestamp": timestamp}  # fmt: skip
    if signature:
        headers["X-Slack-Signature"] = signature
    assert _raw_post(events_url, body, headers) == 401
    assert listener_runs == []
    assert slack.command("70B fp16").status == 200  # the same request, signed: it runs
    assert listener_runs == ["70B fp16"]


def test_a_forged_event_gets_401_and_posts_nothing(slack, web_api, listener_runs):
    event = make_mention("70B fp16", ts="1700000000.000100")
    assert slack.post(event_body(event), "application/json", signature="v0=00").status == 401
    assert slack.event(make_mention("70B int4", ts="1700000000.000200")).status == 200
    wait_until(lambda: len(web_api.posts()) == 1, what="the signed mention's reply")
    assert listener_runs == ["<@U0VRAMBOT> 70B int4"]
    assert [post.params["thread_ts"] for post in web_api.posts()] == ["1700000000.000200"]


def test_a_body_over_the_limit_gets_413_before_any_listener(slack, listener_runs):
    padding = "x" * MAX_BODY_BYTES
    assert slack.command("70B fp16 " + padding).status == 413
    assert slack.event(make_mention(padding, ts="1.2")).status == 413
    assert listener_runs == []
    at_the_limit = "7" * (MAX_BODY_BYTES - len(command_body("")))
    assert len(command_body(at_the_limit)) == MAX_BODY_BYTES
    assert slack.command(at_the_limit).status == 200  # refused by the parser, politely
    assert listener_runs == [at_the_limit]


def _chunked_post(url: str, body: bytes, headers: dict) -> int:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    chunks = (body[start : start + 4096] for start in range(0, len(body), 4096))
    try:
        connection.request("POST", parts.path, chunks, headers, encode_chunked=True)
        return connection.getresponse().status
    finally:
        connection.close()


def test_a_chunked_body_is_held_to_the_same_limit(events_url, listener_runs):
    """No Content-Length to refuse up front: the body is counted as it is read."""
    timestamp = str(int(time.time()))
    form = {"Content-Type": "application/x-www-form-urlencoded", "Transfer-Encoding": "chunked",
            "X-Slack-Request-Timestamp": timestamp}  # fmt: skip
    small = command_body("70B fp16")
    signed = {**form, "X-Slack-Signature": _signature(SIGNING_SECRET, timestamp, small)}
    assert _chunked_post(events_url, small.encode(), signed) == 200  # read whole, not cut
    assert listener_runs == ["70B fp16"]
    large = command_body("9" * MAX_BODY_BYTES)
    signed = {**form, "X-Slack-Signature": _signature(SIGNING_SECRET, timestamp, large)}
    assert _chunked_post(events_url, large.encode(), signed) == 413
    assert listener_runs == ["70B fp16"]


def _signature(secret: str, timestamp: str, body: str) -> str:
    return SignatureVerifier(secret).generate_signature(timestamp=timestamp, body=body)
