"""`@vram 70B int4` in a channel: answered in the thread, so the numbers stay with the discussion."""

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.follow_up import reply_in_thread
from bot.post import Destination, post_reply

INVOCATION = "@vram"


def answer_mention(event: dict, client: WebClient, context: BoltContext) -> None:
    if event.get("channel", "").startswith("D"):
        return  # a mention in a DM: the direct-message listener answers it, once
    # In a thread, "@vram same with int4" is a follow-up of the thread's last answer.
    reply = reply_in_thread(event, client, invocation=INVOCATION, bot_user_id=context.bot_user_id)
    # In the thread's root, or start one; another app's mention has no user to whisper to.
    to = Destination.of_event(event, event.get("thread_ts") or event["ts"])
    post_reply(client, reply, to, ephemeral=reply.only_for_asker, surface="app_mention")
