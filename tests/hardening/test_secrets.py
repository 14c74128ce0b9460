"""Tokens and the signing secret never reach a log line or an error message, whatever
happens: good and bad requests, Web API faults and retries, refused start-ups. Every
logger is captured at DEBUG, the level where libraries say the most."""

import logging
import threading
import time

import pytest
from werkzeug.serving import make_server

from bot.app import build_app
from bot.config import ConfigError, Settings, web_client
from bot.http import create_flask_app
from bot.web_api_stub import RATELIMITED, SERVER_ERROR, Fault
from tests.hardening.conftest import make_direct_message, make_mention, wait_until

# Shaped like the real thing, so that a partial leak (a prefix, a suffix) is caught too.
BOT_TOKEN = "xoxb-2741938575-7319847204736-Zk4qPw9TnV2rXb8LmC3sYd1F"
APP_TOKEN = "xapp-1-A07B2C3D4E5-7319847204737-9f8e7d6c5b4a39281706f5e4d3c2b1a0"
SIGNING_SECRET = "8f14e45fceea167a5a36dedd4bea2543"


def leaks(text: str) -> list[str]:
    pieces = []
    for secret in (BOT_TOKEN, APP_TOKEN, SIGNING_SECRET):
        pieces += [secret, secret[-12:], secret[5:21]]  # whole, its end, its middle
    return [piece for piece in pieces if piece in text]


@pytest.fixture
def everything_logged(caplog):
    caplog.set_level(logging.DEBUG)  # before any App is built: Bolt copies the root level
    return caplog


@pytest.fixture
def real_looking_app(web_api, everything_logged, monkeypatch, signed_sender):
    """HTTP mode built from the environment, as gunicorn builds it, served on 127.0.0.1."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_APP_TOKEN", APP_TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.setenv("SLACK_API_URL", web_api.url)
    monkeypatch.setenv("LOG_LEVEL", "DEBUG")
    settings = Settings.from_env()
    client = web_client(BOT_TOKEN, web_api.url, timeout=0.3, backoff_s=0.01)
    bolt_app = build_app(token=BOT_TOKEN, signing_secret=SIGNING_SECRET, client=client)
    assert create_flask_app() is not None  # the environment's own path builds too
    server = make_server("127.0.0.1", 0, create_flask_app(bolt_app), threaded=True)
    threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True).start()
    yield settings, signed_sender(f"http://127.0.0.1:{server.port}/slack/events", SIGNING_SECRET)
    server.shutdown()
    server.server_close()


def test_no_secret_in_any_log_line_or_answer_whatever_happens(
    real_looking_app, web_api, everything_logged
):
    settings, slack = real_looking_app
    replies = [
        slack.command("70B fp16"),
        slack.command("a toaster, please"),
        slack.command("70B fp16", signature="v0=" + "0" * 64),
        slack.command("70B fp16", timestamp=int(time.time()) - 600),
    ]
    web_api.script(
        "chat.postMessage",
        RATELIMITED,
        SERVER_ERROR,
        Fault(error="not_in_channel"),
        Fault(error="invalid_auth"),
        Fault(delay_s=1.0),
    )
    for n in range(5):
        replies.append(slack.event(make_mention("70B fp16", ts=f"1700000000.00010{n}")))
    replies.append(slack.event(make_direct_message("70B int4", ts="1700000000.000200")))
    wait_until(lambda: len(web_api.posts()) >= 7, what="every reply and retry")
    time.sleep(0.5)  # the timed-out post's log line
    assert {reply.status for reply in replies} == {200, 401}

    logged = everything_logged.text  # formatted, exception tracebacks included
    assert "chat.postMessage" in logged  # the Web API calls were logged at DEBUG
    assert leaks(logged) == []
    assert leaks(repr(settings)) == []
    assert leaks("\n".join(reply.body for reply in replies)) == []


def test_no_secret_in_start_up_errors(web_api, monkeypatch):
    refused = {"ok": False, "error": "invalid_auth"}
    monkeypatch.setattr(web_api, "_result", lambda method, params: refused)
    with pytest.raises(ConfigError) as rejected:
        build_app(token=BOT_TOKEN, signing_secret=SIGNING_SECRET, api_url=web_api.url)
    assert leaks(str(rejected.value)) == []
    wrong_kind = Settings(bot_token=APP_TOKEN, app_token=BOT_TOKEN, signing_secret=SIGNING_SECRET)
    with pytest.raises(ConfigError) as misplaced:
        wrong_kind.require_socket_mode()
    assert "should start with" in str(misplaced.value) and leaks(str(misplaced.value)) == []


def test_the_leak_detector_detects(everything_logged):
    logging.getLogger("vram.bot").debug("token tail %s", BOT_TOKEN[-12:])
    assert leaks(everything_logged.text) != []  # a test that cannot fail proves nothing
