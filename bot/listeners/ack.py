"""The ack of an event: at once, before the reply is worked out and posted.

Events are registered as `ack=acknowledge, lazy=[answer]`: with process_before_response
(bot.config.new_bolt_app) Bolt runs `acknowledge` in the request's thread and answers Slack
with 200, then runs the lazy `answer` on its thread pool, so posting never delays the ack.
"""

from slack_bolt import Ack


def acknowledge(ack: Ack) -> None:
    ack()
