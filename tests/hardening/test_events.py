"""Events: only DMs (and mentions) are answered; each event once, whatever Slack retries or
replays; a bot's mention is answered, and no reply ever mentions @vram or any bot."""

import json
import re

import pytest

from bot.answer import Reply
from bot.middleware import RecentEvents
from bot.web_api_stub import BOT_USER_ID
from tests.hardening.conftest import make_direct_message, make_mention, wait_until

LUNCH = "hello team, lunch at noon?"
MENTION_MARKUP = re.compile(r"<[@!]")


@pytest.mark.parametrize("channel_type, channel", [("channel", "C0GENERAL"),
                                                   ("group", "G0PRIVATE"), ("mpim", "G0GROUPDM")])  # fmt: skip
def test_a_message_in_a_channel_is_not_answered(posts_caused_by, channel_type, channel):
    message = make_direct_message(LUNCH, ts="1700000000.000100", channel=channel,
                                  channel_type=channel_type)  # fmt: skip
    assert posts_caused_by(message) == []


def test_a_dm_is_still_answered(slack, web_api):
    assert slack.event(make_direct_message("70B fp16", ts="1700000000.000200")).status == 200
    [post] = web_api.wait_for_posts(1)
    assert post.params["channel"] == "D0ASKER" and "156.5 GiB" in post.params["text"]


def retry(num: int, reason: str) -> dict[str, str]:
    return {"X-Slack-Retry-Num": str(num), "X-Slack-Retry-Reason": reason}


@pytest.mark.parametrize("reason", ["http_error", "connection_failed"])
def test_a_retry_whose_first_delivery_never_arrived_is_answered_once(
    slack,
    web_api,
    posts_caused_by,
    reason,
):
    event = make_mention("70B fp16", ts="1700000000.000300")
    [answer] = posts_caused_by(event, headers=retry(1, reason))
    assert (
        answer.params["thread_ts"] == "1700000000.000300" and "156.5 GiB" in answer.params["text"]
    )
    # Slack goes on retrying (our 200 was lost too): the event is not answered again
    assert posts_caused_by(event, headers=retry(2, reason)) == [answer]
    assert posts_caused_by(event, headers=retry(3, "http_timeout")) == [answer]


def test_a_retry_after_a_late_ack_is_not_answered_twice(posts_caused_by):
    event = make_mention("70B fp16", ts="1700000000.000400")
    [answer] = posts_caused_by(event)
    assert posts_caused_by(event, headers=retry(1, "http_timeout")) == [answer]


def test_an_http_timeout_retry_of_an_event_this_process_never_saw_is_not_answered(
    posts_caused_by,
):
    """Another worker acknowledged it too late: that worker answers it."""
    event = make_mention("70B fp16", ts="1700000000.000500")
    assert posts_caused_by(event, headers=retry(1, "http_timeout")) == []


def test_an_event_delivered_twice_is_answered_once(posts_caused_by):
    event = make_direct_message("70B int4", ts="1700000000.000600")
    [answer] = posts_caused_by(event)
    assert posts_caused_by(event) == [answer]  # the same event_id, no retry header


def test_recent_events_forget_after_the_retry_window_and_stay_bounded():
    now = [0.0]
    recent = RecentEvents(window_s=600, max_events=3, clock=lambda: now[0])
    assert recent.first_time("Ev1") and not recent.first_time("Ev1")
    now[0] = 599.0
    assert not recent.first_time("Ev1")  # Slack's last retry comes after 5 minutes
    now[0] = 601.0
    assert recent.first_time("Ev1")  # past the window: forgotten, then remembered anew
    for event_id in ("Ev2", "Ev3", "Ev4"):
        assert recent.first_time(event_id)
    assert len(recent) == 3  # the oldest (Ev1) made room
    assert recent.first_time("Ev1")


def bot_mention(text: str, ts: str) -> dict:
    return {**make_mention(text, ts=ts), "user": "U0OTHERBOT", "bot_id": "B0OTHERBOT"}


@pytest.mark.parametrize(
    "text",
    ["70B fp16", "<@U0OTHERBOT> a toaster please <!channel>", "help",
     f"&lt;@{BOT_USER_ID}&gt; &lt;!here&gt; 70B fp16 <@U0OTHERBOT|otherbot>"],
    ids=["answer", "not understood", "help", "escaped mentions"],
)  # fmt: skip
def test_a_bots_mention_is_answered_in_the_thread_mentioning_nobody(slack, web_api, text):
    assert slack.event(bot_mention(text, ts="1700000000.000700")).status == 200
    [post] = web_api.wait_for_posts(1)
    # In the thread, for all to see: a bot cannot read an ephemeral message.
    assert post.method == "chat.postMessage" and post.params["thread_ts"] == "1700000000.000700"
    posted = json.dumps(post.params)
    assert not MENTION_MARKUP.search(post.params["text"] + json.dumps(post.params["blocks"])), (
        posted
    )
    assert "link_names" not in post.params  # Slack would turn a plain @name into a mention


def test_no_reply_posted_after_the_ack_can_mention_anyone(slack, web_api, monkeypatch):
    """Whatever a renderer puts in a reply, what is posted to a mention or DM pings nobody."""
    pinging = "<@U0OTHERBOT> <@U0VRAMBOT|vram> <!channel> <!subteam^S0TEAM|@gpu-team> asked"

    def reply_that_mentions(text, **_):
        block = {"type": "section", "text": {"type": "mrkdwn", "text": pinging}}
        return Reply("answer", [block, {"type": "context", "elements": [block["text"]]}], pinging)

    # Mentions and DMs both reply through bot.follow_up (a follow-up in a thread, or not).
    monkeypatch.setattr("bot.follow_up.reply_to_text", reply_that_mentions)
    slack.event(bot_mention("70B", ts="1700000000.000800"))
    slack.event(make_mention("70B", ts="1700000000.000900"))
    slack.event(make_direct_message("70B", ts="1700000000.001000"))
    wait_until(lambda: len(web_api.posts()) == 3, what="the three replies")
    for post in web_api.posts():
        shown = post.params["text"] + json.dumps(post.params["blocks"])
        assert not MENTION_MARKUP.search(shown), shown
        assert "@U0OTHERBOT @vram @channel @gpu-team asked" in post.params["text"]
