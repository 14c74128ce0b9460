"""A direct message to the bot: answered in the DM (in its thread, if it was sent in one)."""

from slack_bolt import Say

from bot.answer import reply_to
from bot.question import question_from_slack


def answer_direct_message(event: dict, say: Say) -> None:
    if event.get("subtype") or event.get("bot_id"):
        return  # edits, deletions, other bots: nothing was asked
    question = question_from_slack(event.get("text", ""))
    reply = reply_to(question, invocation="")
    say(blocks=reply.blocks, text=reply.text, thread_ts=event.get("thread_ts"))
