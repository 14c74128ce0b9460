from slack_bolt import App

from bot.listeners.commands.vram_command import (
    COMMAND,
    answer_after_lookup,
    answer_vram_command,
)


def register(app: App) -> None:
    app.command(COMMAND)(ack=answer_vram_command, lazy=[answer_after_lookup])
