"""`/vram 70B fp16`: answered in the acknowledgement itself.

Answering in the ack (not with chat.postMessage or response_url) works in any channel or DM
even where the bot is not a member, needs no chat:write there, and arrives well inside
Slack's 3 seconds because the estimate takes milliseconds. Bolt runs this in the request's
thread (process_before_response, bot.config.new_bolt_app): no thread pool, no polling.
"""

from slack_bolt import Ack

from bot.answer import reply_to_text

COMMAND = "/vram"


def answer_vram_command(ack: Ack, command: dict) -> None:
    reply = reply_to_text(
        command.get("text", ""), invocation=COMMAND, echo_for=command.get("user_id")
    )
    ack(
        response_type="ephemeral" if reply.only_for_asker else "in_channel",
        blocks=reply.blocks,
        text=reply.text,
    )
