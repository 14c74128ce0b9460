from slack_bolt import App

from bot.listeners.ack import acknowledge
from bot.listeners.events.app_mention import answer_mention


def register(app: App) -> None:
    app.event("app_mention")(ack=acknowledge, lazy=[answer_mention])
