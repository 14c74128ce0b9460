"""Any text up to Slack's limits gets an answer or a friendly error: never a traceback in
Slack, never the catch-all apology (which would mean an unexpected exception). How fast
each of these is answered is measured by `make bench` (bench/adversarial.py), not here."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.adversarial import ADVERSARIAL, SLACK_MAX_CHARS
from bot.answer import SORRY
from estimator import QueryError, parse
from estimator.query import Query
from tests.hardening.conftest import (
    command_body,
    event_body,
    make_direct_message,
    make_mention,
    problems,
    signed_bolt_request,
    wait_until,
)

# Every code point, lone surrogates included (a JSON event can carry "\ud800").
ANY_CHARACTER = st.characters(codec=None, categories=None)
PIECES = st.sampled_from(
    ["70B", "fp16", "int4", "ctx=8k", "users=4", "on", "2x", "h100", "llama-3.1-70b", "1e308B",
     "-5B", "0B", "NaN", "inf", "9**9**9", "⁹⁹⁹", "(", "<@U1>", "&lt;", "<https://x|y>",
     "private", "help", "😀", "\x00", "\u202e", "1" * 30, " ", "\n"]
)  # fmt: skip
SLACK_TEXT = st.one_of(
    st.text(max_size=SLACK_MAX_CHARS),
    st.lists(st.one_of(PIECES, st.text(max_size=10)), max_size=40).map(" ".join),
    st.builds(lambda piece, n: piece * n, PIECES, st.integers(1, 400)).map(
        lambda text: text[:SLACK_MAX_CHARS]
    ),
)
FORM_SAFE = SLACK_TEXT.filter(lambda text: not any(0xD800 <= ord(c) <= 0xDFFF for c in text))


def dispatch_command(bolt_app, text: str) -> dict:
    response = bolt_app.dispatch(
        signed_bolt_request(command_body(text), "application/x-www-form-urlencoded")
    )
    assert response.status == 200, response.body[:300]
    if response.body == "":  # a bare /vram opens the form (tests/bot/listeners/views)
        assert not text.strip(), "only a bare /vram is acknowledged with nothing"
        return None
    return json.loads(response.body)


def assert_friendly(reply: dict | None) -> None:
    if reply is None:
        return  # the form was opened instead
    assert reply["response_type"] in {"in_channel", "ephemeral"}
    assert reply["text"] and reply["blocks"]
    assert SORRY not in reply["text"], "an unexpected exception reached the catch-all"
    assert "Traceback" not in json.dumps(reply)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(ANY_CHARACTER, max_size=SLACK_MAX_CHARS), SLACK_TEXT))
def test_the_parser_understands_any_text_or_says_what_it_did_not(text):
    try:
        query = parse(text)
    except QueryError as error:
        assert error.message and error.example and "Traceback" not in str(error)
    else:
        assert isinstance(query, Query) and (query.params > 0 or query.hub_repo)


@pytest.mark.parametrize("text", ADVERSARIAL.values(), ids=ADVERSARIAL.keys())
def test_the_parser_survives_the_adversarial_corpus(text):
    try:
        parse(text)
    except QueryError as error:
        assert error.message and error.example


@pytest.mark.parametrize("text", ADVERSARIAL.values(), ids=ADVERSARIAL.keys())
def test_every_adversarial_command_is_answered_in_its_ack(bolt_app, caplog, text):
    assert_friendly(dispatch_command(bolt_app, text))
    assert problems(caplog) == []


def test_a_question_beyond_slack_limits_is_refused_unread(bolt_app, monkeypatch):
    def never(text):
        raise AssertionError("text beyond Slack's limit was parsed")

    monkeypatch.setattr("bot.answer.question_from_slack", never)
    reply = dispatch_command(bolt_app, ADVERSARIAL["a million digits"])
    assert reply["response_type"] == "ephemeral"
    assert "1,000,000 characters" in reply["text"]


def test_a_question_at_slack_limit_is_still_read(bolt_app):
    reply = dispatch_command(bolt_app, "70B fp16 " + " " * (SLACK_MAX_CHARS - 9))
    assert reply["response_type"] == "in_channel" and "156.5 GiB" in reply["text"]


@settings(
    max_examples=150,
    deadline=None,
    # one App for every example: it keeps no state between requests
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(FORM_SAFE)
def test_any_slash_command_text_gets_a_friendly_ack(bolt_app, text):
    assert_friendly(dispatch_command(bolt_app, text))


EVENT_TEXTS = {**ADVERSARIAL, "lone surrogate": "\ud800 70B \udfff fp16"}
EVENT_TEXTS.pop("a million digits")  # no event carries it: Slack cuts messages at 40,000


@pytest.mark.parametrize("text", EVENT_TEXTS.values(), ids=EVENT_TEXTS.keys())
def test_every_adversarial_mention_and_dm_gets_one_friendly_reply(bolt_app, web_api, caplog, text):
    events = [make_mention(text, ts="1700000000.000001"),
              make_direct_message(text, ts="1700000000.000002")]  # fmt: skip
    for event in events:
        response = bolt_app.dispatch(signed_bolt_request(event_body(event), "application/json"))
        assert response.status == 200
    wait_until(lambda: len(web_api.posts()) >= 2, what="both replies")
    posts = web_api.posts()
    assert len(posts) == 2
    for post in posts:
        assert post.params["text"] and SORRY not in post.params["text"]
    assert problems(caplog) == []
