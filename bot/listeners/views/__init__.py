from slack_bolt import App

from bot import form
from bot.listeners.views.size_form import check_form, post_form_answer, suggest_models
from bot.render.form_view import FORM_CALLBACK_ID


def register(app: App) -> None:
    app.view(FORM_CALLBACK_ID)(ack=check_form, lazy=[post_form_answer])
    app.options(form.MODEL)(suggest_models)
