"""`/vram 70B fp16`: answered in the acknowledgement itself.

Answering in the ack (not with chat.postMessage or response_url) works in any channel or DM
even where the bot is not a member, needs no chat:write there, and arrives well inside
Slack's 3 seconds because the estimate takes milliseconds. Bolt runs this in the request's
thread (process_before_response, bot.config.new_bolt_app): no thread pool, no polling.

A repository the catalog does not know and that was not looked up before takes up to 8 s
on the Hub (hub/lookup.py), longer than Slack waits: the ack says "Looking up … on Hugging
Face", with the visibility the answer will have, and the lazy listener answers through the
command's response_url, replacing that message. That answer runs on the App's listener
pool, as a lazy listener would, but only when a lookup is needed: a lazy listener made Bolt
copy every /vram request to hand it over (0.15 ms of 0.8 ms a request, bench/).
"""

import logging

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.answer import MAX_TEXT_CHARS, Reply, reply_to_text
from bot.listeners.views.size_form import open_form
from bot.question import question_from_slack
from bot.render.mrkdwn import code
from hub.answer import lookup_needed

COMMAND = "/vram"
LOOKING_UP = "Looking up"  # how the ack of a Hub lookup starts
log = logging.getLogger("vram.bot")


def _response_type(private: bool) -> str:
    return "ephemeral" if private else "in_channel"


def answer_vram_command(
    ack: Ack, command: dict, client: WebClient, respond: Respond, context: BoltContext
) -> None:
    if not command.get("text", "").strip() and _open_form(client, command):
        ack()  # a bare /vram opens the form (bot.listeners.views.size_form)
        return
    text = command.get("text", "")
    question = question_from_slack(text)
    too_long = len(text) > MAX_TEXT_CHARS
    ref = None if question.wants_help or too_long else lookup_needed(question.text)
    if ref is not None and command.get("response_url"):
        looking = f"{LOOKING_UP} {code(ref.shown)} on Hugging Face…"
        ack(
            response_type=_response_type(question.private),
            blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": looking}}],
            text=looking,
        )
        context.listener_runner.listener_executor.submit(answer_after_lookup, command, respond)
        return
    reply = reply_to_text(text, invocation=COMMAND, echo_for=command.get("user_id"))
    ack(
        response_type="ephemeral" if reply.only_for_asker else "in_channel",
        blocks=reply.blocks,
        text=reply.text,
    )


def answer_after_lookup(command: dict, respond: Respond) -> None:
    """The answer the ack promised, once the Hub has answered (or not), after the ack."""
    text = command.get("text", "")
    reply = reply_to_text(text, invocation=COMMAND, echo_for=command.get("user_id"))
    _respond(respond, reply, question_from_slack(text).private)


def _respond(respond: Respond, reply: Reply, private: bool) -> None:
    try:
        response = respond(
            response_type=_response_type(private),
            replace_original=True,
            blocks=reply.blocks,
            text=reply.text,
        )
        if response.status_code != 200:
            log.error("the command's response_url answered HTTP %s", response.status_code)
    except Exception as error:
        log.error("could not answer through the command's response_url: %s", type(error).__name__)


def _open_form(client: WebClient, command: dict) -> bool:
    origin = {"channel": command.get("channel_id"), "response_url": command.get("response_url")}
    return open_form(client, command.get("trigger_id", ""), origin)
