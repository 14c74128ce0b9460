"""The "Size a model" form: opened by a bare /vram or the global shortcut, its model menu
filled by an options listener, its submission checked (errors shown under the field) and
answered where it was asked.

Where to answer travels in the view's private_metadata: a /vram form answers in its channel
through the command's response_url (which works where the bot is not a member), a shortcut's
form in the asker's DM with the bot.
"""

import json
import logging

from slack_bolt import Ack
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from bot import form
from bot.answer import reply_to
from bot.post import Destination, api_failure, post_reply
from bot.question import Question
from bot.render.form_view import form_view, options_for, submitted_values

log = logging.getLogger("vram.bot")
INVOCATION = "/vram"  # the form is the command's: its answers and examples say /vram


def open_form(client: WebClient, trigger_id: str, origin: dict) -> bool:
    """views.open with the trigger of a command or shortcut; False if Slack refused."""
    try:
        client.views_open(trigger_id=trigger_id, view=form_view(origin))
        return True
    except Exception as error:
        failure, _, _ = api_failure(error, client)
        log.error("could not open the form: views.open %s", failure)
        return False


def open_form_from_shortcut(ack: Ack, shortcut: dict, client: WebClient) -> None:
    ack()
    open_form(client, shortcut["trigger_id"], {"user": shortcut["user"]["id"]})


def suggest_models(ack: Ack, payload: dict) -> None:
    ack(options=options_for(form.model_choices(payload.get("value") or "")))


def check_form(ack: Ack, view: dict) -> None:
    errors = form.field_errors(submitted_values(view))
    if errors:
        ack(response_action="errors", errors=errors)
    else:
        ack()  # closes the form; the answer follows (post_form_answer)


def post_form_answer(body: dict, view: dict, client: WebClient) -> None:
    values = submitted_values(view)
    if form.field_errors(values):
        return  # the form is still open, showing the errors
    user = body["user"]["id"]
    origin = json.loads(view.get("private_metadata") or "{}")
    reply = reply_to(Question(form.question_text(values)), invocation=INVOCATION, echo_for=user)
    # The conversation picked in the shortcut's form comes with its own response_url.
    picked = next((r["response_url"] for r in body.get("response_urls") or []), None)
    if origin.get("response_url") or picked:
        _post_to_response_url(origin.get("response_url") or picked, reply)
    else:
        to = Destination(origin.get("channel") or user, None, user)
        post_reply(client, reply, to, ephemeral=False, surface="the form")


def _post_to_response_url(url: str, reply) -> None:
    try:
        response = WebhookClient(url, timeout=10).send(
            response_type="in_channel", blocks=reply.blocks, text=reply.text
        )
        if response.status_code != 200:
            log.error(
                "could not post the form's answer: response_url HTTP %s", response.status_code
            )
    except Exception as error:
        log.error("could not post the form's answer: response_url %s", type(error).__name__)
