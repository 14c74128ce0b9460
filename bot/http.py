"""HTTP mode: the App behind Flask, for gunicorn (see Procfile).

    gunicorn --preload 'bot.http:create_flask_app()'

Slack calls POST /slack/events for the slash command and for events alike. `--preload`
builds the App once in gunicorn's master, so a missing setting stops gunicorn with one clear
message instead of a loop of workers failing to boot.
"""

import sys

from flask import Flask, request
from slack_bolt import App
from slack_bolt.adapter.flask import SlackRequestHandler

from bot.app import build_app_from_settings
from bot.config import ConfigError, Settings
from bot.logs import configure_logging

EVENTS_PATH = "/slack/events"


def create_flask_app(bolt_app: App | None = None) -> Flask:
    """The WSGI app; with no `bolt_app`, one is built from the environment (HTTP mode)."""
    if bolt_app is None:
        configure_logging()
        bolt_app = _bolt_app_from_env()
    handler = SlackRequestHandler(bolt_app)
    flask_app = Flask("vram")

    @flask_app.post(EVENTS_PATH)
    def slack_events():
        # Bolt checks X-Slack-Signature and X-Slack-Request-Timestamp (5 minutes) and answers 401.
        return handler.handle(request)

    @flask_app.get("/")
    def alive():
        return {"ok": True, "app": "vram", "slack_endpoint": EVENTS_PATH}

    return flask_app


def _bolt_app_from_env() -> App:
    settings = Settings.from_env()
    try:
        settings.require_http_mode()
        return build_app_from_settings(settings)
    except ConfigError as error:
        sys.exit(str(error))  # one clear line on stderr, exit status 1, no traceback
