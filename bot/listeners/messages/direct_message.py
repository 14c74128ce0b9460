"""A direct message to the bot: answered in the DM (in its thread, if it was sent in one)."""

from slack_sdk import WebClient

from bot.follow_up import reply_in_thread
from bot.post import Destination, post_reply


def answer_direct_message(event: dict, client: WebClient) -> None:
    if event.get("channel_type") != "im":
        return  # a channel, private channel or group DM: not a question to the bot
    if event.get("subtype") or event.get("bot_id"):
        return  # edits, deletions, other bots: nothing was asked
    reply = reply_in_thread(event, client, invocation="")  # a follow-up, in a DM's thread
    to = Destination.of_event(event, event.get("thread_ts"))
    # The DM is already private: problems and help go there as ordinary messages.
    post_reply(client, reply, to, ephemeral=False, surface="direct message")
