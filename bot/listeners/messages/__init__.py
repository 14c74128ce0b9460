from slack_bolt import App

from bot.listeners.ack import acknowledge
from bot.listeners.messages.direct_message import answer_direct_message


def register(app: App) -> None:
    # Every message event, whatever its subtype, so that none goes unhandled (Bolt would
    # answer 404 and Slack would retry it); the listener ignores edits, joins and the like.
    # Bolt matches only `type` and `subtype`: channel_type here names the one the listener
    # answers (message.im, for the manifest's test), and the listener checks it.
    app.event({"type": "message", "channel_type": "im"})(
        ack=acknowledge, lazy=[answer_direct_message]
    )
