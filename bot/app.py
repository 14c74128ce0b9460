"""Builds the Bolt App: the Web API client, the middleware and the listeners. Nothing else."""

import logging
from concurrent.futures import Executor
from urllib.error import URLError

from slack_bolt import App
from slack_bolt.error import BoltError
from slack_sdk import WebClient

from bot.answer import log_failure
from bot.config import ConfigError, Settings
from bot.listeners import register_listeners
from bot.middleware import skip_slack_retries


def build_app(
    *,
    token: str,
    signing_secret: str = "",
    api_url: str | None = None,
    listener_executor: Executor | None = None,
) -> App:
    """A Bolt App answering /vram, mentions and DMs.

    `api_url`: base URL of the Slack Web API (SLACK_API_URL), e.g. a stand-in on 127.0.0.1.
    Bolt calls auth.test there while building the App, to check the token and learn the
    bot's user id; a token Slack rejects raises ConfigError.
    """
    client = WebClient(token=token, base_url=api_url or WebClient.BASE_URL)
    try:
        app = App(
            name="vram",
            client=client,
            signing_secret=signing_secret,
            # False (Bolt's default) on purpose: on a long-running process (gunicorn, Socket
            # Mode) Bolt acknowledges events at once and runs listeners on its thread pool,
            # so a slow chat.postMessage never delays the ack and Slack does not retry.
            # The slash command is answered in its ack, computed in milliseconds, either way.
            # True is only for FaaS, where the process is frozen after the HTTP response.
            process_before_response=False,
            listener_executor=listener_executor,
        )
    except BoltError as error:  # auth.test said no: the message names the API error, not the token
        raise ConfigError(f"Slack rejected SLACK_BOT_TOKEN: {error}") from None
    except URLError as error:
        raise ConfigError(
            f"cannot reach the Slack Web API at {client.base_url}: {error.reason}"
        ) from None
    # Bolt logs the whole body of a request whose signature is wrong at INFO, and a replayed
    # slash command carries a response_url and the legacy verification token: keep it out.
    logging.getLogger("slack_bolt.RequestVerification").setLevel(logging.WARNING)
    app.use(skip_slack_retries)
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
    """Failures outside reply_to (posting the reply itself): the user cannot be told there."""
    event = body.get("event", {}).get("type") or body.get("command") or body.get("type")
    log_failure(error, f"replying to {event}")
