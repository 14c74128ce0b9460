"""The baseline: a Bolt app configured like ours whose one listener acknowledges a constant.

Same Web API client and App settings (bot.config.web_client and new_bolt_app), the same
Flask adapter and the same gunicorn command; only the work is missing: no estimator (so no
pint), no Block Kit, no middleware. Served by gunicorn as `bench.bare_app:create_flask_app()`.
"""

import os

from flask import Flask, request
from slack_bolt import Ack, App
from slack_bolt.adapter.flask import SlackRequestHandler

from bot.config import new_bolt_app, web_client

CONSTANT = "70B fp16: 156.5 GiB (168.0 GB)"
EVENTS_PATH = "/slack/events"  # as bot.http, which is not imported: it would load the estimator


def build_bare_app(*, token: str, signing_secret: str, api_url: str | None = None) -> App:
    app = new_bolt_app("bare", web_client(token, api_url), signing_secret)

    @app.command("/vram")
    def constant(ack: Ack) -> None:
        ack(CONSTANT)

    return app


def create_flask_app() -> Flask:
    bolt_app = build_bare_app(
        token=os.environ["SLACK_BOT_TOKEN"],
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        api_url=os.environ.get("SLACK_API_URL"),
    )
    handler = SlackRequestHandler(bolt_app)
    flask_app = Flask("bare")

    @flask_app.post(EVENTS_PATH)
    def slack_events():
        return handler.handle(request)

    @flask_app.get("/")
    def alive():
        return {"ok": True, "app": "bare"}

    return flask_app
