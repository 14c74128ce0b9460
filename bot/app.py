"""Builds the Bolt App: the Web API client, the middleware and the listeners. Nothing else."""

import logging
from concurrent.futures import Executor

from slack_bolt import App
from slack_sdk import WebClient

from bot.answer import log_failure
from bot.config import Settings, new_bolt_app, web_client
from bot.listeners import register_listeners
from bot.middleware import RecentEvents, answer_each_event_once, ignore_unanswerable_events


def build_app(
    *,
    token: str,
    signing_secret: str = "",
    api_url: str | None = None,
    listener_executor: Executor | None = None,
    client: WebClient | None = None,
) -> App:
    """A Bolt App answering /vram, mentions and DMs.

    `api_url`: base URL of the Slack Web API (SLACK_API_URL), e.g. a stand-in on 127.0.0.1.
    Bolt calls auth.test there while building the App, to check the token and learn the
    bot's user id; a token Slack rejects raises ConfigError. `client` replaces the Web API
    client built from `token` and `api_url` (tests use shorter timeouts and backoffs).
    """
    client = client or web_client(token, api_url)
    app = new_bolt_app("vram", client, signing_secret, listener_executor)
    # Bolt logs the whole body of a request whose signature is wrong at INFO, and a replayed
    # slash command carries a response_url and the legacy verification token: keep it out.
    logging.getLogger("slack_bolt.RequestVerification").setLevel(logging.WARNING)
    app.use(answer_each_event_once(RecentEvents()))
    app.use(ignore_unanswerable_events)
    app.error(_log_listener_failure)
    register_listeners(app)
    return app


def build_app_from_settings(settings: Settings) -> App:
    return build_app(
        token=settings.bot_token or "",
        signing_secret=settings.signing_secret or "",
        api_url=settings.api_url,
    )


def _log_listener_failure(error: Exception, body: dict) -> None:
    """A failure that escaped a listener's ack function (a bug): one line, the user sees
    Bolt's default. Replies posted after the ack report their own failures (bot.post)."""
    log_failure(error, f"acknowledging {_what(body)}")


def _what(body: object) -> str:
    """The event type, command or payload type of a body of any shape (Socket Mode's too)."""
    if not isinstance(body, dict):
        return "a request"
    event = body.get("event")
    for name in (event.get("type") if isinstance(event, dict) else None,
                 body.get("command"), body.get("type")):  # fmt: skip
        if isinstance(name, str):
            return name
    return "a request"
