"""Requests that are not from Slack: junk bodies without a signature and unreadable timestamps
get 401 before anything parses them, with one short log line at most; signed bodies of a shape
Slack never sends get a clear 400 (or a 200 for an event that cannot be answered) and one line,
never a 500 and a traceback."""

import json
import logging
import time
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.http import create_flask_app
from bot.signing import slack_headers
from bot.web_api_stub import TEAM_ID
from tests.hardening.conftest import (
    SIGNING_SECRET,
    make_direct_message,
    make_mention,
    wait_until,
)

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
JUNK = ["{", "[]", "null", '"x"', "payload=%7B", '{"authorizations":[1]}', "", "\xff\xfe"]
MAX_LINE_CHARS = 200


@pytest.fixture
def no_parsing(monkeypatch):
    """Fails the request if anything builds a BoltRequest (Bolt parses the body in it)."""

    def refuse(*args, **kwargs):
        raise AssertionError("a BoltRequest was built for a request Slack did not sign")

    monkeypatch.setattr("bot.http.BoltRequest", refuse)


def app_lines(caplog) -> list[logging.LogRecord]:
    """What the app and its libraries logged (the test server's access log excepted)."""
    return [r for r in caplog.records if not r.name.startswith("werkzeug")]


def assert_at_most_one_short_line(caplog):
    lines = app_lines(caplog)
    assert len(lines) <= 1, [r.getMessage()[:300] for r in lines]
    for record in lines:
        assert record.exc_info is None and "\n" not in record.getMessage()
        assert len(record.getMessage()) <= MAX_LINE_CHARS, record.getMessage()


@pytest.mark.parametrize("content_type", [JSON, FORM])
@pytest.mark.parametrize("body", JUNK)
def test_unsigned_junk_gets_401_before_any_parsing(
    slack, caplog, no_parsing, listener_runs, body, content_type
):
    caplog.set_level(logging.INFO)
    reply = slack.post(body, content_type, signature="")
    assert reply.status == 401
    assert listener_runs == []
    assert_at_most_one_short_line(caplog)


@pytest.mark.parametrize(
    "timestamp",
    ["abc", "", " ", "9" * 5000, "-1", "1e9", "¹²³", "0x10", "1700000000.5"],
    ids=["abc", "empty", "space", "5000 digits", "negative", "exponent", "superscript digits",
         "hex", "fraction"],
)  # fmt: skip
def test_an_unreadable_timestamp_gets_401(slack, caplog, no_parsing, timestamp):
    caplog.set_level(logging.INFO)
    headers = {"X-Slack-Request-Timestamp": timestamp}  # whatever the signature says
    reply = slack.post('{"type": "event_callback"}', JSON, headers=headers)
    assert reply.status == 401
    assert_at_most_one_short_line(caplog)


def test_a_flood_of_junk_adds_a_few_kilobytes_of_log_at_most(slack, caplog):
    caplog.set_level(logging.INFO)
    for body in JUNK * 5:
        assert slack.post(body, JSON, signature="").status == 401
    logged = sum(len(r.getMessage()) for r in app_lines(caplog))
    assert logged <= 40 * MAX_LINE_CHARS


def envelope(event) -> str:
    return json.dumps({"type": "event_callback", "team_id": TEAM_ID, "api_app_id": "A0VRAM",
                       "event_id": "Ev0WRONG", "event_time": int(time.time()), "event": event})  # fmt: skip


