import re

from slack_bolt import App

from bot.listeners.ack import acknowledge
from bot.listeners.actions.what_if import answer_what_if
from bot.render.what_if_blocks import WHAT_IF_ACTION_PREFIX


def register(app: App) -> None:
    app.action(re.compile("^" + re.escape(WHAT_IF_ACTION_PREFIX) + r"\d+$"))(
        ack=acknowledge, lazy=[answer_what_if]
    )
