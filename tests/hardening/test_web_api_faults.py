"""When Slack's Web API fails a reply: retry what is worth retrying, tell the asker where
Slack still lets us, log one line, and keep serving. The stand-in scripts the faults."""

import json
import logging
from dataclasses import dataclass

import pytest

from bot.web_api_stub import RATELIMITED, SERVER_ERROR, Fault
from tests.hardening.conftest import CLIENT_TIMEOUT_S, make_direct_message, problems, wait_until


@dataclass(frozen=True)
class Case:
    faults: tuple[Fault, ...]
    attempts: int  # calls to chat.postMessage, retries included
    posted: bool  # the answer got through in the end
    told: bool = False  # the asker got an ephemeral note instead
    logged: tuple[str, ...] = ()  # fragments of the one log line


CASES = {
    "rate limited once": Case((RATELIMITED,), attempts=2, posted=True),
    "rate limited again after the retry": Case(
        (RATELIMITED, RATELIMITED), attempts=2, posted=False, told=True,
        logged=("ratelimited", "HTTP 429", "the asker was told"),
    ),
    "Retry-After too long to wait": Case(
        (Fault(429, "ratelimited", retry_after=60),), attempts=1, posted=False, told=True,
        logged=("ratelimited", "the asker was told"),
    ),
    "server error once": Case((SERVER_ERROR,), attempts=2, posted=True),
    "server error on every retry": Case(
        (SERVER_ERROR,) * 3, attempts=3, posted=False, told=True,
        logged=("HTTP 500", "the asker was told"),
    ),
    "not_in_channel": Case(
        (Fault(error="not_in_channel"),), attempts=1, posted=False,
        logged=("not_in_channel", "invite @vram to the channel"),
    ),
    "channel_not_found": Case(
        (Fault(error="channel_not_found"),), attempts=1, posted=False,
        logged=("channel_not_found", "the asker was not told"),
    ),
    "timeout": Case(
        (Fault(delay_s=CLIENT_TIMEOUT_S * 3),), attempts=1, posted=False,
        logged=("timed out after 0.5 s", "may still arrive"),
    ),
}  # fmt: skip


def answers(web_api) -> list:
    """The answers Slack took (a call that met a scripted fault did not get through)."""
    posts = web_api.calls_to("chat.postMessage")
    return [call for call in posts if call.succeeded and "GiB" in call.params.get("text", "")]


def settle(caplog, web_api, case: Case) -> None:
    """Wait for the end of the story: the answer posted, or the failure logged."""
    if case.posted:
        wait_until(lambda: answers(web_api), what="the answer")
    else:
        wait_until(lambda: problems(caplog), what="the log line")
    wait_until(lambda: len(web_api.calls_to("chat.postMessage")) >= case.attempts)


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_a_mention_whose_reply_fails(slack, web_api, mention, caplog, case):
    web_api.script("chat.postMessage", *case.faults)
    assert slack.event(mention("70B fp16", ts="1700000000.000100")).status == 200
    settle(caplog, web_api, case)

    assert len(web_api.calls_to("chat.postMessage")) == case.attempts
    assert bool(answers(web_api)) == case.posted
    notes = web_api.calls_to("chat.postEphemeral")
    assert len(notes) == int(case.told)
    for note in notes:
        assert note.params["user"] == "U0ASKER"
        assert note.params["thread_ts"] == "1700000000.000100"
        assert "would not let me post it here" in note.params["text"]
    lines = problems(caplog)
    assert len(lines) == int(bool(case.logged)), lines
    for fragment in case.logged:
        assert fragment in lines[0] and "\n" not in lines[0]

    # …and the app keeps serving: the next mention and the next command are answered.
    assert slack.event(mention("70B int4", ts="1700000000.000200")).status == 200
    wait_until(lambda: any(c.params["thread_ts"] == "1700000000.000200" for c in answers(web_api)))
    assert slack.command("70B fp16").json()["response_type"] == "in_channel"


def test_a_retried_rate_limit_is_an_info_line_not_an_error(slack, web_api, mention, caplog):
    caplog.set_level(logging.INFO)
    web_api.script("chat.postMessage", RATELIMITED)
    slack.event(mention("70B fp16", ts="1700000000.000100"))
    wait_until(lambda: answers(web_api), what="the answer")
    assert problems(caplog) == []
    assert any("rate-limited chat.postMessage; retrying" in r.getMessage() for r in caplog.records)


def test_a_dm_whose_reply_is_refused_is_told_in_the_dm(slack, web_api, caplog):
    web_api.script("chat.postMessage", RATELIMITED, RATELIMITED)
    slack.event(make_direct_message("70B fp16", ts="1700000000.000300"))
    wait_until(lambda: problems(caplog), what="the log line")
    [note] = web_api.calls_to("chat.postEphemeral")
    assert note.params["channel"] == "D0ASKER" and note.params["user"] == "U0ASKER"
    [line] = problems(caplog)
    assert "direct message" in line and "ratelimited" in line


def test_a_private_reply_that_is_refused_is_logged_once_and_not_retold(
    slack, web_api, mention, caplog
):
    web_api.script("chat.postEphemeral", RATELIMITED, RATELIMITED)
    slack.event(mention("70B fp16 private", ts="1700000000.000400"))
    wait_until(lambda: problems(caplog), what="the log line")
    assert len(web_api.calls_to("chat.postEphemeral")) == 2  # the reply and its one retry
    assert web_api.calls_to("chat.postMessage") == []  # never made public instead
    [line] = problems(caplog)
    assert "chat.postEphemeral answered ratelimited" in line and "not told" in line


def test_an_unreachable_web_api_is_one_line_and_commands_still_work(
    slack, web_api, mention, caplog
):
    web_api.stop()  # Slack's API is gone; slash commands need it not
    slack.event(mention("70B fp16", ts="1700000000.000500"))
    wait_until(lambda: problems(caplog), what="the log line")
    [line] = problems(caplog)
    assert "could not reach Slack" in line and "Connection refused" in line
    answer = slack.command("70B fp16").json()
    assert answer["response_type"] == "in_channel" and "156.5 GiB" in answer["text"]
    assert len(problems(caplog)) == 1


def test_the_note_to_the_asker_is_plain_text_that_names_the_reason(slack, web_api, mention):
    web_api.script("chat.postMessage", RATELIMITED, RATELIMITED)
    slack.event(mention("70B fp16", ts="1700000000.000600"))
    wait_until(lambda: web_api.calls_to("chat.postEphemeral"), what="the note")
    [note] = web_api.calls_to("chat.postEphemeral")
    assert "limiting how fast I may post" in note.params["text"]
    assert "blocks" not in note.params and "Traceback" not in json.dumps(note.params)