WRONG_SHAPES = {
    "event is a string": (envelope("string"), JSON, 400),
    "event is null": (envelope(None), JSON, 400),
    "event is a list": (envelope([]), JSON, 400),
    "event type is a number": (envelope({"type": 7}), JSON, 400),
    "a list": ("[]", JSON, 400),
    "null": ("null", JSON, 400),
    "a string": ('"x"', JSON, 400),
    "not JSON": ("{", JSON, 400),
    "form payload not JSON": ("payload=%7B", FORM, 400),
    "form payload a list": ("payload=%5B%5D", FORM, 400),
    "authorizations of numbers": ('{"authorizations":[1]}', JSON, 400),
    "authorizations a string": ('{"type":"event_callback","authorizations":"x"}', JSON, 400),
    "team a number": ('{"type":"block_actions","team":5,"user":{"id":"U1"}}', JSON, 400),
    "user a list": ('{"type":"block_actions","user":[]}', JSON, 400),
    "a mention with no channel or ts": (envelope({"type": "app_mention", "text": "70B"}), JSON, 200),
    "a DM with no channel or ts": (
        envelope({"type": "message", "channel_type": "im", "text": "70B"}), JSON, 200),
    "a mention whose channel is a number": (
        envelope({"type": "app_mention", "text": "70B", "channel": 5, "ts": "1.2"}), JSON, 400),
}  # fmt: skip


@pytest.mark.parametrize(
    "body, content_type, status", WRONG_SHAPES.values(), ids=WRONG_SHAPES.keys()
)
def test_a_signed_body_of_the_wrong_shape_gets_a_clear_answer_and_one_line(
    slack, web_api, caplog, body, content_type, status
):
    caplog.set_level(logging.INFO)
    reply = slack.post(body, content_type)
    assert reply.status == status, reply.body[:300]
    if status == 400:
        assert "not a Slack payload" in reply.json()["error"]
    time.sleep(0.1)  # an event's listener would run after the ack
    lines = app_lines(caplog)
    assert len(lines) == 1, [r.getMessage()[:300] for r in lines]
    [line] = lines
    assert line.name == "vram.bot" and line.exc_info is None  # ours, saying what it refused
    assert "\n" not in line.getMessage() and len(line.getMessage()) <= MAX_LINE_CHARS
    assert web_api.posts() == []
    # …and the app goes on answering real requests
    assert slack.event(make_mention("70B fp16", ts="1700000000.000100")).status == 200
    assert slack.event(make_direct_message("70B int4", ts="1700000000.000200")).status == 200
    wait_until(lambda: len(web_api.posts()) == 2, what="both replies")
    assert len(app_lines(caplog)) == 1


def test_the_error_handler_survives_any_body(bolt_app, caplog):
    """Bolt hands the app's error handler whatever body it parsed: it must not crash on it."""
    from bot.app import _log_listener_failure

    for body in ({"event": "string"}, {"event": None}, {"command": 5}, {}, {"event": {"type": 1}}):
        _log_listener_failure(RuntimeError("boom"), body)
    messages = [r.getMessage() for r in caplog.records if r.name == "vram.bot"]
    assert len(messages) == 5 and all("boom" in m for m in messages)


SLACK_KEYS = st.sampled_from(
    ["type", "event", "authorizations", "team", "team_id", "user", "channel", "enterprise",
     "message", "previous_message", "item", "view", "container", "command", "text", "ts",
     "thread_ts", "channel_type", "subtype", "bot_id", "payload", "is_enterprise_install",
     "assistant_thread", "function_data", "event_id", "actions", "trigger_id"]
)  # fmt: skip
SLACK_TYPES = st.sampled_from(["event_callback", "app_mention", "message", "block_actions",
                               "view_submission", "url_verification", "shortcut", "im"])  # fmt: skip
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | SLACK_TYPES | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(SLACK_KEYS, children, max_size=5)
    ),
    max_leaves=25,
)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.dictionaries(SLACK_KEYS, JSON_VALUES, max_size=6), st.sampled_from([JSON, FORM]))
def test_any_signed_json_gets_an_answer_never_a_crash(bolt_app, caplog, payload, content_type):
    body = (
        json.dumps(payload) if content_type == JSON else urlencode({"payload": json.dumps(payload)})
    )
    caplog.clear()
    response = create_flask_app(bolt_app).test_client().post("/slack/events", data=body,
                                           headers=slack_headers(body, content_type, SIGNING_SECRET))  # fmt: skip
    assert response.status_code in {200, 400, 404}, response.data[:300]
    assert [
        r.getMessage() for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR
    ] == []
