from slack_bolt import App

from bot.listeners.commands.vram_command import COMMAND, answer_vram_command


def register(app: App) -> None:
    # A Hub lookup's answer is handed to the listener pool by the ack itself (vram_command).
    app.command(COMMAND)(answer_vram_command)
