"""`@vram 70B int4` in a channel: answered in the thread, so the numbers stay with the discussion."""

from slack_bolt import Say
from slack_sdk import WebClient

from bot.answer import reply_to
from bot.question import question_from_slack

INVOCATION = "@vram"


def answer_mention(event: dict, say: Say, client: WebClient) -> None:
    if event.get("channel", "").startswith("D"):
        return  # a mention in a DM: the direct-message listener answers it, once
    question = question_from_slack(event.get("text", ""))
    reply = reply_to(question, invocation=INVOCATION)
    thread_ts = event.get("thread_ts") or event["ts"]  # the thread's root, or start one
    if reply.only_for_asker and event.get("user"):  # another app's mention has no user
        client.chat_postEphemeral(
            channel=event["channel"],
            user=event["user"],
            thread_ts=thread_ts,
            blocks=reply.blocks,
            text=reply.text,
        )
    else:
        say(blocks=reply.blocks, text=reply.text, thread_ts=thread_ts)
