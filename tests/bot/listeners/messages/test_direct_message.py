"""A direct message to the bot: answered in the DM."""

from bot.web_api_stub import BOT_ID, BOT_USER_ID


def test_a_direct_message_is_answered_in_the_dm(slack, web_api, direct_message):
    assert slack.event(direct_message("70B fp16", ts="1700001000.000100")).status == 200
    [post] = web_api.wait_for_posts(1)
    assert post.method == "chat.postMessage"
    assert post.params["channel"] == "D0ASKER"
    assert "thread_ts" not in post.params
    assert "156.5 GiB (168.0 GB)" in post.params["text"]


def test_a_reply_in_a_dm_thread_stays_in_that_thread(slack, web_api, direct_message):
    slack.event(direct_message("70B int4", ts="1700001100.000200", thread_ts="1700001100.000100"))
    [post] = web_api.wait_for_posts(1)
    assert post.params["thread_ts"] == "1700001100.000100"


def test_edits_and_the_bots_own_messages_are_not_answered(posts_caused_by, direct_message):
    edited = direct_message("70B fp16", ts="1700001200.000100", subtype="message_changed")
    own = direct_message("156.5 GiB", ts="1700001300.000100", user=BOT_USER_ID, bot_id=BOT_ID)
    assert posts_caused_by(edited) == []
    assert posts_caused_by(own) == []


def test_a_mention_in_a_dm_is_answered_once(posts_caused_by, slack, web_api, mention):
    assert posts_caused_by(mention("70B fp16", ts="1700001400.000100", channel="D0ASKER")) == []
