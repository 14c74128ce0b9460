"""A what-if button: the question again with one change, answered in place.

A slash command's answer (or any ephemeral one) is replaced through the click's
`response_url` with `replace_original`: the bot may not be in that channel, and an
ephemeral message has no ts to update. The bot's own messages (mentions, DMs) are
replaced with chat.update, which keeps their metadata in step with the new question.
A question that cannot be answered leaves the answer as it was and tells the clicker.
"""

import logging

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.answer import Reply, reply_to
from bot.listeners.commands.vram_command import COMMAND
from bot.listeners.home.app_home import show_in_home
from bot.post import api_failure
from bot.question import Question
from bot.render.what_if_blocks import read_what_if

log = logging.getLogger("vram.bot")


def answer_what_if(body: dict, action: dict, client: WebClient, respond: Respond) -> None:
    try:
        text, invocation = read_what_if(action.get("value") or "")
    except ValueError:
        log.warning("a what-if click carried a value that is not ours; ignored")
        return
    container = body.get("container") or {}
    clicker = (body.get("user") or {}).get("id")
    if container.get("type") == "view":  # an example run from the Home tab
        reply = reply_to(Question(text), invocation=invocation)
        show_in_home(client, clicker, reply.blocks)
        return
    by_response_url = invocation == COMMAND or container.get("is_ephemeral")
    reply = reply_to(
        Question(text),
        invocation=invocation,
        echo_for=clicker if invocation == COMMAND else None,
        echo_verb="tried",
    )
    if reply.kind != "answer":
        _respond(respond, reply, response_type="ephemeral", replace_original=False)
    elif by_response_url:
        _respond(respond, reply, replace_original=True)
    else:
        replace_message(client, reply, container.get("channel_id"), container.get("message_ts"))


def replace_message(client: WebClient, reply: Reply, channel: str | None, ts: str | None) -> bool:
    try:
        client.chat_update(
            channel=channel, ts=ts, blocks=reply.blocks, text=reply.text, metadata=reply.metadata
        )
        return True
    except Exception as error:
        failure, _, _ = api_failure(error, client)
        log.error("could not update the answer in %s: chat.update %s", channel, failure)
        return False


def _respond(respond: Respond, reply: Reply, **how) -> None:
    try:
        response = respond(blocks=reply.blocks, text=reply.text, **how)
        if response.status_code != 200:
            log.error("the click's response_url answered HTTP %s", response.status_code)
    except Exception as error:
        log.error("could not answer a click through its response_url: %s", type(error).__name__)
