from slack_bolt import App

from bot.listeners.commands.vram_command import COMMAND, answer_vram_command


def register(app: App) -> None:
    app.command(COMMAND)(answer_vram_command)
