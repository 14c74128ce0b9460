from slack_bolt import App

from bot.listeners.ack import acknowledge
from bot.listeners.home.app_home import publish_home


def register(app: App) -> None:
    app.event("app_home_opened")(ack=acknowledge, lazy=[publish_home])
