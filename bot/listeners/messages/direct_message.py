"""A direct message to the bot: answered in the DM (in its thread, if it was sent in one)."""

from slack_sdk import WebClient

from bot.answer import reply_to_text
from bot.post import Destination, post_reply


def answer_direct_message(event: dict, client: WebClient) -> None:
    if event.get("channel_type") != "im":
        return  # a channel, private channel or group DM: not a question to the bot
    if event.get("subtype") or event.get("bot_id"):
        return  # edits, deletions, other bots: nothing was asked
    reply = reply_to_text(event.get("text", ""), invocation="")
    to = Destination.of_event(event, event.get("thread_ts"))
    # The DM is already private: problems and help go there as ordinary messages.
    post_reply(client, reply, to, ephemeral=False, surface="direct message")
