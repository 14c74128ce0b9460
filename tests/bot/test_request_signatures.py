"""Requests Slack did not sign, or signed too long ago, get 401; nothing they carry is logged."""

import json
import time


def test_a_bad_signature_gets_401(slack, web_api):
    reply = slack.command("70B fp16", signature="v0=" + "0" * 64)
    assert reply.status == 401
    assert "156.5" not in reply.body


def test_a_request_signed_with_another_secret_gets_401(slack):
    slack.signing_secret = "not-our-secret"
    assert slack.command("70B fp16").status == 401


def test_a_stale_timestamp_gets_401_even_when_correctly_signed(slack):
    six_minutes_ago = int(time.time()) - 6 * 60  # Slack's rule: reject beyond 5 minutes
    reply = slack.command("70B fp16", timestamp=six_minutes_ago)
    assert reply.status == 401


def test_events_are_checked_too(slack, web_api):
    event = {"type": "app_mention", "user": "U1", "text": "70B", "ts": "1.2", "channel": "C1"}
    body = json.dumps({"type": "event_callback", "event": event})
    assert slack.post(body, "application/json", signature="v0=00").status == 401
    assert web_api.posts() == []


def test_no_secret_reaches_the_logs_even_at_debug_level(debug_logs, slack, caplog, secret_values):
    slack.command("70B fp16")
    slack.command("70B fp16", signature="v0=" + "0" * 64)
    slack.command("70B fp16", timestamp=int(time.time()) - 600)
    slack.command("not a question")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for secret in secret_values:
        assert secret not in logged
