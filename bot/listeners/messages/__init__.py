from slack_bolt import App

from bot.listeners.ack import acknowledge
from bot.listeners.messages.direct_message import answer_direct_message


def register(app: App) -> None:
    # Every message.im event, whatever its subtype, so that none goes unhandled (Bolt would
    # answer 404 and Slack would retry it); the listener ignores edits, joins and the like.
    app.event({"type": "message", "channel_type": "im"})(
        ack=acknowledge, lazy=[answer_direct_message]
    )
