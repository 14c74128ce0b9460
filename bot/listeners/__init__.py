"""Listeners, grouped by the Slack surface they answer; each package has `register(app)`."""

from slack_bolt import App

from bot.listeners import actions, commands, events, home, messages, shortcuts, views


def register_listeners(app: App) -> None:
    actions.register(app)
    commands.register(app)
    events.register(app)
    home.register(app)
    messages.register(app)
    shortcuts.register(app)
    views.register(app)
