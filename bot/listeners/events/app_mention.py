"""`@vram 70B int4` in a channel: answered in the thread, so the numbers stay with the discussion."""

from slack_sdk import WebClient

from bot.answer import reply_to_text
from bot.post import Destination, post_reply

INVOCATION = "@vram"


def answer_mention(event: dict, client: WebClient) -> None:
    if event.get("channel", "").startswith("D"):
        return  # a mention in a DM: the direct-message listener answers it, once
    reply = reply_to_text(event.get("text", ""), invocation=INVOCATION)
    # In the thread's root, or start one; another app's mention has no user to whisper to.
    to = Destination.of_event(event, event.get("thread_ts") or event["ts"])
    post_reply(client, reply, to, ephemeral=reply.only_for_asker, surface="app_mention")
