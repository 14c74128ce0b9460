from slack_bolt import App

from bot.listeners.views.size_form import open_form_from_shortcut

SIZE_A_MODEL = "size_a_model"  # the global shortcut's callback_id (manifest.yml)


def register(app: App) -> None:
    app.shortcut(SIZE_A_MODEL)(open_form_from_shortcut)
