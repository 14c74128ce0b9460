"""@vram in a channel: the reply reaches the Web API stand-in, in the right thread."""

import json
import time

from bot.web_api_stub import BOT_USER_ID


def test_a_mention_inside_a_thread_is_answered_in_that_thread(slack, web_api, mention):
    event = mention("70B int4", ts="1700000100.000200", thread_ts="1700000000.000100")
    assert slack.event(event).status == 200
    [post] = web_api.wait_for_posts(1)
    assert post.method == "chat.postMessage" and post.authorized
    assert post.params["channel"] == "C0GENERAL"
    assert post.params["thread_ts"] == "1700000000.000100"
    assert "GiB" in post.params["text"] and post.params["blocks"][0]["type"] == "header"


def test_a_mention_outside_a_thread_starts_one_under_itself(slack, web_api, mention):
    assert slack.event(mention("70B fp16", ts="1700000200.000300")).status == 200
    [post] = web_api.wait_for_posts(1)
    assert post.params["thread_ts"] == "1700000200.000300"
    assert "156.5 GiB (168.0 GB)" in post.params["text"]


def test_the_mention_itself_is_not_part_of_the_question(slack, web_api, mention):
    slack.event(mention("70B fp16", ts="1700000300.000100"))
    [post] = web_api.wait_for_posts(1)
    assert BOT_USER_ID not in json.dumps(post.params)


def test_a_retried_event_is_not_answered_twice(posts_caused_by, mention):
    event = mention("70B int4", ts="1700000400.000100")
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert posts_caused_by(event, headers=retry) == []


def test_a_mention_that_is_not_understood_is_explained_to_the_asker_only(slack, web_api, mention):
    slack.event(mention("what about a toaster", ts="1700000500.000100"))
    [post] = web_api.wait_for_posts(1)
    assert post.method == "chat.postEphemeral"
    assert post.params["user"] == "U0ASKER"
    assert post.params["thread_ts"] == "1700000500.000100"
    assert "`@vram " in json.dumps(post.params["blocks"])


def test_private_in_a_mention_answers_the_asker_only(slack, web_api, mention):
    slack.event(mention("70B fp16 private", ts="1700000600.000100"))
    [post] = web_api.wait_for_posts(1)
    assert post.method == "chat.postEphemeral" and "156.5 GiB" in post.params["text"]


def test_a_failed_reply_is_one_log_line(slack, web_api, mention, monkeypatch, caplog):
    refused = {"ok": False, "error": "not_in_channel"}
    monkeypatch.setattr(web_api, "_result", lambda method, params: refused)
    slack.event(mention("70B fp16", ts="1700000700.000100"))
    deadline = time.monotonic() + 5
    while not (errors := [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]):
        assert time.monotonic() < deadline, "the failure was never logged"
        time.sleep(0.01)
    time.sleep(0.05)
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 1
    assert "SlackApiError" in errors[0] and "not_in_channel" in errors[0] and "\n" not in errors[0]
